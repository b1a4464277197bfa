"""Apple `.stringsdict` plural rules, format id `ios-stringsdict`.

Decisions (docs/formats/ios-stringsdict.md). plistlib reads the values (after the shared XML
gate); the span tree locates each `<string>` so unchanged files re-render byte-identically
in both the Xcode (tab) and Crowdin (2-space) layouts. Entry keys: `key` when the format is
exactly `%#@var@` with one plural variable, else `key` (value = the format string, which
has translatable text) plus `key:var` per variable. Variable name and value type live in
`placeholders`, omitting the canonical defaults (`count`/the variable in the key, `d`), so a
catalog that never came from a stringsdict round-trips without invented metadata.
"""

from __future__ import annotations

import copy
import plistlib
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

from entri.formats import _xml_patch, xml_safe
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError, require_distinct_keys
from entri.formats.xml_safe import Node, XmlDocument

FORMAT_KEY = "NSStringLocalizedFormatKey"
SPEC_KEY = "NSStringFormatSpecTypeKey"
VALUE_TYPE_KEY = "NSStringFormatValueTypeKey"
PLURAL_RULE = "NSStringPluralRuleType"
DEFAULT_VARIABLE = "count"
DEFAULT_VALUE_TYPE = "d"
VARIABLE = "variable"

Path = tuple[str | int, ...]


@dataclass
class _Record:
    key: str
    single: bool
    variables: list[str]


@dataclass
class _Memo:
    doc: XmlDocument
    data: dict[str, Any]
    records: list[_Record]
    spans: dict[Path, Node]


def parse(data: bytes, language: str) -> Catalog:
    doc = xml_safe.parse(data, allowed_public_ids=(xml_safe.APPLE_PLIST_PUBLIC_ID,))
    try:
        plist = plistlib.loads(data, fmt=plistlib.FMT_XML)
    except ExpatError as exc:
        raise FormatError(f"Invalid plist: {exc}", line=exc.lineno, column=exc.offset + 1) from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise FormatError(f"Invalid plist: {exc}") from None
    if not isinstance(plist, dict):
        raise FormatError("A stringsdict must have a <dict> at its root")
    catalog = Catalog(language=language)
    records: list[_Record] = []
    kept: list[str] = []
    for key, value in plist.items():
        record = _read_key(key, value, catalog.entries)
        if record is not None:
            records.append(record)
        else:
            kept.append(key)
    if kept:
        shown = ", ".join(repr(k[:60]) for k in kept[:5]) + (", …" if len(kept) > 5 else "")
        catalog.warnings.append(
            f"{len(kept)} key(s) without a plural rule Entri can edit ({shown}) kept in the file but not imported"
        )
    spans: dict[Path, Node] = {}
    if doc.root.local == "plist" and doc.root.children:
        _collect(doc, doc.root.children[0], (), spans)
    catalog.memo = _Memo(doc=doc, data=plist, records=records, spans=spans)
    return catalog


def _plural_variable(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SPEC_KEY) == PLURAL_RULE


def _read_key(key: str, value: Any, entries: list[Entry]) -> _Record | None:
    """Entries for one top-level key, or None when it is kept verbatim only (non-plural
    rule types, malformed shapes): nothing there is safe to edit as plural text."""
    if not isinstance(value, dict) or not isinstance(value.get(FORMAT_KEY), str):
        return None
    fmt = value[FORMAT_KEY]
    variables = {k: v for k, v in value.items() if k != FORMAT_KEY}
    if not all(_plural_variable(v) for v in variables.values()):
        return None
    if len(variables) == 1 and fmt == f"%#@{next(iter(variables))}@":
        ((name, var),) = variables.items()
        entries.append(_plural_entry(key, name, var, DEFAULT_VARIABLE))
        return _Record(key, True, [name])
    entries.append(Entry(key=key, value=fmt))
    for name, var in variables.items():
        entries.append(_plural_entry(f"{key}:{name}", name, var, name))
    return _Record(key, False, list(variables))


def _plural_entry(key: str, name: str, var: dict[str, Any], default_name: str) -> Entry:
    forms = {k: v for k, v in var.items() if k in PLURAL_CATEGORIES and isinstance(v, str)}
    meta: dict[str, Any] = {}
    if name != default_name:
        meta[VARIABLE] = name
    if var.get(VALUE_TYPE_KEY) != DEFAULT_VALUE_TYPE:
        meta[VALUE_TYPE_KEY] = var.get(VALUE_TYPE_KEY)
    for k, v in var.items():
        if k not in PLURAL_CATEGORIES and k not in (SPEC_KEY, VALUE_TYPE_KEY):
            meta[k] = v
    return Entry(key=key, plurals=forms, placeholders=meta or None)


