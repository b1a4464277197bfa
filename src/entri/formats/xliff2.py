"""XLIFF 2.x, format id `xliff2`.

Decisions (docs/formats/xliff.md): key = unit `name`, else `id`; the text of a unit is the
ordered concatenation of its segments and ignorables (the split stays in the memo, and an
edited value goes to the first segment); notes map by category (`description`/none ->
description, `meaning` -> context, `location` -> references); segment `state` initial /
translated / reviewed / final <-> untranslated / translated / reviewed / approved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import count

from entri.formats import _xliff_inline, _xml_patch, xml_safe
from entri.formats.catalog import Catalog, Entry, EntryState, FormatError, singular
from entri.formats.xml_safe import Node, XmlDocument

NS = "urn:oasis:names:tc:xliff:document:2.0"
UNDETERMINED = "und"
STATE_IN: dict[str, EntryState] = {
    "initial": "untranslated",
    "translated": "translated",
    "reviewed": "reviewed",
    "final": "approved",
}
STATE_OUT = {v: k for k, v in STATE_IN.items()}
_NMTOKEN = re.compile(r"^[\w.:-]+$")

Identity = tuple[str, str, str | None]


@dataclass
class _Unit:
    node: Node
    identity: Identity
    original: Entry
    parts: list[Node]
    """`<segment>` and `<ignorable>` children in order."""


@dataclass
class _Memo:
    doc: XmlDocument
    units: list[_Unit]
    files: dict[str, Node]


def parse(data: bytes, language: str) -> Catalog:
    doc = xml_safe.parse(data)
    root = doc.root
    if root.local != "xliff" or not root.attrs.get("version", "2").startswith("2"):
        raise FormatError('Expected an XLIFF 2 <xliff version="2.x"> root', line=1)
    files = [c for c in root.children if c.local == "file"]
    src = root.attrs.get("srcLang")
    catalog = Catalog(language=language, source_language=None if src in (None, UNDETERMINED) else src)
    if len(files) == 1:
        catalog.headers = {k: v for k, v in files[0].attrs.items() if k == "original"}
        if files[0].attrs.get("id", "f1") != "f1":
            catalog.headers["id"] = files[0].attrs["id"]
    units: list[_Unit] = []
    by_namespace: dict[str, Node] = {}
    nameless: list[Node] = []
    for index, file in enumerate(files):
        namespace = "" if len(files) == 1 else file.attrs.get("id", f"f{index + 1}")
        by_namespace.setdefault(namespace, file)
        for node in file.iter():
            if node.local == "unit":
                unit = _read_unit(doc, node, namespace)
                if unit is None:
                    nameless.append(node)
                    continue
                units.append(unit)
                copy = unit.original.bare()
                copy.references = list(unit.original.references)
                copy.extra = dict(unit.original.extra)
                catalog.entries.append(copy)
    if nameless:
        catalog.warnings.append(xml_safe.unnamed_warning(doc, nameless, "<unit>", "id or name"))
    catalog.memo = _Memo(doc=doc, units=units, files=by_namespace)
    return catalog


def _read_unit(doc: XmlDocument, node: Node, namespace: str) -> _Unit | None:
    unit_id, name = node.attrs.get("id"), node.attrs.get("name")
    key = name if name is not None else unit_id
    if key is None:
        return None  # invalid but seen in real files: kept verbatim, not an entry
    entry = Entry(key=key, namespace=namespace, extra={"id": unit_id, "name": name})
    entry.translatable = node.attrs.get("translate", "yes") != "no"
    notes_node = node.first("notes")
    notes = [n for n in notes_node.children if n.local == "note"] if notes_node else []
    description, meaning = [], []
    for note in notes:
        category, value = note.attrs.get("category"), xml_safe.text_value(doc, note)
        if category in (None, "description"):
            description.append(value)
        elif category == "meaning":
            meaning.append(value)
        elif category == "location":
            entry.references.append(value)
    entry.description = "\n".join(description) if description else None
    entry.context = "\n".join(meaning) if meaning else None
    parts = [c for c in node.children if c.local in ("segment", "ignorable")]
    sources, targets, any_source, any_target = [], [], False, False
    for part in parts:
        source, target = part.first("source"), part.first("target")
        has_source = source is not None and not source.self_closing  # `<source/>`: no source text
        source_text = xml_safe.text_value(doc, source) if source is not None and has_source else ""
        any_source = any_source or has_source
        sources.append(source_text)
        if target is not None:
            any_target = True
            targets.append(xml_safe.text_value(doc, target))
        else:
            targets.append(source_text if part.local == "ignorable" else "")
        if entry.state is None and part.local == "segment" and "state" in part.attrs:
            entry.state = STATE_IN.get(part.attrs["state"])
    entry.source = "".join(sources) if any_source else None
    entry.value = "".join(targets) if any_target else None
    return _Unit(node, (namespace, key, entry.context), entry, parts)


# -- rendering ---------------------------------------------------------------------------


def render(catalog: Catalog) -> bytes:
    catalog = replace(catalog, entries=singular(catalog.entries))
    if isinstance(catalog.memo, _Memo):
        return _render_patched(catalog, catalog.memo)
    src = xml_safe.escape_attr(catalog.source_language or UNDETERMINED)
    lang = xml_safe.escape_attr(catalog.language)
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{NS}" version="2.0" srcLang="{src}" trgLang="{lang}">\n'
    ]
    namespaces = list(dict.fromkeys(e.namespace for e in catalog.entries)) or [""]
    for namespace in namespaces:
        file_id = namespace or catalog.headers.get("id", "f1")
        original = catalog.headers.get("original") if not namespace else None
        extra = f' original="{xml_safe.escape_attr(original)}"' if original is not None else ""
        out.append(f'  <file id="{xml_safe.escape_attr(file_id)}"{extra}>\n')
        ids = _xml_patch.UnitIds()  # unique within a <file>, as XLIFF 2 requires
        for index, entry in enumerate(catalog.entries):
            if entry.namespace == namespace:
                out.append(_unit(entry, index, "    ", "  ", ids) + "\n")
        out.append("  </file>\n")
    out.append("</xliff>\n")
    return "".join(out).encode("utf-8")


def _inner(value: str, original: Node | None = None) -> str:
    return _xliff_inline.inner(value, "2.0", _xliff_inline.element_names(original))


def _id_candidates(entry: Entry, index: int) -> Iterator[str]:
    """The key when it is a valid NMTOKEN; then `u<index+1>`, `u<index+2>`, ... until one is
    free (the key is taken by another context of it, or the name `u7` by a key)."""
    if _NMTOKEN.match(entry.key):
        yield entry.key
    yield from (f"u{n}" for n in count(index + 1))


def _unit(entry: Entry, index: int, indent: str, step: str, ids: _xml_patch.UnitIds) -> str:
    """Canonical `<unit>`: id = key when it is a valid NMTOKEN no other unit has, else a
    generated id plus `name` (which import reads first)."""
    unit_id = ids.claim(_id_candidates(entry, index))
    attrs = f'id="{unit_id}"'
    if unit_id != entry.key:
        attrs += f' name="{xml_safe.escape_attr(entry.key)}"'
    if not entry.translatable:
        attrs += ' translate="no"'
    i1, i2 = indent + step, indent + step * 2
    lines = [f"{indent}<unit {attrs}>"]
    notes = [("description", entry.description), ("meaning", entry.context)]
    notes += [("location", ref) for ref in entry.references]
    written = [(c, v) for c, v in notes if v is not None]
    if written:
        lines.append(f"{i1}<notes>")
        lines.extend(f'{i2}<note category="{c}">{xml_safe.escape_text(v)}</note>' for c, v in written)
        lines.append(f"{i1}</notes>")
    state = f' state="{STATE_OUT[entry.state]}"' if entry.state is not None else ""
    lines.append(f"{i1}<segment{state}>")
    # A segment requires <source>; a key without source text gets an empty one (docs/formats/xliff.md).
    lines.append(i2 + ("<source/>" if entry.source is None else f"<source>{_inner(entry.source)}</source>"))
    if entry.value is not None:
        lines.append(f"{i2}<target>{_inner(entry.value)}</target>")
    lines += [f"{i1}</segment>", f"{indent}</unit>"]
    return "\n".join(lines)


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    doc, text = memo.doc, memo.doc.text
    matcher = _xml_patch.Matcher(catalog.entries)
    ids: dict[int, _xml_patch.UnitIds] = {}
    patches: list[tuple[int, int, str]] = []
    for unit in memo.units:
        entry = matcher.take(unit.identity)
        if entry is None:
            patches.append((*_xml_patch.removal_span(text, unit.node), ""))
            continue
        original = unit.original
        segments = [p for p in unit.parts if p.local == "segment"]
        if not segments:
            continue
        first = segments[0]
        if entry.state != original.state:
            tag = text[first.start : first.inner_start]
            state = STATE_OUT[entry.state] if entry.state is not None else None
            patches.append((first.start, first.inner_start, _xml_patch.set_attr(tag, "state", state)))
        if entry.source != original.source and entry.source is not None:
            for index, seg in enumerate(segments):
                node = seg.first("source")
                if node is not None:
                    value = entry.source if index == 0 else ""
                    patches.append(_xml_patch.replace_inner(doc, node, _inner(value, node)))
        if entry.value != original.value:
            for index, seg in enumerate(segments):
                target_value = entry.value if index == 0 or entry.value is None else ""
                patches.extend(_patch_target(doc, seg, target_value))
    for entry in matcher.rest():
        file = memo.files.get(entry.namespace) or next(iter(memo.files.values()), None)
        if file is None:
            raise FormatError("Cannot add units to an XLIFF document without <file>")
        units = [c for c in file.iter() if c.local == "unit"]
        indent = _xml_patch.line_indent(text, units[0].start) if units else "    "
        at = file.inner_end
        while at > file.inner_start and text[at - 1] in " \t":
            at -= 1
        lead = "" if text[at - 1] == "\n" else "\n"
        if id(file) not in ids:
            ids[id(file)] = _xml_patch.UnitIds(c.attrs.get("id") for c in units)
        patches.append((at, at, lead + _unit(entry, len(memo.units), indent, "  ", ids[id(file)]) + "\n"))
    return doc.encode(_xml_patch.apply_patches(text, patches))


def _patch_target(doc: XmlDocument, segment: Node, value: str | None) -> list[tuple[int, int, str]]:
    target = segment.first("target")
    if value is None:
        return [(*_xml_patch.removal_span(doc.text, target), "")] if target is not None else []
    inner = _inner(value, target)
    if target is not None:
        return [_xml_patch.replace_inner(doc, target, inner)]
    source = segment.first("source")
    if source is None:
        return [(segment.inner_start, segment.inner_start, f"<target>{inner}</target>")]
    indent = _xml_patch.line_indent(doc.text, source.start)
    return [(source.end, source.end, f"\n{indent}<target>{inner}</target>")]
