from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import arb
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import CORPUS, corpus_params
from tests.formats.json_helpers import (
    accepted_params,
    canonical_is_json,
    check_hostile,
    corpus_round_trip,
    edit_changes_one_line,
    garbage_property,
    hostile_params,
)
from tests.formats.strategies import catalogs, identifiers, texts

FIXTURE = b"""{
  "@@locale": "fr",
  "@@last_modified": "2024-01-01",
  "@@x-generator": {"tool": "x", "version": 2},
  "@greeting": {
    "description": "Shown on the home \\"screen\\"",
    "context": "home",
    "placeholders": {"name": {"type": "String", "example": "Ana"}}
  },
  "greeting": "Bonjour {name} !",

  "files": "{count, plural, =0{Aucun fichier} =1{Un fichier} other{{count} fichiers}}",
  "@files": {
    "placeholders": {"count": {"type": "int", "format": "compact", "optionalParameters": {"digits": 1.5}}}
  },
  "quote": "L'\\u00e9t\\u00e9 '{'",
  "@quote": {},
  "@orphan": {"description": "no message"}
}
"""


def test_fixture_values() -> None:
    catalog = arb.parse(FIXTURE, "fr")
    assert catalog.headers == {"@@locale": "fr", "@@last_modified": "2024-01-01"}
    assert [(e.key, e.value, e.description, e.context) for e in catalog.entries] == [
        ("greeting", "Bonjour {name} !", 'Shown on the home "screen"', None),
        ("files", "{count, plural, =0{Aucun fichier} =1{Un fichier} other{{count} fichiers}}", None, None),
        ("quote", "L'été '{'", None, None),
    ]
    assert all(e.plurals is None for e in catalog.entries), "ICU plurals stay strings"
    assert catalog.entries[0].placeholders == {"name": {"type": "String", "example": "Ana"}}
    assert catalog.entries[1].placeholders == {
        "count": {"type": "int", "format": "compact", "optionalParameters": {"digits": 1.5}}
    }
    assert catalog.entries[2].placeholders is None
    assert arb.render(catalog) == FIXTURE


def test_fixture_canonical_bytes() -> None:
    catalog = arb.parse(FIXTURE, "fr").without_memo()
    out = arb.render(catalog)
    assert (
        out
        == (
            "{\n"
            '  "@@locale": "fr",\n'
            '  "@@last_modified": "2024-01-01",\n'
            '  "greeting": "Bonjour {name} !",\n'
            '  "@greeting": {\n'
            '    "description": "Shown on the home \\"screen\\"",\n'
            '    "placeholders": {\n'
            '      "name": {\n'
            '        "type": "String",\n'
            '        "example": "Ana"\n'
            "      }\n"
            "    }\n"
            "  },\n"
            '  "files": "{count, plural, =0{Aucun fichier} =1{Un fichier} other{{count} fichiers}}",\n'
            '  "@files": {\n'
            '    "placeholders": {\n'
            '      "count": {\n'
            '        "type": "int",\n'
            '        "format": "compact",\n'
            '        "optionalParameters": {\n'
            '          "digits": 1.5\n'
            "        }\n"
            "      }\n"
            "    }\n"
            "  },\n"
            '  "quote": "L\'été \'{\'"\n'
            "}\n"
        ).encode()
    )
    canonical_is_json(out)
    assert arb.parse(out, "fr") == catalog


def test_edits_patch_value_description_and_header_in_place() -> None:
    catalog = arb.parse(FIXTURE, "fr")
    catalog.headers["@@last_modified"] = "2025-02-02"
    catalog.entries[0].description = "Accueil"
    catalog.entries[2].value = "Été"
    out = arb.render(catalog)
    expected = (
        FIXTURE.replace(b"2024-01-01", b"2025-02-02")
        .replace(b'"Shown on the home \\"screen\\""', b'"Accueil"')
        .replace(b"\"L'\\u00e9t\\u00e9 '{'\"", b'"\\u00c9t\\u00e9"')
    )
    assert out == expected


def test_metadata_change_reserialises_and_keeps_unknown_fields() -> None:
    catalog = arb.parse(FIXTURE, "fr")
    catalog.entries[0].placeholders = {"name": {"type": "Object"}}
    catalog.entries[2].description = "new"
    catalog.entries.append(Entry(key="added", value="Ajouté", description="d"))
    out = arb.render(catalog)
    tree = json.loads(out)
    assert list(tree) == [
        "@@locale",
        "@@last_modified",
        "@@x-generator",
        "@greeting",
        "greeting",
        "files",
        "@files",
        "quote",
        "@quote",
        "@orphan",
        "added",
        "@added",
    ]
    assert tree["@greeting"] == {
        "description": 'Shown on the home "screen"',
        "context": "home",
        "placeholders": {"name": {"type": "Object"}},
    }
    assert tree["@quote"] == {"description": "new"}
    assert tree["@@x-generator"] == {"tool": "x", "version": 2}
    assert tree["@orphan"] == {"description": "no message"}
    assert arb.parse(out, "fr") == catalog


