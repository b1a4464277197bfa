"""`entri serve` as `make run` starts it: a real process on a free port, a fresh data dir.

First start migrates, bootstraps, prints the admin login and a working API token once; the
second start on the same data prints neither and keeps the data.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import GENEROUS_RATE_LIMITS_ENV

ENTRI = Path(sys.executable).with_name("entri")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(data_dir: Path, **env: str) -> Iterator[tuple[str, list[str]]]:
    """Start the server, wait until it answers, yield (base URL, output lines so far)."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ENTRI_")}
    environ.update({"ENTRI_DATA_DIR": str(data_dir), "COLUMNS": "200", **GENEROUS_RATE_LIMITS_ENV, **env})
    proc = subprocess.Popen(
        [str(ENTRI), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    base = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Application startup complete" in line:
                yield base, lines
                return
        pytest.fail("server did not start:\n" + "".join(lines))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.skipif(not ENTRI.exists(), reason=f"{ENTRI} is not installed (pip install -e .)")
def test_first_start_prints_login_and_token_once(tmp_path: Path) -> None:
    with serving(tmp_path, ENTRI_ADMIN_PASSWORD="a long admin password") as (base, lines):
        output = "".join(lines)
        assert "Admin login:  admin@localhost" in output
        assert "Password:     a long admin password" in output
        token = re.search(r"API token:\s+(entri_\S+)", output)
        assert token is not None, output
        me = httpx.get(f"{base}/api/auth/me", headers={"X-API-Key": token.group(1)})
        assert me.status_code == 200, me.text
        login = httpx.post(
            f"{base}/api/auth/login", json={"email": "admin@localhost", "password": "a long admin password"}
        )
        assert login.status_code == 200, login.text
        created = httpx.post(
            f"{base}/api/v1/projects",
            json={"name": "Web", "sourceLanguage": "en", "targetLanguages": ["fr"]},
            headers={"X-API-Key": token.group(1)},
        )
        assert created.status_code == 201, created.text
    assert (tmp_path / "entri.db").is_file()

    with serving(tmp_path) as (base, lines):
        output = "".join(lines)
        assert "API token" not in output and "Password" not in output
        projects = httpx.get(f"{base}/api/projects", headers={"X-API-Key": token.group(1)})
        assert [p["name"] for p in projects.json()["data"]] == ["Web"]


@pytest.mark.skipif(not ENTRI.exists(), reason=f"{ENTRI} is not installed (pip install -e .)")
def test_generated_password_is_printed_and_works(tmp_path: Path) -> None:
    with serving(tmp_path) as (base, lines):
        output = "".join(lines)
        password = re.search(r"Password:\s+(\S+)\s+\(generated", output)
        assert password is not None, output
        login = httpx.post(f"{base}/api/auth/login", json={"email": "admin@localhost", "password": password.group(1)})
        assert login.status_code == 200, login.text
