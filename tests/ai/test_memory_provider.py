"""The offline default provider `memory`: with no AI provider configured, the AI routes fill
from the translation memory and the glossary only, through the same guard and save path, and
say so. Keys without a match stay untranslated and are reported, never dropped."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from entri.jobs.models import JobItem
from tests.ai.conftest import PROVIDER_ENV
from tests.ai.helpers import run_jobs as _run_jobs
from tests.ai.helpers import translations as _translations
from tests.glossary.helpers import add_term, make_glossary
from tests.memory.helpers import add_key, approved


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tenant: Any, client: Any, offline: None) -> dict[str, Any]:
    """A project whose organization's memory knows a few French translations (approved by a
    person), and whose glossary has a term with a translation and a do-not-translate term."""
    project = tenant.project(targetLanguages=["fr"])
    pid = project["_id"]
    approved(
        tenant,
        pid,
        {
            "Hello {user}": "Bonjour {user}",
            "Save your changes": "Enregistrez vos modifications",
            "Delete {count} files from {folder}": "Supprimer {count} fichiers de {folder}",
        },
    )
    glossary = make_glossary(tenant)
    add_term(tenant, glossary["_id"], term="Dashboard", translations={"fr": "Tableau de bord"})
    add_term(tenant, glossary["_id"], term="Entri", doNotTranslate=True)
    keys = {
        "greeting": add_key(tenant, pid, "greeting", "Hello {name}"),
        "save": add_key(tenant, pid, "save", "Save your changes"),
        "fuzzy": add_key(tenant, pid, "fuzzy", "Save your changes now"),
        "dashboard": add_key(tenant, pid, "dashboard", "dashboard"),
        "brand": add_key(tenant, pid, "brand", "Entri"),
        "nothing": add_key(tenant, pid, "nothing", "Completely unrelated sentence"),
        "wrongvars": add_key(tenant, pid, "wrongvars", "Delete {count} files from this folder"),
    }
    plural = client.post(
        f"/api/projects/{pid}/keys",
        json={"key": "files", "isPlural": True, "sourcePluralForms": {"one": "{count} file", "other": "{count} files"}},
        headers=tenant.headers,
    )
    assert plural.status_code == 201, plural.text
    keys["files"] = plural.json()["_id"]
    return {"id": pid, "keys": keys}


def test_status_says_the_provider_is_memory_and_what_that_means(tenant, client, project):
    r = client.get(f"/api/projects/{project['id']}/ai/status", headers=tenant.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["configured"], body["provider"], body["model"]) == (False, "memory", "memory")
    assert body["availableProviders"] == ["memory"]
    assert [m["id"] for m in body["availableModels"]] == ["memory"]
    assert "No AI provider is configured" in body["message"] and "no TM match" in body["message"]


def test_batch_fills_from_memory_and_glossary_and_reports_every_other_key(tenant, client, project):
    pid, keys = project["id"], project["keys"]
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "keyIds": list(keys.values())},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == "memory" and body["usage"] == {"inputTokens": 0, "outputTokens": 0}
    items = {i["keyId"]: i for i in body["items"]}
    assert len(items) == len(keys) == body["total"]
    assert body["translated"] + body["failed"] + body["skipped"] == body["total"]

    def item(name: str) -> dict[str, Any]:
        return items[keys[name]]

    # Tier 2 of the memory (placeholders renamed to the key's): confidence = similarity.
    assert (item("greeting")["status"], item("greeting")["value"], item("greeting")["confidence"]) == (
        "translated",
        "Bonjour {name}",
        99,
    )
    assert (item("save")["value"], item("save")["confidence"]) == ("Enregistrez vos modifications", 100)
    fuzzy = item("fuzzy")
    assert fuzzy["status"] == "translated" and 70 <= fuzzy["confidence"] < 99
    # A source that is exactly a glossary term: its translation; a do-not-translate term: kept.
    assert (item("dashboard")["value"], item("dashboard")["confidence"]) == ("Tableau de bord", 100)
    assert item("brand")["value"] == "Entri"
    # No match: reported with the reason, the key stays untranslated.
    assert (item("nothing")["status"], item("nothing")["reason"]) == ("failed", "no TM match")
    # A fuzzy match whose placeholders do not fit goes through the guard and is refused.
    assert item("wrongvars")["status"] == "failed" and "placeholders" in item("wrongvars")["reason"]
    assert item("files")["status"] == "failed" and item("files")["reason"].startswith("no TM match")
    rows = _translations(client, tenant, pid, "fr")
    assert rows["nothing"]["version"] == 0 and rows["wrongvars"]["version"] == 0
    greeting = rows["greeting"]
    assert (greeting["value"], greeting["source"], greeting["status"], greeting["aiConfidence"]) == (
        "Bonjour {name}",
        "ai",
        "translated",
        99,
    )
    history = client.get(
        f"/api/projects/{pid}/keys/{keys['greeting']}/translations/fr/history", headers=tenant.headers
    ).json()
    receipt = history[0]["receipt"]
    assert (receipt["model"], receipt["provider"], receipt["tokens"]) == ("memory", "memory", {"input": 0, "output": 0})
    assert receipt["memory"][0]["similarity"] == 99


def test_values_from_the_memory_are_not_captured_into_it_again(tenant, client, project):
    """A fuzzy match saved for another source must not come back later as an exact match."""
    pid, keys = project["id"], project["keys"]
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "keyIds": [keys["fuzzy"]]},
        headers=tenant.headers,
    )
    assert r.json()["translated"] == 1, r.text
    found = client.get(
        "/api/organizations/current/tm/search",
        params={"sourceText": "Save your changes now", "sourceLang": "en", "targetLang": "fr"},
        headers=tenant.headers,
    ).json()
    assert all(m["similarity"] < 100 for m in found)


def test_single_translate_without_a_match_is_an_answer_not_an_error(tenant, client, project):
    url = f"/api/projects/{project['id']}/ai/translate"
    r = client.post(url, json={"keyId": project["keys"]["nothing"], "targetLanguage": "fr"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["value"], r.json()["reason"], r.json()["saved"]) == (None, "no TM match", False)
    r = client.post(
        url, json={"keyId": project["keys"]["greeting"], "targetLanguage": "fr", "save": True}, headers=tenant.headers
    )
    assert (r.json()["value"], r.json()["confidence"], r.json()["saved"], r.json()["reason"]) == (
        "Bonjour {name}",
        99,
        True,
        None,
    )


def test_a_job_with_the_memory_provider_accounts_for_every_item(tenant, client, project):
    pid = project["id"]
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    )
    assert r.status_code == 202, r.text
    job_id, total = r.json()["jobId"], r.json()["total"]
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert state["status"] == "partially_failed"  # keys left untranslated are not hidden as success
    assert state["processed"] == total and state["tokensUsed"] == 0
    with tenant.database.session() as session:
        rows = session.execute(select(JobItem.state, JobItem.reason).where(JobItem.job_id == job_id)).all()
    assert len(rows) == total and {s for s, _ in rows} <= {"done", "failed", "skipped"}
    assert ("failed", "no TM match") in rows
    assert all(reason for state_, reason in rows if state_ == "failed")


def test_memory_can_be_chosen_explicitly_or_as_the_server_default(tenant, client, project, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-never-used")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: must not be called
    pid, key = project["id"], project["keys"]["save"]
    body = {"keyId": key, "targetLanguage": "fr", "model": "memory"}
    r = client.post(f"/api/projects/{pid}/ai/translate", json=body, headers=tenant.headers)
    assert (r.status_code, r.json()["model"], r.json()["value"]) == (200, "memory", "Enregistrez vos modifications")
    monkeypatch.setenv("ENTRI_AI_PROVIDER", "memory")
    status = client.get(f"/api/projects/{pid}/ai/status", headers=tenant.headers).json()
    assert (status["configured"], status["provider"]) == (True, "memory")
    assert status["message"].startswith("ENTRI_AI_PROVIDER=memory")
    assert "sk-never-used" not in str(status)
    r = client.post(
        f"/api/projects/{pid}/ai/translate", json={"keyId": key, "targetLanguage": "fr"}, headers=tenant.headers
    )
    assert r.json()["model"] == "memory"
