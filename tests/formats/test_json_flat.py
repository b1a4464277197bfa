from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import json_flat
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params
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

FIXTURE = (
    "{\n"
    '    "app.title": "Entri \\u2014 {{name}}",\n'
    '    "Hello. World": "Bonjour, {{name}} !",\n'
    '    "items_one": "{{count}} élément",\n'
    '    "items_other": "{{count}} éléments",\n'
    '    "path": "a\\/b\\\\c\\n\\"q\\"",\n'
    '    "empty": "",\n'
    '    "version": 3,\n'
    '    "beta": true,\n'
    '    "icu": "{count, plural, one {# fichier} other {# fichiers}}"\n'
    "}\n"
).encode()


def test_fixture_values() -> None:
    catalog = json_flat.parse(FIXTURE, "fr")
    assert [(e.key, e.value) for e in catalog.entries] == [
        ("app.title", "Entri \u2014 {{name}}"),
        ("Hello. World", "Bonjour, {{name}} !"),
        ("items_one", "{{count}} élément"),
        ("items_other", "{{count}} éléments"),
        ("path", 'a/b\\c\n"q"'),
        ("empty", ""),
        ("version", "3"),  # a number or boolean is its JSON text: nothing left out in silence
        ("beta", "true"),
        ("icu", "{count, plural, one {# fichier} other {# fichiers}}"),
    ]
    assert all(e.plurals is None for e in catalog.entries), "json-flat never folds suffixes"
    assert json_flat.render(catalog) == FIXTURE


def test_fixture_canonical_bytes() -> None:
    catalog = json_flat.parse(FIXTURE, "fr")
    out = json_flat.render(catalog.without_memo())
    assert (
        out
        == (
            "{\n"
            '  "app.title": "Entri \u2014 {{name}}",\n'
            '  "Hello. World": "Bonjour, {{name}} !",\n'
            '  "items_one": "{{count}} élément",\n'
            '  "items_other": "{{count}} éléments",\n'
            '  "path": "a/b\\\\c\\n\\"q\\"",\n'
            '  "empty": "",\n'
            '  "version": "3",\n'
            '  "beta": "true",\n'
            '  "icu": "{count, plural, one {# fichier} other {# fichiers}}"\n'
            "}\n"
        ).encode()
    )
    canonical_is_json(out)


def test_edit_keeps_file_style() -> None:
    catalog = json_flat.parse(FIXTURE, "fr")
    catalog.entries[4].value = "x/y é"
    out = json_flat.render(catalog)
    assert out == FIXTURE.replace(b'"a\\/b\\\\c\\n\\"q\\""', b'"x\\/y \xc3\xa9"')


def test_structural_change_keeps_numbers_and_indent() -> None:
    catalog = json_flat.parse(FIXTURE, "fr")
    del catalog.entries[1]
    catalog.entries.append(Entry(key="new", value="neu"))
    out = json_flat.render(catalog)
    expected = json.loads(FIXTURE)
    del expected["Hello. World"]
    expected["new"] = "neu"
    assert json.loads(out) == expected
    assert list(json.loads(out)) == list(expected)
    assert b'\n    "version": 3,\n' in out and b"\\u2014" in out


def test_nested_value_is_rejected_with_position() -> None:
    with pytest.raises(FormatError, match=r"'nav'.*json-nested") as err:
        json_flat.parse(b'{\n  "a": "x",\n  "nav": {"b": "c"}\n}', "en")
    assert (err.value.line, err.value.column) == (3, 3)


def test_invalid_json_has_line_and_column() -> None:
    with pytest.raises(FormatError) as err:
        json_flat.parse(b'{\n  "a": "x",\n  "b" "y"\n}', "en")
    assert (err.value.line, err.value.column) == (3, 7)


def test_conflicting_duplicate_is_rejected() -> None:
    with pytest.raises(FormatError, match="Duplicate key 'a'") as err:
        json_flat.parse(b'{\n  "a": "1",\n  "b": "2",\n  "a": "3"\n}', "en")
    assert err.value.line == 4


