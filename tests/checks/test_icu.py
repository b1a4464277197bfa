"""ICU MessageFormat syntax and plural categories (CLDR via babel)."""

from __future__ import annotations

import pytest

from entri.checks.icu import plural_rules
from tests.checks.helpers import messages, plural_messages

VALID = [
    "Hello {name}",
    "{count, plural, one {# file} other {# files}}",
    "{count, plural, offset:1 =0 {nobody} =1 {{host}} one {{host} and # other} other {{host} and # others}}",
    "{g, select, female {She} male {He} other {They}} liked {n, number, ::currency/EUR}",
    "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}",
    "Quoted '{braces}' and l'homme and it''s",
    "{d, date, short} at {t, time}",
    "<b>{name}</b> joined",
    "no arguments at all",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_icu(text: str) -> None:
    assert messages("icu_syntax", text, None, language="en", dialect="icu") == []


INVALID = [
    ("Hello {name", "unclosed '{'"),
    ("Hello {name}}", "unmatched '}'"),
    ("{count, plural, one {# file}}", "without 'other'"),
    ("{g, select, male {He}}", "without 'other'"),
    ("{count, plurall, other {x}}", "unknown argument type 'plurall'"),
    ("{count, plural, ones {x} other {y}}", "unknown plural category 'ones'"),
    ("{count, plural, one {x} one {y} other {z}}", "duplicate selector 'one'"),
    ("{count, plural, one x other {y}}", "'{' expected after selector 'one'"),
    ("{}", "argument name expected"),
    ("{a b}", "',' or '}' expected"),
]


@pytest.mark.parametrize(("text", "words"), INVALID)
def test_invalid_icu(text: str, words: str) -> None:
    found = messages("icu_syntax", text, None, language="en", dialect="icu")
    assert len(found) == 1
    assert words in found[0]


def test_auto_checks_icu_only_when_the_text_clearly_uses_it() -> None:
    assert messages("icu_syntax", "Hello {name", "Hello {name}", dialect="auto") == []
    found = messages("icu_syntax", "{n, plural, one {x}}", "x", dialect="auto")
    assert len(found) == 1
    assert messages("icu_syntax", "{n, plural, one {x}}", "x", dialect="printf") == []


def test_plural_rules_from_cldr() -> None:
    assert plural_rules("en") == (frozenset({"one", "other"}), frozenset({"one", "other"}))
    assert plural_rules("ru").required == {"one", "few", "many", "other"}
    assert plural_rules("ar").required == {"zero", "one", "two", "few", "many", "other"}
    assert plural_rules("ja").required == {"other"}
    assert plural_rules("zh-Hans").allowed == {"other"}
    # `many` of French is for 1 000 000 and compact numbers: optional, not required, not refused.
    assert plural_rules("fr").required == {"one", "other"}
    assert "many" in plural_rules("fr").allowed
    assert plural_rules("en", ordinal=True).required == {"one", "two", "few", "other"}


def test_unknown_language_requires_only_other() -> None:
    assert plural_rules("xx-unknown").required == {"other"}
    assert plural_messages("plural_categories", {"one": "a", "two": "b", "other": "c"}, None, language="qqq") == []


PLURALS = [
    # language, forms, expected words (empty: passes)
    ("en", {"one": "1 file", "other": "files"}, []),
    ("de", {"other": "Dateien"}, ["missing one"]),
    ("de", {"one": "Datei", "two": "zwei", "other": "Dateien"}, ["two not used in de"]),
    ("ru", {"one": "файл", "few": "файла", "other": "файлов"}, ["missing many"]),
    ("pl", {"one": "plik", "few": "pliki", "many": "plików", "other": "pliku"}, []),
    ("ar", {"zero": "a", "one": "b", "two": "c", "few": "d", "many": "e", "other": "f"}, []),
    ("ar", {"one": "b", "other": "f"}, ["missing few, many, two, zero"]),
    ("ja", {"other": "ファイル"}, []),
    ("ja", {"one": "1", "other": "ファイル"}, ["one not used in ja"]),
    ("zh-Hans", {"other": "文件"}, []),
    ("fr", {"one": "fichier", "other": "fichiers"}, []),
    ("fr", {"one": "fichier", "many": "de fichiers", "other": "fichiers"}, []),
    ("fr", {"one": "fichier"}, ["missing other"]),
]


@pytest.mark.parametrize(("language", "forms", "words"), PLURALS)
def test_plural_keys(language: str, forms: dict[str, str], words: list[str]) -> None:
    found = plural_messages("plural_categories", forms, {"one": "file", "other": "files"}, language=language)
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]


def test_ios_stringsdict_may_carry_zero_in_any_language() -> None:
    forms = {"zero": "Keine Dateien", "one": "Eine Datei", "other": "%d Dateien"}
    assert plural_messages("plural_categories", forms, None, language="de", dialect="ios") == []
    assert plural_messages("plural_categories", forms, None, language="de", dialect="android") != []


ICU_BLOCKS = [
    ("ru", "{n, plural, one {# файл} other {# файлов}}", ["missing few, many"]),
    ("ru", "{n, plural, one {#} few {#} many {#} other {#}}", []),
    ("de", "{n, plural, =0 {keine} one {eine} other {#}}", []),
    ("de", "{n, plural, one {eine} few {wenige} other {#}}", ["few not used in de"]),
    ("ja", "{n, plural, other {#個}}", []),
    ("en", "{n, selectordinal, one {#st} other {#th}}", ["missing few, two"]),
    ("pl", "{g, select, female {Pani} other {Pan}} {n, plural, one {#} few {#} many {#} other {#}}", []),
]


@pytest.mark.parametrize(("language", "text", "words"), ICU_BLOCKS)
def test_icu_blocks(language: str, text: str, words: list[str]) -> None:
    found = messages("plural_categories", text, "x", language=language, dialect="icu")
    assert len(found) == (1 if words else 0), found
    for word in words:
        assert word in found[0]
