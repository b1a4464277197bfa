"""Import through a real `entri serve`, as ratios to the import floor measured in the same run.

Floors (each in its own process, so each has its own peak RSS):
- SQLite: the shared `../shared/bench/floor_import.py N` (json.loads + flatten + sqlite3
  executemany of keys and one translation per key, one transaction);
- PostgreSQL (`--db postgres`): `bench/floor_import_pg.py N`, the same with psycopg 3
  executemany (the ratio's floor) and with COPY (for reference).

Then a fresh `entri serve` (one worker, so the app runs in the `entri serve` process itself) on
a fresh SQLite or scratch PostgreSQL database, running the code under `--src`, gets the floor's
own file (same generator and seed, checked by byte count) in one request per step:

  en       import into the source language `en` (creates every key)
  fr       the same keys into target `fr`
  fr-half  re-import `fr` with overwrite where every second value changed
  fr-same  re-import that unchanged `fr` file with overwrite: must write nothing

For each step: wall seconds and their ratio to the floor (also to a floor run again right before
the step), CPU seconds of the server (and of its PostgreSQL backends) and their ratio to the
floor's CPU (the steadier figure on a loaded machine: see import_floor_report.py), the server's
RSS just before the request and its peak during it (VmHWM reset through clear_refs, backed by a
10 ms VmRSS sampler), growth (peak - idle) against the floor's own peak RSS, the response, and
what reached the database (history rows added, translation versions bumped). `--repeat N` runs
the steps N times, each on a fresh server and database, and reports medians.

    python bench/import_floor.py [--db sqlite|postgres] [--src PATH]
    python bench/import_floor.py --keys 1000000 --format json-flat     # one 1M-key request

With more than 200k keys only the `en` step runs, and a 100k-key import of the same format on
its own fresh server is timed too, for the per-key pace. ENTRI_MAX_BODY_BYTES is raised for the
server when the request body exceeds the default 20 MiB.
Results: bench/results/import_floor[_postgresql|_<N>].json (see --out) and a table on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from floor_data import flat_bytes, make_tree, nested_bytes, with_half_changed
from harness import (
    DEFAULT_ENTRI,
    DEFAULT_PG,
    PG_FLOOR,
    RESULTS,
    ROOT,
    SHARED_FLOOR,
    RssSampler,
    Server,
    checkout_info,
    cpu_seconds,
    exit_on_sigterm,
    machine_info,
    pg_backend_pids,
    pg_version,
    proc_status,
    reset_hwm,
    run_floor,
    scratch_database,
)
from import_floor_report import measure_floor, pace, print_table, summarize

DEFAULT_BODY_LIMIT = 20 * 1024 * 1024
STEPS = {  # name: (language, which file, overwrite)
    "en": ("en", "base", False),
    "fr": ("fr", "base", False),
    "fr-half": ("fr", "half", True),
    "fr-same": ("fr", "half", True),
}
MIB = 1024


def encode(tree: dict[str, Any], fmt: str) -> bytes:
    return nested_bytes(tree) if fmt == "json-nested" else flat_bytes(tree)


def db_counts(database_url: str | None, data_dir: Path) -> tuple[int, int]:
    """(history rows, sum of translation versions): what an import really wrote, read beside the API."""
    queries = ("select count(*) from translation_history", "select coalesce(sum(version), 0) from translations")
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as con:
            return tuple(int(con.execute(q).fetchone()[0]) for q in queries)  # type: ignore[return-value,index]
    con = sqlite3.connect(f"file:{data_dir / 'entri.db'}?mode=ro", uri=True)
    try:
        return tuple(int(con.execute(q).fetchone()[0]) for q in queries)  # type: ignore[return-value]
    finally:
        con.close()


@contextlib.contextmanager
def database(kind: str, pg_url: str, label: str) -> Iterator[str | None]:
    if kind == "postgres":
        with scratch_database(pg_url, label) as url:
            yield url
    else:
        yield None


def timed_import(
    server: Server, client: httpx.Client, project: str, database_url: str | None, *, language: str, fmt: str,
    content: bytes, overwrite: bool,
) -> dict[str, Any]:
    body = json.dumps(
        {"language": language, "format": fmt, "content": content.decode(), "overwrite": overwrite}
    ).encode()
    pid = server.pid
    before_counts = db_counts(database_url, server.data_dir)
    pg_before = {p: cpu_seconds([p]) for p in pg_backend_pids(database_url)} if database_url else {}
    idle = proc_status(pid, "VmRSS")
    hwm_reset = reset_hwm(pid)
    cpu0 = cpu_seconds(server.app_pids())
    failure = ""
    with RssSampler(pid) as sampler:
        started = time.perf_counter()
        try:
            response: httpx.Response | None = client.post(
                f"/api/projects/{project}/import", content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.HTTPError as error:  # the server died (OOM?) or the request timed out
            response, failure = None, f"{type(error).__name__}: {error}"
        seconds = time.perf_counter() - started
    cpu = cpu_seconds(server.app_pids()) - cpu0
    hwm = proc_status(pid, "VmHWM") if hwm_reset else 0
    peak = max(hwm, sampler.peak_kib)
    result: dict[str, Any] = {
        "language": language,
        "overwrite": overwrite,
        "body_mib": round(len(body) / 2**20, 2),
        "status": response.status_code if response is not None else 0,
        "seconds": round(seconds, 3),
        "server_cpu_s": round(cpu, 3),
        "idle_rss_mib": round(idle / MIB, 1),
        "peak_rss_mib": round(peak / MIB, 1),
        "growth_mib": round((peak - idle) / MIB, 1),
        "peak_hwm_mib": round(hwm / MIB, 1) if hwm_reset else None,
        "peak_sampled_mib": round(sampler.peak_kib / MIB, 1),
    }
    if database_url:
        after = {p: cpu_seconds([p]) for p in pg_backend_pids(database_url)}
        result["db_cpu_s"] = round(sum(c - pg_before.get(p, 0.0) for p, c in after.items()), 3)
    if response is None:
        result["response"] = failure
    elif response.headers.get("content-type", "").startswith("application/json"):
        result["response"] = response.json()
    else:
        result["response"] = response.text[:2000]
    if not server.alive():
        result["server_died"] = server.log_tail()
        return result
    after_counts = db_counts(database_url, server.data_dir)
    result["history_rows_added"] = after_counts[0] - before_counts[0]
    result["versions_bumped"] = after_counts[1] - before_counts[1]
    return result


def run_steps(
    args: argparse.Namespace, steps: list[str], files: dict[str, bytes], label: str, body_limit: int,
    floor: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One run of `steps` on a fresh server and database. With `floor`, the floor is run again right
    before each step (the server idles meanwhile), so each step also has a ratio to a floor measured
    under the same load: the shared machine's load drifts a lot within a run."""
    env = {"ENTRI_MAX_BODY_BYTES": str(body_limit)} if body_limit != DEFAULT_BODY_LIMIT else {}
    out: dict[str, Any] = {"steps": {}}
    with database(args.db, args.pg_url, label) as url, Server(src=args.src, entri=args.entri, database_url=url,
                                                              env=env) as server:
        out["server_pid"] = server.pid
        out["server_child_pids"] = server.app_pids()[1:]  # empty: uvicorn runs the app in `entri serve` itself
        with server.client() as client:
            project = server.create_project(client, ["fr"])
            for name in steps:
                language, which, overwrite = STEPS[name]
                print(f"  {label}: {name} ...", flush=True)
                adjacent = floor()["floor_s"] if floor else None
                step = timed_import(server, client, project, url, language=language, fmt=args.format,
                                    content=files[which], overwrite=overwrite)
                if adjacent:
                    step["adjacent_floor_s"] = adjacent
                    step["ratio_to_adjacent_floor"] = round(step["seconds"] / adjacent, 2)
                out["steps"][name] = step
                print(f"    {step['status']} in {step['seconds']} s, peak RSS {step['peak_rss_mib']} MiB", flush=True)
                if step["status"] != 200 or "server_died" in step:
                    print(f"  {name} failed: {str(step['response'])[:500]}", flush=True)
                    break
    return out


