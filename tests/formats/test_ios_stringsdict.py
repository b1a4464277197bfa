"""ios-stringsdict: key naming, untouched non-plural rules, patching both layouts, canonical."""

from __future__ import annotations

import difflib
import plistlib
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import ios_stringsdict
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"'
    ' "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n'
)
FIXTURE = (
    HEAD
    + """  <dict>
    <key>files</key>
    <dict>
      <key>NSStringLocalizedFormatKey</key>
      <string>%#@count@</string>
      <key>count</key>
      <dict>
        <key>NSStringFormatSpecTypeKey</key>
        <string>NSStringPluralRuleType</string>
        <key>NSStringFormatValueTypeKey</key>
        <string>d</string>
        <key>one</key>
        <string>%d fichier</string>
        <key>few</key>
        <string>%d файла &amp; &lt;ok&gt;</string>
        <key>many</key>
        <string></string>
      </dict>
    </dict>
    <key>limit</key>
    <dict>
      <key>NSStringLocalizedFormatKey</key>
      <string>Limite dépassée de %1$#@chars@ sur %2$#@lines@</string>
      <key>chars</key>
      <dict>
        <key>NSStringFormatSpecTypeKey</key>
        <string>NSStringPluralRuleType</string>
        <key>NSStringFormatValueTypeKey</key>
        <string>ld</string>
        <key>one</key>
        <string>%ld caractère</string>
        <key>other</key>
        <string>%ld caractères</string>
      </dict>
      <key>lines</key>
      <dict>
        <key>NSStringFormatSpecTypeKey</key>
        <string>NSStringPluralRuleType</string>
        <key>NSStringFormatValueTypeKey</key>
        <string>d</string>
        <key>other</key>
        <string>%d lignes</string>
      </dict>
    </dict>
    <key>width</key>
    <dict>
      <key>NSStringLocalizedFormatKey</key>
      <string>%#@w@</string>
      <key>w</key>
      <dict>
        <key>NSStringFormatSpecTypeKey</key>
        <string>NSStringVariableWidthRuleType</string>
        <key>20</key>
        <string>Court</string>
      </dict>
    </dict>
  </dict>
</plist>
"""
)


def test_fixture_values() -> None:
    catalog = ios_stringsdict.parse(FIXTURE.encode(), "ru")
    assert catalog.entries == [
        Entry("files", plurals={"one": "%d fichier", "few": "%d файла & <ok>", "many": ""}),
        Entry("limit", value="Limite dépassée de %1$#@chars@ sur %2$#@lines@"),
        Entry(
            "limit:chars",
            plurals={"one": "%ld caractère", "other": "%ld caractères"},
            placeholders={"NSStringFormatValueTypeKey": "ld"},
        ),
        Entry("limit:lines", plurals={"other": "%d lignes"}),
    ]  # `width` (variable-width rule) stays in the memo only; missing `other` stays missing
    assert ios_stringsdict.render(catalog) == FIXTURE.encode()


def test_fixture_canonical_render_is_exact() -> None:
    catalog = ios_stringsdict.parse(FIXTURE.encode(), "ru")
    canonical = ios_stringsdict.render(catalog.without_memo())
    expected = {
        "files": {
            "NSStringLocalizedFormatKey": "%#@count@",
            "count": {
                "NSStringFormatSpecTypeKey": "NSStringPluralRuleType",
                "NSStringFormatValueTypeKey": "d",
                "one": "%d fichier",
                "few": "%d файла & <ok>",
                "many": "",
            },
        },
        "limit": {
            "NSStringLocalizedFormatKey": "Limite dépassée de %1$#@chars@ sur %2$#@lines@",
            "chars": {
                "NSStringFormatSpecTypeKey": "NSStringPluralRuleType",
                "NSStringFormatValueTypeKey": "ld",
                "one": "%ld caractère",
                "other": "%ld caractères",
            },
            "lines": {
                "NSStringFormatSpecTypeKey": "NSStringPluralRuleType",
                "NSStringFormatValueTypeKey": "d",
                "other": "%d lignes",
            },
        },
    }
    assert canonical == plistlib.dumps(expected, fmt=plistlib.FMT_XML, sort_keys=False)
    assert canonical.startswith(HEAD.replace("\n<plist", "\n<plist").encode()[:38])
    assert b"\t\t\t<key>NSStringFormatSpecTypeKey</key>" in canonical
    assert ios_stringsdict.parse(canonical, "ru") == catalog


def test_edit_patches_one_string_in_two_space_layout() -> None:
    catalog = ios_stringsdict.parse(FIXTURE.encode(), "ru")
    catalog.entries[0].plurals = {"one": "%d fichier", "few": "%d & 3", "many": ""}
    out = ios_stringsdict.render(catalog).decode()
    diff = [ln for ln in difflib.ndiff(FIXTURE.splitlines(), out.splitlines()) if ln[:1] in "+-"]
    assert diff == [
        "-         <string>%d файла &amp; &lt;ok&gt;</string>",
        "+         <string>%d &amp; 3</string>",
    ]
    assert ios_stringsdict.parse(out.encode(), "ru") == catalog


def test_structural_change_falls_back_to_plistlib_and_keeps_untouched_rules() -> None:
    catalog = ios_stringsdict.parse(FIXTURE.encode(), "ru")
    catalog.entries[0].plurals = {"other": "%d fichiers"}
    catalog.entries.append(Entry("new", plurals={"one": "un", "other": "plusieurs"}))
    out = ios_stringsdict.render(catalog)
    data = plistlib.loads(out)
    assert data["width"]["w"] == {"NSStringFormatSpecTypeKey": "NSStringVariableWidthRuleType", "20": "Court"}
    assert data["files"]["count"]["other"] == "%d fichiers" and "one" not in data["files"]["count"]
    assert ios_stringsdict.parse(out, "ru") == catalog


def test_binary_plist_is_not_a_stringsdict() -> None:
    with pytest.raises(FormatError):
        ios_stringsdict.parse(plistlib.dumps({"a": 1}, fmt=plistlib.FMT_BINARY), "en")


def test_non_dict_root_is_refused() -> None:
    with pytest.raises(FormatError):
        ios_stringsdict.parse(HEAD.encode() + b"<array/></plist>", "en")


@settings(max_examples=150, deadline=None)
@given(catalogs(plurals=True))
def test_canonical_round_trip_property(catalog: Catalog) -> None:
    assert ios_stringsdict.parse(ios_stringsdict.render(catalog), catalog.language) == catalog


@pytest.mark.parametrize("path", corpus_params("ios-stringsdict"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = ios_stringsdict.parse(data, language)
    assert catalog.entries
    assert ios_stringsdict.render(catalog) == data
    assert ios_stringsdict.parse(ios_stringsdict.render(catalog), language) == catalog
    assert ios_stringsdict.parse(ios_stringsdict.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", corpus_params("ios-stringsdict"))
def test_corpus_single_edit_changes_one_line(path: Path) -> None:
    data = path.read_bytes()
    catalog = ios_stringsdict.parse(data, language_of(path))
    entry = next(e for e in catalog.entries if e.plurals and any(e.plurals.values()))
    assert entry.plurals is not None  # element-x pl has no `other` at all: edit any form
    category = next(c for c, v in entry.plurals.items() if v)
    entry.plurals[category] += " (modifié)"
    out = ios_stringsdict.render(catalog)
    diff = [ln for ln in difflib.ndiff(data.decode().splitlines(), out.decode().splitlines()) if ln[:1] in "+-"]
    assert len(diff) == 2
