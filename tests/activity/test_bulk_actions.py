"""Bulk writes leave one entry with counts, never one per value: an import, an overwrite by key,
a TM fill, an AI job. Exports are recorded too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from entri.core.config import Settings
from entri.jobs import registry
from entri.jobs.worker import Worker
from entri.memory import fill as fill_service
from tests.activity.helpers import actions, add_key, one, project, project_feed, stored_count
from tests.ai.fake_llm import Behaviour, fake_provider
from tests.conftest import Tenant
from tests.errors import assert_error
from tests.files.helpers import do_export, do_import
from tests.memory.helpers import approved


def _work_the_queue(tenant: Tenant) -> None:
    registry.load_handler_modules()
    worker = Worker(tenant.database, Settings(jobs_poll_seconds=0.01, jobs_backoff_seconds=0.01))
    for _ in range(100):
        if not worker.run_once():
            return


def test_an_import_of_500_keys_is_one_entry(tenant: Tenant) -> None:
    pid = project(tenant)
    add_key(tenant, pid, "k0", "Old zero")
    before = len(project_feed(tenant, pid))
    content = json.dumps({f"k{i}": f"Valeur {i}" for i in range(500)})
    r = do_import(tenant.client, tenant.headers, pid, "fr", "json-flat", content, namespace="")
    assert r.status_code == 200, r.text
    feed = project_feed(tenant, pid)
    assert len(feed) == before + 1
    entry = feed[0]
    assert entry["action"] == "import.completed"
    assert (entry["targetType"], entry["source"], entry["language"], entry["count"]) == ("import", "import", "fr", 500)
    meta = entry["metadata"]
    assert (meta["imported"], meta["created"], meta["updated"], meta["skipped"]) == (500, 499, 0, 0)
    assert (meta["language"], meta["format"]) == ("fr", "json-flat")

    # A refused file (one bad value among 500) leaves no entry, like it leaves no key.
    before_bad = stored_count(tenant)
    bad = json.dumps({**{f"n{i}": "v" for i in range(499)}, "huge": "x" * 100_001})
    assert_error(do_import(tenant.client, tenant.headers, pid, "fr", "json-flat", bad), 400)
    assert stored_count(tenant) == before_bad


def test_an_overwrite_of_150_values_is_one_entry(tenant: Tenant) -> None:
    pid = project(tenant)
    keys = [{"key": f"k{i}"} for i in range(150)]
    assert (
        tenant.client.post(f"/api/projects/{pid}/keys/bulk", json={"keys": keys}, headers=tenant.headers).status_code
        == 201
    )
    before = len(project_feed(tenant, pid))
    items = [{"key": f"k{i}", "language": "fr", "value": f"v{i}"} for i in range(150)]
    url = f"/api/projects/{pid}/translations/overwrite"
    r = tenant.client.post(url, json={"translations": items}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["overwritten"] == 150, r.text
    feed = project_feed(tenant, pid)
    assert len(feed) == before + 1
    entry = one(feed, "translation.overwritten")
    assert (entry["count"], entry["source"], entry["language"], entry["targetType"]) == (
        150,
        "api",
        "fr",
        "translation",
    )
    assert entry["metadata"]["count"] == 150 and entry["metadata"]["created"] == 150
    # Up to 100 values: one entry per value, each naming its key.
    few = [{"key": f"k{i}", "language": "de", "value": f"w{i}"} for i in range(3)]
    assert tenant.client.post(url, json={"translations": few}, headers=tenant.headers).status_code == 200
    per_value = project_feed(tenant, pid, action="translation.overwritten", language="de")
    assert len(per_value) == 3 and all(e["count"] == 1 and e["targetId"].startswith("key_") for e in per_value)


def test_export(tenant: Tenant) -> None:
    pid = project(tenant)
    add_key(tenant, pid, "hello", "Hello")
    r = do_export(tenant.client, tenant.headers, pid, "en", "json-flat")
    assert r.status_code == 200, r.text
    entry = one(project_feed(tenant, pid), "export.completed")
    assert (entry["targetType"], entry["language"], entry["userId"]) == ("export", "en", tenant.owner.user_id)
    assert entry["metadata"] == {
        "projectId": pid,
        "language": "en",
        "format": "json-flat",
        "namespace": None,
        "keys": 1,
        "truncated": False,
    }
    before = stored_count(tenant)
    assert_error(do_export(tenant.client, tenant.headers, pid, "en", "nope"), 400)
    assert stored_count(tenant) == before


def test_tm_fill_is_one_summary(tenant: Tenant) -> None:
    memory = project(tenant, name="Memory")
    approved(tenant, memory, {"Save": "Enregistrer", "Open": "Ouvrir"})
    pid = project(tenant)
    for name, text in (("save", "Save"), ("open", "Open"), ("other", "Unmatched")):
        add_key(tenant, pid, name, text)
    before = len(project_feed(tenant, pid))
    r = tenant.client.post(f"/api/projects/{pid}/tm/fill", json={"languages": ["fr"]}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["filled"] == 2, r.text
    feed = project_feed(tenant, pid)
    assert len(feed) == before + 1
    entry = one(feed, "tm.filled")
    assert (entry["count"], entry["source"], entry["language"], entry["targetType"]) == (2, "tm", "fr", "tm_fill")
    meta = entry["metadata"]
    assert (meta["total"], meta["filled"], meta["noMatch"], meta["skipped"]) == (3, 2, 1, 0)


def test_tm_fill_as_a_job_is_one_summary_when_it_ends(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = project(tenant, name="Memory")
    approved(tenant, memory, {"Save": "Enregistrer", "Open": "Ouvrir"})
    pid = project(tenant)
    for name, text in (("save", "Save"), ("open", "Open"), ("other", "Unmatched")):
        add_key(tenant, pid, name, text)
    monkeypatch.setattr(fill_service, "MAX_SYNC_ITEMS", 2)
    before = len(project_feed(tenant, pid))
    r = tenant.client.post(f"/api/projects/{pid}/tm/fill", json={"languages": ["fr"]}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    job_id = r.json()["jobId"]
    assert len(project_feed(tenant, pid)) == before  # nothing yet: the job has not run
    _work_the_queue(tenant)
    feed = project_feed(tenant, pid)
    assert len(feed) == before + 1
    entry = one(feed, "tm.filled")
    assert (entry["targetId"], entry["count"], entry["tokenId"]) == (job_id, 2, tenant_token(tenant, entry))
    assert entry["userName"].endswith("(token: owner token)")
    meta = entry["metadata"]
    assert (meta["status"], meta["filled"], meta["skipped"], meta["languages"]) == ("succeeded", 2, 1, ["fr"])


def tenant_token(tenant: Tenant, entry: dict[str, Any]) -> str:
    """The owner's token id, read from an entry the owner's token made directly."""
    created = one(project_feed(tenant, str(entry["projectId"]), action="project.created"), "project.created")
    return str(created["tokenId"])


@pytest.fixture
def openai_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Behaviour]:
    with fake_provider() as (url, behaviour):
        for name in ("ANTHROPIC_API_KEY", "DEEPL_AUTH_KEY", "ENTRI_AI_MODEL", "ENTRI_AI_PROVIDER"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key")
        monkeypatch.setenv("OPENAI_BASE_URL", url + "/v1")
        yield behaviour


def test_ai_job_started_and_finished(tenant: Tenant, openai_fake: Behaviour) -> None:
    pid = project(tenant, targetLanguages=["fr", "ru"])
    for name in ("greeting", "title", "inbox"):
        add_key(tenant, pid, name, name.title())
    before = len(project_feed(tenant, pid))
    body = {"targetLanguages": ["fr"]}
    r = tenant.client.post(f"/api/projects/{pid}/ai/translate/batch/start", json=body, headers=tenant.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["jobId"]
    started = one(project_feed(tenant, pid), "ai.job.started")
    assert (started["targetType"], started["targetId"], started["count"], started["source"]) == ("job", job_id, 3, "ai")
    assert (started["language"], started["metadata"]["total"]) == ("fr", 3)
    _work_the_queue(tenant)
    feed = project_feed(tenant, pid)
    assert actions(feed)[:2] == ["ai.job.finished", "ai.job.started"] and len(feed) == before + 2
    finished = one(feed, "ai.job.finished")
    assert finished["tokenId"] == started["tokenId"] and finished["tokenId"] is not None
    meta = finished["metadata"]
    assert (meta["status"], meta["translated"], meta["failed"], meta["skipped"], meta["total"]) == (
        "succeeded",
        3,
        0,
        0,
        3,
    )
    assert finished["count"] == 3


def test_a_cancelled_queued_ai_job_finishes_at_once(tenant: Tenant, openai_fake: Behaviour) -> None:
    pid = project(tenant, targetLanguages=["fr"])
    add_key(tenant, pid, "a", "A")
    r = tenant.client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    )
    job_id = r.json()["jobId"]
    r = tenant.client.post(f"/api/projects/{pid}/ai/translate/batch/cancel/{job_id}", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    finished = one(project_feed(tenant, pid), "ai.job.finished")
    assert (finished["metadata"]["status"], finished["count"]) == ("cancelled", 0)
    _work_the_queue(tenant)
    one(project_feed(tenant, pid), "ai.job.finished")  # still one


def test_sync_ai_translate_with_save_is_a_translation_change(tenant: Tenant, openai_fake: Behaviour) -> None:
    pid = project(tenant, targetLanguages=["fr"])
    key_id = add_key(tenant, pid, "hello", "Hello")
    body = {"keyId": key_id, "targetLanguage": "fr", "save": True}
    r = tenant.client.post(f"/api/projects/{pid}/ai/translate", json=body, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["saved"] is True, r.text
    entry = project_feed(tenant, pid, source="ai")
    assert len(entry) == 1 and entry[0]["action"] == "translation.updated" and entry[0]["targetId"] == key_id
    assert entry[0]["metadata"]["value"] == "FR: Hello"
