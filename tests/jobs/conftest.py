"""Fixtures for the job tests: short leases and polls, a throwaway handler kind per test, and a
worker on a thread of the test process."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from entri.core.config import Settings
from entri.core.db import Database
from entri.jobs import registry, service
from entri.jobs.context import Item, JobContext
from entri.jobs.models import Job, JobItem
from entri.jobs.states import FINAL
from entri.jobs.worker import Worker
from tests.conftest import Tenant

LEASE = 1.0


@pytest.fixture
def job_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        jobs_lease_seconds=LEASE,
        jobs_poll_seconds=0.02,
        jobs_backoff_seconds=0.01,
        jobs_retry_after_max_seconds=0.3,
        jobs_prune_interval_seconds=3600,
    )


@dataclass
class Kind:
    """A handler kind registered for one test (unique name, so tests never claim each other's jobs)."""

    name: str
    database: Database
    organization_id: str

    def enqueue(self, items: Sequence[Any], *, payload: Any = None, project_id: str | None = None) -> str:
        with self.database.session(write=True) as session:
            job = service.enqueue(
                session,
                organization_id=self.organization_id,
                project_id=project_id,
                kind=self.name,
                payload=payload,
                items=items,
                created_by=None,
            )
            session.commit()
            return job.id


Register = Callable[..., Kind]


@pytest.fixture
def register(tenant: Tenant) -> Iterator[Register]:
    names: list[str] = []

    def make(handler: registry.Handler, *, batch_size: int = 20, prefix: str = "test") -> Kind:
        name = f"{prefix}.{uuid.uuid4().hex[:12]}"
        registry.register(name, handler, batch_size=batch_size)
        names.append(name)
        return Kind(name=name, database=tenant.database, organization_id=tenant.organization_id)

    yield make
    for name in names:
        registry.unregister(name)


def job_row(database: Database, job_id: str) -> Job:
    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def item_rows(database: Database, job_id: str) -> list[JobItem]:
    with database.session() as session:
        return list(session.query(JobItem).filter(JobItem.job_id == job_id).order_by(JobItem.seq))


def run_until_final(database: Database, settings: Settings, job_id: str, *, timeout: float = 10.0) -> Job:
    """Run one worker on this thread until the job is final."""
    worker = Worker(database, settings)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        job = job_row(database, job_id)
        if job.status in FINAL:
            return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} not final after {timeout}s: {job_row(database, job_id).status}")


class Background:
    """A worker on a thread of its own, stopped at the end of the test."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.worker = Worker(database, settings)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.worker.run, args=(self.stop,), daemon=True)

    def __enter__(self) -> Worker:
        self.thread.start()
        return self.worker

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.worker.wake()
        self.thread.join(10)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
    return time.monotonic() - start


def echo(ctx: JobContext, items: Sequence[Item]) -> None:
    """Marks every item done with its payload as result."""
    with ctx.record() as rec:
        for item in items:
            rec.done(item.seq, {"echo": item.payload})
