"""The organization's AI settings win over the server's (docs/settings.md): its provider keys,
`openaiBaseUrl`, `aiProvider`/`aiModel` and tone instructions reach the real SDKs, which talk to
a fake provider on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.ai.fake_llm import Behaviour, fake_provider
from tests.ai.test_ai_routes import _run_jobs, _translations
from tests.errors import assert_error

ORG_OPENAI_KEY = "sk-org-Zk3q9VwXr2LmT8yBn4HcJ6sP-1234"
ORG_ANTHROPIC_KEY = "sk-ant-org-Qw8Er7Ty6Ui5Op4As3Df2G-5678"
SERVER_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DEEPL_AUTH_KEY", "ENTRI_AI_MODEL", "ENTRI_AI_PROVIDER")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Behaviour]]:
    """A fake provider and a server with no AI configured at all."""
    with fake_provider() as (url, behaviour):
        for name in (*SERVER_KEYS, "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        yield url, behaviour


@pytest.fixture
def project(tenant: Any, client: Any) -> dict[str, Any]:
    project = tenant.project(targetLanguages=["fr"])
    pid = project["_id"]
    keys = {}
    for name, value in (("greeting", "Hello {name}"), ("title", "Settings")):
        r = client.post(f"/api/projects/{pid}/keys", json={"key": name, "sourceValue": value}, headers=tenant.headers)
        assert r.status_code == 201, r.text
        keys[name] = r.json()["_id"]
    return {"id": pid, "keys": keys}


def _settings(tenant: Any, **settings: Any) -> None:
    r = tenant.client.patch("/api/organizations/current", json={"settings": settings}, headers=tenant.headers)
    assert r.status_code == 200, r.text


def _batch(tenant: Any, pid: str, **body: Any) -> Any:
    return tenant.client.post(
        f"/api/projects/{pid}/ai/translate/batch", json={"targetLanguages": ["fr"], **body}, headers=tenant.headers
    )


def test_the_organizations_openai_key_and_base_url_are_used(tenant, client, project, fake):
    url, behaviour = fake
    pid = project["id"]
    status = client.get(f"/api/projects/{pid}/ai/status", headers=tenant.headers).json()
    assert status["configured"] is False
    offline = _batch(tenant, pid)  # no key anywhere: the offline memory provider answers
    assert offline.status_code == 200 and offline.json()["model"] == "memory", offline.text

    _settings(tenant, openaiApiKey=ORG_OPENAI_KEY, openaiBaseUrl=url + "/v1", aiModel="gpt-4o", aiProvider="openai")
    status = client.get(f"/api/projects/{pid}/ai/status", headers=tenant.headers)
    assert status.json()["availableProviders"] == ["openai", "memory"] and ORG_OPENAI_KEY not in status.text

    r = _batch(tenant, pid)
    assert r.status_code == 200, r.text
    assert (r.json()["translated"], r.json()["model"]) == (2, "gpt-4o")
    call = behaviour.calls[-1]
    assert call["headers"]["authorization"] == f"Bearer {ORG_OPENAI_KEY}"
    assert json.loads(call["body"])["model"] == "gpt-4o"
    assert ORG_OPENAI_KEY not in r.text
    # The request's model still wins over the organization's.
    r = _batch(tenant, pid, model="gpt-4o-mini", overwrite=True)
    assert r.json()["model"] == "gpt-4o-mini", r.text


def test_organization_settings_win_over_the_server_defaults(tenant, client, project, fake, monkeypatch):
    url, behaviour = fake
    pid = project["id"]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-server-key")
    monkeypatch.setenv("OPENAI_BASE_URL", url + "/v1")
    monkeypatch.setenv("ENTRI_AI_PROVIDER", "openai")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    # Server defaults: OpenAI with the server's key.
    r = _batch(tenant, pid, keyIds=[project["keys"]["title"]])
    assert r.json()["model"] == "gpt-4o-mini", r.text
    assert behaviour.calls[-1]["headers"]["authorization"] == "Bearer sk-server-key"
    # The organization picks Anthropic with its own key, and a tone.
    _settings(tenant, aiProvider="anthropic", anthropicApiKey=ORG_ANTHROPIC_KEY, toneInstructions="Use tu, not vous")
    r = _batch(tenant, pid, keyIds=[project["keys"]["greeting"]])
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "claude-sonnet-4-6"
    call = behaviour.calls[-1]
    assert call["path"].endswith("/messages")
    sent = (call["headers"].get("x-api-key"), call["headers"].get("authorization"))  # by SDK version
    assert ORG_ANTHROPIC_KEY in sent or f"Bearer {ORG_ANTHROPIC_KEY}" in sent
    assert "Use tu, not vous" in call["body"]
    # Its own OpenAI key replaces the server's for OpenAI models.
    _settings(tenant, openaiApiKey=ORG_OPENAI_KEY)
    _batch(tenant, pid, model="gpt-4o", overwrite=True)
    assert behaviour.calls[-1]["headers"]["authorization"] == f"Bearer {ORG_OPENAI_KEY}"
    # Cleared: back to the server's key and default provider.
    _settings(tenant, openaiApiKey=None, anthropicApiKey=None, aiProvider=None)
    r = _batch(tenant, pid, overwrite=True)
    assert r.json()["model"] == "gpt-4o-mini", r.text
    assert behaviour.calls[-1]["headers"]["authorization"] == "Bearer sk-server-key"


def test_the_job_worker_uses_the_organizations_key(tenant, client, project, fake):
    url, behaviour = fake
    pid = project["id"]
    _settings(tenant, openaiApiKey=ORG_OPENAI_KEY, openaiBaseUrl=url + "/v1")
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    )
    assert r.status_code == 202, r.text
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{r.json()['jobId']}", headers=tenant.headers).json()
    assert (state["status"], state["translated"]) == ("succeeded", 2), state
    assert behaviour.calls and all(c["headers"]["authorization"] == f"Bearer {ORG_OPENAI_KEY}" for c in behaviour.calls)
    assert _translations(client, tenant, pid, "fr")["title"]["value"] == "FR: Settings"


def test_a_model_of_a_provider_without_any_key_is_refused(tenant, client, project, fake):
    url, _ = fake
    _settings(tenant, openaiApiKey=ORG_OPENAI_KEY, openaiBaseUrl=url + "/v1")
    r = _batch(tenant, project["id"], model="claude-opus-4-6")
    assert "needs provider 'anthropic'" in assert_error(r, 400)["message"][0]
