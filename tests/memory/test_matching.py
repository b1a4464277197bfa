"""Search tiers, thresholds, language pairs, ranking and isolation (docs/memory.md "Matching")."""

from __future__ import annotations

from typing import Any

from entri.core.actor import Actor
from entri.core.vocabularies import Action, Source, Status
from entri.keys import service as keys
from entri.memory.normalize import normalized, substitute
from entri.projects.models import Project
from entri.translations import service
from entri.translations.service import Write
from tests.conftest import Tenant
from tests.memory.helpers import add_key, approved, put, search

PAIRS = {
    "Welcome to Entri": "Bienvenue sur Entri",
    "Hello {name}, you have {count} new messages": "Bonjour {name}, vous avez {count} nouveaux messages",
    "Delete this file?": "Supprimer ce fichier ?",
    "Are you sure you want to delete this project?": "Voulez-vous vraiment supprimer ce projet ?",
    "Settings": "Paramètres",
}


def _similarities(found: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(m["sourceText"], m["similarity"]) for m in found]


def test_exact_match_is_100(tenant: Tenant) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    found = search(tenant, "Welcome to Entri")
    assert found[0]["similarity"] == 100 and found[0]["targetText"] == "Bienvenue sur Entri"
    assert found[0]["usageCount"] == 1 and found[0]["_id"].startswith("tm_")


def test_placeholders_renamed_is_99_with_the_target_renamed_too(tenant: Tenant) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    found = search(tenant, "Hello {user}, you have %d new messages")
    assert found[0]["similarity"] == 99
    assert found[0]["targetText"] == "Bonjour {user}, vous avez %d nouveaux messages"


def test_fuzzy_match_uses_the_indel_ratio_and_the_threshold(tenant: Tenant) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    found = search(tenant, "Are you sure you want to delete this folder?")
    assert found and found[0]["sourceText"] == "Are you sure you want to delete this project?"
    assert 70 <= found[0]["similarity"] <= 98
    similarity = found[0]["similarity"]
    assert search(tenant, "Are you sure you want to delete this folder?", minSimilarity=similarity + 1) == []
    assert search(tenant, "Completely unrelated words here") == []


