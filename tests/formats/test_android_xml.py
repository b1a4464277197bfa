"""android-xml: aapt escaping, byte-identical re-render, canonical render, properties."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import _android_escape as aapt
from entri.formats import android_xml
from entri.formats.catalog import Catalog, Entry
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs, texts

FIXTURE = """<?xml version="1.0" encoding="utf-8"?>
<resources xmlns:xliff="urn:oasis:names:tc:xliff:document:1.2"
    xmlns:tools="http://schemas.android.com/tools">
    <!-- Shown on the start screen -->
    <string name="welcome">Bienvenue, %1$s !</string>
    <string name="apostrophe">L\\'appli dit \\"salut\\"\\n\\@home</string>
    <string name="quoted">"  deux  espaces et l'apostrophe "</string>
    <string name="collapse">  a
        b  </string>
    <string name="tablet_only" product="tablet">Tablette</string>
    <string name="tablet_only" product="default">Téléphone</string>
    <string name="markup">Appuyez sur <b>OK</b> &amp; <xliff:g id="count" example="3">%d</xliff:g> fois</string>
    <string name="html"><![CDATA[<a href="%1$s">lien</a>]]></string>
    <string name="app_name" translatable="false">Entri</string>
    <string name="empty"/>
    <plurals name="files" formatted="false" tools:ignore="UnusedQuantity">
        <item quantity="one">%d fichier</item>
        <item quantity="many">%d de fichiers</item>
        <item quantity="other">%d fichiers</item>
    </plurals>
    <string-array name="days">
        <item>lundi</item>
        <item>mardi</item>
    </string-array>
    <integer-array name="sizes"><item>1</item></integer-array>
</resources>
"""


def _entries(catalog: Catalog) -> dict[tuple[str, str | None], Entry]:
    return {(e.key, e.context): e for e in catalog.entries}


def test_fixture_values() -> None:
    catalog = android_xml.parse(FIXTURE.encode(), "fr")
    e = _entries(catalog)
    assert e[("welcome", None)].value == "Bienvenue, %1$s !"
    assert e[("welcome", None)].description == "Shown on the start screen"
    assert e[("apostrophe", None)].value == 'L\'appli dit "salut"\n@home'
    assert e[("quoted", None)].value == "  deux  espaces et l'apostrophe "
    assert e[("collapse", None)].value == "a b"
    assert e[("tablet_only", "tablet")].value == "Tablette"
    assert e[("tablet_only", "default")].value == "Téléphone"
    assert e[("markup", None)].value == (
        'Appuyez sur <b>OK</b> &amp; <xliff:g id="count" example="3">%d</xliff:g> fois'
    )
    assert e[("html", None)].value == '<![CDATA[<a href="%1$s">lien</a>]]>'
    assert e[("app_name", None)].translatable is False
    assert e[("empty", None)].value == ""
    files = e[("files", None)]
    assert files.plurals == {"one": "%d fichier", "many": "%d de fichiers", "other": "%d fichiers"}
    assert files.flags == ["formatted=false"]
    assert files.extra["attrs"] == {"tools:ignore": "UnusedQuantity"}
    assert e[("days[0]", None)].value == "lundi" and e[("days[1]", None)].value == "mardi"
    assert ("sizes", None) not in e  # non-string resources are layout, not entries
    assert android_xml.render(catalog) == FIXTURE.encode()


CANONICAL = """<?xml version="1.0" encoding="utf-8"?>
<resources xmlns:xliff="urn:oasis:names:tc:xliff:document:1.2">
    <!-- Shown on the start screen -->
    <string name="welcome">Bienvenue, %1$s !</string>
    <string name="apostrophe">L\\'appli dit \\"salut\\"\\n@home</string>
    <string name="quoted">"  deux  espaces et l\\'apostrophe "</string>
    <string name="collapse">a b</string>
    <string name="tablet_only" product="tablet">Tablette</string>
    <string name="tablet_only" product="default">Téléphone</string>
    <string name="markup">Appuyez sur <b>OK</b> &amp; <xliff:g id="count" example="3">%d</xliff:g> fois</string>
    <string name="html"><![CDATA[<a href="%1$s">lien</a>]]></string>
    <string name="app_name" translatable="false">Entri</string>
    <string name="empty"></string>
    <plurals name="files" formatted="false">
        <item quantity="one">%d fichier</item>
        <item quantity="many">%d de fichiers</item>
        <item quantity="other">%d fichiers</item>
    </plurals>
    <string-array name="days">
        <item>lundi</item>
        <item>mardi</item>
    </string-array>
