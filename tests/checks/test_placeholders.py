"""Placeholder parity, per dialect and language: passing and failing pairs."""

from __future__ import annotations

import pytest

from tests.checks.helpers import messages, plural_messages

PASSING = [
    # language, dialect, source, translation
    ("fr", "printf", "Hello %s, you have %d messages", "Bonjour %s, vous avez %d messages"),
    ("de", "printf", "%s of %d", "%s von %d"),
    ("de", "android", "%1$s of %2$s", "%2$s von %1$s"),
    ("ja", "ios", "%1$@ sent %2$lld photos", "%1$@が%2$lld枚の写真を送信しました"),
    ("ru", "ios", "%@ and %@", "%2$@ и %1$@"),
    ("pl", "python", "%(count)d files in {folder}", "{folder}: %(count)d plików"),
    (
        "zh-Hans",
        "icu",
        "{count, plural, other {# files in {folder}}}",
        "{folder} 中有 {count, plural, other {# 个文件}}",
    ),
    ("ar", "i18next", "Hello {{name}}, see $t(common.more)", "مرحبا {{ name }}، انظر $t(common.more)"),
    ("fr", "ruby", "%{count} messages from %{name}", "%{name} vous a envoyé %{count} messages"),
    ("de", "laravel", ":attribute is required", "Das Feld :Attribute ist erforderlich"),
    ("fr", "java", "{0} has {1} files", "{1} fichiers pour {0}"),
    ("fr", "java", "Don''t delete {0}", "Ne supprimez pas l''élément {0}"),
    ("en", "auto", "Welcome, {name}!", "Welcome, {name}!"),
    ("de", "auto", "Saved 50% of {total}", "50 % von {total} gespeichert"),
    ("fr", "printf", "100%% done", "100 %% terminé"),
]


@pytest.mark.parametrize(("language", "dialect", "source", "target"), PASSING)
def test_passes(language: str, dialect: str, source: str, target: str) -> None:
    assert messages("placeholders", target, source, language=language, dialect=dialect) == []


FAILING = [
    # language, dialect, source, translation, words the message must contain
    ("fr", "printf", "Hello %s, you have %d messages", "Bonjour, vous avez %d messages", ["missing", "%s"]),
    ("de", "printf", "%s of %d", "%d von %s", ["order", "%1$s"]),
    ("de", "android", "%1$s of %2$s", "%1$s von %3$s", ["missing placeholder %2$s", "unexpected placeholder %3$s"]),
    ("ja", "ios", "%lld photos", "%d枚の写真", ["missing placeholder %lld", "unexpected placeholder %d"]),
    ("ru", "python", "Hello {name}", "Привет {имя}", ["missing placeholder {name}", "{имя}"]),
    ("pl", "icu", "{count, plural, one {# file} other {# files}}", "{count} plików", ["{count,plural}", "{count}"]),
    ("zh-Hans", "i18next", "Hello {{name}}", "你好 {{nombre}}", ["{{name}}", "{{nombre}}"]),
    ("ar", "ruby", "%{count} new", "جديد", ["missing placeholder %{count}"]),
    ("de", "laravel", "The :attribute field", "Das Feld :attribut", ["missing placeholder :attribute", ":attribut"]),
    ("fr", "java", "Do not delete {0}", "N'effacez pas {0}", ["missing placeholder {0}", "''"]),
    ("en", "auto", "Welcome, {name}!", "Welcome!", ["missing placeholder {name}"]),
    ("de", "auto", "Open", "Öffnen %s", ["unexpected placeholder %s"]),
    ("de", "i18next", "Hello {{- html}}", "Hallo {{html}}", ["{{-html}}", "{{html}}"]),
]


@pytest.mark.parametrize(("language", "dialect", "source", "target", "words"), FAILING)
def test_fails(language: str, dialect: str, source: str, target: str, words: list[str]) -> None:
    found = messages("placeholders", target, source, language=language, dialect=dialect)
    assert len(found) == 1, found
    for word in words:
        assert word in found[0]


def test_the_source_subject_and_a_missing_source_pass() -> None:
    assert messages("placeholders", "Hello %s", None, dialect="printf") == []
    assert messages("placeholders", "Hello %s", "Hello", dialect="printf", is_source=True) == []


def test_plural_one_may_name_its_number_in_words() -> None:
    source = {"one": "One file", "other": "%d files"}
    assert (
        plural_messages(
            "placeholders", {"one": "Eine Datei", "other": "%d Dateien"}, source, language="de", dialect="android"
        )
        == []
    )
    # Russian `one` covers 21, 31…: it keeps %d, modelled on the source's `other`.
    russian = {"one": "%d файл", "few": "%d файла", "many": "%d файлов", "other": "%d файла"}
    assert plural_messages("placeholders", russian, source, language="ru", dialect="android") == []


def test_plural_one_may_drop_the_count_but_not_another_placeholder() -> None:
    source = {"one": "%d file in %s", "other": "%d files in %s"}
    assert (
        plural_messages(
            "placeholders",
            {"one": "Eine Datei in %s", "other": "%d Dateien in %s"},
            source,
            language="de",
            dialect="printf",
        )
        == []
    )
    found = plural_messages(
        "placeholders", {"one": "%d Datei", "other": "%d Dateien in %s"}, source, language="de", dialect="printf"
    )
    assert found == ["form 'one': missing placeholder %s in \"%d Datei\""]


def test_plural_other_may_not_drop_the_count() -> None:
    source = {"one": "One file", "other": "%d files"}
    found = plural_messages(
        "placeholders", {"one": "Ein Datei", "other": "Dateien"}, source, language="de", dialect="printf"
    )
    assert len(found) == 1
    assert found[0].startswith("form 'other': missing placeholder %d")


def test_few_and_many_compare_with_the_source_other_form() -> None:
    source = {"one": "%d file", "other": "%d files"}
    polish = {"one": "%d plik", "few": "%d pliki", "many": "pliki", "other": "%d pliku"}
    found = plural_messages("placeholders", polish, source, language="pl", dialect="printf")
    assert found == ["form 'many': missing placeholder %d in \"pliki\""]
