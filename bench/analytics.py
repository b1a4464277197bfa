"""Analytics at 100k keys x 10 languages: the progress route on the journals the write path keeps
(`translations/counts.py`) against the aggregate queries it would otherwise run (issue 18).

Seeds one project set-based (core/bulk: keys and 1.1M translation rows, source + 10 targets,
statuses mixed, 20 namespaces) on a fresh database, recounts its journals with
`counts.rebuild` (timed: it is what the migration does for existing data), then, in-process
through the real ASGI app:

- progress: GET /analytics/progress (every target language), and with `?by=namespace`;
- aggregate: what the route would cost without the journals, timed as bare SQL: the status
  counts (GROUP BY language, status) on the existing indexes and again with a covering index
  made for it, and the per-namespace counts (JOIN keys). Words and characters SQL cannot
  count: every value is read and counted in Python, which is `counts.rebuild` (timed above);
- check: the journal's figures equal the aggregate counts (the run fails otherwise);
- write cost: PUT latency and a 5,000-value import, with the journals and with `counts.record`
  switched off (after the check: the journals are wrong from there on);
- progress over time and contributors on the tallies those writes left.

    .venv/bin/python bench/analytics.py [--db sqlite|postgres] [--keys 100000] [--requests 200]

Results: bench/results/analytics[_postgres].json and a table on stdout. Target: progress p95
<= 100 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from harness import DEFAULT_PG, RESULTS, checkout_info, cpu_seconds, machine_info, pg_backend_pids, scratch_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Integer, bindparam, func, select, text, update  # noqa: E402

import entri.core.models_registry  # noqa: E402, F401
from entri.app import create_app  # noqa: E402
from entri.core.bulk import copy_rows, table_of  # noqa: E402
from entri.core.clock import utcnow  # noqa: E402
from entri.core.config import Settings  # noqa: E402
from entri.core.db import Database  # noqa: E402
from entri.core.migrate import upgrade  # noqa: E402
from entri.core.types import UTCDateTime  # noqa: E402
from entri.keys.models import Key  # noqa: E402
from entri.keys.service import KEY_COLUMNS  # noqa: E402
from entri.organizations.bootstrap import bootstrap_if_empty  # noqa: E402
from entri.projects.models import Project  # noqa: E402
from entri.translations import counts, hooks, stats  # noqa: E402
from entri.translations.models import Translation  # noqa: E402

TARGETS = ["fr", "de", "es", "it", "pt-BR", "nl", "pl", "ru", "ja", "zh-Hans"]
NAMESPACES = 20
STATUSES = [
    "untranslated",
    "translated",
    "translated",
    "translated",
    "translated",
    "reviewed",
    "reviewed",
    "reviewed",
    "approved",
    "approved",
]
WARMUP = 10


@contextlib.contextmanager
def _database(kind: str, pg: str) -> Iterator[Database]:
    if kind == "postgres":
        with scratch_database(pg, "analytics") as url:
            db = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
            yield db
            db.engine.dispose()
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/analytics.db")
        yield db
        db.engine.dispose()


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 2)

    return {
        "n": len(values),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": round(ordered[-1] * 1000, 2),
        "mean": round(statistics.fmean(values) * 1000, 2),
    }


def _timed(call: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def _cpu(db: Database) -> float:
    """CPU seconds of this process (the app runs in it) plus, on PostgreSQL, its backends."""
    used = time.process_time()
    if db.engine.dialect.name == "postgresql":
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        used += cpu_seconds(pg_backend_pids(url))
    return used


_STATUS_OF = " ".join(f"WHEN {i} THEN '{status}'" for i, status in enumerate(STATUSES))
_TRANSLATIONS = text(
    f"""INSERT INTO translations (id, key_id, project_id, language, created_at, value, status, source, version,
    updated_by_name, updated_at, check_level)
