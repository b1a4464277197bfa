"""max_length and empty_plural."""

from __future__ import annotations

from tests.checks.helpers import messages, plural_messages


def test_max_length() -> None:
    assert messages("max_length", "Speichern", "Save", max_length=9) == []
    found = messages("max_length", "Änderungen speichern", "Save", max_length=10)
    assert found == ['20 characters, more than the key\'s maximum of 10: "Änderungen speichern"']
    assert messages("max_length", "x" * 1000, "Save") == []


def test_max_length_checks_each_plural_form() -> None:
    found = plural_messages("max_length", {"one": "Datei", "other": "Dateien!!"}, None, language="de", max_length=6)
    assert found == ["9 characters (form 'other'), more than the key's maximum of 6: \"Dateien!!\""]


def test_empty_plural() -> None:
    assert plural_messages("empty_plural", {"one": "plik", "few": "", "other": "pliku"}, None, language="pl") == [
        "plural form 'few' is empty"
    ]
    assert plural_messages("empty_plural", {"one": "", "other": ""}, None, language="pl") == []
    assert plural_messages("empty_plural", {"one": "a", "other": "b"}, None, language="pl") == []
