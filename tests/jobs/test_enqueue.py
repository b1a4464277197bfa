"""enqueue writes the job and its items in the caller's transaction, set-based."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from entri.jobs import service
from entri.jobs.models import Job, JobItem
from tests.conftest import Tenant
from tests.jobs.conftest import item_rows, job_row


def test_enqueue_writes_queued_job_and_pending_items(tenant: Tenant) -> None:
    with tenant.database.session(write=True) as session:
        job = service.enqueue(
            session,
            organization_id=tenant.organization_id,
            project_id=None,
            kind="test.enqueue",
            payload={"languages": ["fr"]},
            items=({"key": f"k{i}"} for i in range(1200)),
            created_by=tenant.owner.user_id,
        )
        session.commit()
        job_id = job.id

    assert job_id.startswith("job_")
    stored = job_row(tenant.database, job_id)
    assert (stored.status, stored.total, stored.processed, stored.payload) == ("queued", 1200, 0, {"languages": ["fr"]})
    assert stored.created_by == tenant.owner.user_id
    items = item_rows(tenant.database, job_id)
    assert [i.seq for i in items] == list(range(1200))
    assert {i.state for i in items} == {"pending"}
    assert items[7].payload == {"key": "k7"}
    assert service.state(stored)["total"] == 1200


def test_rolled_back_request_leaves_no_job(tenant: Tenant) -> None:
    """The enqueuing request fails after enqueue: neither the job nor an item survives."""
    with tenant.database.session(write=True) as session:
        before = session.scalar(select(func.count()).select_from(Job))
    with pytest.raises(RuntimeError), tenant.database.session(write=True) as session:
        job = service.enqueue(
            session,
            organization_id=tenant.organization_id,
            project_id=None,
            kind="test.enqueue",
            payload=None,
            items=[1, 2, 3],
            created_by=None,
        )
        job_id = job.id
        raise RuntimeError("the request failed after enqueueing")
    with tenant.database.session() as session:
        assert session.get(Job, job_id) is None
        assert session.scalar(select(func.count()).select_from(JobItem).where(JobItem.job_id == job_id)) == 0
        assert session.scalar(select(func.count()).select_from(Job)) == before


def test_kind_is_validated(tenant: Tenant) -> None:
    with tenant.database.session(write=True) as session, pytest.raises(ValueError):
        service.enqueue(
            session,
            organization_id=tenant.organization_id,
            project_id=None,
            kind="x" * 65,
            payload=None,
            items=[],
            created_by=None,
        )
