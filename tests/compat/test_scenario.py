# ruff: noqa: RUF001  (Ukrainian fixture text is intentionally Cyrillic)
"""A team's script from start to finish: a category tree, strings with labels, translations
added and approved, getTranslations in all nine formats read back with the codecs, and the same
data seen through the main API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from entri.compat.exporting import CODECS, FORMATS
from entri.formats import get_format
from tests.compat.conftest import Compat

EN, UK = 17, 18
PLATFORM = hashlib.md5(b"Platform").hexdigest()
STRINGS = [
    # category path, key, context, English, Ukrainian (None: only suggested)
    (("Website",), "welcome_title", "Shown on the first screen", "Welcome, %s!", "Ласкаво просимо, %s!"),
    (("Website", "Header"), "btn_ok", None, "OK", "Гаразд"),
    (("Website", "Header", "Menu"), "note_quote", None, 'Don\'t "panic"', "Не \"панікуйте\" & <все> 'гаразд'"),
    (("Website", "Header", "Menu"), "multi_line", "Two lines", "Line 1\nLine 2", "Рядок 1\nРядок 2"),
    (("App",), "btn_cancel", None, "Cancel", None),
]


def _build(compat: Compat) -> dict[tuple[str, ...], int]:
    options = [{"name": "Web", "value": "web"}, {"name": "App", "value": "app"}]
    compat.patch_settings(
        {
            "labels": [
                {"name": "Platform", "type": "select", "options": options, "default": "web"},
                {"name": "Screenshot", "type": "checkbox"},
            ]
        }
    )
    categories: dict[tuple[str, ...], int] = {}
    for path, *_ in STRINGS:
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in categories:
                parent = categories.get(prefix[:-1], 0)
                categories[prefix] = compat.call("createCategory", name=prefix[-1], parent_id=parent, via="form")
    for path, key, context, english, ukrainian in STRINGS:
        params: dict[str, Any] = {
            "category_id": categories[path],
            "string_key": key,
            "default_translation_language": EN,
            "default_translation_value": english,
        }
        if context:
            params["string_context"] = context
        if path[0] == "App":
            params[f"labels[{PLATFORM}]"] = "app"
        string = compat.call("createString", via="form", **params)["string_id"]
        suggestion = compat.call(
            "addTranslation", string_id=string, translation_language=UK, translation_value="чернетка"
        )
        if ukrainian is not None:
            approved = compat.call(
                "addTranslation", string_id=string, translation_language=UK, translation_value=ukrainian, approve=1
            )
            assert approved == suggestion  # the bot's translation, updated in place and approved
    return categories


def _expected(language: int) -> dict[str, str]:
    return {
        key: (english if language == EN else ukrainian)
        for _, key, _, english, ukrainian in STRINGS
        if (english if language == EN else ukrainian) is not None
    }


@pytest.mark.parametrize("language", [EN, UK])
def test_scenario(compat: Compat, language: int) -> None:
    categories = _build(compat)
    code = "en" if language == EN else "uk"
    expected = _expected(language)
    by_key = {key: path for path, key, *_ in STRINGS}

    # json (0): the result array itself
    items = compat.call("getTranslations", translation_language=language)
    assert compat.call("getTranslations", translation_language=language, format="json") == items
    assert {i["string_key"]: i["translation"] for i in items} == expected
    for item in items:
        assert item["category_id"] == str(categories[by_key[item["string_key"]]])
        platform = "app" if by_key[item["string_key"]][0] == "App" else "web"
        assert item["labels"] == [{"name": "Platform", "value": platform}, {"name": "Screenshot", "value": "0"}]
    assert next(i for i in items if i["string_key"] == "welcome_title")["string_context"] == "Shown on the first screen"

    # the eight file formats, by number and by name, read back with the codecs
    for number, name in enumerate(FORMATS):
        if name == "json":
            continue
        text = compat.call("getTranslations", translation_language=language, format=number)
        assert compat.call("getTranslations", translation_language=language, format=name) == text
        assert isinstance(text, str)
        catalog = get_format(CODECS[name]).codec().parse(text.encode("utf-8"), code)
        values = {entry.key: entry.value for entry in catalog.entries}
        if name == "php-array":  # nested by category
            values = {k.rsplit(".", 1)[-1]: v for k, v in values.items()}
            assert "Website.Header.Menu.note_quote" in {e.key for e in catalog.entries}
        assert values == expected, name
        if name in ("po", "csv"):  # context = the category path
            contexts = {entry.key: entry.context for entry in catalog.entries}
            assert contexts["btn_ok"] == "Website/Header"
        if name in ("po", "arb", "xml-android", "ios-strings"):
            descriptions = {entry.key: entry.description for entry in catalog.entries}
            assert descriptions["welcome_title"] == "Shown on the first screen", name

    # filters: a category includes its descendants; a string alone
    header = compat.call(
        "getTranslations", translation_language=language, category_id=categories[("Website", "Header")]
    )
    assert {i["string_key"] for i in header} == {"btn_ok", "note_quote", "multi_line"}
    menu_po = compat.call(
        "getTranslations",
        translation_language=language,
        category_id=categories[("Website", "Header", "Menu")],
        format="po",
    )
    assert "btn_ok" not in menu_po and "note_quote" in menu_po
    one = compat.call("getTranslations", translation_language=language, string_id=2)
    assert [i["string_key"] for i in one] == ["btn_ok"]

    # the same data through the main API
    keys = compat.api("GET", "/keys?limit=200").json()["data"]
    assert {(k["namespace"], k["key"]) for k in keys} == {("/".join(path), key) for path, key, *_ in STRINGS}
    assert next(k for k in keys if k["key"] == "btn_cancel")["tags"] == ["Platform:app"]
    listing = compat.api("GET", f"/translations/{code}?limit=200").json()["data"]
    approved = {t["key"]: t["value"] for t in listing if t["status"] == "approved"}
    assert approved == expected
    assert all(t["source"] == "api" and t["updatedByName"] == "API bot" for t in listing if t["status"] == "approved")
    export = compat.api("GET", f"/export/{code}", params={"format": "json-flat", "namespace": "Website/Header/Menu"})
    assert export.status_code == 200, export.text
    assert json.loads(export.content) == {k: expected[k] for k in ("note_quote", "multi_line")}
    cancel = next(k for k in keys if k["key"] == "btn_cancel")["_id"]
    pending = compat.api("GET", f"/keys/{cancel}/suggestions/uk").json()["data"]
    assert [(s["value"], s["bot"]) for s in pending] == [("чернетка", True)]
    languages = {item["code"]: item for item in compat.call("getLanguages")}
    assert languages["uk"]["translated_strings"] == "4" and languages["uk"]["translated_percent"] == "80"
    categories_out = compat.call("getCategories")
    assert categories_out[str(categories[("Website", "Header", "Menu")])]["strings"] == "2"


def test_a_key_in_two_categories_needs_a_category_for_flat_formats(compat: Compat) -> None:
    one = compat.call("createCategory", name="One")
    two = compat.call("createCategory", name="Two")
    for category in (one, two):
        compat.call(
            "createString",
            category_id=category,
            string_key="same",
            default_translation_language=EN,
            default_translation_value="v",
        )
    for name in ("xml-android", "ios-strings", "json-clean", "arb", "properties"):
        description = compat.fail("getTranslations", translation_language=EN, format=name)
        assert description == (
            f"string_key 'same' is in categories {one} and {two}; this format has no place for categories: "
            "pass category_id to export one category at a time"
        )
        assert compat.call("getTranslations", translation_language=EN, format=name, category_id=one)
    for name in ("json", "php-array", "csv", "po"):
        assert compat.call("getTranslations", translation_language=EN, format=name)


@pytest.mark.parametrize("bad", ["9", "-1", "yaml", "android-xml", "1.0", [0]])
def test_unknown_formats(compat: Compat, bad: Any) -> None:
    description = compat.fail("getTranslations", translation_language=EN, format=bad)
    assert description.startswith("format must be one of json (0), xml-android (1), ios-strings (2)")


def test_get_translations_refusals(compat: Compat) -> None:
    assert compat.fail("getTranslations") == "parameter 'translation_language' is required"
    assert (
        compat.fail("getTranslations", translation_language=EN, category_id=99) == "category_id: category 99 not found"
    )
    assert compat.fail("getTranslations", translation_language=EN, string_id=99) == "string_id: string 99 not found"
    assert compat.call("getTranslations", translation_language=UK) == []


def test_keys_made_elsewhere_get_numbers(compat: Compat) -> None:
    for name in ("b", "a"):
        made = compat.api("POST", "/keys", json={"key": name, "namespace": "web", "sourceValue": name.upper()})
        assert made.status_code == 201
        key_id = made.json()["_id"]
        assert (
            compat.api("PATCH", f"/keys/{key_id}/translations/en/status", json={"status": "approved"}).status_code
            == 200
        )
    items = compat.call("getTranslations", translation_language=EN)
    assert [(i["string_id"], i["string_key"]) for i in items] == [("1", "a"), ("2", "b")]
    assert compat.call("getTranslations", translation_language=EN) == items  # stable
    category = int(items[0]["category_id"])
    created = compat.call(
        "createString",
        category_id=category,
        string_key="c",
        default_translation_language=EN,
        default_translation_value="C",
    )
    assert created["string_id"] == 3


def test_changes_in_the_main_api_after_a_compat_call_are_seen(compat: Compat) -> None:
    category = compat.call("createCategory", name="First")
    compat.call(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=EN,
        default_translation_value="v",
    )
    assert len(compat.call("getCategories")) == 1
    key_id = compat.api("GET", "/keys").json()["data"][0]["_id"]
    moved = compat.api("PATCH", f"/keys/{key_id}", json={"namespace": "Moved/Here"})
    assert moved.status_code == 200, moved.text
    names = {c["name"]: c for c in compat.call("getCategories").values()}
    assert names["Here"]["strings"] == "1" and names["First"]["strings"] == "0"
    bulk = compat.api("POST", "/keys/bulk", json={"keys": [{"key": "b1", "namespace": "Bulk"}, {"key": "b2"}]})
    assert bulk.status_code == 201, bulk.text
    item = compat.call("getTranslations", translation_language=EN)[0]
    assert item["category_id"] == names["Here"]["id"] and item["string_id"] == "1"
    names = {c["name"]: c for c in compat.call("getCategories").values()}
    assert {"Bulk", "(default)"} <= set(names)
    compat.patch_settings({"allowDeleteString": True})
    assert compat.call("deleteString", string_id=3) == {"string_id": 3}  # numbered on the way
