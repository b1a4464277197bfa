"""Pure file codecs: `parse(bytes, language) -> Catalog`, `render(Catalog) -> bytes`. No DB, no HTTP."""

from entri.formats.catalog import PLURAL_CATEGORIES, Catalog, Entry, FormatError
from entri.formats.registry import FORMAT_IDS, FORMATS, FormatInfo, get_format

__all__ = [
    "FORMATS",
    "FORMAT_IDS",
    "PLURAL_CATEGORIES",
    "Catalog",
    "Entry",
    "FormatError",
    "FormatInfo",
    "get_format",
]
