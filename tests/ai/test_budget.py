"""`maxTokens` (a job stops `cancelled`/`budget` once the provider-reported usage reaches it,
the rest stays pending) and `dryRun` (the pair count and a token estimate, no provider call)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from entri.jobs.models import Job, JobItem
from tests.ai.fake_llm import Behaviour
from tests.ai.helpers import run_jobs as _run_jobs
from tests.ai.helpers import set_concurrency
from tests.errors import assert_error

KEYS = 60
PER_CALL = 120
"""The fake reports 100 prompt + 20 completion tokens per request."""


@pytest.fixture
def project(tenant: Any, client: Any) -> dict[str, Any]:
    project = tenant.project(targetLanguages=["fr"])
    pid = project["_id"]
    body = {"keys": [{"key": f"k{n:03}", "sourceValue": f"Message {n} for {{name}}"} for n in range(KEYS)]}
    r = client.post(f"/api/projects/{pid}/keys/bulk", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    set_concurrency(tenant, 2)  # one bulk slot: chunks go one after the other, so the stop point is exact
    return {"id": pid}


def _items(tenant: Any, job_id: str) -> dict[str, int]:
    with tenant.database.session() as session:
        rows = session.execute(
            select(JobItem.state, func.count()).where(JobItem.job_id == job_id).group_by(JobItem.state)
        ).all()
    return {state: n for state, n in rows}


def test_a_job_stops_cancelled_with_reason_budget_and_keeps_the_rest_pending(tenant, client, project, openai_fake):
    pid = project["id"]
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "maxTokens": PER_CALL + 1},
        headers=tenant.headers,
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["jobId"]
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    # Two requests: the first left 1 token of budget, so a second was started; then none.
    assert (state["status"], state["reason"], state["tokensUsed"]) == ("cancelled", "budget", 2 * PER_CALL)
    assert (state["processed"], state["translated"], state["total"]) == (40, 40, KEYS)
    assert "maxTokens" in state["error"]
    assert _items(tenant, job_id) == {"done": 40, "pending": 20}
    assert len(openai_fake.calls) == 2


def test_a_budget_already_spent_stops_the_job_before_any_call(tenant, client, project, openai_fake):
    pid = project["id"]
    job_id = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "maxTokens": 10},
        headers=tenant.headers,
    ).json()["jobId"]
    with tenant.database.session(write=True) as session:  # as if an earlier worker had spent it
        session.get(Job, job_id).tokens_used = 10
        session.commit()
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert (state["status"], state["reason"], state["processed"]) == ("cancelled", "budget", 0)
    assert openai_fake.calls == []


def test_a_job_within_its_budget_finishes_normally(tenant, client, project, openai_fake):
    pid = project["id"]
    job_id = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "maxTokens": 3 * PER_CALL},
        headers=tenant.headers,
    ).json()["jobId"]
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    # Reaching the budget exactly with the last request is not a stop: nothing was left to send.
    assert (state["status"], state["reason"], state["tokensUsed"], state["translated"]) == (
        "succeeded",
        None,
        3 * PER_CALL,
        KEYS,
    )


def test_the_synchronous_batch_honours_max_tokens(tenant, client, project, openai_fake):
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "maxTokens": 50},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["stopped"], body["translated"], body["skipped"], body["failed"]) == ("budget", 20, 40, 0)
    assert body["translated"] + body["failed"] + body["skipped"] == body["total"] == KEYS
    reasons = {i["reason"] for i in body["items"] if i["status"] == "skipped"}
    assert reasons == {"not sent: the maxTokens budget was reached"}
    assert len(openai_fake.calls) == 1


def _prompt_chars(behaviour: Behaviour) -> int:
    total = 0
    for call in behaviour.calls:
        request = json.loads(call["body"])
        total += sum(len(m["content"]) for m in request["messages"])
    return total


def test_dry_run_estimates_without_calling_the_provider(tenant, client, project, openai_fake):
    pid = project["id"]
    for route in ("translate/batch", "translate/batch/start"):
        r = client.post(
            f"/api/projects/{pid}/ai/{route}",
            json={"targetLanguages": ["fr"], "dryRun": True},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["dryRun"], body["items"], body["skipped"], body["model"]) == (True, KEYS, 0, "gpt-4o-mini")
        estimated = body["estimatedTokens"]
    assert openai_fake.calls == []
    with tenant.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Job).where(Job.project_id == pid)) == 0
    # Against what a real run sends: the input part alone is the prompts' characters / 4.
    client.post(f"/api/projects/{pid}/ai/translate/batch", json={"targetLanguages": ["fr"]}, headers=tenant.headers)
    sent = _prompt_chars(openai_fake) / 4
    assert sent < estimated < 2 * sent


def test_dry_run_with_the_memory_provider_costs_nothing(tenant, client, project, monkeypatch):
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DEEPL_AUTH_KEY", "ENTRI_AI_MODEL", "ENTRI_AI_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "dryRun": True},
        headers=tenant.headers,
    )
    assert (r.status_code, r.json()["estimatedTokens"], r.json()["model"]) == (200, 0, "memory")


def test_max_tokens_must_be_positive(tenant, client, project, openai_fake):
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "maxTokens": 0},
        headers=tenant.headers,
    )
    assert_error(r, 400)


def test_cancel_stops_a_running_job_within_2_seconds(tenant, client, project, openai_fake):
    """The pipeline starts no request after a cancel; what finished is recorded, the rest stays pending."""
    import threading
    import time

    from entri.core.config import Settings
    from entri.jobs.worker import Worker
    from tests.ai.helpers import cancel_other_jobs

    openai_fake.latency = 0.4  # one bulk slot (the fixture): the three requests go one after the other
    pid = project["id"]
    job_id = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    ).json()["jobId"]
    cancel_other_jobs(tenant)
    worker = Worker(tenant.database, Settings(jobs_poll_seconds=0.01))
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    deadline = time.monotonic() + 10
    while not openai_fake.calls and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    r = client.post(f"/api/projects/{pid}/ai/translate/batch/cancel/{job_id}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    while time.monotonic() - started < 5:
        state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
        if state["status"] == "cancelled":
            break
        time.sleep(0.05)
    took = time.monotonic() - started
    thread.join(10)
    assert state["status"] == "cancelled" and took < 2, (state, took)
    calls = len(openai_fake.calls)
    assert calls < KEYS // 20  # not every request was sent
    items = _items(tenant, job_id)
    assert items.get("pending", 0) >= KEYS - 20 * calls and items.get("done", 0) <= 20 * calls
