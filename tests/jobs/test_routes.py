"""The generic job routes over real HTTP: state, cancel, SSE stream; tenant isolation and scopes."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Sequence
from typing import Any

from fastapi.testclient import TestClient

from entri.core.config import Settings
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import Permanent
from tests.conftest import Tenant
from tests.errors import assert_error
from tests.jobs.conftest import Background, Register, echo, job_row, run_until_final


def _project(tenant: Tenant) -> str:
    return str(tenant.project()["_id"])


def _events(client: TestClient, url: str, headers: dict[str, str]) -> list[tuple[float, str, dict[str, Any]]]:
    """(arrival time, event name, data) of every event until the stream ends."""
    found: list[tuple[float, str, dict[str, Any]]] = []
    name = "message"
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                found.append((time.monotonic(), name, json.loads(line.split(":", 1)[1])))
    return found


def test_state_and_other_org_gets_404(
    tenant: Tenant, client: TestClient, register: Register, job_settings: Settings
) -> None:
    from entri.core.permissions import Role
    from entri.organizations import service as orgs
    from tests.conftest import _add_member  # another organization, with its own owner

    project_id = _project(tenant)
    kind = register(echo, prefix="ai")
    job_id = kind.enqueue(["a", "b"], project_id=project_id)
    run_until_final(tenant.database, job_settings, job_id)
    url = f"/api/projects/{project_id}/jobs/{job_id}"

    body = client.get(url, headers=tenant.headers).json()
    assert {k: body[k] for k in ("_id", "status", "processed", "total", "succeeded", "failed", "skipped")} == {
        "_id": job_id,
        "status": "succeeded",
        "processed": 2,
        "total": 2,
        "succeeded": 2,
        "failed": 0,
        "skipped": 0,
    }
    assert body["finishedAt"].endswith("Z") and body["projectId"] == project_id

    with tenant.database.session(write=True) as session:
        other_org = orgs.create_organization(session, name="Other")
        session.commit()
        other_id = other_org.id
    stranger = _add_member(tenant.database, other_id, Role.OWNER)
    for method, path in (("GET", url), ("POST", url + "/cancel"), ("GET", url + "/stream")):
        assert_error(client.request(method, path, headers=stranger.headers), 404)
    other_project = str(
        client.post("/api/projects", json={"name": "O", "sourceLanguage": "en"}, headers=stranger.headers).json()["_id"]
    )
    # their own project, our job id: still not found
    assert_error(client.get(f"/api/projects/{other_project}/jobs/{job_id}", headers=stranger.headers), 404)
    # a job of another project of our own organization is not found under this one
    second = _project(tenant)
    assert_error(client.get(f"/api/projects/{second}/jobs/{job_id}", headers=tenant.headers), 404)
    assert_error(client.get(f"/api/projects/{project_id}/jobs/job_nope", headers=tenant.headers), 404)


def test_scope_follows_the_job_kind(tenant: Tenant, client: TestClient, register: Register) -> None:
    project_id = _project(tenant)
    job_id = register(echo, prefix="ai").enqueue([1], project_id=project_id)
    url = f"/api/projects/{project_id}/jobs/{job_id}"

    def token(scopes: list[str]) -> dict[str, str]:
        made = client.post(
            "/api/organizations/current/tokens", json={"name": "t", "scopes": scopes}, headers=tenant.headers
        )
        assert made.status_code == 201, made.text
        return {"X-API-Key": made.json()["token"]}

    assert client.get(url, headers=token(["ai:read"])).status_code == 200
    assert_error(client.post(url + "/cancel", headers=token(["ai:read"])), 403)
    assert_error(client.get(url, headers=token(["tm:read", "projects:read"])), 403)
    assert client.post(url + "/cancel", headers=token(["ai:write"])).json()["status"] == "cancelled"


def test_cancel_route_needs_edit_rights(tenant: Tenant, client: TestClient, register: Register) -> None:
    project_id = _project(tenant)
    job_id = register(echo).enqueue([1, 2], project_id=project_id)
    url = f"/api/projects/{project_id}/jobs/{job_id}/cancel"

    assert_error(client.post(url, headers=tenant.member("viewer").headers), 403)
    assert job_row(tenant.database, job_id).status == "queued"
    body = client.post(url, headers=tenant.member("translator").headers).json()
    assert (body["status"], body["reason"], body["cancelRequested"]) == ("cancelled", "cancelled", True)


def test_stream_progress_then_done(
    tenant: Tenant, client: TestClient, register: Register, job_settings: Settings
) -> None:
    def slow(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            time.sleep(0.1)
            if item.payload == "bad":
                ctx.failed(item.seq, "nope")
            else:
                ctx.done(item.seq)

    project_id = _project(tenant)
    job_id = register(slow).enqueue(["ok"] * 24 + ["bad"], project_id=project_id)
    with Background(tenant.database, job_settings):
        events = _events(client, f"/api/projects/{project_id}/jobs/{job_id}/stream", tenant.headers)

    names = [name for _, name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"progress"}
    assert len(names) >= 3
    processed = [data["processed"] for _, _, data in events]
    assert processed == sorted(processed) and processed[-1] == 25
    final = events[-1][2]
    assert (final["status"], final["succeeded"], final["failed"], final["total"]) == ("partially_failed", 24, 1, 25)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(events)]
    assert max(gaps) < 1.3  # at least one event a second (1 s plus scheduling slack)


def test_stream_final_events(tenant: Tenant, client: TestClient, register: Register, job_settings: Settings) -> None:
    def permanent(ctx: JobContext, items: Sequence[Item]) -> None:
        raise Permanent("quota exhausted")

    project_id = _project(tenant)
    failed = register(permanent).enqueue([1], project_id=project_id)
    run_until_final(tenant.database, job_settings, failed)
    events = _events(client, f"/api/projects/{project_id}/jobs/{failed}/stream", tenant.headers)
    assert [(name, data["status"]) for _, name, data in events] == [("error", "failed")]

    cancelled = register(echo).enqueue([1], project_id=project_id)
    client.post(f"/api/projects/{project_id}/jobs/{cancelled}/cancel", headers=tenant.headers)
    events = _events(client, f"/api/projects/{project_id}/jobs/{cancelled}/stream", tenant.headers)
    assert [(name, data["status"]) for _, name, data in events] == [("cancelled", "cancelled")]


def test_items_lists_a_jobs_items_by_state_with_reasons(
    tenant: Tenant, client: TestClient, register: Register, job_settings: Settings
) -> None:
    def some_fail(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            if item.payload["n"] % 3 == 0:
                ctx.failed(item.seq, f"number {item.payload['n']} refused")
            else:
                ctx.done(item.seq)

    project_id = _project(tenant)
    job_id = register(some_fail).enqueue([{"n": n} for n in range(1, 11)], project_id=project_id)
    run_until_final(tenant.database, job_settings, job_id)
    url = f"/api/projects/{project_id}/jobs/{job_id}/items"

    failed = client.get(url, params={"state": "failed", "limit": 2}, headers=tenant.headers).json()
    assert failed["meta"] == {"page": 1, "limit": 2, "total": 3, "totalPages": 2}
    assert [(i["payload"], i["state"], i["reason"]) for i in failed["data"]] == [
        ({"n": 3}, "failed", "number 3 refused"),
        ({"n": 6}, "failed", "number 6 refused"),
    ]
    second = client.get(url, params={"state": "failed", "limit": 2, "page": 2}, headers=tenant.headers).json()
    assert [i["payload"]["n"] for i in second["data"]] == [9]
    everything = client.get(url, headers=tenant.headers).json()
    assert everything["meta"]["total"] == 10
    assert [i["state"] for i in everything["data"]].count("done") == 7
    assert_error(client.get(url, params={"state": "lost"}, headers=tenant.headers), 400)
