"""The CLI tests' world: one real `entri serve` per test session (per xdist worker) on 127.0.0.1,
its AI provider the fake of tests/ai/fake_llm.py (slowed down on demand), and `nt3` / `entri`
run as real subprocesses in a temporary repository with real locale files from the shared
corpus (read at test time; the tests skip when it is absent).

With ENTRI_TEST_DATABASE_URL set, the server runs on a fresh PostgreSQL database of its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.ai import fake_llm
from tests.cli.test_serve import serving

BIN = Path(sys.executable).parent
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "formats"


def corpus(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {path} is absent (../shared/corpus/formats is read at test time)")
    return path


class Behaviour(fake_llm.Behaviour):
    delay: float = 0.0
    """Seconds the fake provider waits before each answer."""


class _SlowHandler(fake_llm._Handler):
    def do_POST(self) -> None:
        time.sleep(getattr(self.behaviour, "delay", 0.0))
        super().do_POST()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-answer (a cancelled job's worker) is no news."""


@contextmanager
def provider() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    handler = type("Handler", (_SlowHandler,), {"behaviour": behaviour})
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    finally:
        server.shutdown()
        server.server_close()


def _postgres(base: str) -> str:
    url = make_url(base)
    name = f"{url.database}_cli_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop(database_url: str) -> None:
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Server:
    url: str
    token: str
    behaviour: Behaviour
    env: dict[str, str]
    """ENTRI_* settings of the server (its data dir, its database): what `entri admin` needs."""

    def http(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": token or self.token}, timeout=60)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not (BIN / "entri").exists() or not (BIN / "nt3").exists():
        pytest.skip(f"the entri / nt3 commands are not installed in {BIN} (pip install -e .)")
    env = {"ENTRI_ADMIN_PASSWORD": "a long admin password", "OPENAI_API_KEY": "sk-test-secret-key"}
    base = os.environ.get("ENTRI_TEST_DATABASE_URL")
    if base:
        env["ENTRI_DATABASE_URL"] = _postgres(base)
    try:
        with provider() as (fake_url, behaviour):
            env["OPENAI_BASE_URL"] = fake_url + "/v1"
            data_dir = tmp_path_factory.mktemp("server")
            with serving(data_dir, **env) as (url, lines):
                token = re.search(r"API token:\s+(entri_\S+)", "".join(lines))
                assert token is not None, "".join(lines)
                settings = {k: v for k, v in env.items() if k.startswith("ENTRI_")}
                yield Server(url, token.group(1), behaviour, {**settings, "ENTRI_DATA_DIR": str(data_dir)})
    finally:
        if base:
            _drop(env["ENTRI_DATABASE_URL"])


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


@dataclass
class Cli:
    """`nt3` (or `entri`) run in `cwd`, with a home of its own and no token unless given."""

    server: Server
    cwd: Path
    home: Path
    env: dict[str, str]

    def __call__(self, *args: str, program: str = "nt3", stdin: str | None = None, **env: str) -> Result:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("NT3_", "ENTRI_")) and k != "CI"}
        environ.update({"HOME": str(self.home), "NT3_API_URL": self.server.url, "COLUMNS": "200", **self.env, **env})
        environ = {k: v for k, v in environ.items() if v != ""}  # an empty value unsets it
        done = subprocess.run(
            [str(BIN / program), *args],
            cwd=self.cwd,
            env=environ,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )
        return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(server: Server, tmp_path: Path) -> Cli:
    """A CLI in an empty repository, logged in through NT3_API_TOKEN."""
    repo, home = tmp_path / "repo", tmp_path / "home"
    repo.mkdir()
    home.mkdir()
    (repo / ".git").mkdir()  # a repository: init adds its entries to .gitignore
    return Cli(server, repo, home, {"NT3_API_TOKEN": server.token})


def laravel_repo(root: Path) -> None:
    """A Laravel app's validation messages: English (the framework's) and French (BookStack's)."""
    for language, name in (("en", "laravel-skeleton__en_validation.php"), ("fr", "bookstack__fr_validation.php")):
        target = root / "lang" / language / "validation.php"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus(f"php-array/{name}"), target)


def new_project(server: Server, targets: list[str], name: str = "App") -> str:
    with server.http() as http:
        made = http.post("/api/projects", json={"name": name, "sourceLanguage": "en", "targetLanguages": targets})
        assert made.status_code == 201, made.text
        return str(made.json()["_id"])


def write_config(root: Path, project_id: str, patterns: list[tuple[str, str]]) -> None:
    lines = [f'project_id: "{project_id}"', 'source_language: "en"', "file_patterns:"]
    for path, fmt in patterns:
        lines += [f'  - path: "{path}"', f"    format: {fmt}"]
    (root / ".nt3.yml").write_text("\n".join(lines) + "\n")


def translations(server: Server, project_id: str, language: str) -> dict[str, dict[str, Any]]:
    """key -> its translation object, every page."""
    out: dict[str, dict[str, Any]] = {}
    page = 1
    with server.http() as http:
        while True:
            body = http.get(f"/api/projects/{project_id}/translations/{language}", params={"page": page, "limit": 200})
            assert body.status_code == 200, body.text
            for item in body.json()["data"]:
                out[item["key"]] = item
            if page >= body.json()["meta"]["totalPages"]:
                return out
            page += 1


def export(server: Server, project_id: str, language: str, fmt: str) -> httpx.Response:
    with server.http() as http:
        response = http.get(f"/api/projects/{project_id}/export/{language}", params={"format": fmt})
        assert response.status_code == 200, response.text
        return response