</resources>
"""


def test_fixture_canonical_render_is_exact() -> None:
    catalog = android_xml.parse(FIXTURE.encode(), "fr")
    canonical = android_xml.render(catalog.without_memo())
    assert canonical.decode() == CANONICAL
    assert android_xml.parse(canonical, "fr") == catalog


def test_leading_at_is_escaped_only_at_the_start() -> None:
    catalog = Catalog("en", [Entry("a", value="@x and @y"), Entry("b", value="?q")])
    assert b'<string name="a">\\@x and @y</string>' in android_xml.render(catalog)
    assert b'<string name="b">\\?q</string>' in android_xml.render(catalog)


def test_edit_changes_only_that_element() -> None:
    catalog = android_xml.parse(FIXTURE.encode(), "fr")
    _entries(catalog)[("welcome", None)].value = "Salut & bye <3 l'ami  "
    _entries(catalog)[("files", None)].plurals = {"one": "un", "many": "beaucoup", "other": "autres"}
    out = android_xml.render(catalog).decode()
    changed = [ln for ln in difflib.ndiff(FIXTURE.splitlines(), out.splitlines()) if ln[:1] in "+-"]
    assert changed == [
        '-     <string name="welcome">Bienvenue, %1$s !</string>',
        '+     <string name="welcome">"Salut &amp; bye &lt;3 l\\\'ami  "</string>',
        '-         <item quantity="one">%d fichier</item>',
        '+         <item quantity="one">un</item>',
        '-         <item quantity="many">%d de fichiers</item>',
        '+         <item quantity="many">beaucoup</item>',
        '-         <item quantity="other">%d fichiers</item>',
        '+         <item quantity="other">autres</item>',
    ]
    assert android_xml.parse(out.encode(), "fr") == catalog


def test_edit_inside_markup_keeps_markup_and_quotes() -> None:
    src = (
        '<resources xmlns:xliff="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <string name="a">"Dans <xliff:g id="d">%1$s</xliff:g>."</string>\n</resources>\n'
    )
    catalog = android_xml.parse(src.encode(), "fr")
    assert catalog.entries[0].value == 'Dans <xliff:g id="d">%1$s</xliff:g>.'
    catalog.entries[0].value = 'Dans  <xliff:g id="d">%1$s</xliff:g> d\'ici'
    out = android_xml.render(catalog).decode()
    assert '"Dans  <xliff:g id="d">%1$s</xliff:g> d\\\'ici"' in out
    assert android_xml.parse(out.encode(), "fr") == catalog


def test_new_and_removed_entries_in_patched_render() -> None:
    catalog = android_xml.parse(FIXTURE.encode(), "fr")
    catalog.entries = [e for e in catalog.entries if e.key not in ("welcome", "app_name")]
    catalog.entries.append(Entry("added", value="Nouveau"))
    out = android_xml.render(catalog).decode()
    assert 'name="welcome"' not in out
    assert "Shown on the start screen" in out  # comments are layout, never dropped
    assert 'name="app_name" translatable="false"' in out  # untranslatable: kept from memo
    assert out.endswith('    <string name="added">Nouveau</string>\n</resources>\n')


def test_metadata_change_regenerates_element() -> None:
    catalog = android_xml.parse(FIXTURE.encode(), "fr")
    _entries(catalog)[("files", None)].plurals = {"other": "tous"}
    out = android_xml.render(catalog).decode()
    assert '<plurals name="files" formatted="false">\n        <item quantity="other">tous</item>\n    </plurals>' in out
    assert android_xml.parse(out.encode(), "fr") == catalog


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("a  b\n c", "a b c"),
        ('"a  b"', "a  b"),
        ("it\\'s", "it's"),
        ("\\u00e9\\t|", "é\t|"),
        ("  x  ", "x"),
        ('a"  "b', "a  b"),
        ("\\\\n", "\\n"),
    ],
)
def test_aapt_decode(raw: str, decoded: str) -> None:
    assert aapt.decode_text(raw) == decoded


def test_aapt_quotes_span_markup() -> None:
    pieces = [(True, '" a '), (False, "<b>"), (True, "  x"), (False, "</b>"), (True, ' "')]
    assert aapt.decode(pieces) == [" a ", "<b>", "  x", "</b>", " "]


@given(texts(max_size=60))
def test_aapt_encode_decode_round_trip(text: str) -> None:
    assert aapt.decode_text(aapt.encode_text(text)) == text


@settings(max_examples=150, deadline=None)
@given(catalogs(plurals=True, descriptions=True))
def test_canonical_round_trip_property(catalog: Catalog) -> None:
    assert android_xml.parse(android_xml.render(catalog), catalog.language) == catalog


@pytest.mark.parametrize("path", corpus_params("android-xml"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = android_xml.parse(data, language)
    assert catalog.entries
    assert android_xml.render(catalog) == data
    assert android_xml.parse(android_xml.render(catalog), language) == catalog
    canonical = android_xml.render(catalog.without_memo())
    assert android_xml.parse(canonical, language) == catalog


@pytest.mark.parametrize("path", corpus_params("android-xml"))
def test_corpus_single_edit_changes_one_line(path: Path) -> None:
    data = path.read_bytes()
    catalog = android_xml.parse(data, language_of(path))
    target = next(e for e in catalog.entries if e.value and "\n" not in e.value)
    target.value = f"{target.value} (modifié)"
    out = android_xml.render(catalog)
    diff = [ln for ln in difflib.ndiff(data.decode().splitlines(), out.decode().splitlines()) if ln[:1] in "+-"]
    assert len(diff) == 2
    assert android_xml.parse(out, language_of(path)) == catalog


def _resources(n: int) -> bytes:
    body = "".join(f'    <string name="k{i}">Valeur numéro {i} l\\\'ami</string>\n' for i in range(n))
    return f"<resources>\n{body}</resources>\n".encode()


def test_parses_20k_units() -> None:
    # Scale check only; parse time is measured in bench/import_export.py, not asserted here.
    assert len(android_xml.parse(_resources(20_000), "fr").entries) == 20_000
