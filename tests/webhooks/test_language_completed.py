"""`language.completed` fires once each time a target language goes from below 100 % to 100 %
translated (docs/webhooks.md): by single edits, by a bulk overwrite, and by an import."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.webhooks.conftest import Hooks, Project, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")


def completed(receiver: Receiver) -> list[tuple[str, int]]:
    return [(r.json["data"]["language"], r.json["data"]["keys"]) for r in receiver.of("language.completed")]


def test_fires_once_per_rise_to_100_percent(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    one, two = project.key("one"), project.key("two")
    hooks.create(receiver.url, ["language.completed"], projectId=project.id)

    project.put(one, "fr", "un")
    deliver()
    assert completed(receiver) == []  # 50 %
    project.put(two, "fr", "deux")
    deliver()
    assert completed(receiver) == [("fr", 2)]
    project.put(two, "fr", "deux !")  # still 100 %: no second event
    status = project.client.patch(
        f"{project.base}/keys/{two}/translations/fr/status", json={"status": "reviewed"}, headers=project.headers
    )
    assert status.status_code == 200, status.text
    deliver()
    assert completed(receiver) == [("fr", 2)]

    project.put(one, "fr", "")  # back below 100 %…
    deliver()
    project.put(one, "fr", "un")  # …and up again: fires again
    deliver()
    assert completed(receiver) == [("fr", 2), ("fr", 2)]

    three = project.key("three")  # a new key: 2 of 3
    project.put(three, "de", "drei")
    deliver()
    assert completed(receiver) == [("fr", 2), ("fr", 2)]
    project.put(three, "fr", "trois")
    deliver()
    assert completed(receiver) == [("fr", 2), ("fr", 2), ("fr", 3)]
    assert all(r.json["data"]["projectId"] == project.id for r in receiver.requests)


def test_by_overwrite_and_by_import(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    keys = [project.key(f"k{i}") for i in range(150)]
    hooks.create(receiver.url, ["language.completed"])
    items = [{"key": f"k{i}", "language": "de", "value": f"v{i}"} for i in range(150)]
    response = project.client.post(
        f"{project.base}/translations/overwrite", json={"translations": items}, headers=project.headers
    )
    assert response.status_code == 200, response.text
    deliver()
    assert completed(receiver) == [("de", 150)]

    content = json.dumps({f"k{i}": f"f{i}" for i in range(150)})
    body = {"language": "fr", "format": "json-flat", "content": content, "overwrite": True}
    assert project.client.post(f"{project.base}/import", json=body, headers=project.headers).status_code == 200
    deliver()
    assert completed(receiver) == [("de", 150), ("fr", 150)]
    # The same file again changes no status: still complete, nothing fires.
    assert project.client.post(f"{project.base}/import", json=body, headers=project.headers).status_code == 200
    deliver()
    assert completed(receiver) == [("de", 150), ("fr", 150)]

    project.put(keys[0], "fr", "")
    body["content"] = json.dumps({"k0": "f0 again"})
    assert project.client.post(f"{project.base}/import", json=body, headers=project.headers).status_code == 200
    deliver()
    assert completed(receiver) == [("de", 150), ("fr", 150), ("fr", 150)]


def test_an_import_that_adds_keys(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    """Keys created by an import make the other languages incomplete, and completing one again
    by an import fires again."""
    hooks.create(receiver.url, ["language.completed"])
    for content in ({"a": "A", "b": "B"}, {"a": "A", "b": "B", "c": "C"}):
        body = {"language": "fr", "format": "json-flat", "content": json.dumps(content), "overwrite": True}
        response = project.client.post(f"{project.base}/import", json=body, headers=project.headers)
        assert response.status_code == 200, response.text
        deliver()
    assert completed(receiver) == [("fr", 2), ("fr", 3)]


def test_not_checked_without_a_subscriber(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    one = project.key("one")
    hooks.create(receiver.url, ["translation.completed"])
    project.put(one, "fr", "un")
    deliver()
    assert [r.event for r in receiver.requests] == ["translation.completed"]
