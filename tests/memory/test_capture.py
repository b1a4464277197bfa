"""What the write path remembers (decisions.md 9, docs/memory.md "Capture")."""

from __future__ import annotations

from sqlalchemy import event, func, select

from entri.core.actor import Actor
from entri.core.vocabularies import Action, Source, Status
from entri.keys import service as keys
from entri.memory.models import TmEntry
from entri.projects.models import Project
from entri.translations import service
from entri.translations.service import Write
from tests.conftest import Tenant
from tests.memory.helpers import add_key, approved, browse, put


def test_an_approved_translation_is_remembered_as_human(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    approved(tenant, project_id, {"Save changes": "Enregistrer les modifications"})
    data = browse(tenant)["data"]
    assert [(e["sourceText"], e["targetText"], e["origin"], e["usageCount"]) for e in data] == [
        ("Save changes", "Enregistrer les modifications", "human", 1)
    ]
    assert data[0]["sourceLanguage"] == "en" and data[0]["targetLanguage"] == "fr"
    assert data[0]["projectId"] == project_id


def test_a_plain_translated_edit_is_not_remembered(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    key_id = add_key(tenant, project_id, "save", "Save")
    put(tenant, project_id, key_id, "fr", value="Enregistrer")
    put(tenant, project_id, key_id, "de", value="Speichern", status="reviewed")
    assert browse(tenant)["meta"]["total"] == 0
    # Approving it later (a status change) remembers it.
    url = f"/api/projects/{project_id}/keys/{key_id}/translations/fr/status"
    assert tenant.client.patch(url, json={"status": "approved"}, headers=tenant.headers).status_code == 200
    assert [e["targetText"] for e in browse(tenant)["data"]] == ["Enregistrer"]


def test_an_ai_value_is_remembered_as_ai_even_unreviewed(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    key_id = add_key(tenant, project_id, "hello", "Hello")
    put(tenant, project_id, key_id, "fr", value="Bonjour", source="ai", aiConfidence=90)
    assert [(e["targetText"], e["origin"]) for e in browse(tenant)["data"]] == [("Bonjour", "ai")]


def test_the_same_pair_again_counts_usage_instead_of_duplicating(tenant: Tenant) -> None:
    first = str(tenant.project()["_id"])
    second = str(tenant.project(name="Other")["_id"])
    approved(tenant, first, {"Cancel": "Annuler"})
    approved(tenant, second, {"Cancel": "Annuler"})
    entries = browse(tenant)["data"]
    assert [(e["sourceText"], e["usageCount"]) for e in entries] == [("Cancel", 2)]


def test_a_human_approval_upgrades_an_ai_entry(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    key_id = add_key(tenant, project_id, "hello", "Hello")
    put(tenant, project_id, key_id, "fr", value="Bonjour", source="ai")
    put(tenant, project_id, key_id, "fr", value="Bonjour", status="approved")
    [entry] = browse(tenant)["data"]
    assert (entry["origin"], entry["usageCount"]) == ("human", 2)


def test_an_import_of_approved_values_is_one_set_based_capture(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    with tenant.database.session(write=True) as session:
        project = session.get(Project, project_id)
        assert project is not None
        refs = keys.add_keys(session, project=project, items=[keys.KeyFields(key=f"k{i}") for i in range(300)])
        writes = [
            Write(key=r, language="en", value=f"Item number {i}", source=Source.IMPORT) for i, r in enumerate(refs)
        ]
        writes += [
            Write(key=r, language="fr", value=f"Élément {i}", source=Source.IMPORT, status=Status.APPROVED)
            for i, r in enumerate(refs)
        ]
        statements: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "tm_entries" in statement:
                statements.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            service.write(session, project=project, writes=writes, actor=Actor(None, "Importer"), action=Action.IMPORT)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        session.commit()
        total = session.scalar(
            select(func.count()).select_from(TmEntry).where(TmEntry.organization_id == tenant.organization_id)
        )
        origins = set(session.scalars(select(TmEntry.origin).where(TmEntry.organization_id == tenant.organization_id)))
    assert total == 300 and origins == {"import"}
    assert len(statements) <= 2, statements  # one executemany (PostgreSQL may batch it in a couple)


def test_source_language_values_and_empty_texts_are_not_remembered(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    key_id = add_key(tenant, project_id, "title", "Title")
    url = f"/api/projects/{project_id}/keys/{key_id}/translations/en/status"
    assert tenant.client.patch(url, json={"status": "approved"}, headers=tenant.headers).status_code == 200
    empty = add_key(tenant, project_id, "blank", "   ")
    put(tenant, project_id, empty, "fr", value="Vide", status="approved")
    assert browse(tenant)["meta"]["total"] == 0


def test_an_ai_value_failing_an_error_level_check_is_not_remembered(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    key_id = add_key(tenant, project_id, "files", "Delete {count} files")
    put(tenant, project_id, key_id, "fr", value="Supprimer les fichiers", source="ai")
    assert browse(tenant)["meta"]["total"] == 0


def _tm_settings(tenant: Tenant, **rules: bool) -> None:
    response = tenant.client.patch(
        "/api/organizations/current", json={"settings": {"tm": rules}}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text


def test_the_organizations_capture_rules_switch_each_origin_off(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    approved_key = add_key(tenant, project_id, "save", "Save")
    ai_key = add_key(tenant, project_id, "hello", "Hello")
    _tm_settings(tenant, captureApproved=False, captureAi=False)
    put(tenant, project_id, approved_key, "fr", value="Enregistrer", status="approved")
    put(tenant, project_id, ai_key, "fr", value="Bonjour", source="ai")
    assert browse(tenant)["meta"]["total"] == 0
    _tm_settings(tenant, captureAi=True)
    put(tenant, project_id, ai_key, "fr", value="Salut", source="ai")
    assert [(e["targetText"], e["origin"]) for e in browse(tenant)["data"]] == [("Salut", "ai")]
    _tm_settings(tenant, captureApproved=True, captureAi=False)
    put(tenant, project_id, approved_key, "de", value="Speichern", status="approved")
    put(tenant, project_id, ai_key, "de", value="Hallo", source="ai")
    assert sorted(e["targetText"] for e in browse(tenant)["data"]) == ["Salut", "Speichern"]


def test_capture_import_off_skips_imported_approved_values_with_one_settings_read(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    _tm_settings(tenant, captureImport=False)
    with tenant.database.session(write=True) as session:
        project = session.get(Project, project_id)
        assert project is not None
        refs = keys.add_keys(session, project=project, items=[keys.KeyFields(key=f"k{i}") for i in range(50)])
        writes = [Write(key=r, language="en", value=f"Item {i}", source=Source.IMPORT) for i, r in enumerate(refs)]
        writes += [
            Write(key=r, language="fr", value=f"Élément {i}", source=Source.IMPORT, status=Status.APPROVED)
            for i, r in enumerate(refs)
        ]
        reads: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "FROM organizations" in statement:
                reads.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            service.write(session, project=project, writes=writes, actor=Actor(None, "Importer"), action=Action.IMPORT)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        session.commit()
    assert browse(tenant)["meta"]["total"] == 0
    # The checks policy reads the settings once; the capture rules once more, not once per value.
    assert len(reads) <= 2, reads
