"""XLIFF 1.2, format id `xliff`: the bilingual format where the source travels with the target.

Decisions (docs/formats/xliff.md): key = `resname`, else `id`; `<target>` absent -> value None,
empty -> ""; text without inline elements is decoded, text with inline elements (`<x/>`,
`<g>`, …) is kept as its raw inner XML so ids survive. Re-render patches the original
document (target inner XML, `state`, `approved`), so untouched units stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import count

from entri.formats import _xliff_inline, _xml_patch, xml_safe
from entri.formats.catalog import Catalog, Entry, EntryState, FormatError, singular
from entri.formats.xml_safe import Node, XmlDocument

NS = "urn:oasis:names:tc:xliff:document:1.2"
UNDETERMINED = "und"
"""Written when the catalog has no source language (the attribute is required)."""

FILE_DEFAULTS = {"original": "entri", "datatype": "plaintext"}
"""Required `<file>` attributes: headers keep them only when they differ from what
canonical render writes, so a catalog from elsewhere round-trips without invented headers."""

STATE_IN: dict[str, EntryState] = {
    "new": "untranslated",
    "needs-translation": "untranslated",
    "needs-adaptation": "untranslated",
    "needs-l10n": "untranslated",
    "needs-review-translation": "translated",
    "needs-review-adaptation": "translated",
    "needs-review-l10n": "translated",
    "translated": "translated",
    "signed-off": "reviewed",
    "final": "approved",
}
STATE_OUT: dict[str, str] = {
    "untranslated": "needs-translation",
    "translated": "translated",
    "reviewed": "signed-off",
    "approved": "final",
}

Identity = tuple[str, str, str | None]


@dataclass
class _Unit:
    node: Node
    identity: Identity
    original: Entry
    source: Node | None
    target: Node | None
    body: Node


@dataclass
class _Memo:
    doc: XmlDocument
    units: list[_Unit]
    bodies: dict[str, Node]


def parse(data: bytes, language: str) -> Catalog:
    doc = xml_safe.parse(data)
    if doc.root.local != "xliff":
        raise FormatError(f"Expected <xliff> root, found <{doc.root.name}>", line=1)
    files = [c for c in doc.root.children if c.local == "file"]
    if not files:
        raise FormatError("XLIFF document has no <file>")
    catalog = Catalog(language=language)
    src = files[0].attrs.get("source-language")
    catalog.source_language = None if src in (None, UNDETERMINED) else src
    if len(files) == 1:
        catalog.headers = {k: v for k, v in files[0].attrs.items() if k in FILE_DEFAULTS and v != FILE_DEFAULTS[k]}
    units: list[_Unit] = []
    bodies: dict[str, Node] = {}
    nameless: list[Node] = []
    for index, file in enumerate(files):
        namespace = "" if len(files) == 1 else file.attrs.get("original", f"file{index + 1}")
        body = file.first("body")
        if body is None:
            continue
        bodies.setdefault(namespace, body)
        for node in body.iter():
            if node.local == "trans-unit":
                unit = _read_unit(doc, node, namespace, body)
                if unit is None:
                    nameless.append(node)
                    continue
                units.append(unit)
                catalog.entries.append(unit.original)
    if nameless:
        catalog.warnings.append(xml_safe.unnamed_warning(doc, nameless, "<trans-unit>", "id or resname"))
    catalog.memo = _Memo(doc=doc, units=units, bodies=bodies)
    catalog.entries = [_copy(e) for e in catalog.entries]
    return catalog


def _copy(entry: Entry) -> Entry:
    copied = entry.bare()
    copied.references = list(entry.references)
    copied.extra = dict(entry.extra)
    return copied


def _read_unit(doc: XmlDocument, node: Node, namespace: str, body: Node) -> _Unit | None:
    attrs = node.attrs
    unit_id, resname = attrs.get("id"), attrs.get("resname")
    key = resname if resname is not None else unit_id
    if key is None:
        return None  # invalid but tolerated: kept verbatim, not an entry
    entry = Entry(key=key, namespace=namespace)
    entry.extra = {"id": unit_id, "resname": resname}
    source = target = None
    described: list[str] = []
    meanings: list[str] = []
    for child in node.content:  # one pass: a 20k-unit file must stay well under a second
        if not isinstance(child, Node):
            continue
        local = child.local
        if local == "source" and source is None:
            source = child
        elif local == "target" and target is None:
            target = child
        elif local == "note":
            is_meaning = child.attrs.get("from") == "meaning"
            (meanings if is_meaning else described).append(xml_safe.text_value(doc, child))
        elif local == "context-group" and child.attrs.get("purpose") == "location":
            parts = {c.attrs.get("context-type"): xml_safe.text_value(doc, c) for c in child.children}
            ref = parts.get("sourcefile") or ""
            if parts.get("linenumber"):
                ref += ":" + str(parts["linenumber"])
            entry.references.append(ref)
    if source is not None and not source.self_closing:
        entry.source = xml_safe.text_value(doc, source)  # `<source/>`: the project had no source text
    if target is not None:
        entry.value = xml_safe.text_value(doc, target)
        if attrs.get("approved") == "yes":
            entry.state = "approved"
        else:
            entry.state = STATE_IN.get(target.attrs.get("state", ""))
    entry.description = "\n".join(described) if described else None
    entry.context = "\n".join(meanings) if meanings else None
    entry.translatable = attrs.get("translate", "yes") != "no"
    if attrs.get("maxwidth", "").isdigit():
        entry.max_length = int(attrs["maxwidth"])
    return _Unit(node, (namespace, key, entry.context), entry, source, target, body)


# -- rendering ---------------------------------------------------------------------------


def render(catalog: Catalog) -> bytes:
    catalog = replace(catalog, entries=singular(catalog.entries))
    if isinstance(catalog.memo, _Memo):
        return _render_patched(catalog, catalog.memo)
    src = xml_safe.escape_attr(catalog.source_language or UNDETERMINED)
    lang = xml_safe.escape_attr(catalog.language)
    namespaces = list(dict.fromkeys(e.namespace for e in catalog.entries)) or [""]
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="{NS}">\n']
    for namespace in namespaces:
        original = namespace or catalog.headers.get("original", FILE_DEFAULTS["original"])
        datatype = catalog.headers.get("datatype", FILE_DEFAULTS["datatype"])
        out.append(
            f'  <file source-language="{src}" target-language="{lang}" '
            f'datatype="{xml_safe.escape_attr(datatype)}" original="{xml_safe.escape_attr(original)}">\n'
            "    <body>\n"
        )
        ids = _xml_patch.UnitIds()  # unique within a <file>, as XLIFF 1.2 requires
        out.extend(_unit(e, "      ", "  ", ids) + "\n" for e in catalog.entries if e.namespace == namespace)
        out.append("    </body>\n  </file>\n")
    out.append("</xliff>\n")
    return "".join(out).encode("utf-8")


def _inner(value: str, original: Node | None = None) -> str:
    return _xliff_inline.inner(value, "1.2", _xliff_inline.element_names(original))


def _target(entry: Entry, value: str) -> str:
    state = f' state="{STATE_OUT[entry.state]}"' if entry.state is not None else ""
    return f"<target{state}>{_inner(value)}</target>"


def _id_candidates(entry: Entry) -> Iterator[str]:
    """The key; for a key the document already has (another context of it), `key:context`,
    then `key:2`, `key:3`, ... until one is free."""
    yield entry.key
    if entry.context is not None:
        yield f"{entry.key}:{entry.context}"
    yield from (f"{entry.key}:{n}" for n in count(2))


def _unit(entry: Entry, indent: str, step: str, ids: _xml_patch.UnitIds) -> str:
    """Canonical `<trans-unit>`; id = key because the original id is not data, unless another
    unit has that id: then a free id, and the key in `resname` (which import reads first)."""
    unit_id = ids.claim(_id_candidates(entry))
    attrs = f'id="{xml_safe.escape_attr(unit_id)}"'
    if unit_id != entry.key:
        attrs += f' resname="{xml_safe.escape_attr(entry.key)}"'
    if not entry.translatable:
        attrs += ' translate="no"'
    if entry.max_length is not None:
        attrs += f' maxwidth="{entry.max_length}" size-unit="char"'
    if entry.state == "approved" and entry.value is not None:
        attrs += ' approved="yes"'
    inner = indent + step
    lines = [f"{indent}<trans-unit {attrs}>"]
    # XLIFF 1.2 requires <source>; a key without source text gets an empty one (docs/formats/xliff.md).
    source = "<source/>" if entry.source is None else f"<source>{_inner(entry.source)}</source>"
    lines.append(inner + source)
    if entry.value is not None:
        lines.append(inner + _target(entry, entry.value))
    if entry.description is not None:
        lines.append(f'{inner}<note from="description">{xml_safe.escape_text(entry.description)}</note>')
    if entry.context is not None:
        lines.append(f'{inner}<note from="meaning">{xml_safe.escape_text(entry.context)}</note>')
    for ref in entry.references:
        file, sep, line = ref.rpartition(":") if ":" in ref else (ref, "", "")
        group = f'{inner}<context-group purpose="location">'
        group += f'<context context-type="sourcefile">{xml_safe.escape_text(file)}</context>'
        if sep:
            group += f'<context context-type="linenumber">{xml_safe.escape_text(line)}</context>'
        lines.append(group + "</context-group>")
    lines.append(f"{indent}</trans-unit>")
    return "\n".join(lines)


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    doc, text = memo.doc, memo.doc.text
    by_id = _xml_patch.Matcher(catalog.entries)
    ids: dict[int, _xml_patch.UnitIds] = {}
    patches: list[tuple[int, int, str]] = []
    for unit in memo.units:
        entry = by_id.take(unit.identity)
        if entry is None:
            patches.append((*_xml_patch.removal_span(text, unit.node), ""))
            continue
        original = unit.original
        if entry.source != original.source and unit.source is not None and entry.source is not None:
            patches.append(_xml_patch.replace_inner(doc, unit.source, _inner(entry.source, unit.source)))
        state_changed = entry.state != original.state
        if entry.value != original.value or state_changed:
            patches.extend(_patch_target(doc, unit, entry, state_changed))
        if state_changed and (entry.state == "approved" or original.state == "approved"):
            tag = text[unit.node.start : unit.node.inner_start]
            approved = "yes" if entry.state == "approved" else None
            patches.append((unit.node.start, unit.node.inner_start, _xml_patch.set_attr(tag, "approved", approved)))
    for entry in by_id.rest():
        body = memo.bodies.get(entry.namespace) or next(iter(memo.bodies.values()), None)
        if body is None:
            raise FormatError("Cannot add units to an XLIFF document without <body>")
        indent, step = _indents(doc, body)
        at = body.inner_end
        while at > body.inner_start and text[at - 1] in " \t":
            at -= 1
        lead = "" if text[at - 1] == "\n" else "\n"
        if id(body) not in ids:
            ids[id(body)] = _xml_patch.UnitIds(u.original.extra.get("id") for u in memo.units if u.body is body)
        patches.append((at, at, lead + _unit(entry, indent, step, ids[id(body)]) + "\n"))
    return doc.encode(_xml_patch.apply_patches(text, patches))


def _patch_target(doc: XmlDocument, unit: _Unit, entry: Entry, state_changed: bool) -> list[tuple[int, int, str]]:
    text, target = doc.text, unit.target
    if entry.value is None:
        return [(*_xml_patch.removal_span(text, target), "")] if target is not None else []
    if target is None:
        anchor = unit.source
        if anchor is None:
            return [(unit.node.inner_start, unit.node.inner_start, _target(entry, entry.value))]
        indent = _xml_patch.line_indent(text, anchor.start)
        return [(anchor.end, anchor.end, "\n" + indent + _target(entry, entry.value))]
    tag = text[target.start : target.inner_start]
    if state_changed:
        tag = _xml_patch.set_attr(tag, "state", STATE_OUT[entry.state] if entry.state else None)
    unchanged = entry.value == unit.original.value
    inner = doc.inner_raw(target) if unchanged else _inner(entry.value, target)
    if target.self_closing:
        tag = tag[:-2].rstrip() + ">"
    return [(target.start, target.end, f"{tag}{inner}</{target.name}>")]


def _indents(doc: XmlDocument, body: Node) -> tuple[str, str]:
    units = body.children
    if not units:
        outer = _xml_patch.line_indent(doc.text, body.start)
        return outer + "  ", "  "
    indent = _xml_patch.line_indent(doc.text, units[0].start)
    inner = units[0].children
    step = "  "
    if inner:
        child = _xml_patch.line_indent(doc.text, inner[0].start)
        if child.startswith(indent) and len(child) > len(indent):
            step = child[len(indent) :]
    return indent, step
