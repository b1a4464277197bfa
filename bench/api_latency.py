"""API latency under load: p50/p99 of paged reads and of upserts, concurrency 16, 20 s each.

Starts a real `entri serve` on a fresh database (SQLite by default, or `--database-url`),
seeds a project with 10k keys x 3 languages through the API itself, then drives it with
Debian's `wrk` (a C load generator, so the client does not steal the server's CPU as a
Python client would on a 2-core machine). Results go to bench/results/api_latency.json.

    python bench/api_latency.py [--keys 10000] [--seconds 20] [--connections 16] [--workers 2]

Requires `wrk` (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

WRK_REPORT = """
done = function(summary, latency, requests)
  local out = {
    requests = summary.requests, duration_us = summary.duration,
    errors = summary.errors.status + summary.errors.connect + summary.errors.read
             + summary.errors.write + summary.errors.timeout,
    non_2xx = summary.errors.status,
    p50_ms = latency:percentile(50) / 1000, p90_ms = latency:percentile(90) / 1000,
    p99_ms = latency:percentile(99) / 1000, max_ms = latency.max / 1000,
  }
  io.write("WRK_JSON ")
  io.write(string.format('{"requests":%d,"duration_us":%d,"errors":%d,"non_2xx":%d,'
    .. '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\\n',
    out.requests, out.duration_us, out.errors, out.non_2xx, out.p50_ms, out.p90_ms, out.p99_ms, out.max_ms))
end
"""


def start_server(
    data_dir: Path, port: int, database_url: str | None, workers: int
) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "ENTRI_DATA_DIR": str(data_dir),
        "ENTRI_ADMIN_PASSWORD": "bench-password",
        **{f"ENTRI_RATE_LIMIT_{n}PER_MINUTE": str(10**9) for n in ("", "IP_", "AI_", "LOGIN_", "LOGIN_IP_")},
    }
    if database_url:
        env["ENTRI_DATABASE_URL"] = database_url
    entri = Path(sys.executable).parent / "entri"
    proc = subprocess.Popen(
        [str(entri), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    token = None
    deadline = time.time() + 60
    assert proc.stdout is not None
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(r"(entri_[A-Za-z0-9_-]{20,})", line)
        if match:
            token = match.group(1)
        if ("Uvicorn running" in line or "Application startup complete" in line) and token:
            wait_ready(f"http://127.0.0.1:{port}")
            return proc, token
    proc.kill()
    raise SystemExit("server did not start (is the database empty? the token is printed on first start only)")


def wait_ready(base: str, timeout: float = 30) -> None:
    """Worker processes accept connections a little after the parent says it is running."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server never became ready")


def seed(base: str, token: str, keys: int) -> tuple[str, list[str]]:
    headers = {"X-API-Key": token}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        project = client.post(
            "/api/projects", json={"name": "Bench", "sourceLanguage": "en", "targetLanguages": ["fr", "de"]}
        ).json()
        pid = project["_id"]
        key_ids: list[str] = []
        for start in range(0, keys, 1000):
            batch = [
                {"key": f"section{i // 100}.key{i}", "sourceValue": f"Source text number {i}", "tags": ["bench"]}
                for i in range(start, min(keys, start + 1000))
            ]
            response = client.post(f"/api/projects/{pid}/keys/bulk", json={"keys": batch})
            response.raise_for_status()
            key_ids.extend(k["_id"] for k in response.json()["keys"])
        for language in ("fr", "de"):
            for start in range(0, keys, 1000):
                items = [
                    {"key": f"section{i // 100}.key{i}", "language": language, "value": f"{language} text {i}"}
                    for i in range(start, min(keys, start + 1000))
                ]
                client.post(f"/api/projects/{pid}/translations/overwrite", json=items).raise_for_status()
    return pid, key_ids


def run_wrk(url: str, script: str, seconds: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + WRK_REPORT)
        path = handle.name
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", path, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(path)
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    result: dict[str, Any] = json.loads(line[len("WRK_JSON ") :])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


def read_script(pid: str, token: str, pages: int) -> str:
    return f"""
wrk.headers["X-API-Key"] = "{token}"
math.randomseed(42)
request = function()
  local page = math.random(1, {pages})
  return wrk.format("GET", "/api/projects/{pid}/translations/fr?limit=100&page=" .. page)
end
"""


def write_script(pid: str, token: str, key_ids: list[str]) -> str:
    ids = ",".join(f'"{k}"' for k in key_ids)
    return f"""
wrk.headers["X-API-Key"] = "{token}"
wrk.headers["Content-Type"] = "application/json"
local ids = {{{ids}}}
local langs = {{"fr", "de"}}
local n = 0
math.randomseed(7)
request = function()
  n = n + 1
  local id = ids[math.random(1, #ids)]
  local lang = langs[math.random(1, 2)]
  local body = '{{"value":"edited value ' .. n .. ' ' .. math.random(1, 1000000) .. '"}}'
  return wrk.format("PUT", "/api/projects/{pid}/keys/" .. id .. "/translations/" .. lang, nil, body)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers: one per core of the 2-core target")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--out", default=str(RESULTS / "api_latency.json"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="entri-bench-"))
    proc, token = start_server(data_dir, args.port, args.database_url, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        started = time.perf_counter()
        pid, key_ids = seed(base, token, args.keys)
        seed_seconds = time.perf_counter() - started
        pages = max(1, args.keys // 100)
        reads = run_wrk(base, read_script(pid, token, pages), args.seconds, args.connections)
        writes = run_wrk(
            base, write_script(pid, token, random.sample(key_ids, len(key_ids))), args.seconds, args.connections
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    result = {
        "benchmark": "api_latency",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": "postgresql" if args.database_url else "sqlite",
        "keys": args.keys,
        "languages": 3,
        "connections": args.connections,
        "seconds": args.seconds,
        "server_workers": args.workers,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seed_seconds": round(seed_seconds, 2),
        "read_GET_translations_limit100": reads,
        "write_PUT_upsert": writes,
        "targets": {"read_p99_ms": 50, "write_p99_ms": 100},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
