"""Span patching shared by the XML codecs: re-render = original text + minimal edits.

Every codec that promises byte-identical re-export edits the original document text, never a
re-serialised tree; these helpers keep those edits small and layout-preserving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from entri.formats.catalog import Entry
from entri.formats.xml_safe import Node, Span, XmlDocument, escape_attr


def replace_inner(doc: XmlDocument, node: Node, inner: str) -> tuple[int, int, str]:
    """Patch (start, end, text) giving `node` new inner XML, opening `<x/>` when needed."""
    if node.self_closing:
        tag = doc.text[node.start : node.inner_start]
        opened = re.sub(r"\s*/>$", ">", tag)
        return node.start, node.end, f"{opened}{inner}</{node.name}>"
    return node.inner_start, node.inner_end, inner


def set_attr(start_tag: str, name: str, value: str | None) -> str:
    """Rewrite one attribute of a raw start tag and leave every other byte alone."""
    pattern = re.compile(rf"""(\s+){re.escape(name)}\s*=\s*(?:"[^"]*"|'[^']*')""")
    m = pattern.search(start_tag)
    if value is None:
        return start_tag if m is None else start_tag[: m.start()] + start_tag[m.end() :]
    new = f'{name}="{escape_attr(value)}"'
    if m is not None:
        return start_tag[: m.start(1) + len(m.group(1))] + new + start_tag[m.end() :]
    close = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    while close > 0 and start_tag[close - 1].isspace():
        close -= 1
    return start_tag[:close] + " " + new + start_tag[close:]


def apply_patches(text: str, patches: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) patches in one linear pass."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(patches, key=lambda p: (p[0], p[1])):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def line_indent(text: str, offset: int) -> str:
    """Whitespace between the line start and `offset` ('' if other text precedes it)."""
    line_start = text.rfind("\n", 0, offset) + 1
    lead = text[line_start:offset]
    return lead if lead.strip() == "" else ""


def removal_span(text: str, node: Node | Span) -> tuple[int, int]:
    """The element plus its own line's indentation and newline, so removal leaves no gap."""
    start, end = node.start, node.end
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "":
        nl = text.find("\n", end)
        if nl != -1 and text[end:nl].strip() == "":
            return line_start, nl + 1
    return start, end


class Matcher:
    """Pairs memo elements with catalog entries by (namespace, key, context), in order.

    Real files repeat an identity (Angular XLIFF emits the same id twice with different
    targets), so the k-th element with an identity takes the k-th entry with it.
    """

    def __init__(self, entries: list[Entry]) -> None:
        self._queues: dict[tuple[str, str, str | None], list[Entry]] = {}
        self._taken: set[int] = set()
        self._entries = entries
        for entry in entries:
            self._queues.setdefault((entry.namespace, entry.key, entry.context), []).append(entry)
        self._next: dict[tuple[str, str, str | None], int] = {}

    def take(self, identity: tuple[str, str, str | None]) -> Entry | None:
        queue = self._queues.get(identity, [])
        index = self._next.get(identity, 0)
        if index >= len(queue):
            return None
        self._next[identity] = index + 1
        self._taken.add(id(queue[index]))
        return queue[index]

    def rest(self) -> list[Entry]:
        """Entries no memo element took, in catalog order: they are new."""
        return [e for e in self._entries if id(e) not in self._taken]


class UnitIds:
    """Hands out unit ids that no other unit of the document has.

    Keys that differ only by context (`Open` and `menu\\x04Open` reach a codec as two entries
    named `Open`) must not become two units with one id: XLIFF requires ids to be unique.
    The codec then writes another id and keeps the key in `resname` / `name`. Ids already in a
    stored document are taken, even repeated ones (Angular files repeat ids; those stay).
    """

    def __init__(self, taken: Iterable[str | None] = ()) -> None:
        self._taken = {t for t in taken if t is not None}

    def claim(self, candidates: Iterable[str]) -> str:
        """The first free candidate; `candidates` must be able to go on until one is free."""
        for candidate in candidates:
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        raise AssertionError("unit id candidates ran out")  # callers pass an endless sequence
