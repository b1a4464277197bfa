"""Progress counters and activity tallies, kept by the write path (docs/analytics.md).

Counting 1.1M translation rows per progress request costs 0.1-3 s (bench/analytics.py); the sums
kept here cost a few hundred rows. Two journals (`models.TranslationCount`,
`models.TranslationTally`) take one row per bucket a transaction changed:

- `record` (called by `hooks.after_write` with every change of a write) adds +1 to the bucket
  a translation enters and -1 to the one it leaves, with the words and characters of the values;
  and the day's work (values written, reviews, approvals) per language, source and person.
- `forget_keys` and `move_keys` (registered with `keys.hooks`) take out the translations of
  keys being deleted, and move those of keys changing namespace.
- `rebuild` and `rebuild_tallies` recount a project from its rows and history (the migration
  that introduced the journals, the benchmark's seeding, a repair).

Concurrency: writers only INSERT journal rows, so they never wait on each other. The figures a
writer adds are exact because they describe what it wrote: the write path's updates name the
version they read (a loser retries on fresh data), the key hooks delete or lock the rows they
count (`... FOR UPDATE`, after the key rows are locked, which waits for any writer inserting a
translation of those keys), and the namespace is read after the rows were written (so a move
committed meanwhile is seen, or the move waits for this writer's row locks and counts its
result). Folding deletes journal rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL: two folders
never wait for each other, and every row is summed by exactly one of them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, func, literal, select, text
from sqlalchemy.orm import Session

from entri.core.bulk import insert_rows, table_of
from entri.core.vocabularies import REVIEW_STATUSES, Status
from entri.keys import hooks as key_hooks
from entri.keys import namespaces as keys
from entri.translations.changes import Change
from entri.translations.models import Translation, TranslationCount, TranslationHistory, TranslationTally
from entri.translations.words import count_characters, count_words

FOLD_AT = 256
"""Unfolded journal rows a project may have before a writer folds them."""
CHECK_EVERY = 32
"""A process looks at a project's unfolded rows after appending this many rows to its journals
(one query), not after every write: a project has at most about FOLD_AT + CHECK_EVERY unfolded
rows per process writing to it."""
_appended: dict[str, int] = {}
_appended_lock = threading.Lock()
_IN_CHUNK = 900


@dataclass(frozen=True)
class Journal:
    table: Table
    dims: tuple[str, ...]
    sums: tuple[str, ...]


COUNTS = Journal(
    table_of(TranslationCount.__table__), ("language", "namespace", "status"), ("translations", "words", "characters")
)
TALLIES = Journal(
    table_of(TranslationTally.__table__),
    ("day", "language", "source", "user_id", "user_name"),
    ("translations", "reviews", "approvals", "words", "characters"),
)

Sums = dict[tuple[Any, ...], list[int]]


def _add(sums: Sums, dims: tuple[Any, ...], values: Sequence[int]) -> None:
    found = sums.get(dims)
    if found is None:
        sums[dims] = list(values)
    else:
        for i, v in enumerate(values):
            found[i] += v


def _counted(value: str | None) -> tuple[int, int, int]:
    """What one translation adds to its bucket: itself, its words, its characters."""
    return 1, count_words(value), count_characters(value)


def work_kind(
    *,
    old_value: str | None,
    old_plurals: Any,
    old_status: str | None,
    new_value: str | None,
    new_plurals: Any,
    new_status: str,
) -> tuple[bool, bool, bool]:
    """What one change (or history entry) counts for in the day's work: (a value written, a
    review, an approval). A value is written when the text changes to a non-empty one; a review
    when the status becomes `reviewed` or `approved` from another status; an approval when it
    becomes `approved`. The words and characters of a day's work are those of the values written."""
    written = bool(new_value or new_plurals) and (old_value, old_plurals) != (new_value, new_plurals)
    reviewed = new_status in REVIEW_STATUSES and new_status != old_status
    approved = new_status == Status.APPROVED and old_status != Status.APPROVED
    return written, reviewed, approved


