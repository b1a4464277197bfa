"""Unchanged translations, and when equality is expected."""

from __future__ import annotations

import pytest

from entri.checks.base import Context
from entri.checks.identical import identical_by_nature
from tests.checks.helpers import messages, plural_messages


@pytest.mark.parametrize("language", ["de", "fr", "ru", "ar", "ja", "pl", "zh-Hans"])
def test_an_unchanged_sentence_is_flagged(language: str) -> None:
    assert messages("unchanged", "Save changes", "Save changes", language=language) == [
        'identical to the source: "Save changes"'
    ]


def test_a_translated_text_passes() -> None:
    assert messages("unchanged", "Änderungen speichern", "Save changes") == []


@pytest.mark.parametrize(
    "text",
    [
        "42",
        "3.14 %",
        "%s",
        "{count}",
        "%1$s / %2$s",
        "{{name}}: %d",
        "https://example.com",
        "help@example.com",
        "OK",
        "API",
        "HTTP",
        "MP3",
        "<b>%s</b>",
        "— · —",
        ":count",
    ],
)
def test_identical_by_nature(text: str) -> None:
    assert identical_by_nature(text)
    assert messages("unchanged", text, text, language="fr") == []


@pytest.mark.parametrize("text", ["Save", "Ok then", "Email: help@example.com", "Files: %d", "SAVE CHANGES"])
def test_not_identical_by_nature(text: str) -> None:
    assert not identical_by_nature(text)


def test_do_not_translate_and_listed_strings_are_skipped() -> None:
    assert messages("unchanged", "Entri", "Entri", do_not_translate=True) == []
    listed = Context(identical=frozenset({"Entri Cloud"}))
    assert messages("unchanged", "Entri Cloud", "Entri Cloud", context=listed) == []
    # case-sensitive, whole text
    assert messages("unchanged", "entri cloud", "entri cloud", context=listed) != []
    assert messages("unchanged", "Entri Cloud Pro", "Entri Cloud Pro", context=listed) != []


def test_a_variant_of_the_source_language_is_skipped() -> None:
    assert messages("unchanged", "Colour", "Colour", language="en-GB", source_language="en") == []
    assert messages("unchanged", "Color", "Color", language="en", source_language="en-US") == []


def test_plural_flagged_only_when_every_form_is_unchanged() -> None:
    source = {"one": "One file", "other": "%d files"}
    assert plural_messages("unchanged", dict(source), source, language="de") == ['identical to the source: "One file"']
    assert plural_messages("unchanged", {"one": "Eine Datei", "other": "%d files"}, source, language="de") == []
