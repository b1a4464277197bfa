"""At most N provider calls at once per organization (`aiConcurrency`, default 4), batch work
limited to N - 1 of them, so an editor's single translate is never queued behind a batch job."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from entri.ai.concurrency import Slots, bulk_limit, limit_from, slots_for
from entri.core.config import Settings
from entri.jobs.worker import Worker
from tests.ai.helpers import cancel_other_jobs, set_concurrency

LATENCY = 0.3


@pytest.fixture
def project(tenant: Any, client: Any) -> dict[str, Any]:
    project = tenant.project(targetLanguages=["fr"])
    pid = project["_id"]
    body = {"keys": [{"key": f"k{n:03}", "sourceValue": f"Line {n}"} for n in range(200)]}
    r = client.post(f"/api/projects/{pid}/keys/bulk", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    single = client.post(f"/api/projects/{pid}/keys", json={"key": "zz", "sourceValue": "Hi"}, headers=tenant.headers)
    return {"id": pid, "single": single.json()["_id"]}


def _job_with_a_single_request_beside_it(
    tenant: Any, client: Any, project: dict[str, Any], behaviour: Any, n: int
) -> tuple[float, str]:
    """Start a 200-key job on a worker thread; once it is sending, time one single translate."""
    pid = project["id"]
    job_id = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"], "keyIds": [f"{k}" for k in _key_ids(client, tenant, pid)]},
        headers=tenant.headers,
    ).json()["jobId"]
    cancel_other_jobs(tenant)
    worker = Worker(tenant.database, Settings(jobs_poll_seconds=0.01))
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    deadline = time.monotonic() + 20
    while behaviour.in_flight < bulk_limit(n) and time.monotonic() < deadline:
        time.sleep(0.005)  # until the job holds every slot it may
    started = time.monotonic()
    r = client.post(
        f"/api/projects/{pid}/ai/translate",
        json={"keyId": project["single"], "targetLanguage": "fr"},
        headers=tenant.headers,
    )
    took = time.monotonic() - started
    assert r.status_code == 200, r.text
    thread.join(30)
    return took, job_id


def _key_ids(client: Any, tenant: Any, pid: str) -> list[str]:
    rows = client.get(f"/api/projects/{pid}/keys?limit=200", headers=tenant.headers).json()["data"]
    return [r["_id"] for r in rows if r["key"] != "zz"]


@pytest.mark.parametrize("setting", [None, 3])
def test_a_job_uses_n_minus_one_slots_and_leaves_one_to_the_editor(tenant, client, project, openai_fake, setting):
    if setting is not None:
        set_concurrency(tenant, setting)
    n = setting or 4
    openai_fake.latency = LATENCY
    took, job_id = _job_with_a_single_request_beside_it(tenant, client, project, openai_fake, n)
    state = client.get(f"/api/projects/{project['id']}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert (state["status"], state["translated"]) == ("succeeded", 200)
    # The job ran its 10 requests N - 1 at a time; the single request could only add the N-th.
    slots = slots_for(tenant.organization_id)
    assert (slots.peak_bulk, openai_fake.peak_in_flight <= n, slots.peak <= n) == (n - 1, True, True)
    # It was answered in about one provider call, not after the job's queue of calls.
    assert took < 3 * LATENCY, took


def test_one_slot_is_shared(tenant, client, project, openai_fake):
    set_concurrency(tenant, 1)
    openai_fake.latency = 0.05
    took, _ = _job_with_a_single_request_beside_it(tenant, client, project, openai_fake, 1)
    assert openai_fake.peak_in_flight == 1 and slots_for(tenant.organization_id).peak == 1
    assert took < 2.0  # the editor waited for at most one of the job's calls, not for the job


def test_slots_keep_one_for_single_requests() -> None:
    slots = Slots()
    assert slots.acquire("bulk", 3) and slots.acquire("bulk", 3)
    assert not slots.acquire("bulk", 3, cancelled=lambda: True)  # the third slot is not for bulk work
    assert slots.acquire("single", 3)
    assert not slots.acquire("single", 3, cancelled=lambda: True)  # all taken
    slots.release("bulk")
    assert slots.acquire("single", 3)
    assert (slots.peak, slots.peak_bulk) == (3, 2)


def test_a_waiting_call_gets_the_slot_released() -> None:
    slots = Slots()
    assert slots.acquire("bulk", 1)
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire("single", 1)))
    waiter.start()
    time.sleep(0.05)
    assert got == []
    slots.release("bulk")
    waiter.join(2)
    assert got == [True]


def test_the_setting_is_read_defensively() -> None:
    assert limit_from(None) == limit_from({}) == 4
    assert limit_from({"aiConcurrency": 8}) == 8
    assert limit_from({"aiConcurrency": "8"}) == 4
    assert limit_from({"aiConcurrency": True}) == 4
    assert limit_from({"aiConcurrency": 0}) == 1
    assert limit_from({"aiConcurrency": 10_000}) == 64
    assert (bulk_limit(1), bulk_limit(2), bulk_limit(4)) == (1, 1, 3)
