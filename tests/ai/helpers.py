"""Helpers of the AI tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from entri.core.config import Settings
from entri.jobs.models import Job
from entri.jobs.states import CANCELLED, CLAIMABLE
from entri.jobs.worker import Worker
from entri.organizations.models import Organization
from tests.conftest import Tenant


def translations(client: Any, tenant: Tenant, pid: str, language: str) -> dict[str, Any]:
    rows = client.get(f"/api/projects/{pid}/translations/{language}?limit=200", headers=tenant.headers).json()["data"]
    return {r["key"]: r for r in rows}


def run_jobs(tenant: Tenant, **settings: Any) -> None:
    """Work the queue in this process until nothing is left (the serve thread does this live)."""
    cancel_other_jobs(tenant)
    options: dict[str, Any] = {"jobs_poll_seconds": 0.01, "jobs_backoff_seconds": 0.01, **settings}
    worker = Worker(tenant.database, Settings(**options))
    for _ in range(50):
        if not worker.run_once():
            return


def cancel_other_jobs(tenant: Tenant) -> None:
    """Jobs other tests left queued (other organizations') would run against this test's fake
    provider: cancel them before working the queue."""
    with tenant.database.session(write=True) as session:
        session.execute(
            update(Job)
            .where(Job.organization_id != tenant.organization_id, Job.status.in_(CLAIMABLE))
            .values(status=CANCELLED, reason="cancelled")
        )
        session.commit()


def set_concurrency(tenant: Tenant, n: int) -> None:
    """The organization's `aiConcurrency`, written directly: its settings route belongs to the
    organizations package (which validates it); the AI code only reads it."""
    with tenant.database.session(write=True) as session:
        org = session.get(Organization, tenant.organization_id)
        assert org is not None
        org.settings = {**(org.settings or {}), "aiConcurrency": n}
        session.commit()
