"""The method-style API's webhook (docs/compat.md, "Webhook"): a POST of a JSON array of
`{type, language, date, string_id, category_id}` items when approved text changes, signed with
X-Localization = HMAC-SHA256(key = the webhook URL, message = the project token), sent through
the webhook outbox by the job workers to a real receiver on 127.0.0.1 that checks the header
with its own HMAC."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from entri.compat import webhook
from entri.core.actor import Actor
from entri.core.config import Settings
from entri.core.db import Database
from entri.core.vocabularies import Action, Status
from entri.jobs import registry
from entri.jobs.worker import Worker
from entri.keys.models import Key
from entri.projects.models import Project as ProjectRow
from entri.translations import service as translations
from entri.webhooks.models import WebhookDelivery
from entri.webhooks.outbox import KIND
from tests.compat.conftest import Compat
from tests.conftest import Tenant
from tests.webhooks.conftest import FakeClock, Received, Receiver
from tests.webhooks.conftest import clock as clock  # the fixture, used by name
from tests.webhooks.conftest import receiver as receiver  # the fixture, used by name

ITEM_FIELDS = ["type", "language", "date", "string_id", "category_id"]


def x_localization(url: str, token: str) -> str:
    """Computed here, independently of entri.compat.webhook: the URL is the key."""
    return hmac.new(url.encode(), token.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def allow_private(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app accepts a 127.0.0.1 receiver (ENTRI_WEBHOOK_ALLOW_PRIVATE=true)."""
    monkeypatch.setattr(settings, "webhook_allow_private", True)


@pytest.fixture
def worker_settings(tmp_path: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        webhook_allow_private=True,
        webhook_timeout_seconds=3.0,
        jobs_lease_seconds=5.0,
        jobs_poll_seconds=0.05,
    )


