"""Suggestions in the main API: candidate texts beside the current value, each with its author,
accepted through the one write path, seen by the method-style API as its suggestions."""

from __future__ import annotations

from typing import Any

import pytest

from entri.core.events import Event, subscribe, unsubscribe
from tests.compat.conftest import Compat
from tests.conftest import Member


def _key(compat: Compat, name: str = "greeting", **extra: Any) -> str:
    response = compat.api("POST", "/keys", json={"key": name, "sourceValue": "Hello", **extra})
    assert response.status_code == 201, response.text
    return str(response.json()["_id"])


def _suggest(compat: Compat, key_id: str, value: str, member: Member | None = None, language: str = "fr") -> Any:
    headers = (member or compat.tenant.owner).headers
    return compat.client.post(
        f"/api/projects/{compat.project_id}/keys/{key_id}/suggestions/{language}",
        json={"value": value},
        headers=headers,
    )


def _list(compat: Compat, key_id: str, language: str = "fr") -> list[dict[str, Any]]:
    response = compat.api("GET", f"/keys/{key_id}/suggestions/{language}")
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def test_several_suggestions_each_with_its_author(compat: Compat) -> None:
    key_id = _key(compat)
    translator, reviewer = compat.tenant.member("translator"), compat.tenant.member("reviewer")
    first = _suggest(compat, key_id, "Bonjour", translator)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["_id"].startswith("sug_") and body["authorId"] == translator.user_id and body["bot"] is False
    assert _suggest(compat, key_id, "Salut").status_code == 201
    listed = _list(compat, key_id)
    assert [(s["value"], s["authorId"]) for s in listed] == [
        ("Bonjour", translator.user_id),
        ("Salut", compat.tenant.owner.user_id),
    ]
    page = compat.api("GET", f"/keys/{key_id}/suggestions/fr?limit=1").json()
    assert page["meta"] == {"page": 1, "limit": 1, "total": 2, "totalPages": 2}
    assert _suggest(compat, key_id, "Hallo", reviewer, language="de").status_code == 403  # reviewers do not write


def test_duplicates_are_refused(compat: Compat) -> None:
    key_id = _key(compat)
    assert _suggest(compat, key_id, "Bonjour").status_code == 201
    assert _suggest(compat, key_id, "Bonjour").status_code == 409
    assert _suggest(compat, key_id, "Hello", language="en").status_code == 409  # the current text


def test_accept_makes_it_the_approved_translation(compat: Compat) -> None:
    key_id = _key(compat)
    human = compat.api("PUT", f"/keys/{key_id}/translations/fr", json={"value": "Bonjour"})
    assert human.status_code == 200
    translator = compat.tenant.member("translator")
    suggestion = _suggest(compat, key_id, "Salut", translator).json()
    accepted = compat.api("POST", f"/keys/{key_id}/suggestions/fr/{suggestion['_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["value"], accepted.json()["status"]) == ("Salut", "approved")
    left = _list(compat, key_id)
    assert [(s["value"], s["authorId"]) for s in left] == [("Bonjour", compat.tenant.owner.user_id)]
    history = compat.api("GET", f"/keys/{key_id}/translations/fr/history").json()
    assert [(h["newValue"], h["status"]) for h in history] == [("Salut", "approved"), ("Bonjour", "translated")]


def test_accept_with_another_status_and_the_rights_it_needs(compat: Compat) -> None:
    key_id = _key(compat)
    translator = compat.tenant.member("translator")
    suggestion = _suggest(compat, key_id, "Salut").json()
    url = f"/api/projects/{compat.project_id}/keys/{key_id}/suggestions/fr/{suggestion['_id']}/accept"
    refused = compat.client.post(url, headers=translator.headers)  # approving needs review rights
    assert refused.status_code == 403
    done = compat.client.post(url, json={"status": "translated"}, headers=translator.headers)
    assert done.status_code == 200 and done.json()["status"] == "translated"
    gone = compat.client.post(url, json={"status": "translated"}, headers=translator.headers)
    assert gone.status_code == 404  # accepted: no longer a suggestion


def test_accept_refused_by_checks_changes_nothing(compat: Compat) -> None:
    key_id = _key(compat, "named", sourceValue="Hello {name}")
    suggestion = _suggest(compat, key_id, "Bonjour").json()
    refused = compat.api("POST", f"/keys/{key_id}/suggestions/fr/{suggestion['_id']}/accept")
    assert refused.status_code == 409
    assert [s["_id"] for s in _list(compat, key_id)] == [suggestion["_id"]]
    forced = compat.api("POST", f"/keys/{key_id}/suggestions/fr/{suggestion['_id']}/accept", json={"force": True})
    assert forced.status_code == 200 and forced.json()["status"] == "approved"


def test_delete_own_or_as_reviewer(compat: Compat) -> None:
    key_id = _key(compat)
    translator, other = compat.tenant.member("translator"), compat.tenant.member("developer")
    mine = _suggest(compat, key_id, "Mine", translator).json()
    theirs = _suggest(compat, key_id, "Theirs", other).json()
    base = f"/api/projects/{compat.project_id}/keys/{key_id}/suggestions/fr/"
    assert compat.client.delete(base + theirs["_id"], headers=translator.headers).status_code == 403
    assert compat.client.delete(base + mine["_id"], headers=translator.headers).status_code == 204
    assert (
        compat.client.delete(base + theirs["_id"], headers=compat.tenant.member("reviewer").headers).status_code == 204
    )
    assert _list(compat, key_id) == []
    assert compat.client.delete(base + mine["_id"], headers=compat.tenant.headers).status_code == 404


def test_plural_suggestions(compat: Compat) -> None:
    key_id = _key(compat, "files", isPlural=True, sourceValue="{count} files")
    body = {"pluralForms": {"one": "{count} fichier", "other": "{count} fichiers"}}
    made = compat.api("POST", f"/keys/{key_id}/suggestions/fr", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["value"] == "{count} fichiers"
    accepted = compat.api("POST", f"/keys/{key_id}/suggestions/fr/{made.json()['_id']}/accept")
    assert accepted.json()["pluralForms"] == {"one": "{count} fichier", "other": "{count} fichiers"}
    plain = _key(compat, "plain")
    assert compat.api("POST", f"/keys/{plain}/suggestions/fr", json=body).status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/keys/key_aaaaaaaaaaaaaaaaaaaa/suggestions/fr", {"value": "x"}, 404),
        ("/keys/{key}/suggestions/es", {"value": "x"}, 400),
        ("/keys/{key}/suggestions/not-a-language!", {"value": "x"}, 400),
        ("/keys/{key}/suggestions/fr", {}, 400),
        ("/keys/{key}/suggestions/fr", {"value": ""}, 400),
        ("/keys/{key}/suggestions/fr", {"value": "x" * 100_001}, 400),
        ("/keys/{key}/suggestions/fr", {"value": "x", "extra": 1}, 400),
        ("/keys/{key}/suggestions/fr/sug_aaaaaaaaaaaaaaaaaaaa/accept", None, 404),
    ],
)
def test_refusals(compat: Compat, path: str, body: Any, status: int) -> None:
    key_id = _key(compat)
    response = compat.api("POST", path.replace("{key}", key_id), json=body)
    assert response.status_code == status, response.text


