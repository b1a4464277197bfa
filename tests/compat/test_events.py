"""What the method-style API changes is published as domain events (core/events.py), so the
activity trail and webhooks see compat writes like any other, attributed to the API bot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from entri.core.events import Event, subscribe, unsubscribe
from tests.compat.conftest import Compat


@pytest.fixture
def seen() -> Iterator[list[Event]]:
    events: list[Event] = []

    def listen(session: object, published: Any) -> None:
        events.extend(published)

    subscribe(listen)
    yield events
    unsubscribe(listen)


def test_compat_writes_publish_events(compat: Compat, seen: list[Event]) -> None:
    compat.patch_settings({"allowDeleteString": True, "allowDeleteAllSuggestions": True})
    seen.clear()  # what the settings change published (if anything) is not the compat API's
    category = compat.call("createCategory", name="Web")
    string = compat.call(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="v",
    )["string_id"]
    compat.call("addTranslation", string_id=string, translation_language=18, translation_value="в")
    compat.call("addTranslation", string_id=string, translation_language=9, translation_value="v fr")
    compat.call("addTranslation", string_id=string, translation_language=18, translation_value="в!", approve=1)
    compat.call("deleteAllSuggestions", string_id=string)
    compat.call("deleteString", string_id=string)
    names = [e.name for e in seen]
    assert names == [
        "key.created",
        "translation.updated",  # the default translation
        "suggestion.created",
        "suggestion.created",
        "translation.updated",
        "suggestion.accepted",
        "suggestion.deleted",
        "key.deleted",
    ]
    token_id = compat.api("GET", "/compat-token").json()["tokenId"]
    for event in seen:
        assert event.project_id == compat.project_id
        assert event.actor is not None and event.actor.name == "API bot" and event.actor.token_id == token_id
    created = seen[0]
    assert created.data == {"keyId": created.target_id, "key": "k", "namespace": "Web", "projectId": compat.project_id}
    assert seen[1].data["status"] == "approved" and seen[1].source == "api"
    assert seen[-1].target_id == created.target_id


def test_a_refused_call_publishes_nothing_that_stays(compat: Compat, seen: list[Event]) -> None:
    category = compat.call("createCategory", name="Web")
    seen.clear()
    compat.fail(
        "createString",
        category_id=category,
        string_key="k",
        default_translation_language=17,
        default_translation_value="v",
        labels={"0" * 32: 1},
    )
    assert seen == []
