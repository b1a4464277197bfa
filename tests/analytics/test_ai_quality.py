"""AI quality from history: AI values made by the real AI routes (fake provider on 127.0.0.1),
then approved as they are, edited, left, re-translated by another model; figures worked out by
hand for the scenario."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from rapidfuzz.distance import Levenshtein

from tests.ai.fake_llm import Behaviour, fake_provider
from tests.analytics.helpers import add_key, call, put, set_status
from tests.conftest import Tenant


@pytest.fixture
def openai_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Behaviour]:
    with fake_provider() as (url, behaviour):
        for name in ("ANTHROPIC_API_KEY", "DEEPL_AUTH_KEY", "ENTRI_AI_MODEL", "ENTRI_AI_PROVIDER"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key")
        monkeypatch.setenv("OPENAI_BASE_URL", url + "/v1")
        yield behaviour


def _ai(tenant: Tenant, pid: str, key_ids: list[str], model: str, overwrite: bool = False) -> None:
    body = {"keyIds": key_ids, "targetLanguages": ["fr"], "model": model, "overwrite": overwrite}
    r = tenant.client.post(f"/api/projects/{pid}/ai/translate/batch", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["translated"] == len(key_ids), r.text


def test_ai_quality_by_model_and_language(tenant: Tenant, openai_fake: Behaviour) -> None:
    pid = tenant.project(targetLanguages=["fr", "de"])["_id"]
    # The fake's "FR: …" has no no-break space before the colon: keep that warning out of the way.
    quiet = {"settings": {"checks": {"severities": {"punctuation": "off"}}}}
    assert tenant.client.patch(f"/api/projects/{pid}", json=quiet, headers=tenant.headers).status_code == 200
    url = f"/api/projects/{pid}/analytics/ai-quality"
    assert call(tenant, url) == {"data": []}
    k = [
        add_key(tenant, pid, f"k{i}", s)
        for i, s in enumerate(["Open the file", "Save changes", "Close", "Hello {name}", "Quit"])
    ]
    _ai(tenant, pid, k, "gpt-4o-mini")
    set_status(tenant, pid, k[0], "fr", "approved")  # approved as it is
    put(tenant, pid, k[1], "fr", value="Enregistrer les modifications", status="approved")  # edited, approved
    put(tenant, pid, k[2], "fr", value="Fermer")  # edited, not approved
    put(tenant, pid, k[3], "en", value="Hello {user}")  # the AI value now misses {user}: a current failure
    set_status(tenant, pid, k[4], "fr", "approved")
    _ai(tenant, pid, [k[4]], "gpt-4o", overwrite=True)  # a second AI value ends the first one's life
    put(tenant, pid, k[0], "de", value="Datei öffnen", source="ai")  # no receipt: model unknown
    put(tenant, pid, k[0], "de", value="Die Datei öffnen", status="approved")

    body = call(tenant, url)
    assert body == {
        "data": [
            {
                "model": "gpt-4o",
                "language": "fr",
                "aiValues": 1,
                "approved": 0,
                "approvedUnchanged": 0,
                "approvedUnchangedRate": 0.0,
                "unchangedWhenApprovedRate": None,
                "medianEditDistance": None,
                "current": 1,
                "failing": 0,
                "checkFailureRate": 0.0,
                "failingChecks": {},
            },
            {
                "model": "gpt-4o-mini",
                "language": "fr",
                "aiValues": 5,
                "approved": 3,
                "approvedUnchanged": 2,
                "approvedUnchangedRate": 0.4,
                "unchangedWhenApprovedRate": 0.6667,
                "medianEditDistance": 0.0,  # 0 (k0), 0 (k4), and the edit of k1
                "current": 2,  # k0 and k3
                "failing": 1,
                "checkFailureRate": 0.5,
                "failingChecks": {"placeholders": 1},
            },
            {
                "model": "unknown",
                "language": "de",
                "aiValues": 1,
                "approved": 1,
                "approvedUnchanged": 0,
                "approvedUnchangedRate": 0.0,
                "unchangedWhenApprovedRate": 0.0,
                "medianEditDistance": float(Levenshtein.distance("Datei öffnen", "Die Datei öffnen")),
                "current": 0,
                "failing": 0,
                "checkFailureRate": None,
                "failingChecks": {},
            },
        ]
    }
    assert call(tenant, url, languages="de")["data"] == body["data"][2:]

    exported = tenant.client.get(url, params={"format": "csv"}, headers=tenant.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["model"], r["language"], r["aiValues"]) for r in rows] == [
        ("gpt-4o", "fr", "1"),
        ("gpt-4o-mini", "fr", "5"),
        ("unknown", "de", "1"),
    ]
    assert rows[1]["failingChecks"] == "placeholders:1" and rows[0]["medianEditDistance"] == ""


def test_csv_cells_never_run_as_formulas(tenant: Tenant) -> None:
    from entri.analytics.service import ai_quality_csv

    row: dict[str, Any] = {
        "model": '=HYPERLINK("x")',
        "language": "fr",
        "aiValues": 1,
        "approved": 0,
        "approvedUnchanged": 0,
        "approvedUnchangedRate": 0.0,
        "unchangedWhenApprovedRate": None,
        "medianEditDistance": None,
        "current": 0,
        "failing": 0,
        "checkFailureRate": None,
        "failingChecks": {},
    }
    parsed = list(csv.DictReader(io.StringIO(ai_quality_csv([row]))))
    assert parsed[0]["model"] == '\'=HYPERLINK("x")'