SELECT 'tr_b' || :n || '_' || id, id, project_id, :language, :now,
    CASE WHEN :language = 'en' THEN 'Source text number ' || i || ' with a few more words'
         WHEN status = 'untranslated' THEN ''
         ELSE 'Texte numéro ' || i || ' en ' || :language || ' avec quelques mots de plus' END,
    status, 'import', 1, 'bench', :now, 0
FROM (SELECT id, project_id, i,
             CASE WHEN :language = 'en' THEN 'translated' ELSE CASE (i + :n) % 10 {_STATUS_OF} END END AS status
      FROM (SELECT id, project_id, CAST(substr(id, 6) AS INTEGER) AS i FROM keys WHERE project_id = :p) numbered
) rows_"""
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("n", type_=Integer()))
"""One language's 100k rows in one statement: seeding in the database, not through Python."""


def _settle(db: Database) -> None:
    """Statistics for the planners, and on PostgreSQL the visibility map too (VACUUM), so the
    aggregate queries get index-only scans: the aggregates at their best, as a settled table
    would give them."""
    statements = ["VACUUM ANALYZE keys", "VACUUM ANALYZE translations"]
    if db.engine.dialect.name != "postgresql":
        statements = ["ANALYZE"]
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for statement in statements:
            connection.execute(text(statement))


def seed(db: Database, project_id: str, keys: int) -> dict[str, float]:
    """Keys (core/bulk) and translations (INSERT … SELECT from the keys, one statement per
    language) straight into the tables: what an import would leave, minus history."""
    started = time.perf_counter()
    now = utcnow()
    key_ids = [f"key_b{i:020d}"[:32] for i in range(keys)]
    with db.session(write=True) as session:
        rows = (
            (
                kid,
                project_id,
                f"ns{i % NAMESPACES:02d}",
                f"screen.{i}.label",
                hashlib.sha256(f"screen.{i}.label".encode()).hexdigest(),
                f"screen.{i}.label",
                None,
                None,
                False,
                None,
                None,
                now,
                now,
            )
            for i, kid in enumerate(key_ids)
        )
        copy_rows(session, table_of(Key.__table__), KEY_COLUMNS, rows)
        session.execute(update(Project).where(Project.id == project_id).values(key_count=keys))
        session.commit()
    keys_s = time.perf_counter() - started
    for n, language in enumerate(["en", *TARGETS]):
        with db.session(write=True) as session:
            session.execute(_TRANSLATIONS, {"p": project_id, "n": n, "language": language, "now": now})
            session.commit()
    _settle(db)
    return {"keys_s": round(keys_s, 1), "total_s": round(time.perf_counter() - started, 1)}


AGG_STATUS = """SELECT language, status, count(*) FROM translations WHERE project_id = :p AND version > 0
GROUP BY language, status"""
AGG_NAMESPACE = """SELECT t.language, k.namespace, t.status, count(*) FROM translations t JOIN keys k ON k.id = t.key_id
WHERE t.project_id = :p AND t.version > 0 GROUP BY t.language, k.namespace, t.status"""


def aggregates(db: Database, project_id: str, repeat: int) -> tuple[dict[str, Any], dict[tuple[str, str, str], int]]:
    out: dict[str, Any] = {}
    found: dict[tuple[str, str, str], int] = {}

    def run(sql: str) -> list[Any]:
        with db.session() as session:
            return list(session.execute(text(sql), {"p": project_id}).all())

    out["status_counts_ms"] = _ms(_timed(lambda: run(AGG_STATUS), repeat))
    out["namespace_counts_ms"] = _ms(_timed(lambda: run(AGG_NAMESPACE), 2))
    for language, namespace, status, n in run(AGG_NAMESPACE):
        found[(language, namespace, status)] = int(n)
    with db.session(write=True) as session:
        session.execute(text("CREATE INDEX ix_bench_status ON translations (project_id, language, status, version)"))
        session.commit()
    _settle(db)
    out["status_counts_covering_index_ms"] = _ms(_timed(lambda: run(AGG_STATUS), repeat))
    with db.session(write=True) as session:
        session.execute(text("DROP INDEX ix_bench_status"))
        session.commit()

    return out, found


