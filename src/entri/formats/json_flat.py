"""json-flat: one object of opaque keys to string values (keys are never split on '.').

Plural suffixes are *not* folded here: flat files in the wild (Rallly, Jellyfin) carry ICU
plurals inside values, and a `_one` key is just a key. Numbers, booleans and null are kept in
the memo and re-rendered in place; nested objects/arrays are a FormatError pointing to
json-nested. Rules and trade-offs: docs/formats/json.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from entri.formats import _json_keyed, _json_stream
from entri.formats.catalog import Catalog, Entry


def parse(data: bytes, language: str) -> Catalog:
    return _json_keyed.parse(data, language, _json_keyed.FLAT)


def render(catalog: Catalog) -> bytes:
    return _json_keyed.render(catalog, _json_keyed.FLAT)


def stream(data: bytes, language: str) -> Iterator[Entry]:
    """The entries one at a time, for imports (formats/_json_stream.py)."""
    return _json_stream.entries(data, language, _json_keyed.FLAT)
