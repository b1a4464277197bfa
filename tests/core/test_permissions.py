"""The role matrix (spec §1.5, core/permissions.py) through HTTP, one request per role and action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.auth.browser import browser_login
from tests.conftest import Tenant

ROLES = ("owner", "admin", "developer", "translator", "reviewer", "viewer")
ERROR_KEYS = {"statusCode", "error", "message", "timestamp", "path"}


@dataclass
class World:
    """A project with one key translated into French, made by the owner's token."""

    tenant: Tenant
    client: TestClient
    project_id: str
    key_id: str

    @property
    def project(self) -> str:
        return f"/api/projects/{self.project_id}"

    @property
    def key(self) -> str:
        return f"{self.project}/keys/{self.key_id}"

    def french(self) -> dict[str, object]:
        response = self.client.get(f"{self.key}/translations", headers=self.tenant.headers)
        return next(t for t in response.json()["translations"] if t["language"] == "fr")


@pytest.fixture
def world(tenant: Tenant, client: TestClient) -> World:
    project = tenant.project(name="Matrix")
    key = client.post(
        f"/api/projects/{project['_id']}/keys", json={"key": "nav.home", "sourceValue": "Home"}, headers=tenant.headers
    )
    assert key.status_code == 201, key.text
    world = World(tenant=tenant, client=client, project_id=str(project["_id"]), key_id=key.json()["_id"])
    seeded = client.put(f"{world.key}/translations/fr", json={"value": "Accueil"}, headers=tenant.headers)
    assert seeded.status_code == 200, seeded.text
    return world


def credentials(world: World, role: str) -> dict[str, str]:
    """The owner acts through a session (fixture tokens of owners are admin tokens); others by token."""
    if role != "owner":
        return world.tenant.member(role).headers
    owner = world.tenant.owner
    csrf = browser_login(world.client, owner.email, owner.password)
    cookie = world.client.cookies["entri_session"]
    world.client.cookies.clear()
    return {"Cookie": f"entri_session={cookie}", **csrf}