@pytest.fixture
def deliver(database: Database, worker_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """Run the delivery jobs (both kinds) on this thread until none is due."""
    from entri.compat import webhook_jobs  # noqa: F401 - registers the handler

    monkeypatch.setattr(registry, "kinds", lambda: [KIND, webhook.JOB_KIND])

    def run(settings: Settings | None = None) -> int:
        worker = Worker(database, settings or worker_settings)
        ran = 0
        while worker.run_once():
            ran += 1
            assert ran < 500, "delivery jobs keep coming"
        return ran

    return run


@pytest.fixture
def hooked(compat: Compat, receiver: Receiver, allow_private: None) -> Iterator[Compat]:
    compat.patch_settings({"webhookUrl": receiver.url})
    yield compat


def log(compat: Compat) -> list[dict[str, Any]]:
    response = compat.client.get(
        f"/api/projects/{compat.project_id}/compat-webhook/deliveries?limit=200", headers=compat.tenant.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def ids_of(compat: Compat) -> dict[str, str]:
    """Language code -> compat id, from getLanguages."""
    return {entry["code"]: entry["id"] for entry in compat.call("getLanguages")}


def flush(clock: FakeClock, deliver: Callable[..., int]) -> None:
    """Let the 2 s window pass and run the workers."""
    clock.advance(seconds=3)
    deliver()


def check(got: Received, compat: Compat, url: str) -> list[dict[str, Any]]:
    """A well-formed, correctly signed request; its items."""
    assert got.headers["content-type"] == "application/json"
    assert hmac.compare_digest(got.headers["x-localization"], x_localization(url, compat.token))
    assert "x-webhook-signature" not in got.headers
    items = got.json
    assert isinstance(items, list) and items
    for item in items:
        assert list(item) == ITEM_FIELDS
        assert item["type"] == "translation_update"
        assert isinstance(item["date"], int)
        assert all(isinstance(item[f], str) and item[f].isdigit() for f in ("language", "string_id", "category_id"))
    return items  # type: ignore[no-any-return]


def pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((item["string_id"], item["language"]) for item in items)


def test_the_signature_is_the_worked_example_of_the_spec() -> None:
    token, url = "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e", "https://example.com/l10n/webhook"
    assert webhook.signature(url, token) == "38b9606b6450d46e7de39de7916f0afa31cc88cda21c6a754068b1615eacdc48"
    assert webhook.signature(url + "/", token) == "167a7d151a99f2c61f8b417e589624611c85b1671b15953e77d09655dd1b5ab1"
    assert webhook.signature(url, token) == x_localization(url, token)


def test_one_transaction_and_its_window_make_one_signed_request(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    ids = ids_of(hooked)
    category = hooked.call("createCategory", name="Web")
    string = hooked.call(
        "createString", category_id=category, string_key="hello", default_translation_language="en",
        default_translation_value="Hello",
    )["string_id"]  # fmt: skip
    created_at = int(clock.now.timestamp())
    clock.advance(seconds=1)
    hooked.call("addTranslation", string_id=string, translation_language="uk", translation_value="Привіт", approve=1)
    deliver()
    assert receiver.requests == []  # the window has not passed: nothing is sent from the request either
    flush(clock, deliver)

    (got,) = receiver.wait_for(1)
    items = check(got, hooked, receiver.url)
    assert items == [
        {"type": "translation_update", "language": ids["en"], "date": created_at, "string_id": str(string),
         "category_id": str(category)},
        {"type": "translation_update", "language": ids["uk"], "date": created_at + 1, "string_id": str(string),
         "category_id": str(category)},
    ]  # fmt: skip
    (entry,) = log(hooked)  # the second delivery was folded into the first
    assert got.headers["x-webhook-id"] == entry["_id"]
    assert entry["webhookId"] is None and entry["event"] == "translation_update"
    assert (entry["state"], entry["attempt"], entry["statusCode"]) == ("succeeded", 1, 200)
    flush(clock, deliver)
    assert len(receiver.requests) == 1


def test_every_change_of_approved_text_and_nothing_else(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    hooked.patch_settings(
        {"allowUpdateTranslation": True, "allowDisapproveAllTranslations": True, "allowDeleteString": True}
    )
    ids = ids_of(hooked)
    category = hooked.call("createCategory", name="App")
    string = hooked.call(
        "createString", category_id=category, string_key="bye", default_translation_language="en",
        default_translation_value="Bye",
    )["string_id"]  # fmt: skip
    flush(clock, deliver)
    s, en, uk, fr = str(string), ids["en"], ids["uk"], ids["fr"]

    def step(call: Callable[[], object], expected: list[tuple[str, str]]) -> None:
        before = len(receiver.requests)
        call()
        flush(clock, deliver)
        if not expected:
            assert len(receiver.requests) == before, receiver.requests[before:]
            return
        got = receiver.wait_for(before + 1)[before:]
        assert len(got) == 1
        items = check(got[0], hooked, receiver.url)
        assert pairs(items) == sorted(expected)
        assert {item["category_id"] for item in items} == {str(category)}

    # A suggestion is not approved text.
    step(lambda: hooked.call("addTranslation", string_id=string, translation_language="uk", translation_value="Па"), [])
    # Approve.
    step(
        lambda: hooked.call(
            "addTranslation", string_id=string, translation_language="uk", translation_value="Бувай", approve=1
        ),
        [(s, uk)],
    )
    # Update of approved text.
    step(
        lambda: hooked.call("updateTranslation", string_id=string, translation_language="uk", translation_value="Па!"),
        [(s, uk)],
    )
    # Disapprove: every approved language.
    step(lambda: hooked.call("disapproveAllTranslations", string_id=string), [(s, en), (s, uk)])
    # An unapproved edit through the main API: nothing; approving it there: an event.
    key_id = hooked.call("getTranslations", translation_language="en", string_id=string)
    assert key_id == []  # disapproved: out of the exports
    main_key = hooked.api("GET", "/keys?limit=200").json()["data"][0]["_id"]
    step(lambda: hooked.api("PUT", f"/keys/{main_key}/translations/fr", json={"value": "Au revoir"}), [])
    step(
        lambda: hooked.api("PATCH", f"/keys/{main_key}/translations/fr/status", json={"status": "approved"}),
        [(s, fr)],
    )
    # deleteString: its approved languages.
    step(lambda: hooked.call("deleteString", string_id=string), [(s, fr)])


def test_keys_made_in_the_main_api_are_numbered_when_sent(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    ids = ids_of(hooked)
    made = hooked.api("POST", "/keys", json={"key": "fresh", "namespace": "Docs/Intro", "sourceValue": "Hi"})
    assert made.status_code == 201, made.text
    key_id = made.json()["_id"]
    approved = hooked.api("PUT", f"/keys/{key_id}/translations/de", json={"value": "Hallo", "status": "approved"})
    assert approved.status_code == 200, approved.text
    flush(clock, deliver)

    (got,) = receiver.wait_for(1)
    (item,) = check(got, hooked, receiver.url)
    assert item["language"] == ids["de"]
    (listed,) = hooked.call("getTranslations", translation_language="de")
    assert (item["string_id"], item["category_id"]) == (str(listed["string_id"]), str(listed["category_id"]))
    categories = hooked.call("getCategories")
    assert categories[item["category_id"]]["name"] == "Intro"


def test_repeated_changes_of_one_string_are_one_item(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    hooked.patch_settings({"allowUpdateTranslation": True})
    category = hooked.call("createCategory", name="Batch")
    strings, dates = [], []
    for i in range(3):
        dates.append(int(clock.now.timestamp()))
        strings.append(
            hooked.call(
                "createString", category_id=category, string_key=f"k{i}", default_translation_language="en",
                default_translation_value=f"v{i}",
            )["string_id"]
        )  # fmt: skip
        clock.advance(seconds=1)
    for value in ("a", "b"):
        hooked.call("updateTranslation", string_id=strings[0], translation_language="en", translation_value=value)
    flush(clock, deliver)
    (got,) = receiver.wait_for(1)
    items = check(got, hooked, receiver.url)
    assert [item["string_id"] for item in items] == [str(n) for n in strings]  # first seen first
    assert [item["date"] for item in items] == [dates[2] + 1, dates[1], dates[2]]  # the latest change of each


def test_the_current_token_and_url_sign_each_try(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    category = hooked.call("createCategory", name="Rot")
    hooked.call(
        "createString", category_id=category, string_key="k", default_translation_language="en",
        default_translation_value="v",
    )  # fmt: skip
    rotated = hooked.api("POST", "/compat-token/rotate")
    assert rotated.status_code == 200, rotated.text
    new_token = rotated.json()["token"]
    assert new_token != hooked.token
    flush(clock, deliver)
    (got,) = receiver.wait_for(1)
    assert got.headers["x-localization"] == x_localization(receiver.url, new_token)
    assert got.headers["x-localization"] != x_localization(receiver.url, hooked.token)


def test_a_failed_try_is_retried_with_the_same_bytes(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    seen: list[str] = []

    def reply(got: Received) -> tuple[int, dict[str, str], bytes]:
        seen.append(got.headers["x-webhook-id"])
        return (500, {}, b"down") if len(seen) == 1 else (200, {}, b"ok")

    receiver.reply = reply
    category = hooked.call("createCategory", name="Retry")
    hooked.call(
        "createString", category_id=category, string_key="k", default_translation_language="en",
        default_translation_value="v",
    )  # fmt: skip
    flush(clock, deliver)
    (entry,) = log(hooked)
    assert (entry["state"], entry["attempt"], entry["statusCode"]) == ("pending", 1, 500)
    hooked.call(
        "createString", category_id=category, string_key="k2", default_translation_language="en",
        default_translation_value="v2",
    )  # fmt: skip
    clock.advance(seconds=31)
    deliver()
    got = receiver.wait_for(3)
    first = got[0]
    (again,) = [r for r in got[1:] if r.headers["x-webhook-id"] == first.headers["x-webhook-id"]]
    assert again.body == first.body and again.headers["x-localization"] == first.headers["x-localization"]
    (later,) = [r for r in got[1:] if r is not again]  # a later change: its own request
    assert pairs(check(later, hooked, receiver.url)) != pairs(check(first, hooked, receiver.url))
    assert {e["state"] for e in log(hooked)} == {"succeeded"}


def test_a_rolled_back_write_leaves_no_delivery(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int], database: Database
) -> None:
    category = hooked.call("createCategory", name="Tx")
    string = hooked.call(
        "createString", category_id=category, string_key="k", default_translation_language="en",
        default_translation_value="v",
    )["string_id"]  # fmt: skip
    flush(clock, deliver)
    receiver.wait_for(1)
    (key_id,) = [k["_id"] for k in hooked.api("GET", "/keys").json()["data"]]

    def channel_rows() -> int:
        with database.session() as session:
            query = select(func.count()).where(
                WebhookDelivery.kind == webhook.CHANNEL, WebhookDelivery.project_id == hooked.project_id
            )
            return int(session.scalar(query) or 0)

    before = channel_rows()
    with database.session(write=True) as session:
        project = session.get_one(ProjectRow, hooked.project_id)
        key = session.get_one(Key, key_id)
        write = translations.Write(key=key, language="uk", value="ніколи", status=Status.APPROVED)
        translations.write(session, project=project, writes=[write], actor=Actor(None, "test"), action=Action.UPDATE)
        assert int(session.scalar(select(func.count()).where(WebhookDelivery.kind == "compat")) or 0) > 0
        session.rollback()
    assert channel_rows() == before
    flush(clock, deliver)
    assert len(receiver.requests) == 1
    assert hooked.call("getTranslations", translation_language="uk", string_id=string) == []


def test_no_url_no_delivery_and_a_removed_url_ends_it(
    compat: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int], allow_private: None
) -> None:
    category = compat.call("createCategory", name="Off")
    compat.call(
        "createString", category_id=category, string_key="k", default_translation_language="en",
        default_translation_value="v",
    )  # fmt: skip
    assert log(compat) == []  # no webhook set: nothing written
    compat.patch_settings({"webhookUrl": receiver.url})
    compat.call(
        "createString", category_id=category, string_key="k2", default_translation_language="en",
        default_translation_value="v",
    )  # fmt: skip
    compat.patch_settings({"webhookUrl": None})
    flush(clock, deliver)
    assert receiver.requests == []
    (entry,) = log(compat)
    assert entry["state"] == "failed" and "no compat webhook" in entry["error"]


def test_the_url_is_checked_like_a_webhook_url(compat: Compat) -> None:
    def refused(url: object) -> str:
        response = compat.api("PATCH", "", json={"settings": {"compat": {"webhookUrl": url}}})
        assert response.status_code == 400, response.text
        return " ".join(response.json()["message"])

    assert "settings.compat.webhookUrl" in refused("ftp://example.com/hook")
    assert "settings.compat.webhookUrl" in refused(12)
    for internal in (
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://10.1.2.3/",
    ):
        message = refused(internal)
        assert "settings.compat.webhookUrl" in message and "public addresses" in message, message
    assert "webhookUrl" not in (compat.api("GET", "").json()["settings"].get("compat") or {})


def test_an_internal_address_is_refused_at_delivery(
    hooked: Compat,
    receiver: Receiver,
    clock: FakeClock,
    deliver: Callable[..., int],
    worker_settings: Settings,
) -> None:
    category = hooked.call("createCategory", name="Ssrf")
    hooked.call(
        "createString", category_id=category, string_key="k", default_translation_language="en",
        default_translation_value="v",
    )  # fmt: skip
    clock.advance(seconds=3)
    deliver(worker_settings.model_copy(update={"webhook_allow_private": False}))
    assert receiver.requests == []
    (entry,) = log(hooked)
    assert entry["state"] == "pending" and entry["attempt"] == 1
    assert entry["error"].startswith("refused:") and "127.0.0.1" in entry["error"]


def test_the_delivery_log_is_for_admins(hooked: Compat, tenant: Tenant) -> None:
    url = f"/api/projects/{hooked.project_id}/compat-webhook/deliveries"
    assert hooked.client.get(url, headers=tenant.member("translator").headers).status_code == 403
    assert hooked.client.get(url, headers=tenant.headers).status_code == 200


def test_a_bulk_change_is_one_item_per_language(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    made = hooked.api("POST", "/keys/bulk", json={"keys": [{"key": f"bulk{i}"} for i in range(101)]})
    assert made.status_code == 201, made.text
    key_ids = [k["_id"] for k in hooked.api("GET", "/keys?limit=200").json()["data"]]
    assert len(key_ids) == 101
    flush(clock, deliver)
    assert receiver.requests == []  # keys without approved text: nothing
    gone = hooked.api("DELETE", "/keys/bulk", json={"keyIds": key_ids})
    assert gone.status_code == 200, gone.text
    flush(clock, deliver)
    (got,) = receiver.wait_for(1)
    items = check(got, hooked, receiver.url)
    assert pairs(items) == sorted(("0", language) for language in ids_of(hooked).values())
    assert {item["category_id"] for item in items} == {"0"}


def test_finished_deliveries_leave_the_log_after_30_days(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    category = hooked.call("createCategory", name="Old")
    for name in ("old", "new"):
        hooked.call(
            "createString", category_id=category, string_key=name, default_translation_language="en",
            default_translation_value=name,
        )  # fmt: skip
        flush(clock, deliver)
        clock.advance(days=31)
    receiver.wait_for(2)
    (entry,) = log(hooked)
    assert entry["_id"] == receiver.requests[1].headers["x-webhook-id"]


def test_a_key_no_client_ever_saw_leaves_nothing_to_send(
    hooked: Compat, receiver: Receiver, clock: FakeClock, deliver: Callable[..., int]
) -> None:
    made = hooked.api("POST", "/keys", json={"key": "brief", "sourceValue": "Hi"})
    assert made.status_code == 201, made.text
    key_id = made.json()["_id"]
    approved = hooked.api("PUT", f"/keys/{key_id}/translations/fr", json={"value": "Salut", "status": "approved"})
    assert approved.status_code == 200, approved.text
    assert hooked.api("DELETE", f"/keys/{key_id}").status_code == 204
    flush(clock, deliver)
    assert receiver.requests == []  # approved and deleted before any method-style call numbered it
    assert log(hooked) == []
