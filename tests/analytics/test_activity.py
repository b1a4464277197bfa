"""Progress over time and contributors against brute-force sums of the translation history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from entri.tokens import service as tokens
from tests.analytics.helpers import add_key, call, history_work, put, set_status, sums_by
from tests.conftest import Tenant
from tests.errors import assert_error

TODAY = date(2025, 3, 10)


class Clock:
    """Moves the write path's and the analytics' notion of now (both read `core.clock.utcnow`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
        for module in ("entri.translations.service", "entri.analytics.service"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: self.now)

    def at(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    yield Clock(monkeypatch)


def _ownerless_token(tenant: Tenant) -> dict[str, str]:
    with tenant.database.session(write=True) as session:
        issued = tokens.issue_token(
            session, organization_id=tenant.organization_id, name="ci", role="developer", created_by=None
        )
        session.commit()
    return {"X-API-Key": issued.value}


@pytest.fixture
def busy(tenant: Tenant, clock: Clock) -> dict[str, Any]:
    """Work by four writers over four days, in fr, de and the source language."""
    pid = tenant.project(targetLanguages=["fr", "de"])["_id"]
    translator, reviewer, ci = tenant.member("translator"), tenant.member("reviewer"), _ownerless_token(tenant)
    clock.at(TODAY - timedelta(days=6))
    a = add_key(tenant, pid, "a", "Open the file")
    b = add_key(tenant, pid, "b", "Close all windows now")
    c = add_key(tenant, pid, "c", "Quit")
    clock.at(TODAY - timedelta(days=3))
    put(tenant, pid, a, "fr", headers=translator.headers, value="Ouvrir le fichier")
    put(tenant, pid, b, "fr", headers=translator.headers, value="Fermer toutes les fenêtres")
    put(tenant, pid, a, "de", headers=ci, value="Datei öffnen", source="ai")
    clock.at(TODAY - timedelta(days=1))
    set_status(tenant, pid, a, "fr", "reviewed", headers=reviewer.headers)
    set_status(tenant, pid, b, "fr", "approved")
    clock.at(TODAY)
    put(tenant, pid, c, "fr", headers=translator.headers, value="Quitter")
    put(tenant, pid, b, "fr", value="Fermer les fenêtres", status="approved")  # an edit of an approved value
    put(tenant, pid, c, "de", headers=translator.headers, value="Beenden")
    put(tenant, pid, c, "en", value="Quit now")
    return {"pid": pid, "keys": (a, b, c), "translator": translator, "reviewer": reviewer}


def _series(tenant: Tenant, pid: str, **params: Any) -> list[dict[str, Any]]:
    return call(tenant, f"/api/projects/{pid}/analytics/progress-over-time", **params)  # type: ignore[no-any-return]


def _expected_series(entries: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    by_day = sums_by(entries, "day")
    out = []
    for offset in range(days - 1, -1, -1):
        day = TODAY - timedelta(days=offset)
        found = by_day.get(day, {})
        out.append(
            {
                "date": day.isoformat(),
                **{f: found.get(f, 0) for f in ("translations", "reviews", "approvals", "words")},
            }
        )
    return out


def test_progress_over_time_matches_history(tenant: Tenant, busy: dict[str, Any]) -> None:
    pid = busy["pid"]
    targets = history_work(tenant, pid, ["fr", "de"])
    series = _series(tenant, pid)
    assert len(series) == 30 and series[-1]["date"] == TODAY.isoformat()
    assert series == _expected_series(targets, 30)
    assert series[-1] == {"date": "2025-03-10", "translations": 3, "reviews": 0, "approvals": 0, "words": 5}
    assert series[-2] == {"date": "2025-03-09", "translations": 0, "reviews": 2, "approvals": 1, "words": 0}
    assert _series(tenant, pid, days=5) == _expected_series(targets, 5)
    assert _series(tenant, pid, days=1) == [series[-1]]
    with_source = history_work(tenant, pid, ["en", "fr", "de"])
    assert _series(tenant, pid, days=7, languages="en,fr,de") == _expected_series(with_source, 7)
    ai_only = [e for e in targets if e["source"] == "ai"]
    assert _series(tenant, pid, days=7, source="ai") == _expected_series(ai_only, 7)
    url = f"/api/projects/{pid}/analytics/progress-over-time"
    for bad in ({"days": 0}, {"days": 367}, {"days": "week"}, {"source": "robot"}, {"languages": "es"}):
        assert_error(tenant.client.get(url, params=bad, headers=tenant.headers), 400)


def _expected_contributors(tenant: Tenant, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with tenant.database.session() as session:
        names = dict(session.execute(text("SELECT id, name FROM users")).all())
    people: dict[Any, dict[str, Any]] = {}
    for e in entries:
        if not any(e[f] for f in ("translations", "reviews", "approvals")):
            continue
        person = people.setdefault(
            e["userId"] or e["userName"],
            {
                "userId": e["userId"],
                "userName": names.get(e["userId"], e["userName"]),  # named as now, not as history has it
                "translations": 0,
                "reviews": 0,
                "approvals": 0,
                "words": 0,
                "characters": 0,
                "lastActiveDate": e["day"],
            },
        )
        for f in ("translations", "reviews", "approvals", "words", "characters"):
            person[f] += e[f]
        person["lastActiveDate"] = max(person["lastActiveDate"], e["day"])
    for person in people.values():
        person["lastActiveDate"] = person["lastActiveDate"].isoformat()
    return sorted(people.values(), key=lambda p: (-p["translations"], -p["reviews"], -p["approvals"], p["userName"]))


def test_contributors_match_history(tenant: Tenant, busy: dict[str, Any]) -> None:
    pid = busy["pid"]
    url = f"/api/projects/{pid}/analytics/contributors"
    found = call(tenant, url)
    assert found == _expected_contributors(tenant, history_work(tenant, pid, ["fr", "de"]))
    by_id = {c["userId"]: c for c in found}
    translator = by_id[busy["translator"].user_id]
    assert (translator["translations"], translator["reviews"], translator["words"]) == (4, 0, 9)
    assert translator["userName"].startswith("Translator ") and "token" not in translator["userName"]
    assert by_id[None]["userName"] == "API token: ci" and by_id[None]["translations"] == 1
    assert by_id[busy["reviewer"].user_id]["reviews"] == 1
    recent = call(tenant, url, days=2)
    assert recent == _expected_contributors(
        tenant, [e for e in history_work(tenant, pid, ["fr", "de"]) if e["day"] >= TODAY - timedelta(days=1)]
    )
    assert call(tenant, url, source="ai") == [{**by_id[None]}]
    # Work stays counted after the key it was done on is deleted (its history goes with it).
    assert (
        tenant.client.delete(f"/api/projects/{pid}/keys/{busy['keys'][0]}", headers=tenant.headers).status_code == 204
    )
    assert call(tenant, url) == found


def test_empty_project_series_and_contributors(tenant: Tenant, clock: Clock) -> None:
    pid = tenant.project()["_id"]
    series = _series(tenant, pid, days=3)
    assert series == [
        {"date": d, "translations": 0, "reviews": 0, "approvals": 0, "words": 0}
        for d in ("2025-03-08", "2025-03-09", "2025-03-10")
    ]
    assert call(tenant, f"/api/projects/{pid}/analytics/contributors") == []