def record(
    session: Session,
    *,
    project_id: str,
    changes: Sequence[Change],
    fresh_namespaces: Mapping[str, str] | None = None,
) -> None:
    """Journal what `changes` (already written) did to the counters and the day's work.

    The namespace of a key is read now, after the write, except for keys this transaction
    created (`fresh_namespaces`): nobody else can see, let alone move, those yet."""
    if not changes:
        return
    known = fresh_namespaces or {}
    # (key id, or "" when its namespace is known; known namespace or None; language; status)
    deltas: Sums = {}
    tallies: Sums = {}
    for c in changes:
        namespace = known.get(c.key_id)
        key = "" if namespace is not None else c.key_id
        words, chars = count_words(c.new_value), count_characters(c.new_value)
        if c.old_status is not None:
            if c.old_value != c.new_value:
                old_words, old_chars = count_words(c.old_value), count_characters(c.old_value)
            else:
                old_words, old_chars = words, chars
            _add(deltas, (key, namespace, c.language, c.old_status), (-1, -old_words, -old_chars))
        _add(deltas, (key, namespace, c.language, c.new_status), (1, words, chars))
        written, reviewed, approved = work_kind(
            old_value=c.old_value,
            old_plurals=c.old_plurals,
            old_status=c.old_status,
            new_value=c.new_value,
            new_plurals=c.new_plurals,
            new_status=c.new_status,
        )
        if written or reviewed or approved:
            work = (
                (1, int(reviewed), int(approved), words, chars) if written else (0, int(reviewed), int(approved), 0, 0)
            )
            _add(tallies, (c.at.date(), c.language, c.source, c.actor.user_id, c.actor.name[:200]), work)
    if session.get_bind().dialect.name == "postgresql":
        _record_in_one_statement(session, project_id, deltas, tallies)
    else:
        unknown = sorted({key for key, namespace, *_ in deltas if namespace is None})
        found = keys.namespaces_of(session, project_id=project_id, key_ids=unknown) if unknown else {}
        counts: Sums = {}
        for (key, namespace, language, status), values in deltas.items():
            _add(counts, (language, namespace if namespace is not None else found.get(key, ""), status), values)
        _append(session, COUNTS, project_id, counts)
        _append(session, TALLIES, project_id, tallies)
    fold_if_due(session, project_id=project_id)


_RECORD_PG = text(
    """WITH d AS (
    SELECT * FROM unnest(CAST(:d_key AS text[]), CAST(:d_ns AS text[]), CAST(:d_lang AS text[]),
                         CAST(:d_status AS text[]), CAST(:d_n AS integer[]), CAST(:d_w AS bigint[]),
                         CAST(:d_c AS bigint[])) AS d(key_id, namespace, language, status, n, w, c)
), counted AS (
    INSERT INTO translation_counts (project_id, language, namespace, status, translations, words, characters, folded)
    SELECT CAST(:project_id AS text), d.language, coalesce(d.namespace, k.namespace, ''), d.status,
           sum(d.n), sum(d.w), sum(d.c), false
    FROM d LEFT JOIN keys k ON d.namespace IS NULL AND k.id = d.key_id
    GROUP BY d.language, coalesce(d.namespace, k.namespace, ''), d.status
    HAVING sum(d.n) <> 0 OR sum(d.w) <> 0 OR sum(d.c) <> 0
)
INSERT INTO translation_tallies (project_id, day, language, source, user_id, user_name, translations, reviews,
                                 approvals, words, characters, folded)
SELECT CAST(:project_id AS text), t.*, false
FROM unnest(CAST(:t_day AS date[]), CAST(:t_lang AS text[]), CAST(:t_source AS text[]), CAST(:t_user AS text[]),
            CAST(:t_name AS text[]), CAST(:t_tr AS integer[]), CAST(:t_rv AS integer[]), CAST(:t_ap AS integer[]),
            CAST(:t_w AS bigint[]), CAST(:t_c AS bigint[])) AS t"""
)
"""Both journals in one round trip, the namespaces of keys read by the same statement (after
the write): on PostgreSQL each statement is a round trip, three of them cost a PUT ~2 ms."""


