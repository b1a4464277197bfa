"""Every method of the method-style API: its result shape and each documented refusal."""

from __future__ import annotations

import pytest

from tests.compat.conftest import Compat

EN, UK, FR, DE = 17, 18, 9, 5


def _string(compat: Compat, key: str = "title", category: int | None = None, **extra: object) -> int:
    if category is None:
        category = compat.call("createCategory", name=f"Cat {key}")
    params = {"default_translation_language": EN, "default_translation_value": f"{key} text", **extra}
    result = compat.call("createString", category_id=category, string_key=key, **params)
    assert result["string_key"] == key
    return int(result["string_id"])


# --- getLanguages ------------------------------------------------------------------------


def test_get_languages_lists_the_project_languages_with_fixed_ids(compat: Compat) -> None:
    category = compat.call("createCategory", name="Main")
    first = _string(compat, "a", category)
    _string(compat, "b", category)
    _string(compat, "c", category)
    compat.call("addTranslation", string_id=first, translation_language=UK, translation_value="Б", approve=1)
    languages = compat.call("getLanguages")
    assert [item["code"] for item in languages] == ["en", "uk", "fr", "de"]
    english, ukrainian = languages[0], languages[1]
    assert english == {
        "id": "17",
        "name": "English",
        "localized_name": "English",
        "code": "en",
        "translated_percent": "100",
        "translated_strings": "3",
        "emoji": "🇬🇧",
    }
    assert ukrainian == {
        "id": "18",
        "name": "Ukrainian",
        "localized_name": "Українська мова",
        "code": "uk",
        "translated_percent": "33",
        "translated_strings": "1",
        "emoji": "🇺🇦",
    }
    assert languages[2]["translated_percent"] == "0" and languages[2]["id"] == "9"


def test_a_language_outside_the_table_gets_a_stable_id(tenant: object) -> None:
    from tests.compat.conftest import make_compat

    one = make_compat(tenant, targetLanguages=["gsw"])  # type: ignore[arg-type]
    two = make_compat(tenant, targetLanguages=["fr", "gsw"])  # type: ignore[arg-type]
    ids = {item["code"]: item["id"] for item in one.call("getLanguages")}
    assert int(ids["gsw"]) >= 100_000
    assert {item["code"]: item["id"] for item in two.call("getLanguages")}["gsw"] == ids["gsw"]
    string = _string(one, "x")
    one.call("addTranslation", string_id=string, translation_language=int(ids["gsw"]), translation_value="Grüezi")


# --- categories --------------------------------------------------------------------------


def test_categories_tree(compat: Compat) -> None:
    website = compat.call("createCategory", name="Website")
    header = compat.call("createCategory", name="Header", parent_id=website, description="Top of page")
    menu = compat.call("createCategory", name="Menu", parent_id=header)
    root_too = compat.call("createCategory", name="Header", parent_id=0)  # same name, other parent
    _string(compat, "home", menu)
    _string(compat, "about", menu)
    categories = compat.call("getCategories")
    assert categories[str(menu)] == {
        "id": str(menu),
        "parent_id": str(header),
        "name": "Menu",
        "description": "",
        "strings": "2",
    }
    assert categories[str(header)]["description"] == "Top of page"
    assert categories[str(header)]["parent_id"] == str(website)
    assert categories[str(website)]["parent_id"] == "0"
    assert categories[str(root_too)]["parent_id"] == "0"
    assert list(categories) == sorted(categories, key=int)


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({}, "parameter 'name' is required"),
        ({"name": ""}, "parameter 'name' is required"),
        ({"name": "a/b"}, "name must not contain '/' (it separates categories in namespaces)"),
        ({"name": " padded"}, "name must be 1-255 characters without control characters or outer spaces"),
        ({"name": "x" * 256}, "name must be 1-255 characters without control characters or outer spaces"),
        ({"name": "(default)"}, "name '(default)' is reserved for strings without a namespace"),
        ({"name": "Orphan", "parent_id": 999}, "category_id: category 999 not found"),
        ({"name": "Bad", "parent_id": "x"}, "parameter 'parent_id' must be an integer"),
        ({"name": "Long", "description": "d" * 10_001}, "description is longer than 10000 characters"),
    ],
)
def test_create_category_refusals(compat: Compat, params: dict[str, object], description: str) -> None:
    assert compat.fail("createCategory", **params) == description


def test_category_names_are_unique_per_parent(compat: Compat) -> None:
    parent = compat.call("createCategory", name="P")
    compat.call("createCategory", name="Child", parent_id=parent)
    expected = "name: a category named 'Child' already exists in this parent category"
    assert compat.fail("createCategory", name="Child", parent_id=parent) == expected
    assert (
        compat.fail("createCategory", name="P") == "name: a category named 'P' already exists in this parent category"
    )


