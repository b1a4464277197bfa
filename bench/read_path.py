"""The hot read path: `GET /api/projects/:id/translations/fr?limit=100&page=<random>` on 100k keys.

A real `entri serve` (code under `--src`, `--workers` uvicorn workers, fresh SQLite or scratch
PostgreSQL database) is seeded through its own import route: the import floor's 100k-key file
(`floor_data.py`) into `en`, then the same keys into `fr`. Then, on that server:

1. Server CPU per request: utime+stime of the server's processes (`entri serve` and its workers,
   from /proc/<pid>/stat) before and after N sequential requests on random pages over one
   keep-alive connection, divided by N. The same is measured for `GET /api/health` as the floor
   (what the framework costs for a request that does nothing), in the same run. On PostgreSQL
   the CPU of the database's backends is reported beside it. Target: <= 1.5 ms per page. The
   same again on pages 1-5 only shows how much of it is OFFSET walking to deep pages.
2. Concurrency: 8 keep-alive readers on random pages for 15 s, driven by Debian's `wrk` (a C
   client, so the load generator takes little of the 2 cores; same Lua script as
   bench/api_latency.py), or by 8 Python threads with httpx when wrk is missing (say so in the
   results: those threads compete with the server for CPU). rps, p50, p90, p99. Target p99 <= 50 ms.

    python bench/read_path.py [--db sqlite|postgres] [--src PATH] [--workers 2]

Results: bench/results/read_path[_postgresql].json (see --out).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from api_latency import read_script, run_wrk
from floor_data import make_tree, nested_bytes
from harness import (
    DEFAULT_ENTRI,
    DEFAULT_PG,
    RESULTS,
    ROOT,
    Server,
    checkout_info,
    cpu_seconds,
    exit_on_sigterm,
    machine_info,
    pg_backend_pids,
    pg_version,
    scratch_database,
)

KEYS = 100_000


def seed(server: Server, client: httpx.Client) -> tuple[str, dict[str, float]]:
    project = server.create_project(client, ["fr"])
    content = nested_bytes(make_tree(KEYS)).decode()
    seconds: dict[str, float] = {}
    for language in ("en", "fr"):
        started = time.perf_counter()
        response = client.post(
            f"/api/projects/{project}/import", json={"language": language, "format": "json-nested", "content": content}
        )
        response.raise_for_status()
        seconds[language] = round(time.perf_counter() - started, 2)
    return project, seconds


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def sequential_cpu(
    server: Server, client: httpx.Client, paths: list[str], database_url: str | None
) -> dict[str, Any]:
    """Server CPU per request over len(paths) sequential requests (plus the database's, on PostgreSQL)."""
    pids = server.app_pids()
    db_pids = pg_backend_pids(database_url) if database_url else []
    db0 = {p: cpu_seconds([p]) for p in db_pids}
    cpu0 = cpu_seconds(pids)
    latencies = []
    started = time.perf_counter()
    for path in paths:
        t = time.perf_counter()
        response = client.get(path)
        latencies.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {response.text[:500]}")
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pids) - cpu0
    out: dict[str, Any] = {
        "requests": len(paths),
        "server_cpu_ms_per_request": round(cpu / len(paths) * 1000, 3),
        "wall_ms_per_request": round(wall / len(paths) * 1000, 3),
        "client_p50_ms": round(statistics.median(latencies), 2),
        "client_p99_ms": round(percentile(latencies, 99), 2),
    }
    if database_url:
        after = {p: cpu_seconds([p]) for p in pg_backend_pids(database_url)}
        db_cpu = sum(c - db0.get(p, 0.0) for p, c in after.items())
        out["db_cpu_ms_per_request"] = round(db_cpu / len(paths) * 1000, 3)
    return out