def test_limit_and_best_first(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    approved(tenant, project_id, {f"Export report number {i}": f"Exporter le rapport {i}" for i in range(1, 8)})
    found = search(tenant, "Export report number 1", limit=3)
    assert len(found) == 3 and found[0]["similarity"] == 100
    assert [m["similarity"] for m in found] == sorted((m["similarity"] for m in found), reverse=True)


def test_language_pairs_do_not_mix(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    approved(tenant, project_id, {"Welcome to Entri": "Willkommen bei Entri"}, language="de")
    assert search(tenant, "Welcome to Entri", target="fr") == []
    assert [m["targetText"] for m in search(tenant, "Welcome to Entri", target="de")] == ["Willkommen bei Entri"]
    assert search(tenant, "Welcome to Entri", source="fr", target="de") == []


def test_human_ranks_above_ai_at_equal_similarity(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    ai_key = add_key(tenant, project_id, "a", "Open the file")
    put(tenant, project_id, ai_key, "fr", value="Ouvre le fichier", source="ai")
    human_key = add_key(tenant, project_id, "b", "Open the file")
    put(tenant, project_id, human_key, "fr", value="Ouvrir le fichier", status="approved")
    found = search(tenant, "Open the file")
    assert [(m["targetText"], m["origin"], m["similarity"]) for m in found] == [
        ("Ouvrir le fichier", "human", 100),
        ("Ouvre le fichier", "ai", 100),
    ]
    fuzzy = search(tenant, "Open the files")
    assert [m["origin"] for m in fuzzy] == ["human", "ai"] and fuzzy[0]["similarity"] == fuzzy[1]["similarity"]


def test_another_organization_sees_nothing(tenant: Tenant, database: Any, app_client: Any) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    other = _other_tenant(database, app_client)
    assert search(other, "Welcome to Entri") == []
    assert other.client.get("/api/organizations/current/tm", headers=other.headers).json()["meta"]["total"] == 0
    entry_id = search(tenant, "Welcome to Entri")[0]["_id"]
    url = f"/api/organizations/current/tm/{entry_id}"
    assert other.client.delete(url, headers=other.headers).status_code == 404
    theirs = f"/api/organizations/{tenant.organization_id}/tm/search"
    params = {"sourceText": "Welcome", "sourceLang": "en", "targetLang": "fr"}
    assert other.client.get(theirs, params=params, headers=other.headers).status_code == 404


def _other_tenant(database: Any, app_client: Any) -> Tenant:
    from entri.core.permissions import Role
    from entri.organizations import service as orgs
    from tests.conftest import _add_member

    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Globex")
        session.commit()
        org_id = org.id
    return Tenant(
        database=database, client=app_client, organization_id=org_id, owner=_add_member(database, org_id, Role.OWNER)
    )


def test_delete_needs_an_admin_and_removes_the_entry_from_search(tenant: Tenant) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    entry_id = search(tenant, "Settings")[0]["_id"]
    url = f"/api/organizations/current/tm/{entry_id}"
    translator = tenant.member("translator")
    assert tenant.client.delete(url, headers=translator.headers).status_code == 403
    assert tenant.client.delete(url, headers=tenant.headers).status_code == 204
    assert search(tenant, "Settings") == []
    assert tenant.client.delete(url, headers=tenant.headers).status_code == 404


def test_browse_filters_and_paging(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    approved(tenant, project_id, PAIRS)
    approved(tenant, project_id, {"Welcome to Entri": "Willkommen bei Entri"}, language="de")
    client, headers = tenant.client, tenant.headers
    page = client.get("/api/organizations/current/tm", params={"limit": 2, "page": 2}, headers=headers).json()
    assert page["meta"] == {"page": 2, "limit": 2, "total": 6, "totalPages": 3} and len(page["data"]) == 2
    de = client.get("/api/organizations/current/tm", params={"targetLang": "de"}, headers=headers).json()
    assert [e["targetText"] for e in de["data"]] == ["Willkommen bei Entri"]
    q = client.get("/api/organizations/current/tm", params={"q": "supprimer"}, headers=headers).json()
    assert sorted(e["sourceText"] for e in q["data"]) == [
        "Are you sure you want to delete this project?",
        "Delete this file?",
    ]
    literal = client.get("/api/organizations/current/tm", params={"q": "100%_"}, headers=headers).json()
    assert literal["meta"]["total"] == 0
    bad = client.get("/api/organizations/current/tm", params={"sourceLang": "not a language"}, headers=headers)
    assert bad.status_code == 400


def test_search_validates_its_parameters(tenant: Tenant) -> None:
    url = "/api/organizations/current/tm/search"
    base = {"sourceText": "Hi", "sourceLang": "en", "targetLang": "fr"}
    for extra in ({"minSimilarity": 101}, {"limit": 0}, {"targetLang": "??"}):
        assert tenant.client.get(url, params={**base, **extra}, headers=tenant.headers).status_code == 400
    assert tenant.client.get(url, params={"sourceText": "Hi"}, headers=tenant.headers).status_code == 400


def test_normalization_and_substitution_units() -> None:
    assert normalized("  Hello   {name}\n%s  ") == "Hello {} {}"
    assert normalized("{{count}} items, %(n)d left, %1$s") == "{} items, {} left, {}"
    assert substitute("Bonjour {user} ({user})", "Hello {user} ({user})", "Hello {name} ({name})") == (
        "Bonjour {name} ({name})"
    )
    # One entry placeholder mapped to two query placeholders: ambiguous, left as it is.
    assert substitute("{a} et {a}", "{a} and {a}", "{x} and {y}") == "{a} et {a}"


def test_ai_results_saved_by_the_write_path_are_found(tenant: Tenant) -> None:
    project_id = str(tenant.project()["_id"])
    with tenant.database.session(write=True) as session:
        project = session.get(Project, project_id)
        assert project is not None
        [ref] = keys.add_keys(session, project=project, items=[keys.KeyFields(key="cta")])
        writes = [
            Write(key=ref, language="en", value="Start your free trial"),
            Write(key=ref, language="fr", value="Commencez votre essai gratuit", source=Source.AI, ai_confidence=88),
        ]
        service.write(session, project=project, writes=writes, actor=Actor(None, "AI"), action=Action.AI)
        session.commit()
    found = search(tenant, "Start your free trial")
    assert [(m["targetText"], m["origin"]) for m in found] == [("Commencez votre essai gratuit", "ai")]
    assert Status.TRANSLATED  # AI values are captured whatever their status


def test_the_trigram_index_follows_deletes(tenant: Tenant) -> None:
    approved(tenant, str(tenant.project()["_id"]), PAIRS)
    fuzzy = search(tenant, "Delete this files?")
    assert fuzzy and fuzzy[0]["sourceText"] == "Delete this file?" and fuzzy[0]["similarity"] < 99
    url = f"/api/organizations/current/tm/{fuzzy[0]['_id']}"
    assert tenant.client.delete(url, headers=tenant.headers).status_code == 204
    assert [m["sourceText"] for m in search(tenant, "Delete this files?")] == []
    assert search(tenant, "Are you sure you want to delete this folder?")  # the others are still indexed