def test_category_path_fits_a_namespace(compat: Compat) -> None:
    parent = compat.call("createCategory", name="p" * 200)
    description = compat.fail("createCategory", name="c" * 60, parent_id=parent)
    assert description == "name: the category path is longer than 255 characters"


def test_namespaces_of_the_main_api_are_categories(compat: Compat) -> None:
    for namespace in ("", "auth", "shop/cart", "/odd"):
        response = compat.api("POST", "/keys", json={"key": f"k.{namespace}", "namespace": namespace})
        assert response.status_code == 201, response.text
    categories = compat.call("getCategories").values()
    by_name = {(c["name"], c["parent_id"]): c for c in categories}
    shop = by_name[("shop", "0")]
    assert by_name[("cart", shop["id"])]["strings"] == "1"
    assert shop["strings"] == "0"
    assert by_name[("(default)", "0")]["strings"] == "1"
    assert by_name[("/odd", "0")]["strings"] == "1"
    default = by_name[("(default)", "0")]["id"]
    assert compat.fail("createCategory", name="x", parent_id=int(default)) == (
        f"parent_id: category {default} cannot have sub-categories"
    )


# --- labels ------------------------------------------------------------------------------


def test_get_labels_shape(compat: Compat) -> None:
    assert compat.call("getLabels") == []
    compat.patch_settings(
        {
            "labels": [
                {"name": "Checkbox Label 1", "type": "checkbox", "default": 1},
                {"name": "Checkbox Label 2", "type": "checkbox"},
                {
                    "name": "Select Label",
                    "type": "select",
                    "options": [
                        {"name": "Option 1", "value": "option_1_value"},
                        {"name": "Option 2", "value": "option_2_value"},
                    ],
                },
                {
                    "name": "Input Label",
                    "type": "input",
                    "default": "Input value",
                    "id": "3975342df1406e0c53af446255104472",
                },
            ]
        }
    )
    assert compat.call("getLabels") == [
        {
            "label_name": "Checkbox Label 1",
            "label_id": "4a007f972bef16d99a906c47570637ef",  # md5("Checkbox Label 1")
            "type": "checkbox",
            "default_value": 1,
        },
        {
            "label_name": "Checkbox Label 2",
            "label_id": "174e780e0869e36b936be8d2f197ab57",
            "type": "checkbox",
            "default_value": 0,
        },
        {
            "label_name": "Select Label",
            "label_id": "40696f35abf6050d6d49d439747d4051",
            "type": "select",
            "options": [
                {"option_name": "Option 1", "option_value": "option_1_value"},
                {"option_name": "Option 2", "option_value": "option_2_value"},
            ],
        },
        {
            "label_name": "Input Label",
            "label_id": "3975342df1406e0c53af446255104472",
            "type": "input",
            "default_value": "Input value",
        },
    ]


# --- createString ------------------------------------------------------------------------


def test_create_string_result_and_main_api_view(compat: Compat) -> None:
    category = compat.call("createCategory", name="Website")
    menu = compat.call("createCategory", name="Menu", parent_id=category)
    result = compat.call(
        "createString",
        category_id=menu,
        string_key="home",
        default_translation_language=EN,
        default_translation_value="Home",
        string_context="Menu entry",
    )
    assert result == {"string_id": 1, "string_key": "home"}
    keys = compat.api("GET", "/keys").json()["data"]
    assert [(k["key"], k["namespace"], k["description"]) for k in keys] == [("home", "Website/Menu", "Menu entry")]
    english = compat.api("GET", "/translations/en").json()["data"][0]
    assert (english["value"], english["status"], english["source"]) == ("Home", "approved", "api")
    assert english["updatedByName"] == "API bot"


def test_create_string_with_a_chosen_id(compat: Compat) -> None:
    category = compat.call("createCategory", name="C")
    assert _string(compat, "chosen", category, string_id=80) == 80
    assert _string(compat, "next", category) == 81
    assert (
        compat.fail(
            "createString",
            category_id=category,
            string_key="again",
            string_id=80,
            default_translation_language=EN,
            default_translation_value="x",
        )
        == "string_id: 80 is already used in this project"
    )
    for bad in (0, -1, 2**31, "eighty"):
        description = compat.fail(
            "createString", category_id=category, string_key="bad", string_id=bad, default_translation_language=EN,
            default_translation_value="x",
        )  # fmt: skip
        assert description.startswith("parameter 'string_id' must be")


