"""The four dangerous methods are off until a project admin turns on "Allow X via API"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.compat.conftest import Compat

DANGEROUS = {
    "deleteString": "allowDeleteString",
    "updateTranslation": "allowUpdateTranslation",
    "disapproveAllTranslations": "allowDisapproveAllTranslations",
    "deleteAllSuggestions": "allowDeleteAllSuggestions",
}


def _setup(compat: Compat) -> dict[str, Any]:
    category = compat.call("createCategory", name="C")
    string = compat.call(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="v",
    )["string_id"]
    compat.call("addTranslation", string_id=string, translation_language=18, translation_value="в", approve=1)
    compat.call("addTranslation", string_id=string, translation_language=9, translation_value="suggested")
    return {"string_id": string, "translation_language": 18, "translation_value": "нове"}


@pytest.mark.parametrize("method", sorted(DANGEROUS))
def test_off_by_default_with_the_vendors_words(compat: Compat, method: str) -> None:
    params = _setup(compat)
    description = compat.fail(method, **params)
    assert description.startswith(f"API method '{method}' is disabled for this project. ")
    assert f'"Allow {method} via API"' in description and f"compat.{DANGEROUS[method]}" in description
    # Refused before anything else is looked at: even without parameters.
    assert compat.fail(method) == description
    assert compat.call("getTranslations", translation_language=18)[0]["translation"] == "в"


@pytest.mark.parametrize("method", sorted(DANGEROUS))
def test_on_when_the_project_allows_it_and_off_again(compat: Compat, method: str) -> None:
    params = _setup(compat)
    compat.patch_settings({DANGEROUS[method]: True})
    assert compat.api("GET", "").json()["settings"]["compat"] == {DANGEROUS[method]: True}
    compat.call(method, **params)
    others = [m for m in DANGEROUS if m != method]
    for other in others:
        assert compat.fail(other, **params).startswith(f"API method '{other}' is disabled")
    compat.patch_settings({DANGEROUS[method]: False})
    assert compat.fail(method, **params).startswith(f"API method '{method}' is disabled")


def test_switches_are_validated(compat: Compat) -> None:
    for bad in ({"allowDeleteString": "yes"}, {"allowDeleteString": 1}, {"allowEverything": True}, []):
        response = compat.api("PATCH", "", json={"settings": {"compat": bad}})
        assert response.status_code == 400, response.text
    assert compat.api("GET", "").json()["settings"] == {}


def test_only_admins_change_the_switches(compat: Compat) -> None:
    developer = compat.tenant.member("developer")
    response = compat.client.patch(
        f"/api/projects/{compat.project_id}",
        json={"settings": {"compat": {"allowDeleteString": True}}},
        headers=developer.headers,
    )
    assert response.status_code == 403


def test_null_removes_a_switch(compat: Compat) -> None:
    compat.patch_settings({"allowDeleteString": True, "allowDeleteAllSuggestions": True})
    compat.patch_settings({"allowDeleteString": None})
    assert compat.api("GET", "").json()["settings"]["compat"] == {"allowDeleteAllSuggestions": True}
