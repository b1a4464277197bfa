"""kill -9 of a real `entri serve` process: a delivery committed with its change is sent anyway
(by the next worker), and one killed in flight is sent again with the same X-Webhook-Id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from entri.core.db import Database
from tests.webhooks.conftest import Hooks, Project, Received, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(database: Database, data_dir: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`entri serve` on a free port against the test database; yields (process, base URL)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENTRI_")}
    env.update(
        {
            "ENTRI_DATABASE_URL": database.url,
            "ENTRI_DATA_DIR": str(data_dir),
            "ENTRI_WEBHOOK_ALLOW_PRIVATE": "true",
            "ENTRI_JOBS_LEASE_SECONDS": "1",
            "ENTRI_JOBS_POLL_SECONDS": "0.05",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
    )
    log = (data_dir / f"serve-{port}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "entri.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (data_dir / f"serve-{port}.log").read_text()
            time.sleep(0.1)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(15)
        log.close()


def _put(base: str, project: Project, key_id: str, value: str) -> None:
    url = f"{base}/api/projects/{project.id}/keys/{key_id}/translations/fr"
    response = httpx.put(url, json={"value": value}, headers=project.headers, timeout=30)
    assert response.status_code == 200, response.text


def test_killed_after_the_commit_before_any_send(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    database: Database,
    tmp_path: Path,
    deliver: Callable[..., int],
) -> None:
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    with serve(database, tmp_path, "--no-worker") as (proc, base):
        _put(base, project, key_id, "survives")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert receiver.requests == []
    deliver()
    (got,) = receiver.requests
    assert got.json["data"]["value"] == "survives"
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], got.headers["x-webhook-id"]) == ("succeeded", delivery["_id"])


def test_killed_while_sending_is_sent_again_with_the_same_id(
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    database: Database,
    tmp_path: Path,
    deliver: Callable[..., int],
) -> None:
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    server: dict[str, subprocess.Popen[bytes]] = {}

    def kill_the_sender(request: Received) -> None:
        if len(receiver.requests) == 1:  # the first try: the server dies before it hears back
            server["proc"].send_signal(signal.SIGKILL)
            server["proc"].wait(10)

    receiver.on_request = kill_the_sender
    with serve(database, tmp_path) as (proc, base):
        server["proc"] = proc
        _put(base, project, key_id, "in flight")
        receiver.wait_for(1, timeout=60)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL

    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["attempt"]) == ("pending", 0)  # sent, outcome never recorded
    deadline = time.monotonic() + 30
    while len(receiver.requests) < 2:  # once the dead worker's 1 s lease runs out
        assert time.monotonic() < deadline, "the delivery was not resumed"
        deliver()
        time.sleep(0.2)
    first, second = receiver.requests
    assert first.headers["x-webhook-id"] == second.headers["x-webhook-id"] == delivery["_id"]
    assert first.body == second.body
    (delivery,) = hooks.deliveries(hook["_id"])
    assert (delivery["state"], delivery["attempt"], delivery["statusCode"]) == ("succeeded", 1, 200)
