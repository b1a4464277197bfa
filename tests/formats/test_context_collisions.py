"""Every codec, given entries whose names collide and differ only by context, writes them all
distinctly (and reads them back) or refuses with a FormatError naming the key; none drops one.

Decisions per format: docs/import-export.md, "Keys that differ only by context".
"""

from __future__ import annotations

import re

import pytest

from entri.formats import FORMAT_IDS, get_format
from entri.formats.catalog import Catalog, Entry, FormatError, require_distinct_keys

REFUSED = frozenset(
    {
        "json-flat",
        "json-nested",
        "json-clean",
        "yaml",
        "arb",
        "php-array",
        "properties",
        "ios-strings",
        "ios-stringsdict",
    }
)
"""No place for a context in the file."""


def _colliding(plural: bool = False) -> Catalog:
    if plural:
        entries = [
            Entry("files", plurals={"one": "a file", "other": "files"}),
            Entry("files", plurals={"one": "a document", "other": "documents"}, context="docs"),
        ]
    else:
        entries = [Entry("Open", value="Open"), Entry("Open", value="Open…", context="menu")]
    return Catalog(language="en", source_language="en", entries=entries)


def _read_back(format_id: str, data: bytes) -> dict[tuple[str, str | None], object]:
    catalog = get_format(format_id).codec().parse(data, "en")
    return {(e.key, e.context): e.plurals or e.value for e in catalog.entries}


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_same_key_in_two_contexts_is_written_twice_or_refused(format_id: str) -> None:
    codec = get_format(format_id).codec()
    catalog = _colliding(plural=format_id == "ios-stringsdict")  # stringsdict writes plurals only
    if format_id in REFUSED:
        with pytest.raises(FormatError, match=r"'(Open|files)' would be written twice"):
            codec.render(catalog)
        return
    out = codec.render(catalog)
    ids = re.findall(rb'<(?:trans-unit|unit) id="([^"]*)"', out)
    assert len(ids) == len(set(ids))  # XLIFF ids are unique within a <file>
    got = _read_back(format_id, out)
    if format_id == "pot":  # a template has no translations, only the two msgids
        assert set(got) == {("Open", None), ("Open", "menu")}
    else:
        assert got == {("Open", None): "Open", ("Open", "menu"): "Open…"}


def test_a_key_repeated_with_one_identity_is_not_refused() -> None:
    """A stored file that defines a key twice reaches render with the entry at both places."""
    require_distinct_keys([Entry("a", value="x"), Entry("a", value="x")], "yaml")


def test_the_refusal_names_both_contexts_and_namespaces() -> None:
    with pytest.raises(FormatError) as caught:
        require_distinct_keys([Entry("a", namespace="web"), Entry("a", namespace="app", context="menu")], "yaml")
    message = str(caught.value)
    assert "Key 'a' would be written twice" in message
    assert "no context in namespace 'web'" in message and "context 'menu' in namespace 'app'" in message


XLIFF12 = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="fr" datatype="plaintext" original="x">
    <body>
      <trans-unit id="Open">
        <source>Open</source>
        <target>Ouvrir</target>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
  <file id="f1">
    <unit id="Open">
      <segment>
        <source>Open</source>
        <target>Ouvrir</target>
      </segment>
    </unit>
  </file>
</xliff>
"""


@pytest.mark.parametrize(("format_id", "stored"), [("xliff", XLIFF12), ("xliff2", XLIFF2)])
def test_units_added_to_a_stored_xliff_get_ids_of_their_own(format_id: str, stored: bytes) -> None:
    """Appended units must not reuse an id the stored document has, nor each other's."""
    codec = get_format(format_id).codec()
    catalog = codec.parse(stored, "fr")
    catalog.entries += [
        Entry("Open", value="Ouvrir…", context="menu"),
        Entry("two words", value="deux mots"),
        Entry("three words", value="trois mots"),
    ]
    out = codec.render(catalog)
    ids = re.findall(rb'<(?:trans-unit|unit) id="([^"]*)"', out)
    assert len(ids) == 4 and len(set(ids)) == 4
    assert _read_back(format_id, out) == {
        ("Open", None): "Ouvrir",
        ("Open", "menu"): "Ouvrir…",
        ("two words", None): "deux mots",
        ("three words", None): "trois mots",
    }
