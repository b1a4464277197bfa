"""POT codec: source strings only, CHARSET placeholder, template header."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import pot
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs

TEMPLATE = r"""# SOME DESCRIPTIVE TITLE.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: PACKAGE VERSION\n"
"Language: \n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=CHARSET\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\n"

#. TRANSLATORS: greeting
#: app.py:3
#, python-brace-format
msgid "Hello {name} — café"
msgstr ""

#: app.py:9
msgctxt "unit"
msgid "{n} file"
msgid_plural "{n} files"
msgstr[0] ""
msgstr[1] ""
"""


def test_template_parses_source_only() -> None:
    catalog = pot.parse(TEMPLATE.encode(), "en")
    assert catalog.headers["Content-Type"] == "text/plain; charset=CHARSET"
    assert catalog.entries == [
        Entry(
            key="Hello {name} — café",
            source="Hello {name} — café",
            description="TRANSLATORS: greeting",
            references=["app.py:3"],
            flags=["python-brace-format"],
        ),
        Entry(
            key="{n} file",
            context="unit",
            source="{n} file",
            references=["app.py:9"],
            source_plurals={"one": "{n} file", "other": "{n} files"},
        ),
    ]
    assert pot.render(catalog) == TEMPLATE.encode()


def test_canonical_template_declares_utf8_and_has_empty_msgstr() -> None:
    catalog = Catalog(
        "en",
        [
            Entry(key="Save", value="ignored in a template", description="button"),
            Entry(key="{n} file", source_plurals={"one": "{n} file", "other": "{n} files"}),
        ],
    )
    assert pot.render(catalog).decode() == (
        "#, fuzzy\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        "\n"
        "#. button\n"
        'msgid "Save"\n'
        'msgstr ""\n'
        "\n"
        'msgid "{n} file"\n'
        'msgid_plural "{n} files"\n'
        'msgstr[0] ""\n'
        'msgstr[1] ""\n'
    )


def test_charset_placeholder_in_header_is_replaced_on_canonical_export() -> None:
    catalog = pot.parse(TEMPLATE.encode(), "en").without_memo()
    out = pot.render(catalog).decode()
    assert "charset=UTF-8" in out and "CHARSET" not in out


@pytest.mark.parametrize("path", corpus_params("pot"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = pot.parse(data, language)
    assert all(e.value is None and e.plurals is None for e in catalog.entries)
    assert pot.render(catalog) == data
    assert pot.parse(pot.render(catalog), language) == catalog
    canonical = pot.parse(pot.render(catalog.without_memo()), language)
    assert canonical.entries == catalog.entries
    # The only header change a canonical export makes: charset=CHARSET becomes UTF-8.
    expected = dict(catalog.headers)
    if "charset=utf-8" not in expected.get("Content-Type", "").lower():
        expected["Content-Type"] = "text/plain; charset=UTF-8"
    assert {k: canonical.headers[k] for k in expected} == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(plurals=True, contexts=True, descriptions=True))
def test_property_round_trip(catalog: Catalog) -> None:
    """A template keeps keys, contexts, descriptions; values never travel in a POT."""
    parsed = pot.parse(pot.render(catalog), catalog.language)
    expected = [
        replace(
            e,
            value=None,
            plurals=None,
            source=e.key,
            source_plurals={"one": e.key, "other": e.key} if e.plurals is not None else None,
        )
        for e in catalog.entries
    ]
    assert parsed.entries == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet='msgidtr_[]0123"\\\n #,~|.:', max_size=200).map(str.encode))
def test_garbage_raises_only_format_error(data: bytes) -> None:
    """The template path (header `#, fuzzy`, placeholders) is its own parser entry point."""
    with contextlib.suppress(FormatError):
        pot.parse(data, "en")