def test_identical_duplicate_is_kept_and_patched_together() -> None:
    data = b'{\n  "a": "1",\n  "b": "2",\n  "a": "1"\n}\n'
    catalog = json_flat.parse(data, "en")
    assert [(e.key, e.value) for e in catalog.entries] == [("a", "1"), ("b", "2")]
    assert json_flat.render(catalog) == data
    catalog.entries[0].value = "9"
    assert json_flat.render(catalog) == b'{\n  "a": "9",\n  "b": "2",\n  "a": "9"\n}\n'


def test_bom_crlf_tabs_ascii_escapes_no_final_newline() -> None:
    data = b'\xef\xbb\xbf{\r\n\t"k": "caf\\u00e9",\r\n\t"l": "x"\r\n}'
    catalog = json_flat.parse(data, "fr")
    assert catalog.entries[0].value == "café"
    assert json_flat.render(catalog) == data
    catalog.entries[1].value = "ü"
    assert json_flat.render(catalog) == data.replace(b'"x"', b'"\\u00fc"')
    catalog.entries.append(Entry(key="m", value="ö"))
    out = json_flat.render(catalog)
    assert out == b'\xef\xbb\xbf{\r\n\t"k": "caf\\u00e9",\r\n\t"l": "\\u00fc",\r\n\t"m": "\\u00f6"\r\n}'


def test_empty_object_and_compact_file() -> None:
    assert json_flat.parse(b"{}", "en").entries == []
    assert json_flat.render(Catalog(language="en")) == b"{}\n"
    compact = b'{"a":"1","b":"2"}'
    catalog = json_flat.parse(compact, "en")
    del catalog.entries[0]
    assert json_flat.render(catalog) == b'{"b":"2"}'


def test_untranslated_entries_are_omitted() -> None:
    catalog = Catalog(language="en", entries=[Entry(key="a"), Entry(key="b", value="")])
    assert json_flat.render(catalog) == b'{\n  "b": ""\n}\n'


@pytest.mark.parametrize("path", corpus_params("json-flat"))
def test_corpus_round_trip(path: Path) -> None:
    catalog = corpus_round_trip(json_flat, path)
    assert all(e.plurals is None for e in catalog.entries)


@pytest.mark.parametrize("path", corpus_params("json-flat"))
def test_corpus_edit_is_local(path: Path) -> None:
    edit_changes_one_line(json_flat, path, index=3)


@settings(max_examples=150, deadline=None)
@given(catalogs(keys=identifiers(separator=".") | texts(max_size=15), values=texts()))
def test_property_round_trip(catalog: Catalog) -> None:
    assert json_flat.parse(json_flat.render(catalog), catalog.language) == catalog


@hostile_params
def test_hostile_inputs(name: str, data: bytes) -> None:
    with pytest.raises(FormatError):
        json_flat.parse(data, "en")


@accepted_params
def test_huge_numbers_are_kept_verbatim(name: str, data: bytes) -> None:
    catalog = json_flat.parse(data, "en")
    assert [(e.key, e.value) for e in catalog.entries] == [("a", "x"), ("n", data.rsplit(b": ", 1)[1][:-1].decode())]
    assert json_flat.render(catalog) == data
    catalog.entries[0].value = "y"
    assert json_flat.render(catalog) == data.replace(b'"x"', b'"y"')


def test_garbage_never_raises_anything_else() -> None:
    garbage_property(json_flat)
    check_hostile(json_flat, "ok", b'{"a": "b"}')


def test_numbers_booleans_and_null_are_entries_and_stay_in_place() -> None:
    """Issue 15: `{"f": "F", "g": 5}` imported one entry and said nothing about `g`."""
    data = b'{\n  "f": "F",\n  "g": 5,\n  "h": true,\n  "i": null\n}\n'
    catalog = json_flat.parse(data, "fr")
    assert [(e.key, e.value) for e in catalog.entries] == [("f", "F"), ("g", "5"), ("h", "true"), ("i", None)]
    # An export leaves out keys without a translation: the `null` stays where it was.
    catalog.entries = [e for e in catalog.entries if e.key != "i"]
    assert json_flat.render(catalog) == data
    catalog.entries[1].value = "cinq"
    assert json_flat.render(catalog) == data.replace(b"5", b'"cinq"')
    catalog = json_flat.parse(data, "fr")
    catalog.entries[3].value = "rempli"
    assert json_flat.render(catalog) == data.replace(b"null", b'"rempli"')