def _record_in_one_statement(session: Session, project_id: str, deltas: Sums, tallies: Sums) -> None:
    d = [(*dims, *values) for dims, values in deltas.items() if any(values)]
    t = [(*dims, *values) for dims, values in tallies.items()]
    params: dict[str, Any] = {"project_id": project_id}
    for name, column in zip(
        ("d_key", "d_ns", "d_lang", "d_status", "d_n", "d_w", "d_c"),
        zip(*d, strict=True) if d else [()] * 7,
        strict=True,
    ):
        params[name] = list(column)
    names = ("t_day", "t_lang", "t_source", "t_user", "t_name", "t_tr", "t_rv", "t_ap", "t_w", "t_c")
    for name, column in zip(names, zip(*t, strict=True) if t else [()] * 10, strict=True):
        params[name] = list(column)
    session.execute(_RECORD_PG, params)
    with _appended_lock:
        _appended[project_id] = _appended.get(project_id, 0) + len(d) + len(t)


def _append(session: Session, journal: Journal, project_id: str, sums: Sums, *, folded: bool = False) -> None:
    rows = [(project_id, *dims, *values, folded) for dims, values in sums.items() if any(values)]
    if rows:
        insert_rows(session, journal.table, ("project_id", *journal.dims, *journal.sums, "folded"), rows)
        if not folded:
            with _appended_lock:
                _appended[project_id] = _appended.get(project_id, 0) + len(rows)


def _unfolded(journal: Journal, project_id: str) -> Any:
    t = journal.table
    few = select(literal(1)).where(t.c.project_id == project_id, t.c.folded.is_(False)).limit(FOLD_AT + 1)
    return select(func.count()).select_from(few.subquery()).scalar_subquery()


def fold_if_due(session: Session, *, project_id: str) -> None:
    """Fold a journal of the project that has more than FOLD_AT unfolded rows; looked at once
    this process appended CHECK_EVERY rows to the project's journals since it last looked."""
    with _appended_lock:
        if _appended.get(project_id, 0) < CHECK_EVERY:
            return
        _appended.pop(project_id, None)
        while len(_appended) > 10_000:  # projects written once and never again
            _appended.pop(next(iter(_appended)))
    pending = session.execute(select(_unfolded(COUNTS, project_id), _unfolded(TALLIES, project_id))).one()
    for journal, unfolded in zip((COUNTS, TALLIES), pending, strict=True):
        if unfolded > FOLD_AT:
            fold(session, journal=journal, project_id=project_id)


def fold(session: Session, *, journal: Journal, project_id: str) -> None:
    """Replace the project's journal rows by one row per bucket (all-zero buckets go).

    The rows summed are exactly the rows deleted (`DELETE … RETURNING`); on PostgreSQL rows
    another folder holds are skipped, so the total never changes, whoever folds at once."""
    t = journal.table
    pick = select(t.c.id).where(t.c.project_id == project_id)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    columns = [t.c[d] for d in journal.dims] + [t.c[s] for s in journal.sums]
    sums: Sums = {}
    width = len(journal.dims)
    for row in session.execute(delete(t).where(t.c.id.in_(pick)).returning(*columns)):
        _add(sums, tuple(row[:width]), row[width:])
    _append(session, journal, project_id, sums, folded=True)


# ---------------------------------------------------------------- key hooks


def forget_keys(session: Session, *, project_id: str, key_ids: Sequence[str]) -> None:
    """Keys are about to be deleted: delete their translations (and with them their history)
    now and count out exactly the rows deleted. The rows are locked in the write path's order
    (language, then key) before they go, so a concurrent writer of one of them finishes first."""
    t = table_of(Translation.__table__)
    namespaces = keys.namespaces_of(session, project_id=project_id, key_ids=key_ids)
    counts: Sums = {}
    ids = sorted(key_ids)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        pick = select(t.c.id).where(t.c.key_id.in_(chunk)).order_by(t.c.language, t.c.key_id).with_for_update()
        gone = delete(t).where(t.c.id.in_(pick)).returning(t.c.language, t.c.key_id, t.c.status, t.c.value, t.c.version)
        for language, key_id, status, value, version in session.execute(gone):
            if version > 0:
                n, w, ch = _counted(value)
                _add(counts, (language, namespaces.get(key_id, ""), status), (-n, -w, -ch))
    _append(session, COUNTS, project_id, counts)
    fold_if_due(session, project_id=project_id)