def test_a_suggestion_of_another_key_or_language_is_not_found(compat: Compat) -> None:
    one, two = _key(compat, "one"), _key(compat, "two")
    suggestion = _suggest(compat, one, "Un").json()
    assert compat.api("POST", f"/keys/{two}/suggestions/fr/{suggestion['_id']}/accept").status_code == 404
    assert compat.api("DELETE", f"/keys/{one}/suggestions/de/{suggestion['_id']}").status_code == 404


def test_archived_projects_take_no_suggestions(compat: Compat) -> None:
    key_id = _key(compat)
    assert compat.api("DELETE", "").status_code == 200
    assert _suggest(compat, key_id, "x").status_code == 409
    category_refused = compat.fail("createCategory", name="late")
    assert category_refused == "the project is archived; unarchive it before changing it"
    assert compat.call("getLanguages")  # reading still works


def test_the_bot_suggestion_is_a_suggestion_of_the_main_api(compat: Compat) -> None:
    category = compat.call("createCategory", name="C")
    string = compat.call(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="v",
    )["string_id"]
    compat.call("addTranslation", string_id=string, translation_language=9, translation_value="vé")
    key_id = compat.api("GET", "/keys").json()["data"][0]["_id"]
    [bot] = _list(compat, key_id)
    assert (bot["bot"], bot["authorName"], bot["authorId"]) == (True, "API bot", None)
    accepted = compat.api("POST", f"/keys/{key_id}/suggestions/fr/{bot['_id']}/accept")
    assert accepted.json()["source"] == "api"  # the bot's text, accepted by a person
    assert accepted.json()["updatedBy"] == compat.tenant.owner.user_id
    assert compat.call("getTranslations", translation_language=9)[0]["translation"] == "vé"


def test_events(compat: Compat) -> None:
    seen: list[Event] = []

    def listen(session: object, events: Any) -> None:
        seen.extend(events)

    key_id = _key(compat)
    subscribe(listen)
    try:
        made = _suggest(compat, key_id, "Salut").json()
        compat.api("POST", f"/keys/{key_id}/suggestions/fr/{made['_id']}/accept")
        other = _suggest(compat, key_id, "Coucou").json()
        compat.api("DELETE", f"/keys/{key_id}/suggestions/fr/{other['_id']}")
    finally:
        unsubscribe(listen)
    names = [e.name for e in seen]
    assert names == [
        "suggestion.created",
        "translation.updated",
        "suggestion.accepted",
        "suggestion.created",
        "suggestion.deleted",
    ]
    assert seen[0].data["suggestionId"] == made["_id"] and seen[0].project_id == compat.project_id
