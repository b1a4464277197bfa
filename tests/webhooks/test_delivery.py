"""Deliveries end to end: a change through the API, the delivery written with it, a worker
sending it to a real receiver on 127.0.0.1, the receiver checking what it got."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from entri.core.config import Settings
from tests.webhooks.conftest import FakeClock, Hooks, Project, Received, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")


def expected_signature(secret: str, body: bytes) -> str:
    """Computed here, independently of entri.webhooks.signing."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_saved_translation_is_delivered_signed(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    key_id = project.key("home.title", "Welcome")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "Bienvenue")

    assert receiver.requests == []  # never inline in the request
    deliver()

    (got,) = receiver.of("translation.completed")
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-webhook-signature"] == expected_signature(hook["secret"], got.body)
    assert hmac.compare_digest(got.headers["x-webhook-signature"], expected_signature(hook["secret"], got.body))
    body = got.json
    assert set(body) == {"event", "timestamp", "data"}
    assert body["event"] == "translation.completed"
    datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert body["data"] == {
        "keyId": key_id,
        "key": "home.title",
        "namespace": "",
        "language": "fr",
        "value": "Bienvenue",
        "status": "translated",
        "source": "human",
        "projectId": project.id,
    }
    (logged,) = [d for d in hooks.deliveries(hook["_id"]) if d["event"] == "translation.completed"]
    assert got.headers["x-webhook-id"] == logged["_id"]
    assert got.headers["x-webhook-event"] == "translation.completed"
    datetime.strptime(got.headers["x-webhook-timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert logged["state"] == "succeeded"
    assert (logged["attempt"], logged["statusCode"], logged["response"]) == (1, 200, "ok")
    assert logged["durationMs"] >= 0 and logged["deliveredAt"] is not None


def test_only_subscribed_events_and_projects(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    other = project.client.post(
        "/api/projects",
        json={"name": "Other", "sourceLanguage": "en", "targetLanguages": ["fr"]},
        headers=project.headers,
    ).json()
    hooks.create(receiver.url, ["translation.status_changed"], projectId=project.id)
    key_id = project.key("a")
    project.put(key_id, "fr", "A")
    status = project.client.patch(
        f"{project.base}/keys/{key_id}/translations/fr/status", json={"status": "reviewed"}, headers=project.headers
    )
    assert status.status_code == 200, status.text
    other_key = project.client.post(
        f"/api/projects/{other['_id']}/keys", json={"key": "b", "sourceValue": "B"}, headers=project.headers
    ).json()["_id"]
    project.client.put(
        f"/api/projects/{other['_id']}/keys/{other_key}/translations/fr", json={"value": "B"}, headers=project.headers
    )
    project.client.patch(
        f"/api/projects/{other['_id']}/keys/{other_key}/translations/fr/status",
        json={"status": "reviewed"},
        headers=project.headers,
    )
    deliver()
    assert [r.event for r in receiver.requests] == ["translation.status_changed"]
    data = receiver.requests[0].json["data"]
    assert (data["keyId"], data["status"], data["previousStatus"], data["projectId"]) == (
        key_id,
        "reviewed",
        "translated",
        project.id,
    )


def test_retries_follow_the_schedule_then_the_delivery_fails(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int], clock: FakeClock
) -> None:
    receiver.reply = lambda _: (503, {}, b"down for maintenance " * 100)
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    start = clock.now
    schedule = [30, 120, 600, 1800, 3600, 10800]  # seconds after each failed try

    deliver()
    waited = 0
    for n, delay in enumerate(schedule, start=1):
        assert len(receiver.requests) == n
        (delivery,) = hooks.deliveries(hook["_id"])
        assert (delivery["state"], delivery["attempt"], delivery["statusCode"]) == ("pending", n, 503)
        assert len(delivery["response"].encode()) <= 1024
        assert delivery["nextRetryAt"] == _iso(clock.now.timestamp() + delay)
        clock.advance(seconds=delay - 1)
        deliver()
        assert len(receiver.requests) == n, f"try {n + 1} came before its time"
        clock.advance(seconds=1)
        deliver()
        waited += delay
    assert len(receiver.requests) == 7
    assert (clock.now - start).total_seconds() == waited == 4 * 3600 + 42 * 60 + 30
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["attempt"], delivery["nextRetryAt"]) == ("failed", 7, None)
    assert {r.headers["x-webhook-id"] for r in receiver.requests} == {delivery["_id"]}
    assert len({r.body for r in receiver.requests}) == 1
    clock.advance(hours=24)
    deliver()
    assert len(receiver.requests) == 7


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def test_a_retry_that_succeeds_ends_the_delivery(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int], clock: FakeClock
) -> None:
    answers = iter([(500, {}, b"boom"), (204, {}, b"")])
    receiver.reply = lambda _: next(answers)
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    clock.advance(seconds=30)
    deliver()
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["attempt"], delivery["statusCode"], delivery["response"]) == (
        "succeeded",
        2,
        204,
        None,
    )


def test_redirects_are_not_followed(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    receiver.reply = lambda r: (
        (302, {"Location": receiver.url + "/elsewhere"}, b"") if r.path == receiver.path else (200, {}, b"")
    )
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    assert [r.path for r in receiver.requests] == [receiver.path]
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["statusCode"]) == ("pending", 302)


def test_a_slow_receiver_times_out(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    worker_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setattr(worker_settings, "webhook_timeout_seconds", 0.5)

    def slow(_: Received) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 200, {}, b"too late"

    receiver.reply = slow
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    started = time.monotonic()
    deliver()
    assert time.monotonic() - started < 1.4
    (delivery,) = hooks.deliveries(hook["_id"])
    assert delivery["state"] == "pending" and delivery["statusCode"] is None
    assert delivery["error"] == "no answer within 0.5 s"


def test_a_2xx_in_time_succeeds_though_the_body_drags(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    deliver: Callable[..., int],
    worker_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_settings, "webhook_timeout_seconds", 0.5)
    receiver.reply = lambda _: (202, {}, "é".encode() * 10)
    receiver.stall = 1.5
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["statusCode"], delivery["error"]) == ("succeeded", 202, None)
    assert delivery["response"] == "é" * 10


def test_the_response_excerpt_is_at_most_1_kb(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    receiver.reply = lambda _: (500, {"Content-Type": "text/plain"}, ("x" + "é" * 2000).encode())
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "v")
    deliver()
    (delivery,) = hooks.deliveries(hook["_id"])
    assert delivery["response"] == "x" + "é" * 511  # 1023 bytes: the character cut in two is dropped
