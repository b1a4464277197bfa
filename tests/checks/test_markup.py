"""Tag parity and nesting; URLs and e-mail addresses kept."""

from __future__ import annotations

import pytest

from tests.checks.helpers import messages

TAGS = [
    # language, source, translation, words (empty: passes)
    ("de", "Click <b>here</b>", "Klicken Sie <b>hier</b>", []),
    ("fr", '<a href="/x" title="Open">Open</a>', '<a title="Ouvrir" href="/x">Ouvrir</a>', []),
    ("ja", "Line<br>break", "改行<br/>です", []),
    ("ru", "<b>Bold</b> and <i>italic</i>", "<i>курсив</i> и <b>жирный</b>", []),
    ("ar", "a < b and c > d", "أ < ب و ج > د", []),
    (
        "pl",
        "{count, plural, one {<b>#</b> plik} other {<b>#</b> pliki}}",
        "{count, plural, one {<b>#</b> plik} other {<b>#</b> pliki}}",
        [],
    ),
    ("zh-Hans", "Click <b>here</b>", "点击这里", ["missing </b>, <b>"]),
    ("de", "Click <b>here</b>", "Klicken Sie <i>hier</i>", ["missing </b>, <b>", "unexpected </i>, <i>"]),
    ("fr", "<b>Bold <i>text</i></b>", "<b>Texte <i>gras</b></i>", ["not well nested: </b> closes <i>"]),
    ("de", 'Use <xliff:g id="n">%1$s</xliff:g>', "Nutze %1$s", ["missing </xliff:g>, <xliff:g>"]),
    ("en", "<p>Unclosed source", "<p>Unclosed translation", []),
]


@pytest.mark.parametrize(("language", "source", "target", "words"), TAGS)
def test_tags(language: str, source: str, target: str, words: list[str]) -> None:
    found = messages("tags", target, source, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]


URLS = [
    ("de", "See https://example.com/docs.", "Siehe https://example.com/docs.", []),
    ("fr", "Write to help@example.com", "Écrivez à help@example.com", []),
    ("ja", "Visit https://example.com/a?b=1#c", "https://example.com/a?b=1#c を参照", []),
    ("de", "See https://example.com", "Siehe https://example.de", ["missing https://example.com"]),
    ("ru", "Mail help@example.com", "Пишите на support@example.com", ["missing help@example.com"]),
    ("pl", "Time: 10:30, ratio 2:1", "Czas: 10:30", []),
    ("ar", "Contact mailto:a@b.org", "اتصل", ["mailto:a@b.org"]),
]


@pytest.mark.parametrize(("language", "source", "target", "words"), URLS)
def test_urls(language: str, source: str, target: str, words: list[str]) -> None:
    found = messages("urls", target, source, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]
