"""Translation-memory fuzzy lookup at scale, against a brute-force rapidfuzz scan (issue 17).

Seeds `--segments` distinct UI strings (bench/tm_corpus.py) into one organization's en→fr
memory through `entri.memory.capture` (set-based, 50k per statement batch), plus a tenth as
many en→de entries (another language pair the lookups must not see), on a fresh database.
Then runs `--lookups` lookups through `entri.memory.matching.lookup` (tiers + trigram prefilter
+ rapidfuzz, each in its own read transaction, as the route does): 60 % variants of stored
segments (a word changed, added, dropped, a placeholder renamed), 20 % stored segments
verbatim, 20 % new strings. The same queries are answered by `rapidfuzz.process.extract`
over every en→fr normalized source held in memory (the brute force; `--brute` of them, as
each costs a full scan) in the same run.

Reported: lookup p50/p95/max, brute-force p50/p95, the ratio of the medians, and recall: of
the queries whose brute-force best is ≥ 70, how many got a match of that similarity.

    .venv/bin/python bench/tm_lookup.py --segments 1000000 --db sqlite
    .venv/bin/python bench/tm_lookup.py --segments 1000000 --db postgres [--pg postgresql://postgres@127.0.0.1:5432]

Results: bench/results/tm_lookup[_postgres].json and a table on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness import DEFAULT_PG, RESULTS, checkout_info, machine_info, scratch_database
from tm_corpus import Corpus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rapidfuzz import fuzz, process  # noqa: E402

from entri.core.db import Database  # noqa: E402
from entri.core.migrate import upgrade  # noqa: E402
from entri.memory import prefilter  # noqa: E402
from entri.memory.capture import Origin, Segment, capture  # noqa: E402
from entri.memory.matching import lookup  # noqa: E402
from entri.memory.normalize import normalized  # noqa: E402
from entri.organizations import service as orgs  # noqa: E402

BATCH = 50_000
WARMUP = 20


@contextlib.contextmanager
def _database(kind: str, pg: str) -> Iterator[Database]:
    if kind == "postgres":
        with scratch_database(pg, "tm") as url:
            db = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
            yield db
            db.engine.dispose()
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/tm.db")
        yield db
        db.engine.dispose()


def _seed(db: Database, org_id: str, texts: list[str], target_language: str) -> float:
    started = time.perf_counter()
    origins = (Origin.HUMAN, Origin.HUMAN, Origin.IMPORT, Origin.AI)
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        segments = [
            Segment(org_id, "en", target_language, t, f"[{target_language}] {t}", origins[(start + i) % 4])
            for i, t in enumerate(chunk)
        ]
        with db.session(write=True) as session:
            capture(session, segments=segments)
            session.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return time.perf_counter() - started


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def _queries(corpus: Corpus, texts: list[str], count: int) -> list[str]:
    rng = random.Random(11)
    out: list[str] = []
    for i in range(count):
        kind = i % 10
        if kind < 6:
            out.append(corpus.variant(rng.choice(texts)))
        elif kind < 8:
            out.append(rng.choice(texts))
        else:
            out.append(corpus.segment())
    return out


def run(segments: int, lookups: int, brute: int, kind: str, pg: str) -> dict[str, Any]:
    corpus = Corpus()
    texts = corpus.segments(segments + segments // 10)
    fr_texts, de_texts = texts[:segments], texts[segments:]
    queries = _queries(corpus, fr_texts, lookups)
    with _database(kind, pg) as db:
        upgrade(db)
        with db.session(write=True) as session:
            org_id = orgs.create_organization(session, name="Bench").id
            session.commit()
        seed_s = _seed(db, org_id, fr_texts, "fr") + _seed(db, org_id, de_texts, "de")
        prefilter.FREQUENCIES.clear()
        times: list[float] = []
        best: list[int] = []
        for query in queries:
            started = time.perf_counter()
            with db.session() as session:
                found = lookup(session, organization_id=org_id, source_language="en", target_language="fr", text=query)
            times.append(time.perf_counter() - started)
            best.append(found[0].similarity if found else 0)
    norms = [normalized(t) for t in fr_texts]
    brute_times: list[float] = []
    hits = wanted = 0
    step = max(1, len(queries) // brute)
    for i in range(0, len(queries), step)[:brute]:
        norm = normalized(queries[i])
        started = time.perf_counter()
        result = process.extract(norm, norms, scorer=fuzz.ratio, limit=10, score_cutoff=70)
        brute_times.append(time.perf_counter() - started)
        if result:
            top = (
                100
                if fr_texts[result[0][2]] == queries[i]
                else 99
                if result[0][1] == 100
                else min(98, math.floor(result[0][1]))
            )
            wanted += 1
            hits += best[i] >= top
    lookup_ms = {p: round(_percentile(times, p) * 1000, 2) for p in (50, 95, 99)}
    brute_ms = {p: round(_percentile(brute_times, p) * 1000, 1) for p in (50, 95)}
    return {
        "db": kind,
        "segments": segments,
        "other_pair_segments": len(de_texts),
        "seed_s": round(seed_s, 1),
        "lookups": len(queries),
        "lookup_ms": {
            "p50": lookup_ms[50],
            "p95": lookup_ms[95],
            "p99": lookup_ms[99],
            "max": round(max(times) * 1000, 2),
            "mean": round(statistics.fmean(times) * 1000, 2),
        },
        "first_10_lookups_ms": [round(t * 1000, 1) for t in times[:10]],
        "warm_lookup_ms": {
            "note": f"without the first {WARMUP} lookups (the per-process trigram frequency cache is cold)",
            **{f"p{p}": round(_percentile(times[WARMUP:], p) * 1000, 2) for p in (50, 95)},
        }
        if len(times) > 2 * WARMUP
        else None,
        "brute_force_ms": {"p50": brute_ms[50], "p95": brute_ms[95], "queries": len(brute_times)},
        "speedup_p50": round(brute_ms[50] / lookup_ms[50], 1),
        "recall": {"queries_with_a_match": wanted, "best_found": hits},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--brute", type=int, default=40, help="queries also answered by the brute-force scan")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--out", help="result file name under bench/results (default by database)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL (a scratch database is made)")
    args = parser.parse_args()
    result = run(args.segments, args.lookups, args.brute, args.db, args.pg)
    result["machine"] = machine_info()
    result["checkout"] = checkout_info(ROOT / "src")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = args.out or ("tm_lookup.json" if args.db == "sqlite" else "tm_lookup_postgres.json")
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    lk, bf = result["lookup_ms"], result["brute_force_ms"]
    print(f"{args.db} {args.segments:,} segments (seeded in {result['seed_s']} s)")
    print(f"lookup p50 {lk['p50']} ms  p95 {lk['p95']} ms  p99 {lk['p99']} ms  max {lk['max']} ms")
    if result["warm_lookup_ms"]:
        warm = result["warm_lookup_ms"]
        print(f"warm   p50 {warm['p50']} ms  p95 {warm['p95']} ms (after {WARMUP} lookups)")
    print(f"brute  p50 {bf['p50']} ms  p95 {bf['p95']} ms  -> {result['speedup_p50']}x at the median")
    print(f"recall {result['recall']['best_found']}/{result['recall']['queries_with_a_match']}")


if __name__ == "__main__":
    main()