def test_string_context_limit(compat: Compat) -> None:
    category = compat.call("createCategory", name="C")
    assert _string(compat, "fits", category, string_context="é" * 2500) > 0
    description = compat.fail(
        "createString",
        category_id=category,
        string_key="too-long",
        string_context="é" * 2501,
        default_translation_language=EN,
        default_translation_value="x",
    )
    assert description == "string_context exceeds the 2500-character limit (2501 characters given)"
    assert description.startswith("string_context exceeds the 2500-character limit ")
    assert [k["key"] for k in compat.api("GET", "/keys").json()["data"]] == ["fits"]


def test_string_keys_are_unique_per_category(compat: Compat) -> None:
    one = compat.call("createCategory", name="One")
    two = compat.call("createCategory", name="Two")
    _string(compat, "same", one)
    _string(compat, "same", two)
    description = compat.fail(
        "createString",
        category_id=one,
        string_key="same",
        default_translation_language=EN,
        default_translation_value="x",
    )
    assert description == f"string_key: 'same' already exists in category {one}"


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"string_key": "k"}, "parameter 'category_id' is required"),
        ({"category_id": "{cat}"}, "parameter 'string_key' is required"),
        ({"category_id": 999, "string_key": "k"}, "category_id: category 999 not found"),
        (
            {"category_id": "{cat}", "string_key": "k"},
            "parameter 'default_translation_language' is required (unless copy_translations_from is given)",
        ),
        (
            {"category_id": "{cat}", "string_key": "k", "default_translation_language": EN},
            "parameter 'default_translation_value' is required (unless copy_translations_from is given)",
        ),
        (
            {"category_id": "{cat}", "string_key": "k", "dt_language": 3, "dt_value": "x"},
            "default_translation_language: language 3 is not a language of this project (see getLanguages)",
        ),
        (
            {"category_id": "{cat}", "string_key": "k" * 256, "dt_language": EN, "dt_value": "x"},
            "string_key is longer than 255 characters",
        ),
        (
            {"category_id": "{cat}", "string_key": "k", "copy_translations_from": 999},
            "string_id: string 999 not found",
        ),
        (
            {"category_id": "{cat}", "string_key": "k", "dt_language": EN, "dt_value": "x" * 100_001},
            "value is longer than 100000 characters",
        ),
    ],
)  # fmt: skip
def test_create_string_refusals(compat: Compat, params: dict[str, object], description: str) -> None:
    category = compat.call("createCategory", name="C")
    filled = {k: (category if v == "{cat}" else v) for k, v in params.items()}
    filled = {("default_translation_" + k[3:] if k.startswith("dt_") else k): v for k, v in filled.items()}
    assert compat.fail("createString", **filled) == description
    assert compat.api("GET", "/keys").json()["data"] == []


def test_copy_translations_from_copies_approved_translations_only(compat: Compat) -> None:
    category = compat.call("createCategory", name="C")
    source = _string(compat, "source", category)
    compat.call("addTranslation", string_id=source, translation_language=UK, translation_value="Джерело", approve=1)
    compat.call("addTranslation", string_id=source, translation_language=FR, translation_value="Source (suggested)")
    compat.call("addTranslation", string_id=source, translation_language=DE, translation_value="Quelle", approve=1)
    compat.patch_settings({"allowDisapproveAllTranslations": True})
    copy = compat.call(
        "createString",
        category_id=category,
        string_key="copy",
        copy_translations_from=source,
        default_translation_language=DE,
        default_translation_value="Kopie",
    )["string_id"]
    texts = {item["language"]: item["value"] for item in _key_translations(compat, "copy")}
    assert texts == {"en": "source text", "uk": "Джерело", "fr": None, "de": "Kopie"}
    assert compat.call("getTranslations", translation_language=UK, string_id=copy)[0]["translation"] == "Джерело"
    only_copy = compat.call(
        "createString", category_id=category, string_key="plain-copy", copy_translations_from=source
    )
    assert only_copy["string_key"] == "plain-copy"


def _key_translations(compat: Compat, key: str) -> list[dict[str, object]]:
    keys = compat.api("GET", "/keys").json()["data"]
    key_id = next(k["_id"] for k in keys if k["key"] == key)
    return compat.api("GET", f"/keys/{key_id}/translations").json()["translations"]  # type: ignore[no-any-return]


# --- deleteString ------------------------------------------------------------------------


