"""Which formats exist, what their files are called, and where their codec lives.

Codecs are imported lazily: a request for `po` should not pay for loading lxml.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from entri.formats.catalog import Catalog, FormatError


class Codec(Protocol):
    def parse(self, data: bytes, language: str) -> Catalog: ...

    def render(self, catalog: Catalog) -> bytes: ...


@dataclass(frozen=True)
class FormatInfo:
    id: str
    module: str
    filename: str
    """Export file name; `{lang}` is replaced by the language code."""
    binary: bool = False
    bilingual: bool = False
    """Bilingual formats carry the source text beside the translation."""
    keeps_untranslated: bool = False
    """The format has a way to say "no translation yet" (an empty PO msgstr, an XLIFF unit
    without target), so untranslated keys stay in the file. CSV has not: an empty cell is ""."""

    def filename_for(self, language: str) -> str:
        return self.filename.replace("{lang}", language)

    def codec(self) -> Codec:
        module = importlib.import_module(f"entri.formats.{self.module}")
        return module  # a module satisfies the Protocol structurally


FORMATS: dict[str, FormatInfo] = {
    f.id: f
    for f in (
        FormatInfo("json-flat", "json_flat", "{lang}.json"),
        FormatInfo("json-nested", "json_nested", "{lang}.json"),
        FormatInfo("yaml", "yaml_rails", "{lang}.yml"),
        FormatInfo("android-xml", "android_xml", "strings.xml"),
        FormatInfo("ios-strings", "ios_strings", "Localizable.strings"),
        FormatInfo("ios-stringsdict", "ios_stringsdict", "Localizable.stringsdict"),
        FormatInfo("xliff", "xliff12", "{lang}.xlf", bilingual=True, keeps_untranslated=True),
        FormatInfo("xliff2", "xliff2", "{lang}.xlf", bilingual=True, keeps_untranslated=True),
        FormatInfo("arb", "arb", "app_{lang}.arb"),
        FormatInfo("po", "po", "{lang}.po", bilingual=True, keeps_untranslated=True),
        FormatInfo("pot", "pot", "messages.pot", bilingual=True, keeps_untranslated=True),
        FormatInfo("mo", "mo", "{lang}.mo", binary=True),
        FormatInfo("php-array", "php_array", "{lang}.php"),
        FormatInfo("csv", "csv_table", "{lang}.csv", bilingual=True),
        FormatInfo("properties", "properties", "messages_{lang}.properties"),
        FormatInfo("json-clean", "json_clean", "{lang}.json"),
    )
}

FORMAT_IDS: tuple[str, ...] = tuple(FORMATS)


def get_format(format_id: str) -> FormatInfo:
    try:
        return FORMATS[format_id]
    except KeyError:
        raise FormatError(f"Unknown format '{format_id}'. Valid formats: {', '.join(FORMAT_IDS)}") from None
