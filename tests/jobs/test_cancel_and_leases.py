"""Cancel stops a job within 2 s, cooperative handler or not; an expired lease hands the job to
another worker and the old holder can record nothing more."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import update

from entri.core.clock import utcnow
from entri.core.config import Settings
from entri.jobs import claims, service
from entri.jobs.claims import Outcome
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import MAX_ATTEMPTS, JobStopped
from entri.jobs.models import Job, JobItem
from tests.conftest import Tenant
from tests.jobs.conftest import Background, Register, echo, item_rows, job_row, run_until_final, wait_for


def _cancel(tenant: Tenant, job_id: str) -> Job:
    with tenant.database.session(write=True) as session:
        job = service.request_cancel(session, job=service.get_job(session, job_id=job_id))
        session.commit()
        return job


def test_cooperative_handler_stops_within_2s(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    def slow(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            if ctx.wait(0.1):
                return
            ctx.done(item.seq)

    kind = register(slow, batch_size=1000)
    job_id = kind.enqueue(range(1000))
    with Background(tenant.database, job_settings):
        wait_for(lambda: job_row(tenant.database, job_id).processed >= 2)
        _cancel(tenant, job_id)
        took = wait_for(lambda: job_row(tenant.database, job_id).status == "cancelled", timeout=5)
    assert took < 2.0
    job = job_row(tenant.database, job_id)
    assert (job.reason, job.cancel_requested) == ("cancelled", True)
    assert 2 <= job.processed < 1000
    time.sleep(0.3)
    assert job_row(tenant.database, job_id).processed == job.processed
    assert sum(i.state == "pending" for i in item_rows(tenant.database, job_id)) == 1000 - job.processed


def test_blocked_handler_is_cut_off_within_2s(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    """A handler stuck in a long provider call: the job still ends `cancelled` within 2 s, and the
    outcome it reports when the call returns is refused (JobStopped), not recorded."""
    started = threading.Event()
    refused: list[bool] = []

    def stuck(ctx: JobContext, items: Sequence[Item]) -> None:
        started.set()
        time.sleep(3)  # ignores cancel, like a blocking SDK call
        try:
            ctx.done(items[0].seq)
        except JobStopped:
            refused.append(True)
            raise

    kind = register(stuck)
    job_id = kind.enqueue(["a", "b"])
    with Background(tenant.database, job_settings):
        assert started.wait(5)
        _cancel(tenant, job_id)
        took = wait_for(lambda: job_row(tenant.database, job_id).status == "cancelled", timeout=5)
        assert took < 2.0
        wait_for(lambda: bool(refused), timeout=5)
    job = job_row(tenant.database, job_id)
    assert (job.status, job.processed) == ("cancelled", 0)
    assert {i.state for i in item_rows(tenant.database, job_id)} == {"pending"}


def test_cancel_of_a_queued_job_ends_it_at_once(tenant: Tenant, register: Register) -> None:
    kind = register(echo)
    job_id = kind.enqueue([1, 2])
    job = _cancel(tenant, job_id)
    assert (job.status, job.reason, job.processed) == ("cancelled", "cancelled", 0)
    assert job.finished_at is not None and job.started_at is None


def test_cancel_of_a_finished_job_changes_nothing(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(echo)
    job_id = kind.enqueue([1])
    run_until_final(tenant.database, job_settings, job_id)
    job = _cancel(tenant, job_id)
    assert (job.status, job.cancel_requested) == ("succeeded", False)


def test_expired_lease_is_taken_over_and_the_old_holder_is_refused(
    tenant: Tenant, register: Register, job_settings: Settings
) -> None:
    kind = register(echo)
    job_id = kind.enqueue(range(4))
    with tenant.database.session(write=True) as session:  # a worker that claims, does one item, and dies
        ghost = claims.claim(session, owner="ghost", kinds=[kind.name], lease_seconds=0.3, now=utcnow())
        assert ghost is not None and ghost.id == job_id
        claims.record(session, job_id=job_id, owner="ghost", outcomes=[Outcome(seq=0, state="done")], now=utcnow())
        session.commit()
    with tenant.database.session(write=True) as session:  # still leased: nobody else may claim it
        assert claims.claim(session, owner="other", kinds=[kind.name], lease_seconds=1, now=utcnow()) is None
        session.rollback()

    time.sleep(0.35)
    job = run_until_final(tenant.database, job_settings, job_id)

    assert (job.status, job.processed, job.succeeded) == ("succeeded", 4, 4)
    assert [i.attempts for i in item_rows(tenant.database, job_id)] == [0, 1, 1, 1]  # item 0 was not redone
    with tenant.database.session(write=True) as session, pytest.raises(JobStopped):
        claims.record(session, job_id=job_id, owner="ghost", outcomes=[Outcome(seq=1, state="failed")], now=utcnow())


def test_poison_item_fails_after_max_attempts(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(echo)
    job_id = kind.enqueue(["poison", "fine"])
    with tenant.database.session(write=True) as session:
        session.execute(update(JobItem).where(JobItem.job_id == job_id, JobItem.seq == 0).values(attempts=MAX_ATTEMPTS))
        session.commit()

    job = run_until_final(tenant.database, job_settings, job_id)

    assert (job.status, job.succeeded, job.failed) == ("partially_failed", 1, 1)
    assert "gave up after 12 attempts" in str(item_rows(tenant.database, job_id)[0].reason)


def test_worker_shutdown_releases_the_job_for_another(
    tenant: Tenant, register: Register, job_settings: Settings
) -> None:
    def slow(ctx: JobContext, items: Sequence[Item]) -> None:
        time.sleep(0.05)
        ctx.done(items[0].seq)

    kind = register(slow, batch_size=1)
    job_id = kind.enqueue(range(200))
    with Background(tenant.database, job_settings):
        wait_for(lambda: job_row(tenant.database, job_id).processed >= 2)
    job = job_row(tenant.database, job_id)
    assert job.status == "running" and job.lease_expires_at is not None
    assert job.lease_expires_at <= utcnow() + timedelta(seconds=0.01)
    with tenant.database.session(write=True) as session:
        assert claims.claim(session, owner="next", kinds=[kind.name], lease_seconds=1, now=utcnow()) is not None
        session.rollback()
