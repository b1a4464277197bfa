"""translate: failed keys listed with exit 1; Ctrl-C cancels the job on the server; --no-wait."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.cli.conftest import BIN, Cli, Server, laravel_repo, new_project, translations, write_config


@pytest.fixture
def behaviour(server: Server) -> Iterator[Server]:
    yield server
    server.behaviour.mode = "good"
    server.behaviour.delay = 0.0


def _repo(cli: Cli) -> str:
    laravel_repo(cli.cwd)
    project_id = new_project(cli.server, ["fr", "de"])
    write_config(cli.cwd, project_id, [("lang/{lang}/validation.php", "php-array")])
    assert cli("push").code == 0
    return project_id


def test_failed_keys_are_listed_and_exit_1(cli: Cli, behaviour: Server) -> None:
    project_id = _repo(cli)
    behaviour.behaviour.mode = "drop-tokens"  # the fake drops placeholders: those strings fail the checks
    result = cli("translate", "--language", "fr", "--json")
    assert result.code == 1, result
    [fr] = result.json()["languages"]
    assert fr["status"] == "partially_failed" and fr["failed"] > 0
    failed = {item["key"]: item["reason"] for item in fr["failedKeys"]}
    assert len(failed) == min(fr["failed"], 50)
    assert all("placeholder" in reason for reason in failed.values()), failed
    rows = translations(cli.server, project_id, "fr")
    assert all(rows[key]["version"] == 0 for key in failed)  # nothing bad was saved
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {fr['failed']} key(s) failed to translate: ")
    assert next(iter(failed)) in lines[0]

    behaviour.behaviour.mode = "good"
    again = cli("tr", "fr")  # idempotent: only what is still untranslated goes
    assert again.code == 0, again
    assert f"fr: {fr['failed']} translated, 0 skipped, 0 failed (succeeded)" in again.out
    nothing = cli("translate", "fr", "--json")
    assert nothing.json()["languages"][0]["total"] == 0


def _asked_for_german(server: Server, since: int) -> bool:
    for call in list(server.behaviour.calls[since:]):
        document = json.loads(json.loads(call["body"])["messages"][1]["content"])
        if document["targetLanguage"] == "de":
            return True
    return False


def test_ctrl_c_cancels_the_job_on_the_server(cli: Cli, behaviour: Server) -> None:
    project_id = _repo(cli)
    behaviour.behaviour.delay = 1.5
    calls = len(behaviour.behaviour.calls)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NT3_", "ENTRI_")) and k != "CI"}
    env.update(HOME=str(cli.home), NT3_API_URL=cli.server.url, NT3_API_TOKEN=cli.server.token)
    proc = subprocess.Popen(
        [str(BIN / "nt3"), "translate", "de"], cwd=cli.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while not _asked_for_german(behaviour, calls) and time.monotonic() < deadline:
            time.sleep(0.05)  # the job is running: the provider was asked
        assert _asked_for_german(behaviour, calls)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    message = err.decode()
    assert len(message.splitlines()) == 1, message
    job = re.search(r"job (job_\w+) cancelled on the server", message)
    assert job is not None, message
    with cli.server.http() as http:
        state = http.get(f"/api/projects/{project_id}/ai/jobs/{job.group(1)}").json()
    assert state["cancelRequested"] is True
    assert state["status"] in ("cancelled", "running")  # a running batch stops within 2 s
    assert state["processed"] < state["total"]


def test_no_wait_starts_the_job_and_returns(cli: Cli, behaviour: Server) -> None:
    project_id = _repo(cli)
    started = cli("translate", "fr", "--no-wait", "--json")
    assert started.code == 0, started
    [fr] = started.json()["languages"]
    assert fr["jobId"].startswith("job_") and fr["total"] == 44 and "status" not in fr
    with cli.server.http() as http:  # started indeed; stop it so that it leaves the fake alone
        url = f"/api/projects/{project_id}/ai/translate/batch/cancel/{fr['jobId']}"
        state = http.post(url).json()  # the fake is quick: the job may have ended already
        assert state["cancelRequested"] is True or state["status"] in ("succeeded", "partially_failed", "failed")
    unknown = cli("translate", "ja")
    assert unknown.code == 1 and "'ja' is not a target language of the project (fr, de)" in unknown.err
    wrong = cli("translate", "fr", "--provider", "anthropic")
    refused = "provider 'anthropic' is not configured on the server (available: openai, memory)"
    assert wrong.code == 1 and refused in wrong.err
