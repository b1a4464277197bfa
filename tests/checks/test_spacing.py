# ruff: noqa: RUF001 — full-width and non-Latin punctuation is what these tests are about.
"""Whitespace, line breaks, double spaces and language-aware punctuation."""

from __future__ import annotations

import pytest

from tests.checks.helpers import messages

WHITESPACE = [
    ("de", "Name: ", "Name: ", []),
    ("fr", " indented", " indenté", []),
    ("ja", "Name: ", "名前：", []),
    ("zh-Hans", "Total: ", "总计：", []),
    ("de", "Name: ", "Name:", ["trailing whitespace"]),
    ("ru", "Save", " Сохранить", ["leading whitespace"]),
    ("pl", "Line\n", "Linia\n", []),
]


@pytest.mark.parametrize(("language", "source", "target", "words"), WHITESPACE)
def test_whitespace(language: str, source: str, target: str, words: list[str]) -> None:
    found = messages("whitespace", target, source, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]


NEWLINES = [
    ("de", "One\nTwo", "Eins\nZwei", []),
    ("de", "One\nTwo", "Eins Zwei", ["0 line breaks, the source has 1"]),
    ("ar", "Text\n", "نص", ["ends with a line break"]),
    ("ja", "\nText", "\nテキスト", []),
    ("ru", "Text", "Текст\n", ["1 line breaks, the source has 0", "ends with a line break"]),
]


@pytest.mark.parametrize(("language", "source", "target", "words"), NEWLINES)
def test_newlines(language: str, source: str, target: str, words: list[str]) -> None:
    found = messages("newlines", target, source, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]


def test_double_space() -> None:
    assert messages("double_space", "Zwei  Leerzeichen", "Two spaces") == ['double space in "Zwei  Leerzeichen"']
    assert messages("double_space", "Zwei  Leerzeichen", "Two  spaces") == []
    assert messages("double_space", "Ein Leerzeichen", "One space") == []


PUNCTUATION = [
    # language, source, translation, words (empty: passes)
    ("de", "Save changes?", "Änderungen speichern?", []),
    ("de", "Saved.", "Gespeichert", ["ends with no punctuation, the source with '.'"]),
    ("de", "Saved", "Gespeichert!", ["ends with '!', the source with no punctuation"]),
    ("ja", "Saved.", "保存しました。", []),
    ("ja", "Save changes?", "変更を保存しますか？", []),
    ("ja", "Save changes?", "変更を保存しますか", []),
    ("zh-Hans", "Warning!", "警告！", []),
    ("zh-Hans", "Name:", "名称：", []),
    ("zh-Hans", "Name:", "名称", ["ends with no punctuation"]),
    ("ar", "Are you sure?", "هل أنت متأكد؟", []),
    ("ar", "Are you sure?", "هل أنت متأكد.", ["ends with '.'"]),
    ("ar", "Apples,", "تفاح،", []),
    ("es", "Save changes?", "¿Guardar cambios?", []),
    ("es", "Save changes?", "Guardar cambios?", ["opening '¿'"]),
    ("es", "Great!", "¡Genial!", []),
    ("es", "Great!", "Genial!", ["opening '¡'"]),
    ("el", "Delete?", "Διαγραφή;", []),
    ("hy", "Delete?", "Ջնջե՞լ։", []),
    ("de", "Loading…", "Wird geladen...", []),
    ("ru", "Loading...", "Загрузка…", []),
    ("pl", "Loading...", "Ładowanie.", ["ends with '.', the source with '.'"]),
    ("fr", "Save changes?", "Enregistrer les modifications\u202f?", []),
    ("fr", "Warning!", "Attention\u00a0!", []),
    ("fr", "Warning!", "Attention !", ["no-break space", "before !"]),
    ("fr", "Warning!", "Attention!", ["no-break space"]),
    ("fr", "Name: %s", "Nom : %s", ["before :"]),
    ("fr", "Name: %s", "Nom\u202f: %s", []),
    ("fr", "Really?!", "Vraiment\u202f?!", []),
    ("fr", "See http://x.org/a:b?c=1", "Voir http://x.org/a:b?c=1", []),
    ("fr", "Hello&nbsp;!", "Bonjour&nbsp;!", []),
    ("fr-CA", "Really?", "Vraiment?", []),
    ("fr-CA", "Name: %s", "Nom: %s", ["before :"]),
]


@pytest.mark.parametrize(("language", "source", "target", "words"), PUNCTUATION)
def test_punctuation(language: str, source: str, target: str, words: list[str]) -> None:
    found = messages("punctuation", target, source, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]
