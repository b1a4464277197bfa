"""`POST /api/projects/:id/tm/fill`: through the write path, never over a value (docs/memory.md "Fill")."""

from __future__ import annotations

from typing import Any

from entri.memory import fill as fill_service
from tests.conftest import Tenant
from tests.memory.helpers import add_key, approved, put


def _fill(tenant: Tenant, project_id: str, **body: Any) -> Any:
    return tenant.client.post(f"/api/projects/{project_id}/tm/fill", json=body, headers=tenant.headers)


def _translation(tenant: Tenant, project_id: str, key_id: str, language: str) -> dict[str, Any]:
    url = f"/api/projects/{project_id}/keys/{key_id}/translations"
    found = tenant.client.get(url, headers=tenant.headers).json()
    rows = found if isinstance(found, list) else found.get("translations", found.get("data", []))
    return next((r for r in rows if r["language"] == language), {})


def test_fill_writes_matches_through_the_write_path(tenant: Tenant) -> None:
    memory = str(tenant.project(name="Memory")["_id"])
    approved(tenant, memory, {"Save changes": "Enregistrer les modifications", "Hello {name}": "Bonjour {name}"})
    project_id = str(tenant.project(name="New")["_id"])
    save = add_key(tenant, project_id, "save", "Save changes")
    hello = add_key(tenant, project_id, "hello", "Hello %s")
    fuzzy = add_key(tenant, project_id, "fuzzy", "Save all changes")
    human = add_key(tenant, project_id, "human", "Save changes")
    put(tenant, project_id, human, "fr", value="Sauvegarder")
    response = _fill(tenant, project_id, languages=["fr"])
    assert response.status_code == 200, response.text
    assert response.json() == {"total": 3, "filled": 2, "noMatch": 1, "skipped": 0, "jobId": None}
    saved = _translation(tenant, project_id, save, "fr")
    assert (saved["value"], saved["source"], saved["status"]) == ("Enregistrer les modifications", "tm", "translated")
    assert _translation(tenant, project_id, hello, "fr")["value"] == "Bonjour %s"
    assert _translation(tenant, project_id, fuzzy, "fr").get("value") is None
    assert _translation(tenant, project_id, human, "fr")["value"] == "Sauvegarder"  # a human value is kept
    url = f"/api/projects/{project_id}/keys/{save}/translations/fr/history"
    history = tenant.client.get(url, headers=tenant.headers).json()
    assert [(h["source"], h["newValue"]) for h in history] == [("tm", "Enregistrer les modifications")]
    # Lower threshold: the fuzzy match fills too; filled values are not captured back.
    again = _fill(tenant, project_id, languages=["fr"], minSimilarity=60).json()
    assert again["filled"] == 1 and again["total"] == 1
    assert _translation(tenant, project_id, fuzzy, "fr")["source"] == "tm"
    entries = tenant.client.get("/api/organizations/current/tm", headers=tenant.headers).json()["meta"]["total"]
    assert entries == 2


def test_fill_stores_check_failures(tenant: Tenant) -> None:
    memory = str(tenant.project(name="Memory")["_id"])
    key = add_key(tenant, memory, "delete", "Delete {count} files")
    put(tenant, memory, key, "fr", value="Supprimer les fichiers", status="approved", force=True)  # placeholder lost
    project_id = str(tenant.project(name="New")["_id"])
    key_id = add_key(tenant, project_id, "delete", "Delete {count} files")
    assert _fill(tenant, project_id, languages=["fr"]).json()["filled"] == 1
    row = _translation(tenant, project_id, key_id, "fr")
    assert any(c["id"] == "placeholders" for c in row["checks"]), row


def test_a_fill_above_the_synchronous_limit_runs_as_a_job(tenant: Tenant, monkeypatch: Any) -> None:
    from entri.core.config import Settings
    from entri.jobs import registry
    from entri.jobs.worker import Worker

    memory = str(tenant.project(name="Memory")["_id"])
    approved(tenant, memory, {"Text 0": "Texte 0", "Text 1": "Texte 1"})
    project_id = str(tenant.project()["_id"])
    keys = [add_key(tenant, project_id, f"k{i}", f"Text {i}") for i in range(3)]
    monkeypatch.setattr(fill_service, "MAX_SYNC_ITEMS", 2)
    response = _fill(tenant, project_id, languages=["fr"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["filled"]) == (3, 0) and body["jobId"].startswith("job_")
    registry.load_handler_modules()  # what `entri serve` / `entri worker` do at start
    worker = Worker(tenant.database, Settings(jobs_poll_seconds=0.01))
    while worker.run_once():
        pass
    state = tenant.client.get(f"/api/projects/{project_id}/jobs/{body['jobId']}", headers=tenant.headers).json()
    assert (state["status"], state["succeeded"], state["skipped"]) == ("succeeded", 2, 1)
    assert [_translation(tenant, project_id, k, "fr").get("value") for k in keys] == ["Texte 0", "Texte 1", None]


def test_fill_validates_languages_and_permissions(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    assert _fill(tenant, project_id, languages=["en"]).status_code == 400
    assert _fill(tenant, project_id, languages=["es"]).status_code == 400
    assert _fill(tenant, project_id, languages=[]).status_code == 400
    reviewer = tenant.member("reviewer")
    url = f"/api/projects/{project_id}/tm/fill"
    assert tenant.client.post(url, json={"languages": ["fr"]}, headers=reviewer.headers).status_code == 403
