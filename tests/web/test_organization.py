"""The organization's pages over HTTP: settings, members, API tokens, webhooks, activity. Each
write is checked through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.web.support import ORIGIN, sign_in

SETTINGS_FORM = {
    "name": "Acme",
    "defaultSourceLanguage": "en",
    "defaultTranslationWorkflow": "translate-review-approve",
    "aiProvider": "openai",
    "aiModel": "",
    "aiConcurrency": "6",
    "toneInstructions": "Friendly",
    "openaiApiKey": "sk-proj-abcdefghijklmnop1234",
    "tm_captureApproved": "true",
    "tm_captureImport": "true",
    "check_urls": "error",
}


def _org(tenant: Tenant) -> dict[str, Any]:
    response = tenant.client.get("/api/organizations/current", headers=tenant.headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_settings_are_saved_through_the_service_with_keys_masked(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    bad = client.post("/app/settings", data={**SETTINGS_FORM, "aiConcurrency": "99"}, headers=headers)
    assert bad.status_code == 400
    assert 'id="err-aiConcurrency">settings.aiConcurrency must be an integer from 1 to 32' in bad.text
    assert "openaiApiKey" not in _org(tenant)["settings"]  # nothing written
    saved = client.post("/app/settings", data=SETTINGS_FORM, headers=headers)
    assert saved.status_code == 200 and "Saved." in saved.text
    settings = _org(tenant)["settings"]
    assert settings["aiProvider"] == "openai" and settings["aiConcurrency"] == 6
    assert settings["defaultTranslationWorkflow"] == "translate-review-approve"
    assert settings["tm"] == {"captureApproved": True, "captureAi": False, "captureImport": True}
    assert settings["checks"] == {"severities": {"urls": "error"}}
    assert settings["openaiApiKey"] == "sk-…1234"
    page = client.get("/app/settings").text
    assert "sk-…1234" in page and "abcdefghijklmnop" not in page
    # Saving again without typing the key keeps it; the clear box removes it.
    form = {k: v for k, v in SETTINGS_FORM.items() if k != "openaiApiKey"}
    assert client.post("/app/settings", data=form, headers=headers).status_code == 200
    assert _org(tenant)["settings"]["openaiApiKey"] == "sk-…1234"
    assert client.post("/app/settings", data={**form, "clear_openaiApiKey": "true"}, headers=headers).status_code == 200
    assert "openaiApiKey" not in _org(tenant)["settings"]
    model = client.post("/app/settings", data={**form, "aiModel": "claude-sonnet-4-6"}, headers=headers)
    assert model.status_code == 400 and 'id="err-aiModel"' in model.text


def test_settings_are_read_only_for_a_viewer_and_refused_by_the_server(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.member("viewer"))
    page = client.get("/app/settings")
    assert page.status_code == 200 and "<fieldset disabled>" in page.text
    assert "Save the settings" not in page.text
    refused = client.post("/app/settings", data=SETTINGS_FORM, headers=headers)
    assert refused.status_code == 403
    assert "aiProvider" not in _org(tenant)["settings"]
    assert client.post("/app/settings", data=SETTINGS_FORM, headers={"Origin": ORIGIN}).status_code == 403


def test_members_invite_change_role_and_remove(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    invited = client.post(
        "/app/members/invite", data={"email": "noor@example.test", "role": "reviewer"}, headers=headers
    )
    assert invited.status_code == 200, invited.text
    assert "http://testserver/invite/" in invited.text and "noor@example.test" in invited.text
    again = client.post("/app/members/invite", data={"email": "noor@example.test", "role": "reviewer"}, headers=headers)
    assert again.status_code == 409 and "pending invitation" in again.text
    pending = tenant.client.get("/api/organizations/current/invitations", headers=tenant.headers).json()
    assert [i["email"] for i in pending] == ["noor@example.test"]
    member = tenant.member("translator")
    changed = client.post(f"/app/members/{member.user_id}/role", data={"role": "reviewer"}, headers=headers)
    assert changed.status_code == 200
    roles = {
        m["userId"]: m["role"]
        for m in tenant.client.get("/api/organizations/current/members", headers=tenant.headers).json()
    }
    assert roles[member.user_id] == "reviewer"
    removed = client.post(f"/app/members/{member.user_id}/remove", headers=headers)
    assert removed.status_code == 200
    listed = tenant.client.get("/api/organizations/current/members", headers=tenant.headers).json()
    assert member.user_id not in {m["userId"] for m in listed}
    assert client.post(f"/app/invitations/{pending[0]['_id']}/revoke", headers=headers).status_code == 200
    assert tenant.client.get("/api/organizations/current/invitations", headers=tenant.headers).json() == []


def test_a_translator_sees_no_member_controls_and_is_refused(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.member("translator"))
    page = client.get("/app/members")
    assert page.status_code == 200 and "Invite someone" not in page.text and "Change role" not in page.text
    refused = client.post("/app/members/invite", data={"email": "x@example.test", "role": "viewer"}, headers=headers)
    assert refused.status_code == 403
    owner = tenant.owner.user_id
    assert client.post(f"/app/members/{owner}/remove", headers=headers).status_code == 403


def test_a_token_is_shown_once_works_and_can_be_revoked(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    created = client.post(
        "/app/tokens",
        data={"name": "CI", "role": "developer", "scopes": "translations:read, keys:read"},
        headers=headers,
    )
    assert created.status_code == 200, created.text
    value = created.text.split('id="new-token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert value.startswith("entri_")
    me = tenant.client.get("/api/auth/me", headers={"X-API-Key": value})
    assert me.status_code == 200 and me.json()["role"] == "developer"
    listing = client.get("/app/tokens").text
    assert value not in listing and f"entri_…{value[-4:]}" in listing
    listed = tenant.client.get("/api/organizations/current/tokens", headers=tenant.headers).json()
    token = next(t for t in listed if t["name"] == "CI")
    assert token["scopes"] == ["translations:read", "keys:read"]
    bad = client.post("/app/tokens", data={"name": "x", "role": "developer", "scopes": "nope"}, headers=headers)
    assert bad.status_code == 400 and "invalid scope" in bad.text
    assert client.post(f"/app/tokens/{token['_id']}/revoke", headers=headers).status_code == 200
    assert tenant.client.get("/api/auth/me", headers={"X-API-Key": value}).status_code == 401


def test_tokens_are_for_admins_only(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.member("developer"))
    assert "API tokens" not in client.get("/app").text
    assert client.get("/app/tokens").status_code == 403
    refused = client.post("/app/tokens", data={"name": "x", "role": "viewer"}, headers=headers)
    assert refused.status_code == 403


def test_webhook_secret_once_delivery_log_test_and_redeliver(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    created = client.post(
        "/app/webhooks", data={"url": "https://93.184.216.34/hook", "events": "key.created"}, headers=headers
    )
    assert created.status_code == 200, created.text
    assert 'id="new-secret"' in created.text
    hooks = tenant.client.get("/api/organizations/current/webhooks", headers=tenant.headers).json()
    assert [h["events"] for h in hooks] == [["key.created"]]
    hook = hooks[0]["_id"]
    assert 'id="new-secret"' not in client.get("/app/webhooks").text
    bad = client.post("/app/webhooks", data={"url": "ftp://x", "events": "nope.event"}, headers=headers)
    assert bad.status_code == 400
    tested = client.post(f"/app/webhooks/{hook}/test", headers=headers)
    assert tested.status_code == 200 and "webhook.test" in tested.text
    log = tenant.client.get(f"/api/organizations/current/webhooks/{hook}/deliveries", headers=tenant.headers).json()
    first = log["data"][0]["_id"]
    again = client.post(f"/app/webhooks/{hook}/deliveries/{first}/redeliver", headers=headers)
    assert again.status_code == 200 and "(again)" in again.text
    log = tenant.client.get(f"/api/organizations/current/webhooks/{hook}/deliveries", headers=tenant.headers).json()
    assert log["data"][0]["redeliveryOf"] == first
    assert "Delivery log (2)" in client.get(f"/app/webhooks/{hook}").text
    viewer = sign_in(client, tenant.member("viewer"))
    assert client.get("/app/webhooks").status_code == 403
    assert client.post(f"/app/webhooks/{hook}/test", headers=viewer).status_code == 403


def test_activity_feed_with_filters(tenant: Tenant, client: TestClient) -> None:
    headers = sign_in(client, tenant.owner)
    assert client.post("/app/tokens", data={"name": "Feed", "role": "viewer"}, headers=headers).status_code == 200
    tenant.project(name="Feedproj")
    feed = client.get("/app/activity")
    assert feed.status_code == 200 and "token.created" in feed.text and "project.created" in feed.text
    only = client.get("/app/activity", params={"action": "token.*"})
    assert "token.created" in only.text and "project.created" not in only.text
    bad = client.get("/app/activity", params={"since": "yesterday"})
    assert bad.status_code == 400 and "from must be an ISO 8601 date" in bad.text
    sign_in(client, tenant.member("viewer"))
    assert client.get("/app/activity").status_code == 200
