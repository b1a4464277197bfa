"""Labels: defined in the project setting `compat.labels`, set on strings in every accepted
shape, defaults filled in, stored as key tags the main API sees."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.compat.conftest import Compat

PLATFORM = "2f0b1c7e9a8d4c3b2a1f0e9d8c7b6a59"
LABELS = [
    {"name": "Needs review", "type": "checkbox", "default": 1},
    {"name": "Legal", "type": "checkbox"},
    {
        "name": "Platform",
        "type": "select",
        "id": PLATFORM,
        "options": [{"name": "iOS", "value": "ios"}, {"name": "Android", "value": "android"}],
        "default": "ios",
    },
    {"name": "Screen", "type": "input", "default": "home"},
    {"name": "Owner", "type": "input"},
]


def md5(name: str) -> str:
    return hashlib.md5(name.encode()).hexdigest()


@pytest.fixture
def labelled(compat: Compat) -> Compat:
    compat.patch_settings({"labels": LABELS})
    return compat


def _create(compat: Compat, key: str, via: str = "json", **params: Any) -> list[str]:
    """Create a string with these parameters; its key tags as the main API shows them."""
    category = compat.call("createCategory", name=f"C {key}")
    compat.call(
        "createString",
        via=via,
        category_id=category,
        string_key=key,
        default_translation_language=17,
        default_translation_value="x",
        **params,
    )
    keys = compat.api("GET", "/keys").json()["data"]
    return next(k["tags"] for k in keys if k["key"] == key)  # type: ignore[no-any-return]


DEFAULTS = ["Needs review", "Platform:ios", "Screen:home"]
CHOSEN = ["Legal", "Platform:android", "Screen:settings", "Owner:Ann"]


def test_defaults_fill_every_label_not_given(labelled: Compat) -> None:
    assert _create(labelled, "plain") == DEFAULTS


@pytest.mark.parametrize("via", ["form", "query", "multipart"])
def test_form_map_shape(labelled: Compat, via: str) -> None:
    fields = {
        f"labels[{md5('Needs review')}]": "0",
        f"labels[{md5('Legal')}]": "1",
        f"labels[{PLATFORM}]": "android",
        f"labels[{md5('Screen')}]": "settings",
        f"labels[{md5('Owner')}]": "Ann",
    }
    assert _create(labelled, f"map-{via}", via=via, **fields) == CHOSEN


@pytest.mark.parametrize("via", ["json", "form", "query", "multipart"])
def test_json_list_shape(labelled: Compat, via: str) -> None:
    items = [
        {"label_id": md5("Needs review"), "label_value": 0},
        {"label_id": md5("Legal"), "label_value": "1"},
        {"label_id": PLATFORM, "label_value": "android"},
        {"label_id": md5("Screen"), "label_value": "settings"},
        {"label_id": md5("Owner"), "label_value": "Ann"},
    ]
    assert _create(labelled, f"list-{via}", via=via, labels=items) == CHOSEN


@pytest.mark.parametrize("via", ["json", "form", "query", "multipart"])
def test_json_map_shape(labelled: Compat, via: str) -> None:
    chosen = {md5("Needs review"): False, md5("Legal"): True, PLATFORM: "android", md5("Screen"): "settings"}
    chosen[md5("Owner")] = "Ann"
    assert _create(labelled, f"jmap-{via}", via=via, labels=chosen) == CHOSEN


def test_php_http_build_query_of_the_list(labelled: Compat) -> None:
    fields = {
        "labels[0][label_id]": PLATFORM,
        "labels[0][label_value]": "android",
        "labels[1][label_id]": md5("Legal"),
        "labels[1][label_value]": "1",
    }
    assert _create(labelled, "php", via="form", **fields) == [
        "Needs review",
        "Legal",
        "Platform:android",
        "Screen:home",
    ]


def test_labels_come_back_in_get_translations(labelled: Compat) -> None:
    _create(labelled, "shown", labels={md5("Owner"): "Bo", md5("Needs review"): 0})
    item = labelled.call("getTranslations", translation_language=17)[0]
    assert item["labels"] == [
        {"name": "Needs review", "value": "0"},
        {"name": "Legal", "value": "0"},
        {"name": "Platform", "value": "ios"},
        {"name": "Screen", "value": "home"},
        {"name": "Owner", "value": "Bo"},
    ]


def test_tags_set_in_the_main_api_are_label_values(labelled: Compat) -> None:
    _create(labelled, "retagged")
    key_id = labelled.api("GET", "/keys").json()["data"][0]["_id"]
    response = labelled.api("PATCH", f"/keys/{key_id}", json={"tags": ["Legal", "Platform:android"]})
    assert response.status_code == 200, response.text
    values = {
        item["name"]: item["value"] for item in labelled.call("getTranslations", translation_language=17)[0]["labels"]
    }
    assert values == {"Needs review": "0", "Legal": "1", "Platform": "android", "Screen": "", "Owner": ""}


SHAPES = 'a list of {"label_id", "label_value"} objects or an object {label_id: value}'
OWNER_LIMIT = "labels: the value of label 'Owner' must be at most 94 characters without control characters"
CHECKBOX = "labels: label 'Legal' is a checkbox; its value must be 0 or 1"


@pytest.mark.parametrize(
    ("labels", "description"),
    [
        ({"0" * 32: "1"}, "labels: unknown label_id '" + "0" * 32 + "' (getLabels lists the project's labels)"),
        ({md5("Legal"): "2"}, CHECKBOX),
        ({md5("Legal"): "yes"}, CHECKBOX),
        ({PLATFORM: "windows"}, "labels: 'windows' is not an option of label 'Platform' (options: ios, android)"),
        ({md5("Owner"): "x" * 95}, OWNER_LIMIT),
        ({md5("Owner"): "a\nb"}, OWNER_LIMIT),
        ({md5("Owner"): ["x"]}, "labels: the value of label 'Owner' must be a string"),
        ("not json", f"labels must be JSON: {SHAPES}"),
        ([{"label_id": PLATFORM}], f"labels: each item must be an object with label_id and label_value ({SHAPES})"),
    ],
)
def test_label_refusals(labelled: Compat, labels: Any, description: str) -> None:
    category = labelled.call("createCategory", name="C")
    refused = labelled.fail(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="x",
        labels=labels,
    )
    assert refused == description
    assert labelled.api("GET", "/keys").json()["data"] == []


def test_a_form_list_item_needs_both_fields(labelled: Compat) -> None:
    category = labelled.call("createCategory", name="C")
    refused = labelled.fail(
        "createString",
        via="form",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="x",
        **{"labels[0][label_id]": PLATFORM},
    )
    assert refused == "labels[0] needs both label_id and label_value"


def test_an_input_value_of_exactly_the_room_fits(labelled: Compat) -> None:
    assert _create(labelled, "roomy", labels={md5("Owner"): "o" * 94})[-1] == "Owner:" + "o" * 94


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        ("x", "@ must be a list"),
        ([{"name": "A:B", "type": "checkbox"}], "@[0].name must be 1-50 characters without ':' or control characters"),
        ([{"name": "A", "type": "radio"}], "@[0].type must be one of checkbox, select, input"),
        ([{"name": "A", "type": "select"}], "@[0].options must be a list of 1-100 options"),
        (
            [{"name": "A", "type": "select", "options": [{"name": "o", "value": "v"}], "default": "w"}],
            "@[0].default must be the value of one of its options",
        ),
        ([{"name": "A", "type": "checkbox", "default": 2}], "@[0].default must be 0 or 1 for a checkbox"),
        ([{"name": "A", "type": "input", "options": []}], "@[0].options: only a select label has options"),
        ([{"name": "A", "type": "input", "id": "XYZ"}], "@[0].id must be 32 lowercase hexadecimal digits (an MD5)"),
        (
            [{"name": "A", "type": "input"}, {"name": "A", "type": "checkbox"}],
            "@[1]: the name 'A' is used by another label",
        ),
        (
            [{"name": "A", "type": "input", "colour": "red"}],
            "@[0]: unknown field 'colour' (allowed: id, name, type, options, default)",
        ),
        ([{"name": f"L{i}", "type": "checkbox"} for i in range(51)], "@: at most 50 labels"),
    ],
)
def test_label_settings_are_validated(compat: Compat, labels: Any, problem: str) -> None:
    problem = problem.replace("@", "settings.compat.labels")
    response = compat.api("PATCH", "", json={"settings": {"compat": {"labels": labels}}})
    assert response.status_code == 400, response.text
    assert problem in response.json()["message"]
    assert "compat" not in compat.api("GET", "").json()["settings"]
