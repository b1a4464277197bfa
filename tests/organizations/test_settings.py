"""Organization settings (docs/settings.md): `GET/PATCH /api/organizations/current`, nested
partial merge, admin-only writes, a 400 naming the field for every invalid value, write-only
provider keys stored encrypted and shown masked, and the `settings.updated` event."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.core import crypto, events
from entri.core.config import Settings
from entri.core.errors import BadRequest
from entri.organizations import service as orgs
from entri.organizations import settings as org_settings
from entri.organizations.models import Organization
from tests.conftest import Tenant
from tests.errors import assert_error

ORG = "/api/organizations/current"
OPENAI_KEY = "sk-proj-Zk3q9VwXr2LmT8yBn4HcJ6sPa1DfGe7Uabcd"
ANTHROPIC_KEY = "sk-ant-api03-Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk9Lz8Xc-wxyz"


def patch(tenant: Tenant, settings: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return tenant.client.patch(ORG, json={"settings": settings}, headers=headers or tenant.headers)


def ok(tenant: Tenant, settings: dict[str, Any]) -> dict[str, Any]:
    response = patch(tenant, settings)
    assert response.status_code == 200, response.text
    return response.json()["settings"]  # type: ignore[no-any-return]


def stored(tenant: Tenant) -> dict[str, Any]:
    with tenant.database.session() as session:
        found = session.scalar(select(Organization.settings).where(Organization.id == tenant.organization_id))
    return dict(found or {})


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []

    def listen(_session: Session, batch: Sequence[events.Event]) -> None:
        seen.extend(batch)

    events.subscribe(listen)
    try:
        yield seen
    finally:
        events.unsubscribe(listen)


def test_current_and_own_id_read_the_same_organization_with_defaults(tenant: Tenant, database: Any) -> None:
    current = tenant.client.get(ORG, headers=tenant.headers)
    assert current.status_code == 200, current.text
    body = current.json()
    assert body["_id"] == tenant.organization_id
    assert body["settings"] == {
        "defaultSourceLanguage": "en",
        "defaultTranslationWorkflow": "translate-then-review",
        "aiConcurrency": 4,
        "tm": {"captureApproved": True, "captureAi": True, "captureImport": True},
    }
    by_id = tenant.client.get(f"/api/organizations/{tenant.organization_id}", headers=tenant.headers)
    assert by_id.json() == body
    own = tenant.client.patch(
        f"/api/v1/organizations/{tenant.organization_id}",
        json={"settings": {"aiConcurrency": 2}},
        headers=tenant.headers,
    )
    assert own.status_code == 200 and own.json()["settings"]["aiConcurrency"] == 2, own.text
    with database.session(write=True) as session:
        other = orgs.create_organization(session, name="Other")
        session.commit()
        other_id = other.id
    for method in ("get", "patch"):
        kwargs: dict[str, Any] = {"json": {"settings": {"toneInstructions": "x"}}} if method == "patch" else {}
        response = getattr(tenant.client, method)(f"/api/organizations/{other_id}", headers=tenant.headers, **kwargs)
        assert_error(response, 404)
    assert stored_settings_of(database, other_id) == {}


def stored_settings_of(database: Any, organization_id: str) -> dict[str, Any]:
    with database.session() as session:
        return orgs.settings_of(session, organization_id=organization_id)


def test_nested_partial_merge_keeps_what_is_not_named(tenant: Tenant) -> None:
    ok(tenant, {"tm": {"captureAi": False}, "checks": {"severities": {"urls": "error"}}, "toneInstructions": "Warm"})
    after = ok(tenant, {"tm": {"captureImport": False}, "checks": {"severities": {"max_length": "warning"}}})
    assert after["tm"] == {"captureApproved": True, "captureAi": False, "captureImport": False}
    assert after["checks"] == {"severities": {"urls": "error", "max_length": "warning"}}
    assert after["toneInstructions"] == "Warm"
    after = ok(tenant, {"defaultSourceLanguage": "pt-br", "defaultTranslationWorkflow": "translate-only"})
    assert (after["defaultSourceLanguage"], after["defaultTranslationWorkflow"]) == ("pt-BR", "translate-only")
    after = ok(tenant, {"toneInstructions": None, "aiConcurrency": 32, "aiProvider": "openai", "aiModel": "gpt-4o"})
    assert "toneInstructions" not in after and after["aiConcurrency"] == 32
    assert (after["aiProvider"], after["aiModel"]) == ("openai", "gpt-4o")
    assert ok(tenant, {"aiModel": None})["aiProvider"] == "openai"


def test_only_owners_and_admins_change_settings(tenant: Tenant) -> None:
    for role in ("developer", "translator", "reviewer", "viewer"):
        member = tenant.member(role)
        assert tenant.client.get(ORG, headers=member.headers).status_code == 200
        assert_error(patch(tenant, {"toneInstructions": "no"}, member.headers), 403)
        assert_error(patch(tenant, {"openaiApiKey": OPENAI_KEY}, member.headers), 403)
    assert "toneInstructions" not in stored(tenant) and "openaiApiKey" not in stored(tenant)
    admin = tenant.member("admin")
    assert patch(tenant, {"toneInstructions": "yes"}, admin.headers).status_code == 200


INVALID = [
    ({"defaultTranslationWorkflow": "review-everything"}, "settings.defaultTranslationWorkflow must be one of"),
    ({"defaultTranslationWorkflow": None}, "settings.defaultTranslationWorkflow should not be null"),
    ({"defaultSourceLanguage": "english"}, "settings.defaultSourceLanguage:"),
    ({"defaultSourceLanguage": 7}, "settings.defaultSourceLanguage must be a string"),
    ({"defaultSourceLanguage": None}, "settings.defaultSourceLanguage should not be null"),
    ({"aiProvider": "bard"}, "settings.aiProvider must be one of anthropic, openai, deepl, memory"),
    ({"aiModel": ""}, "settings.aiModel must be a non-empty string"),
    ({"aiModel": "my-llama"}, "settings.aiModel: 'my-llama' is not a known model"),
    ({"aiProvider": "openai", "aiModel": "claude-sonnet-4-6"}, "is a model of 'anthropic', not of aiProvider 'openai'"),
    ({"aiConcurrency": 0}, "settings.aiConcurrency must be an integer from 1 to 32"),
    ({"aiConcurrency": 33}, "settings.aiConcurrency must be an integer from 1 to 32"),
    ({"aiConcurrency": "4"}, "settings.aiConcurrency must be an integer from 1 to 32"),
    ({"aiConcurrency": True}, "settings.aiConcurrency must be an integer from 1 to 32"),
    ({"aiConcurrency": 2.5}, "settings.aiConcurrency must be an integer from 1 to 32"),
    ({"aiConcurrency": None}, "settings.aiConcurrency should not be null"),
    ({"toneInstructions": "x" * 5001}, "settings.toneInstructions must be at most 5000 characters"),
    ({"toneInstructions": ["Friendly"]}, "settings.toneInstructions must be a string"),
    ({"tm": None}, "settings.tm should not be null"),
    ({"tm": True}, "settings.tm must be an object"),
    ({"tm": {"captureAi": None}}, "settings.tm.captureAi should not be null"),
    ({"tm": {"captureAi": "no"}}, "settings.tm.captureAi must be a boolean"),
    ({"tm": {"captureEverything": True}}, "settings.tm: unknown field 'captureEverything'"),
    ({"checks": {"severities": {"urls": "fatal"}}}, "settings.checks.severities"),
    ({"checks": "strict"}, "settings.checks must be an object"),
    ({"theme": "dark"}, "settings: unknown field 'theme'"),
    ({"openaiApiKey": "sk-with a space-1234567890"}, "settings.openaiApiKey must be an API key"),
    ({"openaiApiKey": 12345}, "settings.openaiApiKey must be a string"),
    ({"anthropicApiKey": ""}, "settings.anthropicApiKey must be an API key"),
    ({"deeplApiKey": "k" * 1001}, "settings.deeplApiKey must be an API key"),
    ({"openaiBaseUrl": "ftp://llm.internal/v1"}, "settings.openaiBaseUrl must be an http:// or https:// URL"),
    ({"openaiBaseUrl": "http://:8080/v1"}, "settings.openaiBaseUrl must be an http:// or https:// URL"),
    ({"openaiBaseUrl": "http://llm:port/v1"}, "settings.openaiBaseUrl must be an http:// or https:// URL"),
]


@pytest.mark.parametrize(("given", "expected"), INVALID, ids=[str(s)[:60] for s, _ in INVALID])
def test_every_invalid_value_is_a_400_naming_the_field_and_writes_nothing(
    tenant: Tenant, given: dict[str, Any], expected: str
) -> None:
    ok(tenant, {"toneInstructions": "Before", "aiConcurrency": 3})
    before = stored(tenant)
    body = assert_error(patch(tenant, {"toneInstructions": "After", **given}), 400, ORG)
    messages = body["message"]
    assert isinstance(messages, list)
    assert any(expected in m for m in messages), messages
    assert stored(tenant) == before


def test_all_problems_are_listed_at_once(tenant: Tenant) -> None:
    body = assert_error(patch(tenant, {"aiConcurrency": 0, "aiProvider": "x", "tm": {"captureAi": 1}}), 400)
    assert len(body["message"]) == 3, body  # type: ignore[arg-type]


def test_a_provider_key_is_write_only_encrypted_and_masked(tenant: Tenant) -> None:
    shown = ok(tenant, {"openaiApiKey": f"  {OPENAI_KEY}\n", "anthropicApiKey": ANTHROPIC_KEY, "deeplApiKey": "abc:fx"})
    assert shown["openaiApiKey"] == "sk-…abcd"
    assert shown["anthropicApiKey"] == "sk-…wxyz"
    assert shown["deeplApiKey"] == "…"  # too short to show any of it
    read = tenant.client.get(ORG, headers=tenant.headers)
    for response_text in (read.text, str(shown)):
        assert OPENAI_KEY not in response_text and ANTHROPIC_KEY not in response_text and "abc:fx" not in response_text
    raw = stored(tenant)
    assert OPENAI_KEY not in str(raw) and ANTHROPIC_KEY not in str(raw)
    box = crypto.box()
    assert box.decrypt(raw["openaiApiKey"]["encrypted"]) == OPENAI_KEY  # stripped of the pasted spaces
    # null clears one key and leaves the others.
    after = ok(tenant, {"openaiApiKey": None})
    assert "openaiApiKey" not in after and after["anthropicApiKey"] == "sk-…wxyz"
    assert "openaiApiKey" not in stored(tenant)


def test_the_base_url_shows_only_its_scheme_and_host(tenant: Tenant) -> None:
    url = "https://user:pass@llm.example.com:8443/v1/deployments/secret-name?api-version=1"
    shown = ok(tenant, {"openaiBaseUrl": url})
    assert shown["openaiBaseUrl"] == "https://llm.example.com:8443/…"
    assert "secret-name" not in tenant.client.get(ORG, headers=tenant.headers).text


def test_ai_settings_decrypt_the_keys_for_the_ai_code(tenant: Tenant) -> None:
    ok(
        tenant,
        {
            "aiProvider": "openai",
            "aiModel": "gpt-4o",
            "openaiApiKey": OPENAI_KEY,
            "openaiBaseUrl": "http://127.0.0.1:9/v1",
            "aiConcurrency": 7,
            "toneInstructions": "Formal",
        },
    )
    with tenant.database.session() as session:
        ai = orgs.ai_settings(session, organization_id=tenant.organization_id)
    assert (ai.provider, ai.model, ai.concurrency, ai.tone, ai.keyed) == (
        "openai",
        "gpt-4o",
        7,
        "Formal",
        frozenset({"openai"}),
    )
    assert ai.key("openai") == OPENAI_KEY and ai.key("anthropic") is None
    assert ai.openai_base_url() == "http://127.0.0.1:9/v1"
    assert OPENAI_KEY not in repr(ai)
    # Another server key cannot read them: a clear 400 naming the setting, not a 500.
    with tenant.database.session() as session:
        other = orgs.ai_settings(
            session, organization_id=tenant.organization_id, box=crypto.SecretBox("another server key")
        )
    with pytest.raises(BadRequest) as raised:
        other.key("openai")
    assert "settings.openaiApiKey cannot be decrypted" in str(raised.value)


def test_default_ai_settings(tenant: Tenant) -> None:
    with tenant.database.session() as session:
        ai = orgs.ai_settings(session, organization_id=tenant.organization_id)
    assert (ai.provider, ai.model, ai.concurrency, ai.tone, ai.keyed) == (None, None, 4, None, frozenset())


def test_settings_updated_names_the_changed_paths_never_the_values(
    tenant: Tenant, published: list[events.Event]
) -> None:
    ok(tenant, {"tm": {"captureAi": False}, "openaiApiKey": OPENAI_KEY, "toneInstructions": "Warm"})
    [event] = [e for e in published if e.organization_id == tenant.organization_id]
    assert event.name == "settings.updated"
    assert (event.target_type, event.target_id) == ("organization", tenant.organization_id)
    assert event.data["changed"] == ["openaiApiKey", "tm.captureAi", "toneInstructions"]
    assert event.actor is not None and event.actor.token_id is not None
    assert OPENAI_KEY not in repr(event) and "Warm" not in repr(event)
    published.clear()
    ok(tenant, {"toneInstructions": "Warm"})  # no change: no event
    renamed = tenant.client.patch(ORG, json={"name": "Acme 2"}, headers=tenant.headers)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Acme 2"
    assert [e.data["changed"] for e in published] == [["name"]]


def test_keys_never_reach_the_logs(tenant: Tenant, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        ok(tenant, {"openaiApiKey": OPENAI_KEY})
        assert_error(patch(tenant, {"openaiApiKey": OPENAI_KEY + " x"}), 400)
        tenant.client.get(ORG, headers=tenant.headers)
    assert OPENAI_KEY not in caplog.text


def test_the_server_key_is_generated_once_into_the_data_dir(tmp_path: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key=None)
    first = crypto.server_key(settings)
    path = tmp_path / "data" / crypto.KEY_FILE
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert crypto.server_key(settings) == first and len(first) >= 40
    assert [p.name for p in path.parent.iterdir()] == [crypto.KEY_FILE]  # no temporary file left
    token = crypto.box(settings).encrypt("secret")
    assert crypto.SecretBox(first).decrypt(token) == "secret"
    assert crypto.server_key(Settings(data_dir=tmp_path / "data", secret_key="from env")) == "from env"


def test_processes_starting_together_agree_on_one_key(tmp_path: Any) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        keys = pool.map(_generate, [str(tmp_path / "data")] * 8)
    assert len(set(keys)) == 1


def _generate(data_dir: str) -> str:
    from pathlib import Path

    return crypto.server_key(Settings(data_dir=Path(data_dir), secret_key=None))


def test_stored_values_from_an_older_version_do_not_block_other_changes() -> None:
    box = crypto.SecretBox("k")
    applied = org_settings.apply({"aiProvider": "legacy-provider"}, {"toneInstructions": "ok"}, box=box)
    assert applied.settings == {"aiProvider": "legacy-provider", "toneInstructions": "ok"}
    assert applied.changed == ["toneInstructions"]