def move_keys(session: Session, *, project_id: str, moves: Sequence[key_hooks.Move]) -> None:
    """Keys are about to change namespace: move their translations' counts (rows locked first,
    so a concurrent writer's result is the one moved)."""
    by_key = {m.key_id: m for m in moves if m.old_namespace != m.new_namespace}
    counts: Sums = {}
    ids = sorted(by_key)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        query = (
            select(Translation.language, Translation.key_id, Translation.status, Translation.value)
            .where(Translation.key_id.in_(chunk), Translation.version > 0)
            .order_by(Translation.language, Translation.key_id)
            .with_for_update()
        )
        for language, key_id, status, value in session.execute(query):
            n, w, ch = _counted(value)
            move = by_key[key_id]
            _add(counts, (language, move.old_namespace, status), (-n, -w, -ch))
            _add(counts, (language, move.new_namespace, status), (n, w, ch))
    _append(session, COUNTS, project_id, counts)
    fold_if_due(session, project_id=project_id)


key_hooks.on_removing(forget_keys)
key_hooks.on_moving(move_keys)


# ---------------------------------------------------------------- recounting from scratch


def count_rows(rows: Iterable[tuple[str, str, str, str | None]]) -> Sums:
    """Buckets of (language, namespace, status, value) rows: what the journal should sum to."""
    sums: Sums = {}
    for language, namespace, status, value in rows:
        _add(sums, (language, namespace, status), _counted(value))
    return sums


def tally_rows(rows: Iterable[Sequence[Any]]) -> Sums:
    """Day-work buckets of history rows (created_at, language, source, changed_by,
    changed_by_name, previous_value, previous_plural_forms, previous_status, new_value,
    new_plural_forms, new_status)."""
    sums: Sums = {}
    for at, language, source, user_id, user_name, ov, op, os_, nv, np, ns in rows:
        written, reviewed, approved = work_kind(
            old_value=ov, old_plurals=op, old_status=os_, new_value=nv, new_plurals=np, new_status=ns
        )
        if written or reviewed or approved:
            words, chars = (count_words(nv), count_characters(nv)) if written else (0, 0)
            work = (int(written), int(reviewed), int(approved), words, chars)
            _add(sums, (_day(at), language, source, user_id, (user_name or "")[:200]), work)
    return sums


def _day(value: Any) -> date:
    return value.date() if hasattr(value, "date") else date.fromisoformat(str(value)[:10])


def rebuild(session: Session, *, project_id: str) -> None:
    """Recount the project's progress counters from its translation rows. Not for a project
    being written to (a concurrent writer's rows could be counted twice): the migration runs it,
    the benchmark after seeding, an operator repairing a project offline."""
    t = COUNTS.table
    session.execute(delete(t).where(t.c.project_id == project_id))
    namespaces = keys.all_namespaces(session, project_id=project_id)
    query = select(Translation.language, Translation.key_id, Translation.status, Translation.value).where(
        Translation.project_id == project_id, Translation.version > 0
    )
    sums: Sums = {}
    for batch in session.execute(query.execution_options(yield_per=5000)).partitions():
        rows = ((lang, namespaces.get(key_id, ""), status, value) for lang, key_id, status, value in batch)
        for dims, values in count_rows(rows).items():
            _add(sums, dims, values)
    _append(session, COUNTS, project_id, sums, folded=True)


def rebuild_tallies(session: Session, *, project_id: str) -> None:
    """Recount the project's day-work tallies from its translation history (same caveat as
    `rebuild`; work on keys deleted since is gone with their history)."""
    t = TALLIES.table
    session.execute(delete(t).where(t.c.project_id == project_id))
    h = TranslationHistory
    query = select(
        h.created_at,
        h.language,
        h.source,
        h.changed_by,
        h.changed_by_name,
        h.previous_value,
        h.previous_plural_forms,
        h.previous_status,
        h.new_value,
        h.new_plural_forms,
        h.new_status,
    ).where(h.project_id == project_id)
    sums: Sums = {}
    for batch in session.execute(query.execution_options(yield_per=5000)).partitions():
        for dims, values in tally_rows(batch).items():
            _add(sums, dims, values)
    _append(session, TALLIES, project_id, sums, folded=True)