def assert_forbidden(response: Response, role: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["statusCode"] == 403
    assert body["error"] == "Forbidden"
    assert body["path"] == response.request.url.path
    assert role in body["message"]


Action = Callable[[World, dict[str, str]], Response]


def create_project(w: World, h: dict[str, str]) -> Response:
    return w.client.post("/api/projects", json={"name": "New", "sourceLanguage": "en"}, headers=h)


def update_project(w: World, h: dict[str, str]) -> Response:
    return w.client.patch(w.project, json={"name": "Renamed"}, headers=h)


def add_language(w: World, h: dict[str, str]) -> Response:
    return w.client.post(f"{w.project}/languages", json={"language": "es"}, headers=h)


def create_key(w: World, h: dict[str, str]) -> Response:
    return w.client.post(f"{w.project}/keys", json={"key": "nav.new"}, headers=h)


def delete_key(w: World, h: dict[str, str]) -> Response:
    return w.client.delete(w.key, headers=h)


def upsert_translation(w: World, h: dict[str, str]) -> Response:
    return w.client.put(f"{w.key}/translations/fr", json={"value": "Page d'accueil"}, headers=h)


def approve(w: World, h: dict[str, str]) -> Response:
    return w.client.patch(f"{w.key}/translations/fr/status", json={"status": "approved"}, headers=h)


def revert(w: World, h: dict[str, str]) -> Response:
    return w.client.post(f"{w.key}/translations/fr/revert", headers=h)


def create_token(w: World, h: dict[str, str]) -> Response:
    return w.client.post("/api/organizations/current/tokens", json={"name": "t", "role": "viewer"}, headers=h)


def invite(w: World, h: dict[str, str]) -> Response:
    email = f"matrix.{w.project_id}@example.test"
    return w.client.post(
        "/api/organizations/current/members/invite", json={"email": email, "role": "viewer"}, headers=h
    )


def archive_project(w: World, h: dict[str, str]) -> Response:
    return w.client.delete(w.project, headers=h)


def unarchive_project(w: World, h: dict[str, str]) -> Response:
    return w.client.post(f"{w.project}/unarchive", headers=h)


def delete_project_permanently(w: World, h: dict[str, str]) -> Response:
    return w.client.delete(f"{w.project}/permanent", headers=h)


def remove_language(w: World, h: dict[str, str]) -> Response:
    return w.client.delete(f"{w.project}/languages/de", headers=h)


def update_key(w: World, h: dict[str, str]) -> Response:
    return w.client.patch(w.key, json={"description": "Home link"}, headers=h)


def bulk_create_keys(w: World, h: dict[str, str]) -> Response:
    return w.client.post(f"{w.project}/keys/bulk", json={"keys": [{"key": "bulk.a"}, {"key": "bulk.b"}]}, headers=h)


def bulk_update_keys(w: World, h: dict[str, str]) -> Response:
    return w.client.patch(f"{w.project}/keys/bulk", json={"keys": [{"_id": w.key_id, "tags": ["ui"]}]}, headers=h)


def bulk_delete_keys(w: World, h: dict[str, str]) -> Response:
    return w.client.request("DELETE", f"{w.project}/keys/bulk", json={"keyIds": [w.key_id]}, headers=h)


def overwrite_by_key(w: World, h: dict[str, str]) -> Response:
    body = {"translations": [{"key": "nav.home", "language": "fr", "value": "Maison"}]}
    return w.client.post(f"{w.project}/translations/overwrite", json=body, headers=h)


def import_file(w: World, h: dict[str, str]) -> Response:
    body = {"language": "fr", "format": "json-flat", "content": '{"nav.home": "Maison"}', "overwrite": True}
    return w.client.post(f"{w.project}/import", json=body, headers=h)


def export_file(w: World, h: dict[str, str]) -> Response:
    return w.client.get(f"{w.project}/export/fr", params={"format": "json-flat"}, headers=h)


MANAGERS = frozenset({"owner", "admin"})
DEVELOPERS = frozenset({"owner", "admin", "developer"})
EDITORS = frozenset({"owner", "admin", "developer", "translator"})

# action -> (expected success status, roles allowed)
MATRIX: dict[str, tuple[Action, int, frozenset[str]]] = {
    "create_project": (create_project, 201, frozenset({"owner", "admin"})),
    "update_project": (update_project, 200, frozenset({"owner", "admin"})),
    "add_language": (add_language, 201, frozenset({"owner", "admin"})),
    "create_key": (create_key, 201, frozenset({"owner", "admin", "developer"})),
    "delete_key": (delete_key, 204, frozenset({"owner", "admin", "developer"})),
    "upsert_translation": (upsert_translation, 200, frozenset({"owner", "admin", "developer", "translator"})),
    "approve": (approve, 200, frozenset({"owner", "admin", "developer", "reviewer"})),
    "create_token": (create_token, 201, frozenset({"owner", "admin"})),
    "invite_member": (invite, 201, frozenset({"owner", "admin"})),
    "archive_project": (archive_project, 200, MANAGERS),
    "unarchive_project": (unarchive_project, 200, MANAGERS),
    "delete_project_permanently": (delete_project_permanently, 204, MANAGERS),
    "remove_language": (remove_language, 200, MANAGERS),
    "update_key": (update_key, 200, DEVELOPERS),
    "bulk_create_keys": (bulk_create_keys, 201, DEVELOPERS),
    "bulk_update_keys": (bulk_update_keys, 200, DEVELOPERS),
    "bulk_delete_keys": (bulk_delete_keys, 200, DEVELOPERS),
    "overwrite_by_key": (overwrite_by_key, 200, EDITORS),
    "import_file": (import_file, 200, DEVELOPERS),
    "export_file": (export_file, 200, DEVELOPERS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_matrix(world: World, action: str, role: str) -> None:
    do, success, allowed = MATRIX[action]

    response = do(world, credentials(world, role))

    if role in allowed:
        assert response.status_code == success, f"{role} {action}: {response.text}"
    else:
        assert_forbidden(response, role)


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"owner", "admin", "developer", "translator"}))
def test_refused_upsert_changes_nothing(world: World, role: str) -> None:
    assert_forbidden(upsert_translation(world, credentials(world, role)), role)
    french = world.french()
    assert french["value"] == "Accueil"
    assert french["version"] == 1


