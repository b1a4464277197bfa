"""arb: Flutter Application Resource Bundle (a JSON object of ICU messages plus metadata).

Values stay ICU MessageFormat strings: `{n, plural, =1{..} other{..}}` is *not* folded into
`Entry.plurals`, because `=0`/`=1` are exact-value selectors, not CLDR categories, and
rewriting them would change behaviour. `@key.description` becomes `Entry.description`,
`@key.placeholders` becomes `Entry.placeholders` verbatim; every other metadata field
(`context`, `type`, `source_text`, ...) and empty `"@key": {}` objects live in the memo only,
so they survive a re-export of an imported file but not a fresh export from the database.
`@key.context` is deliberately not `Entry.context`: that field is part of a key's identity,
and an ARB context is a translator hint that templates carry and translations usually omit.
String `@@` globals go to `Catalog.headers` under their full names (`"@@locale"`).
See docs/formats/arb.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from entri.formats._json_common import (
    CANONICAL,
    Layout,
    Node,
    Style,
    load,
    skip_tokens,
    to_node,
    to_plain,
)
from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError


@dataclass(slots=True)
class _Record:
    key: str
    token: int
    value: str
    meta: dict[str, Any] | None = None
    """The `@key` object as parsed (numbers raw), for re-serialising unknown fields."""
    meta_first: bool = False
    """`@key` came before its message (lichess does this)."""
    description_token: int | None = None
    description: str | None = None
    placeholders: Any = None
    """Plain copy of `placeholders` as read, to notice edits without trusting the entry."""


@dataclass
class ArbMemo:
    layout: Layout
    records: list[_Record]
    headers: dict[str, tuple[int, str]]
    """Header name -> (token, original text) for string `@@` globals."""
    others: list[tuple[int, str, Node | None]] = field(default_factory=list)
    """Top-level members that are not messages nor their metadata, with the index of the
    record they followed; node `None` marks a header slot (its value comes from the catalog)."""


@dataclass
class _Meta:
    obj: dict[str, Any]
    position: int
    anchor: int
    key_token: int
    description_token: int | None


def parse(data: bytes, language: str) -> Catalog:
    root, layout = load(data)
    token = 0
    entries: list[Entry] = []
    records: list[_Record] = []
    index_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    header_slots: dict[str, tuple[int, str]] = {}
    metas: dict[str, _Meta] = {}
    others: list[tuple[int, int, str, Node | None]] = []  # (position, anchor, name, node)
    for position, (name, value) in enumerate(root.items()):
        key_token = token
        token += 1
        kind = type(value)
        anchor = len(records) - 1
        if name.startswith("@@"):
            if kind is str:
                headers[name] = value
                header_slots[name] = (token, value)
                others.append((position, anchor, name, None))
            else:
                others.append((position, anchor, name, to_node(value)))
            token += skip_tokens(value)
        elif name.startswith("@") and kind is dict:
            description_token = None
            for field_name, field_value in value.items():
                token += 1
                if field_name == "description" and type(field_value) is str:
                    description_token = token
                token += skip_tokens(field_value)
            metas[name[1:]] = _Meta(value, position, anchor, key_token, description_token)
        elif name.startswith("@"):
            others.append((position, anchor, name, to_node(value)))
            token += skip_tokens(value)
        elif kind is str:
            index_of[name] = len(records)
            records.append(_Record(name, token, value))
            entries.append(Entry(key=name, value=value))
            token += 1
        else:
            # gen-l10n refuses a message that is not a string (null, a number, an object): so
            # do we, naming it, rather than keep it out of the project unseen.
            line, column = layout.position(key_token)
            raise FormatError(f"ARB message {name!r} must be a string", line=line, column=column)
    for target, meta in metas.items():
        index = index_of.get(target)
        if index is None:
            others.append((meta.position, meta.anchor, "@" + target, to_node(meta.obj)))
            continue
        record, entry = records[index], entries[index]
        record.meta = meta.obj
        record.meta_first = meta.anchor < index
        if meta.description_token is not None:
            record.description_token = meta.description_token
            record.description = entry.description = meta.obj["description"]
        placeholders = meta.obj.get("placeholders")
        if type(placeholders) is dict:
            record.placeholders = to_plain(placeholders)
            entry.placeholders = to_plain(placeholders)
    others.sort(key=lambda item: item[0])
    memo = ArbMemo(layout, records, header_slots, [(a, n, node) for _, a, n, node in others])
    return Catalog(language=language, entries=entries, headers=headers, memo=memo)


def _patch(memo: ArbMemo, catalog: Catalog) -> bytes | None:
    """Swap changed texts into the original bytes; None when the file's shape must change."""
    if list(catalog.headers) != list(memo.headers) or len(catalog.entries) != len(memo.records):
        return None
    changes: dict[int, str] = {}
    for name, (token, original) in memo.headers.items():
        if catalog.headers[name] != original:
            changes[token] = catalog.headers[name]
    for entry, record in zip(catalog.entries, memo.records, strict=True):
        if entry.key != record.key or entry.value is None or entry.plurals is not None:
            return None
        if entry.placeholders != record.placeholders:
            return None
        if (entry.description is None) != (record.description_token is None):
            return None
        if entry.value != record.value:
            changes[record.token] = entry.value
        if record.description_token is not None and entry.description != record.description:
            assert entry.description is not None
            changes[record.description_token] = entry.description
    return memo.layout.patch(changes)