def test_delete_string(compat: Compat) -> None:
    compat.patch_settings({"allowDeleteString": True})
    string = _string(compat, "doomed")
    compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="x")
    assert compat.call("deleteString", string_id=string) == {"string_id": string}
    assert compat.api("GET", "/keys").json()["data"] == []
    assert compat.fail("deleteString", string_id=string) == f"string_id: string {string} not found"
    assert compat.fail("deleteString") == "parameter 'string_id' is required"


# --- addTranslation ----------------------------------------------------------------------


def test_add_translation_is_idempotent_per_string_and_language(compat: Compat) -> None:
    string = _string(compat, "greeting")
    first = compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="Привіт")
    again = compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="Привіт!")
    assert isinstance(first, int) and again == first
    suggestions = _suggestions(compat, "greeting", "uk")
    assert [(s["value"], s["bot"], s["authorName"]) for s in suggestions] == [("Привіт!", True, "API bot")]
    assert compat.call("getTranslations", translation_language=UK) == []  # a suggestion is not exported
    approved = compat.call(
        "addTranslation", string_id=string, translation_language=UK, translation_value="Вітаю", approve="true"
    )
    assert approved == first  # the bot's translation, now approved
    assert _suggestions(compat, "greeting", "uk") == []
    assert compat.call("getTranslations", translation_language=UK)[0]["translation"] == "Вітаю"


def test_approve_disapproves_the_previous_approved_translation(compat: Compat) -> None:
    string = _string(compat, "title")
    key_id = compat.api("GET", "/keys").json()["data"][0]["_id"]
    human = compat.api("PUT", f"/keys/{key_id}/translations/uk", json={"value": "Заголовок", "status": "approved"})
    assert human.status_code == 200, human.text
    bot = compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="Назва", approve=1)
    assert compat.call("getTranslations", translation_language=UK)[0]["translation"] == "Назва"
    kept = _suggestions(compat, "title", "uk")
    assert [(s["value"], s["bot"], s["authorId"]) for s in kept] == [("Заголовок", False, compat.tenant.owner.user_id)]
    history = compat.api("GET", f"/keys/{key_id}/translations/uk/history").json()
    assert [h["newValue"] for h in history] == ["Назва", "Заголовок"]
    # Approving the human text again takes it off the list; the bot's text becomes the suggestion.
    back = compat.call(
        "addTranslation", string_id=string, translation_language=UK, translation_value="Заголовок", approve=1
    )
    assert back != bot
    kept = _suggestions(compat, "title", "uk")
    assert [(s["value"], s["authorName"]) for s in kept] == [("Назва", "API bot")]
    assert compat.call("getTranslations", translation_language=UK)[0]["translation"] == "Заголовок"


def test_add_translation_without_approve_never_changes_approved_text(compat: Compat) -> None:
    string = _string(compat, "fixed")
    approved = compat.call(
        "addTranslation", string_id=string, translation_language=UK, translation_value="A", approve=1
    )
    same = compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="A")
    assert same == approved
    other = compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="B")
    assert other != approved
    assert compat.call("getTranslations", translation_language=UK)[0]["translation"] == "A"
    assert [s["value"] for s in _suggestions(compat, "fixed", "uk")] == ["B"]


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"translation_language": UK, "translation_value": "x"}, "parameter 'string_id' is required"),
        ({"string_id": 999, "translation_language": UK, "translation_value": "x"}, "string_id: string 999 not found"),
        ({"string_id": "{s}", "translation_value": "x"}, "parameter 'translation_language' is required"),
        ({"string_id": "{s}", "translation_language": 99, "translation_value": "x"},
         "translation_language: language 99 is not a language of this project (see getLanguages)"),
        ({"string_id": "{s}", "translation_language": "zz", "translation_value": "x"},
         "parameter 'translation_language' must be a language id (an integer from getLanguages)"),
        ({"string_id": "{s}", "translation_language": UK}, "parameter 'translation_value' is required"),
        ({"string_id": "{s}", "translation_language": UK, "translation_value": "x" * 100_001},
         "translation_value is longer than 100000 characters"),
        ({"string_id": "{s}", "translation_language": UK, "translation_value": "x", "approve": "maybe"},
         "parameter 'approve' must be a boolean (0 or 1, true or false)"),
    ],
)  # fmt: skip
def test_add_translation_refusals(compat: Compat, params: dict[str, object], description: str) -> None:
    string = _string(compat, "s")
    filled = {k: (string if v == "{s}" else v) for k, v in params.items()}
    assert compat.fail("addTranslation", **filled) == description


