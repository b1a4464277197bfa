"""json-clean: the method-style API's bare `{"string_key": "translation"}` export.

Flat like json-flat, but i18next v4 plural suffixes are folded (Actual Budget, Outline) and
rendered back as suffixed keys. Context, descriptions and other metadata have no place in the
format and are dropped by design. Rules and trade-offs: docs/formats/json.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from entri.formats import _json_keyed, _json_stream
from entri.formats.catalog import Catalog, Entry


def parse(data: bytes, language: str) -> Catalog:
    return _json_keyed.parse(data, language, _json_keyed.CLEAN)


def render(catalog: Catalog) -> bytes:
    return _json_keyed.render(catalog, _json_keyed.CLEAN)


def stream(data: bytes, language: str) -> Iterator[Entry]:
    """The entries one at a time, for imports (formats/_json_stream.py)."""
    return _json_stream.entries(data, language, _json_keyed.CLEAN)