def check(db: Database, project_id: str, found: dict[tuple[str, str, str], int]) -> int:
    with db.session() as session:
        journal = {
            (b.language, b.namespace, b.status): b.translations
            for b in stats.buckets(session, project_ids=[project_id])
        }
    if journal != found:
        diff = {k: (journal.get(k), found.get(k)) for k in set(journal) | set(found) if journal.get(k) != found.get(k)}
        raise SystemExit(f"journal differs from the aggregate counts: {dict(list(diff.items())[:10])}")
    return sum(found.values())


def write_cost(client: TestClient, db: Database, project_id: str, puts: int) -> dict[str, Any]:
    """PUTs alternating with and without the journals (so load swings hit both alike), then a
    20k-key import each way; and the time `counts.record` itself took."""
    rng = random.Random(5)
    with db.session() as session:
        key_ids = list(session.scalars(select(Key.id).where(Key.project_id == project_id).limit(20_000)))
    out: dict[str, Any] = {}
    original = counts.record
    spent = [0.0]

    def timed_record(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        original(*args, **kwargs)
        spent[0] += time.perf_counter() - started

    def journals(on: bool) -> None:
        hooks.counts.record = timed_record if on else (lambda *a, **k: None)  # type: ignore[assignment]

    def import_20k(label: str) -> None:
        """20,000 new keys with their French values in one request (key creation + the write path)."""
        content = {f"import.{label}.{i}": f"Valeur importée numéro {i}" for i in range(20_000)}
        body = {"language": "fr", "format": "json-flat", "content": json.dumps(content), "namespace": label}
        started = time.perf_counter()
        r = client.post(f"/api/projects/{project_id}/import", json=body)
        out[f"import_20k_{label}_s"] = round(time.perf_counter() - started, 2)
        assert r.status_code == 200, r.text

    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        for i in range(2 * puts):
            on = i % 2 == 0
            journals(on)
            key, lang = rng.choice(key_ids), rng.choice(TARGETS)
            body = {"value": f"Nouvelle valeur {i}", "status": rng.choice(["translated", "reviewed"])}
            started = time.perf_counter()
            r = client.put(f"/api/projects/{project_id}/keys/{key}/translations/{lang}", json=body)
            times[on].append(time.perf_counter() - started)
            assert r.status_code == 200, r.text
        out["put_with_journals_ms"], out["put_without_journals_ms"] = _ms(times[True]), _ms(times[False])
        out["record_per_put_ms"] = round(spent[0] / puts * 1000, 3)
        journals(False)
        import_20k("without_journals")
        spent[0] = 0.0
        journals(True)
        import_20k("with_journals")
        out["record_in_import_20k_s"] = round(spent[0], 3)
    finally:
        hooks.counts.record = original  # type: ignore[assignment]
    return out


def run(kind: str, pg: str, keys: int, requests: int) -> dict[str, Any]:
    result: dict[str, Any] = {"db": kind, "keys": keys, "languages": len(TARGETS) + 1}
    with _database(kind, pg) as db, tempfile.TemporaryDirectory() as data:
        upgrade(db)
        with db.session(write=True) as session:
            boot = bootstrap_if_empty(session, org_name="Bench", email="bench@example.test", password="bench-pass-1234")
            assert boot is not None
        app = create_app(db, Settings(data_dir=Path(data)))
        with TestClient(app, headers={"X-API-Key": boot.token}) as client:
            r = client.post("/api/projects", json={"name": "Bench", "sourceLanguage": "en", "targetLanguages": TARGETS})
            assert r.status_code == 201, r.text
            pid = r.json()["_id"]
            result["seed"] = seed(db, pid, keys)
            started = time.perf_counter()
            with db.session(write=True) as session:
                counts.rebuild(session, project_id=pid)
                session.commit()
            result["seed"]["rebuild_journal_s"] = round(time.perf_counter() - started, 1)
            with db.session() as session:
                rows = session.scalar(
                    select(func.count()).select_from(Translation).where(Translation.project_id == pid)
                )
                result["translation_rows"] = int(rows or 0)

            def get(path: str, **params: Any) -> Any:
                response = client.get(f"/api/projects/{pid}/analytics/{path}", params=params)
                assert response.status_code == 200, response.text
                return response.json()

            for _ in range(WARMUP):
                get("progress")
            cpu = _cpu(db)
            result["progress_ms"] = _ms(_timed(lambda: get("progress"), requests))
            result["progress_cpu_ms_per_request"] = round((_cpu(db) - cpu) / requests * 1000, 2)
            cpu = _cpu(db)
            result["progress_by_namespace_ms"] = _ms(_timed(lambda: get("progress", by="namespace"), requests // 2))
            result["progress_by_namespace_cpu_ms_per_request"] = round((_cpu(db) - cpu) / (requests // 2) * 1000, 2)
            with db.session() as session:
                result["journal_query_ms"] = _ms(_timed(lambda: stats.buckets(session, project_ids=[pid]), requests))
            result["aggregate"], found = aggregates(db, pid, 3)
            result["checked_translations"] = check(db, pid, found)
            result["sample"] = get("progress")["languages"][0]
            result["write_cost"] = write_cost(client, db, pid, max(50, requests))
            result["progress_over_time_ms"] = _ms(_timed(lambda: get("progress-over-time", days=30), requests // 2))
            result["contributors_ms"] = _ms(_timed(lambda: get("contributors"), requests // 2))
            with db.session() as session:
                result["journal_rows"] = {
                    t: int(
                        session.execute(
                            text(f"SELECT count(*) FROM {t} WHERE project_id = :p"), {"p": pid}
                        ).scalar_one()
                    )
                    for t in ("translation_counts", "translation_tallies")
                }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--out", help="result file name under bench/results (default by database)")
    args = parser.parse_args()
    machine = machine_info()
    result = run(args.db, args.pg, args.keys, args.requests)
    result["target"] = {"progress_p95_ms": 100, "met": result["progress_ms"]["p95"] <= 100}
    result["machine"] = machine
    result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["checkout"] = checkout_info(ROOT / "src")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.out or ("analytics.json" if args.db == "sqlite" else "analytics_postgres.json")
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    agg, cost = result["aggregate"], result["write_cost"]
    print(
        f"{args.db}: {args.keys:,} keys, {result['translation_rows']:,} translation rows "
        f"(seeded in {result['seed']['total_s']} s, journal rebuilt in {result['seed']['rebuild_journal_s']} s)"
    )
    for label, ms in (
        ("progress", result["progress_ms"]),
        ("progress by namespace", result["progress_by_namespace_ms"]),
        ("journal query", result["journal_query_ms"]),
        ("aggregate: status counts", agg["status_counts_ms"]),
        ("aggregate: + covering index", agg["status_counts_covering_index_ms"]),
        ("aggregate: per namespace", agg["namespace_counts_ms"]),
        ("PUT with journals", cost["put_with_journals_ms"]),
        ("PUT without journals", cost["put_without_journals_ms"]),
        ("progress over time", result["progress_over_time_ms"]),
        ("contributors", result["contributors_ms"]),
    ):
        print(f"  {label:30} p50 {ms['p50']:9.2f} ms  p95 {ms['p95']:9.2f} ms  (n={ms['n']})")
    print(
        f"  CPU per request (app + database): progress {result['progress_cpu_ms_per_request']} ms, "
        f"by namespace {result['progress_by_namespace_cpu_ms_per_request']} ms"
    )
    for key, value in cost.items():
        if key.startswith(("import", "record")):
            print(f"  {key:30} {value} {'ms' if key.endswith('_ms') else 's'}")
    print(f"target progress p95 <= 100 ms: {'met' if result['target']['met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