def _icu_plural(plurals: dict[str, str]) -> str:
    """A plural entry from another format, as the ICU message gen-l10n expects."""
    order = [c for c in PLURAL_CATEGORIES if c in plurals] + [c for c in plurals if c not in PLURAL_CATEGORIES]
    return "{count, plural, " + " ".join(f"{c}{{{plurals[c]}}}" for c in order) + "}"


def _metadata(entry: Entry, record: _Record | None, layout: Layout | None) -> Node | None:
    meta: dict[str, Node] | None = None
    if record is not None and record.meta is not None:
        meta = to_node(record.meta)
    if entry.description is not None:
        meta = {} if meta is None else meta
        token = record.description_token if record is not None else None
        original = record.description if record is not None else None
        if layout is not None and token is not None and entry.description == original:
            meta["description"] = layout.token(token)
        else:
            meta["description"] = entry.description
    elif meta is not None and record is not None and record.description_token is not None:
        del meta["description"]
    if entry.placeholders is not None:
        meta = {} if meta is None else meta
        if record is None or entry.placeholders != record.placeholders:
            meta["placeholders"] = entry.placeholders
    elif meta is not None and record is not None and record.placeholders is not None:
        del meta["placeholders"]
    return meta


def render(catalog: Catalog) -> bytes:
    memo = catalog.memo if isinstance(catalog.memo, ArbMemo) else None
    if memo is not None:
        patched = _patch(memo, catalog)
        if patched is not None:
            return patched
    layout = memo.layout if memo else None
    records: dict[str, tuple[int, _Record | None]] = {r.key: (i, r) for i, r in enumerate(memo.records)} if memo else {}
    known_headers = memo.headers if memo else {}
    anchors: dict[int, list[tuple[str, Node | None]]] = {}
    if memo is not None:
        present = {e.key for e in catalog.entries}
        survivor, current = [], -1
        for position, kept in enumerate(memo.records):
            current = position if kept.key in present else current
            survivor.append(current)
        for anchor, name, node in memo.others:
            anchors.setdefault(survivor[anchor] if anchor >= 0 else -1, []).append((name, node))
    root: dict[str, Node] = {}

    def put(name: str, node: Node) -> None:
        if name in root:
            raise FormatError(f"ARB key {name!r} would be written twice")
        root[name] = node

    def put_others(anchor: int) -> None:
        for name, node in anchors.pop(anchor, ()):
            if node is not None:
                put(name, node)
            elif name in catalog.headers:
                header = catalog.headers[name]
                slot = known_headers[name]
                put(name, layout.token(slot[0]) if layout and header == slot[1] else header)

    for name, header in catalog.headers.items():
        if name not in known_headers:
            put(name, header)
    put_others(-1)
    for entry in catalog.entries:
        if entry.key.startswith("@"):
            raise FormatError(f"ARB message keys cannot start with '@': {entry.key!r}")
        if entry.value is None and entry.plurals is None:
            continue
        found = records.get(entry.key)
        index, record = found if found is not None else (-1, None)
        if entry.plurals is not None:
            value: Node = _icu_plural(entry.plurals)
        elif layout is not None and record is not None and entry.value == record.value:
            value = layout.token(record.token)
        else:
            value = entry.value
        meta = _metadata(entry, record, layout)
        if meta is not None and record is not None and record.meta_first:
            put("@" + entry.key, meta)
        put(entry.key, value)
        if meta is not None and not (record is not None and record.meta_first):
            put("@" + entry.key, meta)
        if index >= 0:
            put_others(index)
    style: Style = layout.style if layout else CANONICAL
    text = style.document(root)
    return layout.encode(text) if layout else text.encode("utf-8")
