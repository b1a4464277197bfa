"""Issue 15: stored strings that look like markup must reach XLIFF readers as the same string.

Checked with standard readers, not only our own codec: lxml (the target's text, no element
children) and translate-toolkit's XLIFF 1.2 / 2.0 stores. Inline elements that came from an
imported XLIFF file must still be written as elements.
"""

from __future__ import annotations

import pytest
from lxml import etree

from entri.formats import xliff2, xliff12
from entri.formats.catalog import Catalog, Entry

TRICKY = [
    "Un mot en <b>gras</b>",
    "Tom &amp; Jerry",
    "a < b && c > d",
    "<br/>",
    "H<sub>2</sub>O",
    '<em class="x">souligné</em>',
    "<g>svg group</g>",
    "<![CDATA[x]]>",
    "<!-- not a comment -->",
    '<xliff:g id="n">%d</xliff:g> fichiers',
    "<x id='1'/> &bogus;",
]
CODECS = {
    "1.2": (xliff12, "urn:oasis:names:tc:xliff:document:1.2"),
    "2.0": (xliff2, "urn:oasis:names:tc:xliff:document:2.0"),
}


def _targets(data: bytes, namespace: str) -> list[etree._Element]:
    root = etree.fromstring(data)
    return root.findall(f".//{{{namespace}}}target")


def _catalog(values: list[str], **fields: str | None) -> Catalog:
    entries = [Entry(key=f"k{i}", value=v, **fields) for i, v in enumerate(values)]  # type: ignore[arg-type]
    return Catalog(language="fr", source_language="en", entries=entries)


@pytest.mark.parametrize("version", list(CODECS))
def test_lxml_reads_back_exactly_the_stored_string(version: str) -> None:
    codec, namespace = CODECS[version]
    out = codec.render(_catalog(TRICKY, source="Source <i>text</i> &amp;"))
    targets = _targets(out, namespace)
    assert [(t.text or "") for t in targets] == TRICKY
    assert all(len(t) == 0 for t in targets), "no string became an element"
    sources = etree.fromstring(out).findall(f".//{{{namespace}}}source")
    assert {s.text for s in sources} == {"Source <i>text</i> &amp;"}
    assert [e.value for e in codec.parse(out, "fr").entries] == TRICKY


def test_translate_toolkit_reads_back_exactly_the_stored_string_12() -> None:
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(xliff12.render(_catalog(TRICKY, source="S <b>s</b>")))
    units = [u for u in store.units if not u.isheader()]
    assert [u.target for u in units] == TRICKY
    assert {u.source for u in units} == {"S <b>s</b>"}


def test_translate_toolkit_reads_back_exactly_the_stored_string_20() -> None:
    from translate.storage import xliff2 as ttk_xliff2

    store = ttk_xliff2.Xliff2File.parsestring(xliff2.render(_catalog(TRICKY, source="S <b>s</b>")))
    assert [u.target for u in store.units] == TRICKY


@pytest.mark.parametrize(
    ("version", "value"),
    [
        ("1.2", 'Cliquez <x id="INTERPOLATION" equiv-text="{{ n }}"/> fois'),
        ("1.2", 'Un <g id="1">mot</g> <bpt id="2">&lt;b&gt;</bpt>gras<ept id="2">&lt;/b&gt;</ept>'),
        ("1.2", '<ph id="1">{0}</ph> et <mrk mtype="protected">Entri</mrk>'),
        ("2.0", 'Un <pc id="1">mot</pc> <ph id="2"/> <sc id="3"/>x<ec startRef="3"/>'),
        ("2.0", '<mrk id="m1" translate="no">Entri</mrk> <cp hex="0007"/>'),
    ],
)
def test_xliff_inline_elements_stay_elements(version: str, value: str) -> None:
    codec, namespace = CODECS[version]
    out = codec.render(_catalog([value]))
    assert value.encode() in out
    (target,) = _targets(out, namespace)
    assert len(target) > 0
    assert codec.parse(out, "fr").entries[0].value == value


TEMPLATE_12 = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:h="http://www.w3.org/1999/xhtml">
  <file source-language="en" target-language="fr" datatype="html" original="x">
    <body>
      <trans-unit id="a">
        <source>A <g id="1">word</g></source>
        <target>Un <g id="1">mot</g></target>
      </trans-unit>
      <trans-unit id="b">
        <source>In <h:b>bold</h:b></source>
        <target>En <h:b>gras</h:b></target>
      </trans-unit>
      <trans-unit id="c">
        <source>Plain</source>
        <target>Simple</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""


def test_edits_of_an_imported_file_keep_its_markup_and_escape_new_markup() -> None:
    catalog = xliff12.parse(TEMPLATE_12, "fr")
    assert xliff12.render(catalog) == TEMPLATE_12
    values = {e.key: e for e in catalog.entries}
    values["a"].value = 'Un <g id="1">mot</g> !'
    values["b"].value = "En <h:b>très gras</h:b>"  # the file's own (prefixed) markup
    values["c"].value = "Un <b>faux</b> & vrai"  # a stored string, not markup
    out = xliff12.render(catalog)
    assert b'<target>Un <g id="1">mot</g> !</target>' in out
    assert b"<target>En <h:b>tr\xc3\xa8s gras</h:b></target>" in out
    assert b"<target>Un &lt;b&gt;faux&lt;/b&gt; &amp; vrai</target>" in out
    assert {e.key: e.value for e in xliff12.parse(out, "fr").entries} == {
        "a": 'Un <g id="1">mot</g> !',
        "b": "En <h:b>très gras</h:b>",
        "c": "Un <b>faux</b> & vrai",
    }


@pytest.mark.parametrize("version", list(CODECS))
def test_every_unit_has_a_source_even_without_source_text(version: str) -> None:
    """XLIFF 1.2 requires <source> in <trans-unit>, 2.0 in <segment>: an empty one, which
    reads back as "no source text" (not as a source text "")."""
    codec, namespace = CODECS[version]
    catalog = Catalog(
        language="fr",
        source_language="en",
        entries=[Entry(key="no.source", value="Valeur"), Entry(key="empty.source", value="V", source="")],
    )
    out = codec.render(catalog)
    root = etree.fromstring(out)
    container = "trans-unit" if version == "1.2" else "segment"
    holders = root.findall(f".//{{{namespace}}}{container}")
    assert len(holders) == 2
    assert all(h.find(f"{{{namespace}}}source") is not None for h in holders)
    assert b"<source/>" in out and b"<source></source>" in out
    assert [(e.key, e.source) for e in codec.parse(out, "fr").entries] == [("no.source", None), ("empty.source", "")]


def test_translate_toolkit_accepts_units_without_source_text() -> None:
    from translate.storage import xliff

    out = xliff12.render(Catalog(language="fr", source_language="en", entries=[Entry(key="k", value="Valeur")]))
    (unit,) = [u for u in xliff.xlifffile.parsestring(out).units if not u.isheader()]
    assert (unit.xmlelement.get("id"), unit.source, unit.target) == ("k", "", "Valeur")


def test_a_new_unit_added_to_a_template_gets_a_source_too() -> None:
    catalog = xliff12.parse(TEMPLATE_12, "fr")
    catalog.entries.append(Entry(key="d", value="Nouveau"))
    out = xliff12.render(catalog)
    assert b'<trans-unit id="d">\n        <source/>\n        <target>Nouveau</target>' in out