def test_a_language_code_works_as_well_as_its_id(compat: Compat) -> None:
    string = _string(compat, "coded")
    compat.call("addTranslation", string_id=string, translation_language="uk", translation_value="Так", approve=1)
    assert compat.call("getTranslations", translation_language="uk")[0]["translation"] == "Так"


def test_approval_refused_by_error_level_checks(compat: Compat) -> None:
    string = _string(compat, "hello", default_translation_value="Hello {name}")
    description = compat.fail(
        "addTranslation", string_id=string, translation_language=UK, translation_value="Привіт", approve=1
    )
    assert "{name}" in description
    assert compat.call("getTranslations", translation_language=UK) == []
    assert _suggestions(compat, "hello", "uk") == []  # nothing was written


def _suggestions(compat: Compat, key: str, language: str) -> list[dict[str, object]]:
    keys = compat.api("GET", "/keys").json()["data"]
    key_id = next(k["_id"] for k in keys if k["key"] == key)
    response = compat.api("GET", f"/keys/{key_id}/suggestions/{language}")
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


# --- updateTranslation -------------------------------------------------------------------


def test_update_translation(compat: Compat) -> None:
    compat.patch_settings({"allowUpdateTranslation": True})
    string = _string(compat, "typo")
    number = compat.call(
        "addTranslation", string_id=string, translation_language=UK, translation_value="Помилкв", approve=1
    )
    assert (
        compat.call("updateTranslation", string_id=string, translation_language=UK, translation_value="Помилка")
        == number
    )
    item = compat.call("getTranslations", translation_language=UK)[0]
    assert item["translation"] == "Помилка"
    assert _suggestions(compat, "typo", "uk") == []  # fixed in place: no suggestion left behind
    assert compat.fail("updateTranslation", string_id=string, translation_language=FR, translation_value="x") == (
        f"string {string} has no approved translation in language 9; use addTranslation to create one"
    )


# --- disapproveAllTranslations, deleteAllSuggestions ------------------------------------


def test_disapprove_all_translations(compat: Compat) -> None:
    compat.patch_settings({"allowDisapproveAllTranslations": True})
    string = _string(compat, "flip")
    for language in (UK, FR):
        compat.call("addTranslation", string_id=string, translation_language=language, translation_value="v", approve=1)
    compat.call("addTranslation", string_id=string, translation_language=DE, translation_value="only suggested")
    assert compat.call("disapproveAllTranslations", string_id=string) == {"string_id": string, "disapproved": 3}
    assert compat.call("getTranslations", translation_language=EN) == []
    statuses = {t["language"]: t["status"] for t in _key_translations(compat, "flip")}
    assert statuses == {"en": "translated", "uk": "translated", "fr": "translated", "de": "untranslated"}
    assert compat.call("disapproveAllTranslations", string_id=string) == {"string_id": string, "disapproved": 0}


def test_delete_all_suggestions(compat: Compat) -> None:
    compat.patch_settings({"allowDeleteAllSuggestions": True})
    string = _string(compat, "busy")
    compat.call("addTranslation", string_id=string, translation_language=UK, translation_value="bot uk")
    compat.call("addTranslation", string_id=string, translation_language=FR, translation_value="bot fr")
    key_id = compat.api("GET", "/keys").json()["data"][0]["_id"]
    human = compat.api("POST", f"/keys/{key_id}/suggestions/uk", json={"value": "human uk"})
    assert human.status_code == 201, human.text
    compat.call("addTranslation", string_id=string, translation_language=DE, translation_value="kept", approve=1)
    assert compat.call("deleteAllSuggestions", string_id=string) == {"string_id": string, "deleted": 3}
    assert _suggestions(compat, "busy", "uk") == [] and _suggestions(compat, "busy", "fr") == []
    assert compat.call("getTranslations", translation_language=DE)[0]["translation"] == "kept"


def test_numbers_of_deleted_strings_are_never_given_again(compat: Compat) -> None:
    compat.patch_settings({"allowDeleteString": True})
    category = compat.call("createCategory", name="C")
    first, last = _string(compat, "one", category), _string(compat, "two", category)
    compat.call("deleteString", string_id=last)
    assert _string(compat, "three", category) == last + 1
    key_id = compat.api("GET", "/keys").json()["data"][0]["_id"]
    assert compat.api("DELETE", f"/keys/{key_id}").status_code == 204  # deleted through the main API
    made = compat.api("POST", "/keys", json={"key": "four", "namespace": "C"})
    assert made.status_code == 201
    numbers = {c["string_key"]: c["string_id"] for c in compat.call("getTranslations", translation_language=EN)}
    assert first not in {int(n) for n in numbers.values()}
    assert _string(compat, "five", category) == last + 3
