"""A worker runs items through their handler: progress, final statuses, retry classes."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence

from entri.core.config import Settings
from entri.jobs.context import Item, JobContext
from entri.jobs.errors import Permanent, RetryAfter, StopJob, Transient
from tests.conftest import Tenant
from tests.jobs.conftest import Background, Register, echo, item_rows, job_row, run_until_final, wait_for


def test_all_done_is_succeeded_with_results(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(echo, batch_size=7)
    job_id = kind.enqueue([f"v{i}" for i in range(30)])

    job = run_until_final(tenant.database, job_settings, job_id)

    assert (job.status, job.processed, job.succeeded, job.failed, job.skipped) == ("succeeded", 30, 30, 0, 0)
    assert job.started_at is not None and job.finished_at is not None and job.lease_expires_at is None
    items = item_rows(tenant.database, job_id)
    assert [i.result for i in items] == [{"echo": f"v{i}"} for i in range(30)]
    assert {(i.state, i.attempts) for i in items} == {("done", 1)}


def _by_payload(ctx: JobContext, items: Sequence[Item]) -> None:
    with ctx.record() as rec:
        for item in items:
            if item.payload == "ok":
                rec.done(item.seq)
            elif item.payload == "skip":
                rec.skipped(item.seq, "a human value exists")
            else:
                rec.failed(item.seq, "placeholder {name} missing")


def test_final_statuses_never_hide_failures(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    kind = register(_by_payload)
    cases = {
        ("ok", "skip"): ("succeeded", 1, 0, 1),
        ("skip", "skip"): ("succeeded", 0, 0, 2),
        ("ok", "bad", "skip"): ("partially_failed", 1, 1, 1),
        ("bad", "skip"): ("failed", 0, 1, 1),
        ("bad",): ("failed", 0, 1, 0),
        (): ("succeeded", 0, 0, 0),
    }
    jobs = {}
    for payloads, expected in cases.items():
        job = run_until_final(tenant.database, job_settings, kind.enqueue(list(payloads)))
        assert (job.status, job.succeeded, job.failed, job.skipped) == expected, payloads
        assert job.processed == len(payloads)
        jobs[payloads] = job.id
    failed = [i for i in item_rows(tenant.database, jobs[("bad",)]) if i.state == "failed"]
    assert [i.reason for i in failed] == ["placeholder {name} missing"]


def test_progress_is_committed_as_items_finish(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    """Each reported outcome is visible to readers before the handler moves on."""
    seen: list[int] = []
    gate = threading.Event()

    def one_by_one(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            ctx.done(item.seq)
            seen.append(job_row(ctx.database, ctx.job_id).processed)
            if item.seq == 2:
                gate.wait(5)

    kind = register(one_by_one, batch_size=10)
    job_id = kind.enqueue(range(5))
    with Background(tenant.database, job_settings):
        wait_for(lambda: job_row(tenant.database, job_id).processed == 3)
        running = job_row(tenant.database, job_id)
        assert (running.status, running.processed, running.total) == ("running", 3, 5)
        gate.set()
        wait_for(lambda: job_row(tenant.database, job_id).status == "succeeded")
    assert seen == [1, 2, 3, 4, 5]


def test_permanent_fails_at_once_with_the_reason(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    calls: Counter[int] = Counter()

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        calls.update(i.seq for i in items)
        raise Permanent("auth: invalid API key")

    kind = register(handler)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["a", "b"]))

    assert (job.status, job.failed) == ("failed", 2)
    assert calls == {0: 1, 1: 1}
    assert {i.reason for i in item_rows(tenant.database, job.id)} == {"auth: invalid API key"}


def test_transient_retries_three_times_then_fails(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    calls: Counter[int] = Counter()

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            calls[item.seq] += 1
            if item.payload == "flaky" and calls[item.seq] < 3:
                ctx.error(item.seq, Transient("timeout"))
            elif item.payload == "down":
                ctx.error(item.seq, Transient("connection reset"))
            else:
                ctx.done(item.seq)

    kind = register(handler)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["flaky", "down", "fine"]))

    assert calls == {0: 3, 1: 4, 2: 1}
    assert (job.status, job.succeeded, job.failed) == ("partially_failed", 2, 1)
    items = item_rows(tenant.database, job.id)
    assert items[1].reason == "connection reset (after 3 retries)"
    assert [i.attempts for i in items] == [3, 4, 1]


def test_unexpected_exception_is_transient(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    calls: Counter[int] = Counter()

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        calls.update(i.seq for i in items)
        raise KeyError("choices")

    kind = register(handler)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["x"]))

    assert calls == {0: 4}
    assert item_rows(tenant.database, job.id)[0].reason == "KeyError: 'choices' (after 3 retries)"


def test_retry_after_waits_then_retries(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    """A 429 waits for Retry-After (bounded by the setting: 0.3 s here, asked 100 s), then the
    same items go again; a provider that keeps answering 429 fails the item after 5 waits."""
    calls: Counter[int] = Counter()

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        calls.update(i.seq for i in items)
        if items[0].payload == "limited" and calls[items[0].seq] < 3:
            raise RetryAfter(100, "429 Too Many Requests")
        if items[0].payload == "always":
            raise RetryAfter(0.01, "429 Too Many Requests")
        for item in items:
            ctx.done(item.seq)

    kind = register(handler, batch_size=1)
    start = time.monotonic()
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["limited", "always"]))
    elapsed = time.monotonic() - start

    assert calls == {0: 3, 1: 6}
    assert 0.6 <= elapsed < 5
    assert (job.status, job.succeeded, job.failed) == ("partially_failed", 1, 1)
    assert item_rows(tenant.database, job.id)[1].reason == "429 Too Many Requests (still limited after 5 waits)"


def test_an_item_left_unreported_is_retried_not_dropped(
    tenant: Tenant, register: Register, job_settings: Settings
) -> None:
    """A handler that forgets an item (a reply missing an id) cannot make it vanish."""
    calls: Counter[int] = Counter()

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        calls.update(i.seq for i in items)
        for item in items:
            if item.payload != "dropped" or calls[item.seq] > 1:
                ctx.done(item.seq)

    kind = register(handler)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["a", "dropped", "b"]))

    assert job.status == "succeeded"
    assert calls == {0: 1, 1: 2, 2: 1}


def test_stop_job_ends_it_with_the_reason(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        ctx.done(items[0].seq)
        raise StopJob("budget", message="maxTokens reached")

    kind = register(handler, batch_size=2)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(range(6)))

    assert (job.status, job.reason, job.error, job.processed, job.succeeded) == (
        "cancelled",
        "budget",
        "maxTokens reached",
        1,
        1,
    )
    assert [i.state for i in item_rows(tenant.database, job.id)] == ["done"] + ["pending"] * 5


def test_handler_writes_commit_with_the_outcome(tenant: Tenant, register: Register, job_settings: Settings) -> None:
    """What a handler writes through record()'s session and the item's state commit together:
    an exception inside the block undoes both."""
    from sqlalchemy import text

    def handler(ctx: JobContext, items: Sequence[Item]) -> None:
        for item in items:
            with ctx.record() as rec:
                rec.session.execute(
                    text("UPDATE jobs SET error = :e WHERE id = :id"), {"e": f"wrote {item.seq}", "id": ctx.job_id}
                )
                rec.done(item.seq)
                if item.payload == "boom":
                    raise Permanent("failed after writing")

    kind = register(handler)
    job = run_until_final(tenant.database, job_settings, kind.enqueue(["ok", "boom"]))

    items = item_rows(tenant.database, job.id)
    assert [(i.state, i.reason) for i in items] == [("done", None), ("failed", "failed after writing")]
    assert job.status == "partially_failed"
