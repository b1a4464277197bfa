"""When a stored string goes into an XLIFF `<source>`/`<target>` as markup, and when as text.

Reading keeps a segment with inline elements (`<g id="1">`, `<x id="2"/>`, `<ph>`) as its raw
inner XML, so ids survive a round trip. Writing must tell such a string from one that merely
looks like markup: `Un mot en <b>gras</b>` typed in the editor or imported from JSON is text,
and written raw a standard reader would see an element `<b>` and return `Un mot en `.

The rule (docs/formats/xliff.md): a string is written raw only if it is well-formed and every
element in it is either
- an inline element of that XLIFF version, unprefixed, with the attribute the specification
  requires (`<g id>`, `<x id>`, `<mrk mtype>`; 2.0 `<pc id>`, `<ph id>`, `<em startRef>` ...),
  so HTML that shares a name (`<em>`, `<sub>`, SVG `<g>`) is still text; or
- an element this very unit held as markup in the file the project imported (the template),
  so a file that used, say, `<html:b>` inside targets keeps it after an edit.
Everything else is escaped, and a conforming reader gets back exactly the stored string.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from entri.formats import xml_safe
from entri.formats.catalog import FormatError
from entri.formats.xml_safe import Node

_REQUIRED_12: dict[str, tuple[str, ...]] = {
    "g": ("id",),
    "x": ("id",),
    "bx": ("id",),
    "ex": ("id",),
    "bpt": ("id",),
    "ept": ("id",),
    "ph": ("id",),
    "it": ("id", "pos"),
    "mrk": ("mtype",),
    "sub": (),
}
_REQUIRED_20: dict[str, tuple[str, ...]] = {
    "cp": ("hex",),
    "ph": ("id",),
    "pc": ("id",),
    "sc": ("id",),
    "ec": (),
    "mrk": ("id",),
    "sm": ("id",),
    "em": ("startRef",),
}
_SUB_PARENTS = frozenset({"bpt", "ept", "ph", "it"})
"""XLIFF 1.2: `<sub>` only inside these (so a chemical formula's `H<sub>2</sub>O` is text)."""
_NAME = re.compile(r"</?([^\s/>]+)")
_ATTR_NAMES = re.compile(r"""([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_AMP = re.compile(r"&(?!(?:#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);)")


def _markup_ok(value: str, version: str, known: Collection[str]) -> bool:
    required = _REQUIRED_12 if version == "1.2" else _REQUIRED_20
    try:
        parts = xml_safe.tokens(value)
    except FormatError:
        return False
    stack: list[str] = []
    elements = 0
    for kind, raw in parts:
        if kind == "text":
            if _AMP.search(raw):
                return False
            continue
        if kind in ("comment", "cdata"):
            continue
        if kind not in ("start", "end"):
            return False  # a processing instruction or DOCTYPE inside a segment: text
        match = _NAME.match(raw)
        if match is None:
            return False
        name = match.group(1)
        if kind == "end":
            if not stack or stack.pop() != name:
                return False
            continue
        elements += 1
        attrs = set(_ATTR_NAMES.findall(raw))
        if name not in known:
            needed = required.get(name)
            if needed is None or any(a == "xmlns" or a.startswith("xmlns:") for a in attrs):
                return False
            if name == "ec" and not attrs & {"startRef", "id"}:
                return False
            if not set(needed) <= attrs:
                return False
            if name == "sub" and (not stack or stack[-1] not in _SUB_PARENTS):
                return False
        if not raw.endswith("/>"):
            stack.append(name)
    return elements > 0 and not stack


def element_names(node: Node | None) -> frozenset[str]:
    """Names of the elements inside `node` as written (prefix included), for `inner`."""
    if node is None:
        return frozenset()
    return frozenset(child.name for child in node.iter() if child is not node)


def inner(value: str, version: str, known: Collection[str] = ()) -> str:
    """The inner XML that stands for `value`: itself when it is inline markup, else escaped."""
    if "<" in value and _markup_ok(value, version, known):
        return value
    return xml_safe.escape_text(value)
