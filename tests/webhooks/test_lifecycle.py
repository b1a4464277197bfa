"""Test deliveries, redelivery, secret rotation and auto-disable, through the routes and a real
receiver."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from entri.core import events as core_events
from entri.core.events import Event
from tests.webhooks.conftest import FakeClock, Hooks, Project, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")
ORG = "/api/organizations/current/webhooks"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def published() -> Iterator[list[Event]]:
    """Every domain event published while the test runs."""
    seen: list[Event] = []

    def listen(_session: Session, events: Sequence[Event]) -> None:
        seen.extend(events)

    core_events.subscribe(listen)
    yield seen
    core_events.unsubscribe(listen)


def test_test_route_and_redeliver(
    hooks: Hooks, client: TestClient, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    hook = hooks.create(receiver.url, ["translation.completed"], active=False)
    test = client.post(f"{ORG}/{hook['_id']}/test", headers=hooks.headers)
    assert test.status_code == 201, test.text
    assert (test.json()["state"], test.json()["attempt"]) == ("pending", 0)
    deliver()
    (got,) = receiver.requests  # sent although the webhook is off: someone asked for it
    assert got.event == "webhook.test" and got.headers["x-webhook-id"] == test.json()["_id"]
    assert got.json["data"]["webhookId"] == hook["_id"]
    assert got.headers["x-webhook-signature"] == sign(hook["secret"], got.body)

    again = client.post(f"{ORG}/{hook['_id']}/deliveries/{test.json()['_id']}/redeliver", headers=hooks.headers)
    assert again.status_code == 201, again.text
    assert again.json()["_id"] != test.json()["_id"] and again.json()["redeliveryOf"] == test.json()["_id"]
    deliver()
    first, second = receiver.wait_for(2)
    assert second.body == first.body
    assert second.headers["x-webhook-id"] == again.json()["_id"]
    log = hooks.deliveries(hook["_id"])
    assert [(d["_id"], d["state"]) for d in log] == [
        (again.json()["_id"], "succeeded"),
        (test.json()["_id"], "succeeded"),
    ]


def test_rotation_signs_with_both_secrets_for_a_day(
    hooks: Hooks,
    client: TestClient,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    clock: FakeClock,
) -> None:
    hook = hooks.create(receiver.url, ["translation.completed"])
    key_id = project.key("k")
    rotated = client.post(f"{ORG}/{hook['_id']}/rotate-secret", headers=hooks.headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != hook["secret"] and new.startswith("whsec_")
    assert "secret" not in hooks.get(hook["_id"])
    assert rotated.json()["previousSecretExpiresAt"] is not None

    project.put(key_id, "fr", "un")
    deliver()
    got = receiver.of("translation.completed")[-1]
    assert got.headers["x-webhook-signature"] == f"{sign(new, got.body)},{sign(hook['secret'], got.body)}"

    clock.advance(hours=23, minutes=59)
    project.put(key_id, "fr", "deux")
    deliver()
    got = receiver.of("translation.completed")[-1]
    assert got.headers["x-webhook-signature"].split(",") == [sign(new, got.body), sign(hook["secret"], got.body)]

    clock.advance(minutes=1)
    project.put(key_id, "fr", "trois")
    deliver()
    got = receiver.of("translation.completed")[-1]
    assert got.json["data"]["value"] == "trois"
    assert got.headers["x-webhook-signature"] == sign(new, got.body)


def test_twenty_failed_deliveries_turn_the_webhook_off(
    hooks: Hooks,
    client: TestClient,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    clock: FakeClock,
    published: list[Event],
) -> None:
    receiver.reply = lambda _: (500, {}, b"broken")
    keys = [project.key(f"k{i}") for i in range(20)]
    hook = hooks.create(receiver.url, ["translation.completed"])

    def fail_fully(values: list[str]) -> None:
        for key_id, value in zip(keys, values, strict=False):
            project.put(key_id, "fr", value)
        deliver()
        for delay in (30, 120, 600, 1800, 3600, 10800):
            clock.advance(seconds=delay)
            deliver()

    fail_fully([f"a{i}" for i in range(19)])
    assert len(receiver.requests) == 19 * 7
    assert hooks.get(hook["_id"])["active"] is True  # 19 in a row: not yet
    assert not [e for e in published if e.name == "webhook.disabled"]

    fail_fully(["b"])
    after = hooks.get(hook["_id"])
    assert after["active"] is False
    assert after["disabledReason"] == "20 consecutive deliveries failed (the last: HTTP 500)"
    (disabled,) = [e for e in published if e.name == "webhook.disabled"]
    assert (disabled.target_id, disabled.data["consecutiveFailures"]) == (hook["_id"], 20)
    assert disabled.data["host"] == "127.0.0.1" and "url" not in disabled.data

    project.put(keys[0], "fr", "not sent")
    deliver()
    assert len(receiver.requests) == 20 * 7
    assert len(hooks.deliveries(hook["_id"])) == 20  # an inactive webhook gets no new deliveries

    # Turned back on: counting starts again, and a success resets it too.
    receiver.reply = lambda _: (200, {}, b"ok")
    assert (
        client.patch(f"{ORG}/{hook['_id']}", json={"active": True}, headers=hooks.headers).json()["disabledReason"]
        is None
    )
    project.put(keys[0], "fr", "sent")
    deliver()
    assert receiver.requests[-1].json["data"]["value"] == "sent"


def test_a_success_resets_the_count(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    clock: FakeClock,
) -> None:
    answers = {"fail": True}
    receiver.reply = lambda _: (500, {}, b"") if answers["fail"] else (200, {}, b"")
    keys = [project.key(f"k{i}") for i in range(20)]
    hook = hooks.create(receiver.url, ["translation.completed"])

    def run(values: list[str]) -> None:
        for key_id, value in zip(keys, values, strict=False):
            project.put(key_id, "fr", value)
        deliver()
        for delay in (30, 120, 600, 1800, 3600, 10800):
            clock.advance(seconds=delay)
            deliver()

    run([f"a{i}" for i in range(19)])
    answers["fail"] = False
    run(["ok"])
    answers["fail"] = True
    run(["c"])
    assert hooks.get(hook["_id"])["active"] is True


def test_deleting_a_webhook_drops_its_pending_tries(
    hooks: Hooks,
    client: TestClient,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    clock: FakeClock,
) -> None:
    receiver.reply = lambda _: (500, {}, b"")
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    assert client.delete(f"{ORG}/{hook['_id']}", headers=hooks.headers).status_code == 204
    clock.advance(seconds=30)
    deliver()
    assert len(receiver.requests) == 1


def test_the_log_keeps_30_days(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    clock: FakeClock,
) -> None:
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "old")
    deliver()
    clock.advance(days=29)
    project.put(key_id, "fr", "recent")
    deliver()
    assert len(hooks.deliveries(hook["_id"])) == 2
    clock.advance(days=2)  # the first is 31 days old now
    project.put(key_id, "fr", "new")
    deliver()
    log = hooks.deliveries(hook["_id"])
    assert len(log) == 2 and len(receiver.requests) == 3


def test_management_is_published_for_the_activity_trail(
    hooks: Hooks, client: TestClient, published: list[Event]
) -> None:
    hook = hooks.create("https://93.184.215.14/secret-path?token=abc", ["key.created"])
    url = f"{ORG}/{hook['_id']}"
    assert client.patch(url, json={"active": False}, headers=hooks.headers).status_code == 200
    assert client.post(f"{url}/rotate-secret", headers=hooks.headers).status_code == 200
    assert client.delete(url, headers=hooks.headers).status_code == 204
    mine = [e for e in published if e.target_id == hook["_id"]]
    assert [e.name for e in mine] == ["webhook.created", "webhook.updated", "webhook.updated", "webhook.deleted"]
    assert [e.data.get("changed") for e in mine[1:3]] == [["active"], ["secret"]]
    assert all(e.actor is not None and e.actor.user_id == hooks.tenant.owner.user_id for e in mine)
    # Members who read the activity trail see the host, never the URL (its path is often a credential).
    assert {e.data["host"] for e in mine} == {"93.184.215.14"}
    assert not any("secret-path" in repr(e.data) or "whsec_" in repr(e.data) for e in mine)