def test_empty_metadata_objects_survive_edits_and_deletes() -> None:
    data = b'{\n  "a": "A",\n  "@a": {},\n  "b": "B",\n  "@b": {}\n}\n'
    catalog = arb.parse(data, "ru")
    catalog.entries[0].value = "Б"
    assert arb.render(catalog) == data.replace(b'"A"', '"Б"'.encode())
    del catalog.entries[0]
    assert arb.render(catalog) == b'{\n  "b": "B",\n  "@b": {}\n}\n'


def test_metadata_before_message_stays_before() -> None:
    data = b'{\n  "@a": {"description": "d"},\n  "a": "A",\n  "b": "B"\n}'
    catalog = arb.parse(data, "en")
    assert catalog.entries[0].description == "d"
    del catalog.entries[1]
    assert arb.render(catalog) == b'{\n  "@a": {\n    "description": "d"\n  },\n  "a": "A"\n}'


def test_non_string_message_is_an_error() -> None:
    with pytest.raises(FormatError, match="'a' must be a string") as err:
        arb.parse(b'{\n  "a": {"b": 1}\n}', "en")
    assert err.value.line == 2


def test_message_keys_cannot_start_with_at() -> None:
    with pytest.raises(FormatError, match="'@x'"):
        arb.render(Catalog(language="en", entries=[Entry(key="@x", value="v")]))


def test_plural_from_another_format_becomes_icu() -> None:
    entry = Entry(key="n", plurals={"other": "{count} items", "one": "one item"})
    out = arb.render(Catalog(language="en", entries=[entry]))
    assert json.loads(out) == {"n": "{count, plural, one{one item} other{{count} items}}"}


def test_identical_duplicate_in_corpus_is_patched_everywhere() -> None:
    path = CORPUS / "arb" / "flutter-gallery__intl_en.arb"
    if not path.is_file():
        pytest.skip(f"corpus {path} absent")
    data = path.read_bytes()
    catalog = arb.parse(data, "en")
    entry = next(e for e in catalog.entries if e.key == "shrineProductChambrayShirt")
    entry.value = "Denim shirt"
    entry.description = "Name of a shirt"
    out = arb.render(catalog)
    assert out.count(b'"shrineProductChambrayShirt": "Denim shirt"') == 2
    assert out.count(b'"description": "Name of a shirt"') == 2
    assert (
        out.replace(b"Denim shirt", b"Chambray shirt").replace(
            b'"Name of a shirt"', b"\"Name of the product 'Chambray shirt'.\""
        )
        == data
    )


@pytest.mark.parametrize("path", corpus_params("arb"))
def test_corpus_round_trip(path: Path) -> None:
    catalog = corpus_round_trip(arb, path)
    if "aves__app_ru" in path.name:
        assert b'"@appName": {}' in arb.render(catalog)


@pytest.mark.parametrize("path", corpus_params("arb"))
def test_corpus_edit_is_local(path: Path) -> None:
    edit_changes_one_line(arb, path, index=4)


@pytest.mark.parametrize("path", corpus_params("arb"))
def test_corpus_delete_keeps_everything_else(path: Path) -> None:
    data = path.read_bytes()
    catalog = arb.parse(data, "en")
    removed = catalog.entries.pop(3)
    tree = json.loads(data)
    del tree[removed.key]
    tree.pop("@" + removed.key, None)
    out = arb.render(catalog)
    assert json.loads(out) == tree
    assert list(json.loads(out)) == list(tree)


@settings(max_examples=150, deadline=None)
@given(catalogs(keys=identifiers(), values=texts(), descriptions=True))
def test_property_round_trip(catalog: Catalog) -> None:
    for entry in catalog.entries:
        if entry.description is not None:
            entry.placeholders = {"x": {"type": "String", "example": entry.description}}
    catalog.headers = {"@@locale": catalog.language}
    assert arb.parse(arb.render(catalog), catalog.language) == catalog


@hostile_params
def test_hostile_inputs(name: str, data: bytes) -> None:
    with pytest.raises(FormatError):
        arb.parse(data, "en")


@accepted_params
def test_a_message_that_is_no_string_is_refused_by_name(name: str, data: bytes) -> None:
    """gen-l10n refuses it too; before, the message was left out of the import unseen."""
    with pytest.raises(FormatError, match="ARB message 'n' must be a string"):
        arb.parse(data, "en")


@pytest.mark.parametrize("value", ["5", "true", "null", "1.5"])
def test_number_boolean_or_null_message_is_refused(value: str) -> None:
    with pytest.raises(FormatError, match="'g' must be a string") as caught:
        arb.parse(f'{{\n  "f": "F",\n  "g": {value}\n}}'.encode(), "en")
    assert caught.value.line == 3


def test_garbage_never_raises_anything_else() -> None:
    garbage_property(arb)
    check_hostile(arb, "ok", b'{"@a": {"placeholders": {"n": {"example": 1e999}}}, "a": "x"}')
