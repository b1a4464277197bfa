"""Android string resources (`res/values*/strings.xml`), format id `android-xml`.

Decisions (docs/formats/android-xml.md): `<string>` and `<plurals>` are entries keyed by
`name` with `product` as context; `<string-array name="a">` items become entries `a[0]`,
`a[1]`… (`[` cannot occur in a resource name, so this never collides). Values are
aapt-decoded; elements with inline markup or CDATA keep that markup literally in the value.
Re-render patches only the inner text of changed values into the original document, since
lxml's serializer would rewrite quoting, empty tags and namespace placement.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from entri.formats import _android_escape as aapt
from entri.formats import _xml_patch, xml_safe
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError
from entri.formats.xml_safe import Node, Span, XmlDocument

_ARRAY_KEY = re.compile(r"^(.*)\[(\d+)\]$")
_KNOWN_ATTRS = {"name", "product", "translatable", "formatted", "maxLength", "comment"}
_XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
FORMATTED_FALSE = "formatted=false"

Identity = tuple[str, str, str | None]


@dataclass
class _Record:
    """One resource element of the original document and the entries it produced."""

    kind: str
    node: Node
    comment: Span | None
    """The preceding comment, when it (not a `comment` attribute) gave the description."""
    ids: list[Identity]
    originals: list[Entry]
    values: list[dict[str, Node]]
    """Per entry: plural category (or "" for a single value) -> the node holding the text."""


@dataclass
class _Memo:
    doc: XmlDocument
    records: list[_Record]
    indent: str
    unit: str


def parse(data: bytes, language: str) -> Catalog:
    doc = xml_safe.parse(data)
    root = doc.root
    if root.local != "resources":
        raise FormatError(f"Expected <resources> root, found <{root.name}>", line=1)
    entries: list[Entry] = []
    records: list[_Record] = []
    pending: Span | None = None
    nameless: list[Node] = []
    others: list[str] = []
    for item in root.content:
        if isinstance(item, Span):
            if item.kind == "comment":
                pending = item
            elif item.kind != "text" or doc.raw(item).strip():
                pending = None
            continue
        record = _read_element(doc, item, pending)
        pending = None
        if record is not None:
            records.append(record)
            entries.extend(record.originals)
        elif item.local in ("string", "plurals", "string-array"):
            nameless.append(item)
        elif item.local not in ("eat-comment", "skip"):
            others.append(item.local)
    indent, unit = _indentation(doc)
    catalog = Catalog(language=language, entries=[_copy(e) for e in entries])
    if nameless:
        catalog.warnings.append(xml_safe.unnamed_warning(doc, nameless, "string resource", "a name"))
    if others:
        kinds = ", ".join(f"<{k}>" for k in sorted(set(others)))
        catalog.warnings.append(
            f"{len(others)} resource(s) that are not strings ({kinds}) kept in the file but not imported"
        )
    catalog.memo = _Memo(doc=doc, records=records, indent=indent, unit=unit)
    return catalog


def _copy(entry: Entry) -> Entry:
    """Independent copy: the memo keeps the parsed originals to detect edits."""
    return dataclasses.replace(
        entry,
        plurals=dict(entry.plurals) if entry.plurals is not None else None,
        flags=list(entry.flags),
        references=list(entry.references),
        extra=dict(entry.extra),
    )


def _read_element(doc: XmlDocument, node: Node, comment: Span | None) -> _Record | None:
    kind = node.local
    name = node.attrs.get("name")
    if kind not in ("string", "plurals", "string-array") or name is None:
        return None  # other resource types are layout: kept verbatim, never entries
    base = _base_entry(doc, node, name, comment)
    use_comment = comment if "comment" not in node.attrs and comment is not None else None
    if kind == "string":
        base.value = _read_value(doc, node)
        return _Record(kind, node, use_comment, [_identity(base)], [base], [{"": node}])
    items = [c for c in node.children if c.local == "item"]
    if kind == "plurals":
        base.plurals = {}
        spans: dict[str, Node] = {}
        for item in items:
            quantity = item.attrs.get("quantity", "other")
            base.plurals[quantity] = _read_value(doc, item)
            spans[quantity] = item
        return _Record(kind, node, use_comment, [_identity(base)], [base], [spans])
    originals: list[Entry] = []
    for index, item in enumerate(items):
        entry = _copy(base)
        entry.key = f"{name}[{index}]"
        entry.value = _read_value(doc, item)
        extra = {k: v for k, v in item.attrs.items()}
        entry.extra = {"attrs": base.extra["attrs"], "item_attrs": extra} if extra else base.extra
        originals.append(entry)
    return _Record(
        kind,
        node,
        use_comment,
        [_identity(e) for e in originals],
        originals,
        [{"": item} for item in items],
    )


def _base_entry(doc: XmlDocument, node: Node, name: str, comment: Span | None) -> Entry:
    attrs = node.attrs
    entry = Entry(key=name, context=attrs.get("product"))
    entry.translatable = attrs.get("translatable", "true").strip().lower() != "false"
    if attrs.get("formatted", "true").strip().lower() == "false":
        entry.flags.append(FORMATTED_FALSE)
    max_length = attrs.get("maxLength", "")
    if max_length.isdigit():
        entry.max_length = int(max_length)
    if "comment" in attrs:
        entry.description = attrs["comment"]
    elif comment is not None:
        entry.description = doc.raw(comment)[4:-3].strip()
    unknown = {k: v for k, v in attrs.items() if k not in _KNOWN_ATTRS}
    if max_length and not max_length.isdigit():
        unknown["maxLength"] = max_length
    entry.extra = {"attrs": unknown}
    return entry


def _identity(entry: Entry) -> Identity:
    return (entry.namespace, entry.key, entry.context)


def _flatten(doc: XmlDocument, node: Node, pieces: list[aapt.Piece]) -> None:
    for c in node.content:
        if isinstance(c, Span):
            raw = doc.raw(c)
            pieces.append((True, xml_safe.unescape(raw)) if c.kind == "text" else (False, raw))
        elif c.self_closing:
            pieces.append((False, doc.raw(c)))
        else:
            pieces.append((False, doc.text[c.start : c.inner_start]))
            _flatten(doc, c, pieces)
            pieces.append((False, doc.text[c.inner_end : c.end]))


def _read_value(doc: XmlDocument, node: Node) -> str:
    """aapt-decoded text; markup (tags, CDATA, comments) kept raw, its text re-escaped."""
    pieces: list[aapt.Piece] = []
    _flatten(doc, node, pieces)
    decoded = aapt.decode(pieces)
    if all(is_text for is_text, _ in pieces):
        return "".join(decoded)
    return "".join(
        xml_safe.escape_text(d) if is_text else raw for d, (is_text, raw) in zip(decoded, pieces, strict=True)
    )


def _encode_value(value: str) -> str:
    """Inner XML for a value: the exact inverse of `_read_value`."""
    pieces: list[aapt.Piece]
    if xml_safe.is_markup(value, cdata_counts=True):
        pieces = [
            (True, xml_safe.unescape(raw)) if kind == "text" else (False, raw) for kind, raw in xml_safe.tokens(value)
        ]
    else:
        pieces = [(True, value)]
    encoded, quote = aapt.encode(pieces)
    body = "".join(xml_safe.escape_text(e) if is_text else e for e, (is_text, _) in zip(encoded, pieces, strict=True))
    return f'"{body}"' if quote else body


def _indentation(doc: XmlDocument) -> tuple[str, str]:
    """Child indentation of `<resources>` and the nesting unit, as the file writes them."""
    children = doc.root.children
    indent = _xml_patch.line_indent(doc.text, children[0].start) if children else "    "
    unit = ""
    for child in children:
        items = child.children
        if items:
            inner = _xml_patch.line_indent(doc.text, items[0].start)
            outer = _xml_patch.line_indent(doc.text, child.start)
            if inner.startswith(outer) and len(inner) > len(outer):
                unit = inner[len(outer) :]
                break
    return indent or "    ", unit or indent or "    "


# -- rendering ---------------------------------------------------------------------------


def render(catalog: Catalog) -> bytes:
    memo = catalog.memo
    if isinstance(memo, _Memo):
        return _render_patched(catalog, memo)
    elements = _elements(catalog.entries, "    ", "    ")
    ns = f' xmlns:xliff="{_XLIFF_NS}"' if "<xliff:" in "".join(elements) else ""
    body = "".join(f"    {e}\n" for e in elements)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<resources{ns}>\n{body}</resources>\n'.encode()


def _has_text(entry: Entry | None) -> bool:
    return entry is not None and (entry.value is not None or entry.plurals is not None)


def _meta(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.translatable,
        entry.flags,
        entry.max_length,
        entry.description,
        entry.source,
        entry.state,
        entry.translator_comment,
        entry.references,
        entry.placeholders,
    )


def _same_shape(record: _Record, entries: list[Entry | None]) -> bool:
    for entry, original in zip(entries, record.originals, strict=True):
        if entry is None or not _has_text(entry) or _meta(entry) != _meta(original):
            return False
        if (entry.plurals is None) != (original.plurals is None):
            return False
        if entry.plurals is not None and set(entry.plurals) != set(original.plurals or {}):
            return False
    return True


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    doc, text = memo.doc, memo.doc.text
    by_id = _xml_patch.Matcher(catalog.entries)
    patches: list[tuple[int, int, str]] = []
    for record in memo.records:
        entries = [by_id.take(i) for i in record.ids]
        present = [e for e in entries if e is not None and _has_text(e)]
        if not present:
            if all(o.translatable for o in record.originals):
                patches.append((*_xml_patch.removal_span(text, record.node), ""))
            continue
        if _same_shape(record, entries):
            for entry, original, nodes in zip(entries, record.originals, record.values, strict=True):
                assert entry is not None
                new = entry.plurals if entry.plurals is not None else {"": entry.value or ""}
                old = original.plurals if original.plurals is not None else {"": original.value}
                for category, node in nodes.items():
                    if new[category] != old[category]:
                        patches.append(_xml_patch.replace_inner(doc, node, _encode_value(new[category])))
            continue
        indent = _xml_patch.line_indent(text, record.node.start)
        start = record.comment.start if record.comment is not None else record.node.start
        regenerated = _elements(present, indent, memo.unit)
        patches.append((start, record.node.end, f"\n{indent}".join(regenerated)))
    new_entries = [e for e in by_id.rest() if _has_text(e)]
    if new_entries:
        at = _insertion_point(doc)
        added = "".join(f"\n{memo.indent}{e}" for e in _elements(new_entries, memo.indent, memo.unit))
        patches.append((at, at, added))
    return doc.encode(_xml_patch.apply_patches(text, patches))


def _insertion_point(doc: XmlDocument) -> int:
    """Right after the last non-blank content inside `<resources>`."""
    pos = doc.root.inner_end
    while pos > doc.root.inner_start and doc.text[pos - 1].isspace():
        pos -= 1
    return pos


def _elements(entries: list[Entry], indent: str, unit: str) -> list[str]:
    """Canonical XML for entries, grouping consecutive `name[i]` keys into a string-array."""
    out: list[str] = []
    i = 0
    while i < len(entries):
        entry = entries[i]
        match = _ARRAY_KEY.match(entry.key)
        if match is None:
            out.append(_element(entry, indent, unit))
            i += 1
            continue
        base = match.group(1)
        group: list[tuple[int, Entry]] = []
        while i < len(entries):
            m = _ARRAY_KEY.match(entries[i].key)
            if m is None or m.group(1) != base or entries[i].context != entry.context:
                break
            group.append((int(m.group(2)), entries[i]))
            i += 1
        items = [e for _, e in sorted(group, key=lambda p: p[0])]
        out.append(_array(base, items, indent, unit))
    return out


def _comment_safe(text: str) -> bool:
    return bool(text) and text == text.strip() and "--" not in text and not text.endswith("-")


def _start(tag: str, name: str, entry: Entry) -> tuple[str, str]:
    """Start tag and the comment line (if any) carrying the description."""
    attrs = [f'name="{xml_safe.escape_attr(name)}"']
    if entry.context is not None:
        attrs.append(f'product="{xml_safe.escape_attr(entry.context)}"')
    if not entry.translatable:
        attrs.append('translatable="false"')
    if FORMATTED_FALSE in entry.flags:
        attrs.append('formatted="false"')
    if entry.max_length is not None:
        attrs.append(f'maxLength="{entry.max_length}"')
    comment = ""
    if entry.description is not None:
        if _comment_safe(entry.description):
            comment = f"<!-- {entry.description} -->"
        else:
            attrs.append(f'comment="{xml_safe.escape_attr(entry.description)}"')
    return f"<{tag} {' '.join(attrs)}>", comment


def _with_comment(comment: str, element: str, indent: str) -> str:
    return f"{comment}\n{indent}{element}" if comment else element


def _element(entry: Entry, indent: str, unit: str) -> str:
    if entry.plurals is None:
        start, comment = _start("string", entry.key, entry)
        return _with_comment(comment, f"{start}{_encode_value(entry.value or '')}</string>", indent)
    start, comment = _start("plurals", entry.key, entry)
    order = [c for c in PLURAL_CATEGORIES if c in entry.plurals]
    order += [c for c in entry.plurals if c not in PLURAL_CATEGORIES]
    items = "".join(
        f'\n{indent}{unit}<item quantity="{xml_safe.escape_attr(c)}">{_encode_value(entry.plurals[c])}</item>'
        for c in order
    )
    return _with_comment(comment, f"{start}{items}\n{indent}</plurals>", indent)


def _array(name: str, items: list[Entry], indent: str, unit: str) -> str:
    start, comment = _start("string-array", name, items[0])
    body = "".join(f"\n{indent}{unit}<item>{_encode_value(e.value or '')}</item>" for e in items)
    return _with_comment(comment, f"{start}{body}\n{indent}</string-array>", indent)
