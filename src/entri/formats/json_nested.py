"""json-nested: i18next-style nested objects; the Entri key is the leaf path joined with '.'.

A segment containing '.' is escaped as '\\.' in the key (the exact path tuple also sits in
`Entry.extra["path"]`); array items are keys `list.0`, `list.1` flagged `json-array` so that
even a memo-less export rebuilds the array; i18next v4 plural suffixes are folded when the
group looks like a real plural. Rules and trade-offs: docs/formats/json.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from entri.formats import _json_keyed, _json_stream
from entri.formats.catalog import Catalog, Entry


def parse(data: bytes, language: str) -> Catalog:
    return _json_keyed.parse(data, language, _json_keyed.NESTED)


def render(catalog: Catalog) -> bytes:
    return _json_keyed.render(catalog, _json_keyed.NESTED)


def stream(data: bytes, language: str) -> Iterator[Entry]:
    """The entries one at a time, for imports (formats/_json_stream.py)."""
    return _json_stream.entries(data, language, _json_keyed.NESTED)
