"""Finished jobs are kept 7 days, failed ones 30 (configurable), then pruned with their items."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from entri.core.clock import utcnow
from entri.core.config import Settings
from entri.jobs import service
from entri.jobs.models import Job, JobItem
from entri.jobs.worker import Worker
from tests.conftest import Tenant
from tests.jobs.conftest import Register, echo


def _age(tenant: Tenant, job_id: str, status: str, days: float) -> None:
    with tenant.database.session(write=True) as session:
        session.execute(
            update(Job).where(Job.id == job_id).values(status=status, finished_at=utcnow() - timedelta(days=days))
        )
        session.commit()


def _exists(tenant: Tenant, job_id: str) -> bool:
    with tenant.database.session() as session:
        return session.get(Job, job_id) is not None


def test_prune_by_status_and_age(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(echo)
    cases = {
        ("succeeded", 8): False,
        ("succeeded", 6): True,
        ("cancelled", 8): False,
        ("partially_failed", 8): True,
        ("failed", 29): True,
        ("failed", 31): False,
        ("partially_failed", 31): False,
    }
    ids = {case: kind.enqueue([1, 2, 3]) for case in cases}
    running = kind.enqueue([1])
    for (status, days), job_id in ids.items():
        _age(tenant, job_id, status, days)

    Worker(tenant.database, job_settings)._prune_if_due()  # what the worker loop runs on start

    for case, kept in cases.items():
        assert _exists(tenant, ids[case]) is kept, case
    assert _exists(tenant, running)
    with tenant.database.session() as session:
        gone = [ids[c] for c, kept in cases.items() if not kept]
        assert session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id.in_(gone))) == 0


def test_retention_is_configurable(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(echo)
    job_id = kind.enqueue([1])
    _age(tenant, job_id, "succeeded", 2)
    settings = job_settings.model_copy(update={"jobs_keep_days": 1.0})
    with tenant.database.session(write=True) as session:
        assert service.prune(session, settings=settings) >= 1
        session.commit()
    assert not _exists(tenant, job_id)
