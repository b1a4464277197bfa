"""What the server benches share: a real `entri serve` subprocess for any checkout, scratch
PostgreSQL databases, /proc readings of the server (RSS, peak RSS, CPU time), the floors, and
the machine/commit facts every result file carries.

The machine is shared and noisy, so each bench measures its floor in the same run and reports
ratios; the absolute seconds are for orientation only.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SHARED_FLOOR = ROOT.parent / "shared" / "bench" / "floor_import.py"
PG_FLOOR = ROOT / "bench" / "floor_import_pg.py"
DEFAULT_ENTRI = Path("/work/main/.venv/bin/entri")
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- facts about the run


def machine_info() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
             if line.startswith("model name")),
            "",
        )
    mem_kib = 0
    with contextlib.suppress(OSError, StopIteration):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        mem_kib = int(next(x for x in meminfo if x.startswith("MemTotal")).split()[1])
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "mem_gib": round(mem_kib / 2**20, 1),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def checkout_info(src: Path) -> dict[str, Any]:
    """Which code was measured: the git commit of the checkout that holds `src`, and whether it was dirty."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True, check=False)
        return out.stdout.strip()

    return {
        "src": str(src),
        "commit": git("rev-parse", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "dirty": bool(git("status", "--porcelain", "--", ".")),
    }


def exit_on_sigterm() -> None:
    """`timeout` or a kill ends the bench through SystemExit, so the server and scratch database go too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# ---------------------------------------------------------------- floors


def run_floor(script: Path, keys: int, *extra: str) -> dict[str, Any]:
    """Run a floor script in its own process (own peak RSS) and read its one line of JSON."""
    if not script.exists():
        raise SystemExit(
            f"floor script not found: {script}\n(the shared floor is expected at ../shared/bench/ beside the repo root)"
        )
    before = children_cpu()
    out = subprocess.run(
        [sys.executable, str(script), str(keys), *extra], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{script.name} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_cpu_s"] = round(children_cpu() - before, 3)
    return result


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def generator_cpu(keys: int) -> float:
    """CPU seconds of a process that only starts, imports what the shared floor imports and builds the
    floor's file: subtracted from the shared floor's process CPU, it leaves the CPU of its timed part
    (parse + insert), which the floor itself reports only as wall time."""
    code = (
        "import json, os, random, resource, sqlite3, string, sys, tempfile, time\n"
        f"sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        "from floor_data import make_tree, nested_bytes\n"
        f"nested_bytes(make_tree({keys}))\n"
    )
    before = children_cpu()
    subprocess.run([sys.executable, "-c", code], check=True)
    return children_cpu() - before


# ---------------------------------------------------------------- PostgreSQL scratch databases


@contextlib.contextmanager
def scratch_database(server_url: str, label: str) -> Iterator[str]:
    """A fresh, empty database for one server run; dropped afterwards even if the run fails."""
    import psycopg

    name = f"entri_bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{name}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_version(server_url: str) -> str:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres") as con:
        row = con.execute("show server_version").fetchone()
    return str(row[0]) if row else ""


def pg_backend_pids(database_url: str) -> list[int]:
    """Server processes serving `database_url`'s database (to read their CPU time from /proc)."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres") as con:
        rows = con.execute(
            "select pid from pg_stat_activity where datname = %s and pid <> pg_backend_pid()", (name,)
        ).fetchall()
    return [int(r[0]) for r in rows]


# ---------------------------------------------------------------- /proc readings


def proc_status(pid: int, field: str) -> int:
    """A `VmRSS`/`VmHWM` figure of process `pid`, in KiB (0 once it is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_hwm(pid: int) -> bool:
    """Linux resets VmHWM to the current RSS when 5 is written to clear_refs (root or same user)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                for child in (task / "children").read_text().split():
                    found.append(int(child))
                    todo.append(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes (all their threads), from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
    return total / TICKS


class RssSampler:
    """VmRSS of one process every ~10 ms in a thread; `peak_kib` is the highest reading seen.

    Backs up VmHWM (exact, but only resettable where clear_refs is writable)."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, proc_status(self.pid, "VmRSS"))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`entri serve` on a fresh data dir, importing the code under `src` (PYTHONPATH wins over the
    venv's editable install), with its first-start API token read from its output."""

    def __init__(
        self,
        *,
        src: Path,
        entri: Path = DEFAULT_ENTRI,
        database_url: str | None = None,
        workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        if not entri.exists():
            raise SystemExit(f"entri executable not found: {entri} (pass --entri)")
        self.data_dir = Path(tempfile.mkdtemp(prefix="entri-bench-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "server.log"
        full_env = {
            **os.environ,
            "PYTHONPATH": str(src),
            "ENTRI_DATA_DIR": str(self.data_dir),
            "ENTRI_ADMIN_PASSWORD": "bench-password-1234",
            "COLUMNS": "200",  # rich would wrap the token panel at 80 columns
            **(env or {}),
        }
        if database_url:
            full_env["ENTRI_DATABASE_URL"] = database_url
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [str(entri), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.token = self._wait_ready()
        self.headers = {"X-API-Key": self.token}

    def _wait_ready(self, timeout: float = 90) -> str:
        deadline = time.time() + timeout
        token = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            if token is None:
                match = re.search(r"API token:\s+(entri_\S+)", self.log_path.read_text())
                token = match.group(1) if match else None
            if token is not None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(self.base + "/api/health", timeout=2).status_code == 200:
                        return token
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"server not ready after {timeout} s (no token printed, or no health):\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def app_pids(self) -> list[int]:
        """The processes that run the app: `entri serve` itself (uvicorn with one worker runs the
        app in-process) plus any worker processes it spawned."""
        return [self.pid, *descendants(self.pid)]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text()[-chars:]
        return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, timeout: float = 1800) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers=self.headers, timeout=timeout)

    def create_project(self, client: httpx.Client, targets: list[str]) -> str:
        response = client.post(
            "/api/projects", json={"name": "Bench", "sourceLanguage": "en", "targetLanguages": targets}
        )
        response.raise_for_status()
        return str(response.json()["_id"])
