"""xliff2: unit keys, segments, notes, states, byte-identical patching, canonical render."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import xliff2
from entri.formats.catalog import Catalog, Entry
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs

FIXTURE = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
  <file id="f1" original="app.json">
    <unit id="u1" name="home.title">
      <notes>
        <note category="description">Title &amp; subtitle</note>
        <note category="meaning">home</note>
        <note category="location">src/home.ts:3</note>
        <note category="state">kept-in-memo</note>
      </notes>
      <segment state="reviewed">
        <source>Hello <ph id="0" disp="{{name}}"/>!</source>
        <target>Bonjour <ph id="0" disp="{{name}}"/> !</target>
      </segment>
    </unit>
    <unit id="multi">
      <segment id="s1" state="translated">
        <source>One.</source>
        <target>Un.</target>
      </segment>
      <ignorable>
        <source> </source>
      </ignorable>
      <segment id="s2">
        <source>Two.</source>
        <target>Deux l'été « ok ».</target>
      </segment>
    </unit>
    <unit id="todo" translate="no">
      <segment state="initial">
        <source>Later</source>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_fixture_values() -> None:
    catalog = xliff2.parse(FIXTURE.encode(), "fr")
    assert catalog.source_language == "en" and catalog.headers == {"original": "app.json"}
    home, multi, todo = catalog.entries
    assert (home.key, home.extra["id"]) == ("home.title", "u1")
    assert home.description == "Title & subtitle" and home.context == "home"
    assert home.references == ["src/home.ts:3"] and home.state == "reviewed"
    assert home.value == 'Bonjour <ph id="0" disp="{{name}}"/> !'
    assert multi.source == "One. Two." and multi.value == "Un. Deux l'été « ok »."
    assert multi.state == "translated"
    assert (todo.value, todo.state, todo.translatable) == (None, "untranslated", False)
    assert xliff2.render(catalog) == FIXTURE.encode()


CANONICAL = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
  <file id="f1" original="app.json">
    <unit id="home.title">
      <notes>
        <note category="description">Title &amp; subtitle</note>
        <note category="meaning">home</note>
        <note category="location">src/home.ts:3</note>
      </notes>
      <segment state="reviewed">
        <source>Hello <ph id="0" disp="{{name}}"/>!</source>
        <target>Bonjour <ph id="0" disp="{{name}}"/> !</target>
      </segment>
    </unit>
    <unit id="multi">
      <segment state="translated">
        <source>One. Two.</source>
        <target>Un. Deux l'été « ok ».</target>
      </segment>
    </unit>
    <unit id="todo" translate="no">
      <segment state="initial">
        <source>Later</source>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_fixture_canonical_render_is_exact() -> None:
    catalog = xliff2.parse(FIXTURE.encode(), "fr")
    canonical = xliff2.render(catalog.without_memo())
    assert canonical.decode() == CANONICAL
    assert xliff2.parse(canonical, "fr") == catalog


def test_edited_multi_segment_value_goes_to_first_segment() -> None:
    catalog = xliff2.parse(FIXTURE.encode(), "fr")
    catalog.entries[1].value = "Un et deux."
    catalog.entries[1].state = "approved"
    catalog.entries[2].value = "Plus tard"
    out = xliff2.render(catalog).decode()
    diff = [ln for ln in difflib.ndiff(FIXTURE.splitlines(), out.splitlines()) if ln[:1] in "+-"]
    assert diff == [
        '-       <segment id="s1" state="translated">',
        '+       <segment id="s1" state="final">',
        "-         <target>Un.</target>",
        "+         <target>Un et deux.</target>",
        "-         <target>Deux l'été « ok ».</target>",
        "+         <target></target>",
        "+         <target>Plus tard</target>",
    ]
    reparsed = xliff2.parse(out.encode(), "fr")
    assert reparsed.entries[1].value == "Un et deux. " and reparsed.entries[1].state == "approved"
    assert reparsed.entries[2].value == "Plus tard"


def test_added_and_removed_units() -> None:
    catalog = xliff2.parse(FIXTURE.encode(), "fr")
    catalog.entries = [catalog.entries[0], Entry("new key", value="Nouveau", source="New")]
    out = xliff2.render(catalog)
    assert b'id="multi"' not in out and b'name="new key"' in out
    assert xliff2.parse(out, "fr") == catalog


@settings(max_examples=150, deadline=None)
@given(catalogs(sources=True, contexts=True, descriptions=True))
def test_canonical_round_trip_property(catalog: Catalog) -> None:
    assert xliff2.parse(xliff2.render(catalog), catalog.language) == catalog


@pytest.mark.parametrize("path", corpus_params("xliff2"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = xliff2.parse(data, language)
    assert catalog.entries
    assert xliff2.render(catalog) == data
    assert xliff2.parse(xliff2.render(catalog), language) == catalog
    assert xliff2.parse(xliff2.render(catalog.without_memo()), language) == catalog