def body_limit_for(size: int) -> int:
    # The JSON body escapes the file's quotes: allow twice the file plus room, never below the default.
    return max(DEFAULT_BODY_LIMIT, 2 * size + 2**20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server (scratch databases are made on it)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the checkout's src/ to measure")
    parser.add_argument("--entri", type=Path, default=DEFAULT_ENTRI)
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--format", choices=("json-nested", "json-flat"), default="json-nested")
    parser.add_argument("--steps", default=None, help="comma list of " + ",".join(STEPS))
    parser.add_argument("--floor-runs", type=int, default=None, help="floor runs, the median one used (3; 1 if big)")
    parser.add_argument("--no-adjacent-floors", dest="adjacent_floors", action="store_false",
                        help="do not run the floor again right before each step")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the steps, each on a fresh server; medians")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    args.src = args.src.resolve()
    exit_on_sigterm()
    big = args.keys > 200_000
    args.floor_runs = args.floor_runs or (1 if big else 3)
    steps = (args.steps or ("en" if big else ",".join(STEPS))).split(",")
    if unknown := [s for s in steps if s not in STEPS]:
        raise SystemExit(f"unknown steps {unknown}; choose from {list(STEPS)}")
    suffix = ("" if args.db == "sqlite" else "_postgresql") + ("" if args.keys == 100_000 else f"_{args.keys}")
    out_path = args.out or RESULTS / f"import_floor{suffix}.json"

    report: dict[str, Any] = {
        "benchmark": "import_floor",
        "machine": machine_info(),
        "checkout": checkout_info(args.src),
        "database": args.db,
        "keys": args.keys,
        "format": args.format,
        "floors": {},
    }
    if args.db == "postgres":
        report["postgresql"] = pg_version(args.pg_url)
    print(f"floors at {args.keys} keys ...", flush=True)
    floors = report["floors"]
    floors["sqlite"] = measure_floor(args.floor_runs, SHARED_FLOOR, args.keys)
    if args.db == "postgres":
        floors["postgres"] = measure_floor(args.floor_runs, PG_FLOOR, args.keys, "--url", args.pg_url)
        floors["postgres_copy"] = measure_floor(
            args.floor_runs, PG_FLOOR, args.keys, "--url", args.pg_url, "--method", "copy"
        )
    floor = floors["sqlite" if args.db == "sqlite" else "postgres"]

    tree = make_tree(args.keys)
    if len(nested_bytes(tree)) != floor["bytes"]:
        raise SystemExit(f"generator drifted from the floor: {len(nested_bytes(tree))} bytes vs {floor['bytes']}")
    files = {"base": encode(tree, args.format)}
    if any(STEPS[s][1] == "half" for s in steps):
        files["half"] = encode(with_half_changed(tree), args.format)
    report["file_mib"] = round(len(files["base"]) / 2**20, 2)
    limit = body_limit_for(max(len(f) for f in files.values()))
    report["max_body_bytes"] = limit

    floor_script, floor_args = (SHARED_FLOOR, ()) if args.db == "sqlite" else (PG_FLOOR, ("--url", args.pg_url))

    def adjacent_floor() -> dict[str, Any]:
        return run_floor(floor_script, args.keys, *floor_args)

    report["runs"] = [
        run_steps(args, steps, files, f"run{i + 1}", limit, adjacent_floor if args.adjacent_floors else None)
        for i in range(args.repeat)
    ]
    report["steps"] = summarize([r["steps"] for r in report["runs"]], floor)

    if big:
        ref_keys = 100_000
        print(f"pace reference: {ref_keys} keys ...", flush=True)
        ref_files = {"base": encode(make_tree(ref_keys), args.format)}
        ref = run_steps(args, ["en"], ref_files, "ref", body_limit_for(len(ref_files["base"])))["steps"]["en"]
        report["pace"] = pace(report["steps"]["en"], args.keys, ref, ref_keys)
    report["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = {"peak_rss_mib_1m_keys": 1536}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten: {out_path}")


if __name__ == "__main__":
    main()