def threaded_readers(server: Server, project: str, pages: int, seconds: int, connections: int) -> dict[str, Any]:
    """The fallback load driver: `connections` threads, each with its own keep-alive client."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def reader(i: int) -> None:
        rng = random.Random(i)
        with server.client(timeout=10) as client:
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    ok = client.get(
                        f"/api/projects/{project}/translations/fr?limit=100&page={rng.randint(1, pages)}"
                    ).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies[i].append((time.perf_counter() - t) * 1000)
                errors[i] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    flat = [x for per in latencies for x in per]
    return {
        "requests": len(flat),
        "duration_us": int(duration * 1e6),
        "errors": sum(errors),
        "p50_ms": round(percentile(flat, 50), 3),
        "p90_ms": round(percentile(flat, 90), 3),
        "p99_ms": round(percentile(flat, 99), 3),
        "max_ms": round(max(flat), 3),
        "rps": round(len(flat) / duration, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the checkout's src/ to measure")
    parser.add_argument("--entri", type=Path, default=DEFAULT_ENTRI)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2 = one per core of the target)")
    parser.add_argument("--requests", type=int, default=500, help="sequential requests for the CPU figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--driver", choices=("auto", "wrk", "threads"), default="auto")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    args.src = args.src.resolve()
    exit_on_sigterm()
    driver = args.driver if args.driver != "auto" else ("wrk" if shutil.which("wrk") else "threads")
    if driver == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk (or --driver threads)")
    out_path = args.out or RESULTS / ("read_path.json" if args.db == "sqlite" else "read_path_postgresql.json")
    report: dict[str, Any] = {
        "benchmark": "read_path",
        "machine": machine_info(),
        "checkout": checkout_info(args.src),
        "database": args.db,
        "keys": KEYS,
        "languages": ["en", "fr"],
        "server_workers": args.workers,
    }
    if args.db == "postgres":
        report["postgresql"] = pg_version(args.pg_url)

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database(args.pg_url, "read")) if args.db == "postgres" else None
        with Server(src=args.src, entri=args.entri, database_url=url, workers=args.workers) as server:
            with server.client() as client:
                print("seeding 100k keys x (en, fr) through the import route ...", flush=True)
                project, report["seed_import_seconds"] = seed(server, client)
                report["server_pids"] = server.app_pids()
                pages = KEYS // 100
                rng = random.Random(42)
                page_paths = [
                    f"/api/projects/{project}/translations/fr?limit=100&page={rng.randint(1, pages)}"
                    for _ in range(args.requests)
                ]
                first = client.get(page_paths[0]).json()
                total, rows = first.get("meta", {}).get("total"), len(first.get("data", []))
                if total != KEYS or rows != 100:
                    raise SystemExit(f"unexpected first page: total={total}, rows={rows}")
                print("sequential requests ...", flush=True)
                sequential_cpu(server, client, page_paths[:100], None)  # warm-up: caches, first-use code paths
                report["floor_health"] = sequential_cpu(server, client, ["/api/health"] * args.requests, url)
                report["page_sequential"] = sequential_cpu(server, client, page_paths, url)
                # The same on the first five pages only: the difference is what OFFSET costs on deep pages.
                first_pages = [f"{p[: p.rindex('=') + 1]}{1 + i % 5}" for i, p in enumerate(page_paths)]
                report["first_pages_sequential"] = sequential_cpu(server, client, first_pages, url)
            print(f"{args.connections} concurrent readers for {args.seconds} s ({driver}) ...", flush=True)
            pids = server.app_pids()
            cpu0 = cpu_seconds(pids)
            if driver == "wrk":
                # Warm every worker (the sequential phase used one connection, so one worker) unrecorded.
                run_wrk(server.base, read_script(project, server.token, pages), 3, args.connections)
                cpu0 = cpu_seconds(pids)
                load = run_wrk(server.base, read_script(project, server.token, pages), args.seconds, args.connections)
            else:
                load = threaded_readers(server, project, pages, args.seconds, args.connections)
            load["server_cpu_ms_per_request"] = round((cpu_seconds(pids) - cpu0) / max(1, load["requests"]) * 1000, 3)
            load["driver"] = driver
            load["connections"] = args.connections
            report["page_concurrent"] = load

    seq = report["page_sequential"]
    seq["ratio_to_health_floor"] = round(
        seq["server_cpu_ms_per_request"] / max(report["floor_health"]["server_cpu_ms_per_request"], 1e-9), 2
    )
    report["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = {"server_cpu_ms_per_page": 1.5, "p99_ms_8_readers": 50}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten: {out_path}")


def print_table(report: dict[str, Any]) -> None:
    seq, health, load = report["page_sequential"], report["floor_health"], report["page_concurrent"]
    print(f"\n{report['checkout']['commit'][:10]} ({report['checkout']['src']}), {report['database']}, "
          f"{report['server_workers']} workers, seed import en/fr {report['seed_import_seconds']} s")

    def db(r: dict[str, Any]) -> str:
        return f", db {r['db_cpu_ms_per_request']} ms" if "db_cpu_ms_per_request" in r else ""

    print(f"  health floor   server CPU {health['server_cpu_ms_per_request']:.3f} ms/request{db(health)}")
    print(f"  page (100 rows) server CPU {seq['server_cpu_ms_per_request']:.3f} ms/request{db(seq)}"
          f"  (x{seq['ratio_to_health_floor']} health; sequential p50 {seq['client_p50_ms']} ms)  target <= 1.5 ms")
    first = report["first_pages_sequential"]
    print(f"  pages 1-5 only  server CPU {first['server_cpu_ms_per_request']:.3f} ms/request{db(first)}"
          "  (random pages minus this: the cost of OFFSET on deep pages)")
    print(f"  {load['connections']} readers ({load['driver']}): {load['rps']} rps, p50 {load['p50_ms']:.1f} ms,"
          f" p90 {load['p90_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, errors {load['errors']}"
          f"  (server CPU {load['server_cpu_ms_per_request']} ms/request)  target p99 <= 50 ms")


if __name__ == "__main__":
    main()