def _collect(doc: XmlDocument, node: Node, path: Path, spans: dict[Path, Node]) -> None:
    """Map every plist path to its `<string>` node (dict children alternate key/value)."""
    if node.local == "string":
        spans[path] = node
    elif node.local == "dict":
        children = node.children
        for k, v in zip(children[::2], children[1::2], strict=False):
            _collect(doc, v, (*path, xml_safe.text_value(doc, k)), spans)
    elif node.local == "array":
        for index, child in enumerate(node.children):
            _collect(doc, child, (*path, index), spans)


# -- rendering ---------------------------------------------------------------------------


def render(catalog: Catalog) -> bytes:
    require_distinct_keys(catalog.entries, "ios-stringsdict")
    memo = catalog.memo
    if isinstance(memo, _Memo):
        return _render_patched(catalog, memo)
    return plistlib.dumps(_build(catalog.entries), fmt=plistlib.FMT_XML, sort_keys=False)


def _variable(entry: Entry, plurals: dict[str, str]) -> dict[str, Any]:
    meta = dict(entry.placeholders or {})
    meta.pop(VARIABLE, None)
    var: dict[str, Any] = {SPEC_KEY: PLURAL_RULE}
    value_type = meta.pop(VALUE_TYPE_KEY, DEFAULT_VALUE_TYPE)
    if value_type is not None:
        var[VALUE_TYPE_KEY] = value_type
    var.update(meta)
    var.update({c: plurals[c] for c in PLURAL_CATEGORIES if c in plurals})
    var.update({c: v for c, v in plurals.items() if c not in var})
    return var


def _build(entries: list[Entry]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    formats: set[str] = set()
    for entry in entries:
        parent, sep, name = entry.key.rpartition(":")
        if entry.plurals is not None and sep and parent in formats:
            data[parent][name] = _variable(entry, entry.plurals)
        elif entry.plurals is not None:
            name = (entry.placeholders or {}).get(VARIABLE, DEFAULT_VARIABLE)
            data[entry.key] = {FORMAT_KEY: f"%#@{name}@", name: _variable(entry, entry.plurals)}
        elif entry.value is not None:
            data[entry.key] = {FORMAT_KEY: entry.value}
            formats.add(entry.key)
    return data


def _apply(var: dict[str, Any], plurals: dict[str, str]) -> None:
    for category in [k for k in var if k in PLURAL_CATEGORIES and k not in plurals]:
        del var[category]
    var.update(plurals)


def _render_patched(catalog: Catalog, memo: _Memo) -> bytes:
    new = copy.deepcopy(memo.data)
    matcher = _xml_patch.Matcher(catalog.entries)
    for record in memo.records:
        head = matcher.take(("", record.key, None))
        if head is None or (record.single and head.plurals is None) or (not record.single and head.value is None):
            new.pop(record.key, None)
            if head is not None:
                new.update(_build([head]))
            continue
        if record.single:
            _apply(new[record.key][record.variables[0]], head.plurals or {})
            continue
        new[record.key][FORMAT_KEY] = head.value
        for name in record.variables:
            entry = matcher.take(("", f"{record.key}:{name}", None))
            if entry is not None and entry.plurals is not None:
                _apply(new[record.key][name], entry.plurals)
    new.update(_build(matcher.rest()))
    if _shape(new) != _shape(memo.data):
        return plistlib.dumps(new, fmt=plistlib.FMT_XML, sort_keys=False)
    patches: list[tuple[int, int, str]] = []
    old_leaves, new_leaves = _leaves(memo.data), _leaves(new)
    for path, value in new_leaves.items():
        if value != old_leaves[path]:
            node = memo.spans.get(path)
            if node is None or not isinstance(value, str):
                return plistlib.dumps(new, fmt=plistlib.FMT_XML, sort_keys=False)
            patches.append(_xml_patch.replace_inner(memo.doc, node, xml_safe.escape_text(value)))
    return memo.doc.encode(_xml_patch.apply_patches(memo.doc.text, patches))


def _leaves(value: Any, path: Path = (), out: dict[Path, Any] | None = None) -> dict[Path, Any]:
    out = {} if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            _leaves(v, (*path, k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _leaves(v, (*path, i), out)
    else:
        out[path] = value
    return out


def _shape(value: Any) -> list[tuple[Path, type]]:
    """Ordered leaf paths and types: equal shapes can be patched string by string."""
    return [(p, type(v)) for p, v in _leaves(value).items()]
