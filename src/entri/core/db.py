"""Engine, sessions and the declarative base.

SQLite needs two things to be a real multi-writer database for us: WAL (readers never block
the writer) and `BEGIN IMMEDIATE` for write transactions, so two concurrent upserts queue on
the write lock instead of both reading the old row and one failing later with
SQLITE_BUSY_SNAPSHOT. Read requests keep plain deferred transactions. PostgreSQL gets row
locks (`SELECT ... FOR UPDATE`) in the write path instead.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import ObjectDeletedError

from entri.core.config import get_settings
from entri.core.errors import Conflict, NotFound

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class _WriterQueue:
    """Queues SQLite writers so they wake when the lock frees instead of busy-polling.

    SQLite's busy handler sleeps with growing back-off, so writers waiting on its lock see long
    tail latencies. A thread lock queues writers of this process; an `flock` on a file beside
    the database queues them against other processes (uvicorn workers, the CLI). The kernel
    wakes an `flock` waiter at once. Both are held from BEGIN IMMEDIATE until the connection
    returns to the pool, i.e. after its COMMIT or ROLLBACK.
    """

    def __init__(self, lock_path: str | None) -> None:
        self._thread_lock = threading.Lock()
        self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600) if lock_path else None

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()


def _configure_sqlite(engine: Engine, lock_path: str | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    write_lock = _WriterQueue(lock_path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get("entri_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        write_lock.acquire()
        connection.info["entri_write_lock"] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _release(record_info: dict[str, Any]) -> None:
        if record_info.pop("entri_write_lock", False):
            write_lock.release()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            _release(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exc: Any) -> None:
        if record is not None:
            _release(record.info)


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20)
        _configure_sqlite(engine, f"{path}.writelock" if path and path != ":memory:" else None)
        return engine
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


class Database:
    """An engine with its two session factories (read: deferred; write: immediate on SQLite)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = build_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._write = sessionmaker(bind=self.engine.execution_options(entri_write=True), expire_on_commit=False)

    def session(self, *, write: bool = False) -> Session:
        return (self._write if write else self._read)()

    def sessions(self, *, write: bool) -> Iterator[Session]:
        session = self.session(write=write)
        try:
            yield session
        finally:
            session.close()


BULK_WRITE_ROWS = 500
"""A write of this many rows or more refreshes the planner statistics of its tables."""


def refresh_statistics_after(session: Session, *, rows: int, tables: tuple[str, ...]) -> None:
    """The one rule for bulk writes: `rows` at or above BULK_WRITE_ROWS refreshes `tables`."""
    if rows >= BULK_WRITE_ROWS:
        for table in tables:
            refresh_statistics(session, table)


def refresh_statistics(session: Session, table: str) -> None:
    """ANALYZE a table after a bulk write, on PostgreSQL (committed, outside the write's transaction).

    Autovacuum analyzes a freshly filled table only at its next naptime; until then the planner
    believes a 100k-key project has a handful of rows and sorts them instead of walking the
    listing index (14 ms instead of 1.7 ms for one page of 100). SQLite's planner prefers the
    index without statistics, so it needs nothing.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    try:
        session.execute(text(f'ANALYZE "{table}"'))
        session.commit()
    except Exception:  # best effort, after the write committed: never fail (or re-run) the write
        session.rollback()
        logging.getLogger(__name__).warning("ANALYZE %s failed", table, exc_info=True)


@lru_cache(maxsize=4)
def get_database(url: str | None = None) -> Database:
    return Database(url or get_settings().resolved_database_url())


class TransientConflict(Exception):
    """A write lost a race with a concurrent transaction; running it again will succeed."""


TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "23505"})
"""Serialization failure, deadlock, and a unique violation from two creators of one new row:
each means "someone else committed first", never "this request is wrong". A retry re-reads
and either succeeds or reports the real conflict (a 409 from the service's own checks)."""
RETRY_ATTEMPTS = 5

P = ParamSpec("P")
R = TypeVar("R")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientConflict):
        return True
    return any(getattr(err, "sqlstate", None) in TRANSIENT_SQLSTATES for err in (exc, getattr(exc, "orig", None)))


def retry_transient(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run a whole service transaction again when it lost a race (PostgreSQL only in practice:
    SQLite runs one writer at a time). The function must start its work from the database,
    not from state it computed in an earlier attempt; objects loaded before are expired by
    the rollback and reload on first use."""

    @wraps(fn)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(RETRY_ATTEMPTS):
            try:
                return fn(session, *args, **kwargs)
            except ObjectDeletedError as exc:
                # An object the caller loaded before (a key) was deleted by the transaction we lost to.
                raise NotFound("It was deleted meanwhile") from exc
            except Exception as exc:
                if not is_transient(exc):
                    raise
                session.rollback()
                if attempt + 1 == RETRY_ATTEMPTS:
                    # Still losing after every retry: the data is being changed right now.
                    raise Conflict("The data changed concurrently several times; try again") from exc
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
        raise AssertionError("unreachable")

    return run
