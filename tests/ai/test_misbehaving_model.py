"""A misbehaving model translating 500 strings as a batch job: every request gets one of the
fake's misbehaviours at random (renamed, dropped, reordered or invented placeholders, fenced
JSON, dropped or repeated ids, garbage, 429 with Retry-After, an answer after the client's
timeout) or a good answer. Nothing bad may be saved, and every string must be accounted for.

"Bad" is decided here by an independent placeholder check (a regex of its own, not the quality
checks the guard uses): every saved value must hold exactly the source's placeholders, with
printf's un-numbered conversions in the same order, the same ICU arguments, and no mask token.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from entri.jobs.models import JobItem
from tests.ai.helpers import run_jobs

STRINGS = 500
TEMPLATES = (
    "Hello {{name}}, you have {{count}} new messages [{n}]",
    "Welcome back, {{{{user}}}} [{n}]",
    "%s of %d files uploaded [{n}]",
    "%1$s shared %2$s with you [{n}]",
    "%(count)d items in %(folder)s [{n}]",
    "%{{name}} left the chat [{n}]",
    "Click <b>here</b> to continue, {{who}} [{n}]",
    "You have {{count, plural, one {{# message}} other {{# messages}}}} [{n}]",
    "Open the settings panel [{n}]",
)
PLURAL = {"one": "{{count}} file in {{folder}} [{n}]", "other": "{{count}} files in {{folder}} [{n}]"}
"""Every tenth key is a plural key."""

# The independent check: placeholders of every dialect in the fixture, found by one regex.
_PLACEHOLDER = re.compile(
    r"\{\{\w+\}\}"  # i18next
    r"|%\(\w+\)[sd]|%\{\w+\}|%\d+\$[sd]"  # python, ruby, numbered printf
    r"|%[sd]"  # un-numbered printf: order matters
    r"|\{\w+\}"  # brace
    r"|</?b>"  # markup
)
_ICU_ARGUMENT = re.compile(r"\{(\w+), (?:plural|select)")
_ORDERED = re.compile(r"%[sd]")


def _problems(source: str, value: str) -> list[str]:
    problems = []
    if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(value)):
        problems.append("placeholders differ")
    if _ORDERED.findall(_strip_numbered(source)) != _ORDERED.findall(_strip_numbered(value)):
        problems.append("printf order differs")
    if _ICU_ARGUMENT.findall(source) != _ICU_ARGUMENT.findall(value):
        problems.append("ICU arguments differ")
    if "⟦" in value or "⟧" in value:
        problems.append("a mask token is left")
    return problems


def _strip_numbered(text: str) -> str:
    return re.sub(r"%\d+\$[sd]|%\(\w+\)[sd]", "", text)


def test_the_independent_check_sees_what_the_model_breaks() -> None:
    """The oracle itself can fail: each misbehaviour the fake has is caught by it."""
    assert _problems("Hello {name}", "FR: Hello {name}") == []
    assert _problems("Hello {name}", "FR: Hello ") == ["placeholders differ"]
    assert _problems("Hello {name}", "FR: Hello {nom}") == ["placeholders differ"]
    assert _problems("%s of %d", "FR: %d of %s") == ["printf order differs"]
    assert _problems("%1$s and %2$s", "FR: %2$s and %1$s") == []
    assert _problems("{n, plural, one {# x} other {# y}}", "{nombre, plural, one {# x} other {# y}}") == [
        "ICU arguments differ"
    ]
    assert _problems("Hi", "FR: Hi ⟦9⟧") == ["a mask token is left"]


@pytest.fixture
def fixture_project(tenant: Any, client: Any) -> dict[str, Any]:
    project = tenant.project(targetLanguages=["fr"])
    pid = project["_id"]
    keys: list[dict[str, Any]] = []
    sources: dict[str, Any] = {}
    for n in range(STRINGS):
        name = f"s{n:03}"
        if n % 10 == 9:
            forms = {c: t.format(n=n) for c, t in PLURAL.items()}
            keys.append({"key": name, "isPlural": True, "sourcePluralForms": forms})
            sources[name] = forms
        else:
            text = TEMPLATES[n % len(TEMPLATES)].format(n=n)
            keys.append({"key": name, "sourceValue": text})
            sources[name] = text
    r = client.post(f"/api/projects/{pid}/keys/bulk", json={"keys": keys}, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return {"id": pid, "sources": sources}


def _saved(client: Any, tenant: Any, pid: str) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    page = 1
    while True:
        body = client.get(
            f"/api/projects/{pid}/translations/fr", params={"limit": 200, "page": page}, headers=tenant.headers
        ).json()
        rows.update({r["key"]: r for r in body["data"]})
        if len(body["data"]) < 200:
            return rows
        page += 1


def test_500_strings_through_a_misbehaving_model(tenant, client, fixture_project, openai_fake, monkeypatch):
    monkeypatch.setenv("ENTRI_AI_TIMEOUT_SECONDS", "0.25")
    monkeypatch.setenv("ENTRI_AI_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("ENTRI_AI_DEFAULT_RETRY_AFTER_SECONDS", "0.01")
    openai_fake.mode = "chaos"
    openai_fake.retry_after = "0.02"
    openai_fake.timeout_sleep = 0.5
    pid, sources = fixture_project["id"], fixture_project["sources"]
    started = time.monotonic()
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["jobId"]
    assert r.json()["total"] == STRINGS
    run_jobs(tenant, jobs_retry_after_max_seconds=0.02)
    took = time.monotonic() - started
    modes = Counter(openai_fake.modes)
    assert {"rename", "drop-tokens", "fenced", "drop-id", "dup-id", "429", "timeout", "invent-token"} <= set(modes)

    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert state["status"] in ("succeeded", "partially_failed"), state
    # Every item accounted for: translated + failed + skipped = 500, none left pending.
    assert state["translated"] + state["failed"] + state["skipped"] == state["processed"] == STRINGS
    with tenant.database.session() as session:
        items = session.execute(
            select(JobItem.payload, JobItem.state, JobItem.reason).where(JobItem.job_id == job_id)
        ).all()
    assert len(items) == STRINGS and Counter(s for _, s, _ in items)["pending"] == 0
    assert all(reason for _, s, reason in items if s in ("failed", "skipped"))  # each with its reason
    assert not any("sk-test-secret-key" in (reason or "") for _, _, reason in items)  # no key in a reason
    done = {payload["keyId"] for payload, s, _ in items if s == "done"}

    # 0 bad values saved: every saved value passes the independent check against its source.
    saved = {k: r for k, r in _saved(client, tenant, pid).items() if r["value"] or r["pluralForms"]}
    assert {r["keyId"] for r in saved.values()} == done  # saved exactly for the items marked done
    bad: dict[str, list[str]] = {}
    for name, row in saved.items():
        assert (row["source"], row["status"]) == ("ai", "translated")
        source = sources[name]
        if isinstance(source, dict):
            found = [p for value in row["pluralForms"].values() for p in _problems(source["other"], value)]
        else:
            found = _problems(source, row["value"])
        if found:
            bad[name] = found
    assert bad == {}
    assert len(saved) >= STRINGS // 2, (len(saved), modes)  # the good answers did get through
    assert took < 20, took