@pytest.mark.parametrize("role", ["translator", "viewer"])
def test_refused_approval_changes_nothing(world: World, role: str) -> None:
    assert_forbidden(approve(world, credentials(world, role)), role)
    assert world.french()["status"] == "translated"


@pytest.mark.parametrize("role", ["translator", "reviewer", "viewer"])
def test_refused_key_delete_keeps_the_key(world: World, role: str) -> None:
    assert_forbidden(delete_key(world, credentials(world, role)), role)
    assert world.client.get(world.key, headers=world.tenant.headers).status_code == 200


@pytest.mark.parametrize(
    ("role", "status", "allowed"),
    [
        ("translator", "translated", True),
        ("translator", "reviewed", False),
        ("reviewer", "reviewed", True),
        ("reviewer", "translated", True),
        ("viewer", "reviewed", False),
        ("viewer", "untranslated", False),
    ],
)
def test_status_changes_by_role(world: World, role: str, status: str, allowed: bool) -> None:
    if status == "translated":  # make it a real change
        assert approve(world, world.tenant.headers).status_code == 200
    response = world.client.patch(
        f"{world.key}/translations/fr/status", json={"status": status}, headers=credentials(world, role)
    )
    if allowed:
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    else:
        assert_forbidden(response, role)


@pytest.mark.parametrize("role", ["translator", "reviewer", "viewer"])
def test_translator_and_below_cannot_set_approved_through_upsert(world: World, role: str) -> None:
    response = world.client.put(
        f"{world.key}/translations/fr",
        json={"value": "Accueil!", "status": "approved"},
        headers=credentials(world, role),
    )
    assert_forbidden(response, role)


@pytest.mark.parametrize("role", ["owner", "admin", "developer", "translator"])
def test_revert_needs_edit_rights(world: World, role: str) -> None:
    changed = world.client.put(f"{world.key}/translations/fr", json={"value": "Maison"}, headers=world.tenant.headers)
    assert changed.status_code == 200
    response = revert(world, credentials(world, role))
    assert response.status_code == 200, response.text
    assert response.json()["value"] == "Accueil"


def test_translator_revert_to_an_approved_value_comes_back_translated(world: World) -> None:
    """Reverting is no way around approval rights: the value returns, the approval does not."""
    assert approve(world, world.tenant.headers).status_code == 200
    changed = world.client.put(f"{world.key}/translations/fr", json={"value": "Maison"}, headers=world.tenant.headers)
    assert changed.status_code == 200
    history = world.client.get(f"{world.key}/translations/fr/history", headers=world.tenant.headers).json()
    approved_entry = next(h for h in history if h["status"] == "approved")
    translator = credentials(world, "translator")
    for response in (
        revert(world, translator),
        world.client.post(f"{world.key}/translations/fr/revert/{approved_entry['_id']}", headers=translator),
    ):
        assert response.status_code == 200, response.text
        assert (response.json()["value"], response.json()["status"]) == ("Accueil", "translated")
    reviewer_like = credentials(world, "developer")
    world.client.put(f"{world.key}/translations/fr", json={"value": "Maison"}, headers=world.tenant.headers)
    again = world.client.post(f"{world.key}/translations/fr/revert/{approved_entry['_id']}", headers=reviewer_like)
    assert (again.json()["value"], again.json()["status"]) == ("Accueil", "approved")


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_revert_refused_without_edit_rights(world: World, role: str) -> None:
    changed = world.client.put(f"{world.key}/translations/fr", json={"value": "Maison"}, headers=world.tenant.headers)
    assert changed.status_code == 200
    assert_forbidden(revert(world, credentials(world, role)), role)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_read(world: World, role: str) -> None:
    headers = credentials(world, role)
    reads = [
        world.project,
        "/api/projects",
        f"{world.project}/keys",
        world.key,
        f"{world.project}/translations/fr",
        f"{world.key}/translations",
        f"{world.key}/translations/fr/history",
        "/api/auth/me",
    ]
    for path in reads:
        response = world.client.get(path, headers=headers)
        assert response.status_code == 200, f"{role} GET {path}: {response.text}"
    page = world.client.get(f"{world.project}/translations/fr", headers=headers).json()
    assert [t["value"] for t in page["data"]] == ["Accueil"]
