"""AI routes through HTTP against a fake provider on 127.0.0.1: the real OpenAI, Anthropic and
DeepL SDKs run. Nothing failing an error-level check is ever saved; every string is accounted for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.ai.fake_llm import fake_provider
from tests.ai.helpers import run_jobs as _run_jobs
from tests.ai.helpers import translations as _translations
from tests.errors import assert_error


@pytest.fixture
def project(tenant: Any, client: Any) -> dict[str, Any]:
    project = tenant.project(targetLanguages=["fr", "ru"])
    pid = project["_id"]
    keys = {}
    for name, value in (("greeting", "Hello {name}"), ("inbox", "You have %d messages"), ("title", "Settings")):
        r = client.post(f"/api/projects/{pid}/keys", json={"key": name, "sourceValue": value}, headers=tenant.headers)
        assert r.status_code == 201, r.text
        keys[name] = r.json()["_id"]
    return {"id": pid, "keys": keys}


def test_status_lists_configured_providers_only(tenant, client, project, openai_fake):
    r = client.get(f"/api/projects/{project['id']}/ai/status", headers=tenant.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["configured"] is True and body["availableProviders"] == ["openai", "memory"]
    assert (body["provider"], body["model"], body["message"]) == ("openai", "gpt-4o-mini", None)
    assert {m["provider"] for m in body["availableModels"]} == {"openai", "memory"}
    assert body["availableModels"][-1]["id"] == "memory"  # the offline provider needs no key
    assert "sk-test-secret-key" not in r.text


def test_single_translate_suggests_without_saving_unless_asked(tenant, client, project, openai_fake):
    url = f"/api/projects/{project['id']}/ai/translate"
    body = {"keyId": project["keys"]["greeting"], "targetLanguage": "fr", "model": "gpt-4o-mini"}
    r = client.post(url, json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["value"], out["confidence"], out["saved"], out["model"]) == (
        "FR: Hello {name}",
        88,
        False,
        "gpt-4o-mini",
    )
    assert out["alternatives"] == [{"value": "FR: Hello {name} (alt)", "confidence": 60}]
    assert _translations(client, tenant, project["id"], "fr")["greeting"]["version"] == 0
    # The masked text went to the provider, not the placeholder itself.
    sent = openai_fake.calls[-1]["body"]
    assert "⟦1⟧" in sent and "{name}" not in sent
    saved = client.post(url, json={**body, "save": True}, headers=tenant.headers)
    assert saved.json()["saved"] is True
    row = _translations(client, tenant, project["id"], "fr")["greeting"]
    assert (row["value"], row["source"], row["status"], row["aiConfidence"]) == (
        "FR: Hello {name}",
        "ai",
        "translated",
        88,
    )
    history = client.get(
        f"/api/projects/{project['id']}/keys/{project['keys']['greeting']}/translations/fr/history",
        headers=tenant.headers,
    ).json()
    assert history[0]["action"] == "ai"
    receipt = history[0]["receipt"]
    assert receipt["model"] == "gpt-4o-mini" and receipt["tokens"] == {"input": 100, "output": 20}


def test_a_reply_that_loses_placeholders_is_retried_then_failed_and_never_saved(tenant, client, project, openai_fake):
    openai_fake.mode = "drop-tokens"
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "model": "gpt-4o-mini"},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    by_key = {i["keyId"]: i for i in body["items"]}
    assert by_key[project["keys"]["greeting"]]["status"] == "failed"
    assert "placeholders" in by_key[project["keys"]["greeting"]]["reason"]
    assert by_key[project["keys"]["title"]]["status"] == "translated"  # no placeholder to lose
    assert (body["translated"], body["failed"], body["saved"]) == (1, 2, 1)
    rows = _translations(client, tenant, project["id"], "fr")
    assert rows["greeting"]["version"] == 0 and rows["inbox"]["version"] == 0
    assert len(openai_fake.calls) == 3  # one batch, then each failing string alone once


def test_a_reply_fixed_on_retry_is_saved(tenant, client, project, openai_fake):
    openai_fake.mode = "bad-first"
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "keyIds": [project["keys"]["greeting"]]},
        headers=tenant.headers,
    )
    assert r.json()["translated"] == 1, r.text
    assert _translations(client, tenant, project["id"], "fr")["greeting"]["value"] == "FR: Hello {name}"


@pytest.mark.parametrize("mode", ["fenced", "drop-id", "dup-id", "429-once"])
def test_misbehaving_replies_account_for_every_string(tenant, client, project, openai_fake, mode):
    openai_fake.mode = mode
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch",
        json={"targetLanguages": ["fr", "ru"]},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 6 and body["translated"] + body["failed"] + body["skipped"] == 6
    assert body["translated"] == 6, body  # a retried string alone comes back right from this fake
    assert all(row["value"].startswith("FR: ") for row in _translations(client, tenant, project["id"], "ru").values())


def test_renamed_placeholders_are_refused(tenant, client, project, openai_fake):
    openai_fake.mode = "rename"
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate",
        json={"keyId": project["keys"]["greeting"], "targetLanguage": "fr", "save": True},
        headers=tenant.headers,
    )
    body = assert_error(r, 502)
    assert "placeholders" in str(body["message"])
    assert _translations(client, tenant, project["id"], "fr")["greeting"]["version"] == 0


def test_a_human_value_is_kept_unless_overwrite(tenant, client, project, openai_fake):
    pid, key = project["id"], project["keys"]["title"]
    client.put(f"/api/projects/{pid}/keys/{key}/translations/fr", json={"value": "Réglages"}, headers=tenant.headers)
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "keyIds": [key]},
        headers=tenant.headers,
    )
    assert r.json()["skipped"] == 1 and r.json()["saved"] == 0
    assert _translations(client, tenant, pid, "fr")["title"]["value"] == "Réglages"
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "keyIds": [key], "overwrite": True},
        headers=tenant.headers,
    )
    assert r.json()["saved"] == 1
    assert _translations(client, tenant, pid, "fr")["title"]["value"] == "FR: Settings"


def test_provider_errors_are_reasons_not_500s(tenant, client, project, openai_fake):
    openai_fake.mode = "401"
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    )
    assert r.status_code == 200
    assert {i["reason"] for i in r.json()["items"]} == {"openai refused the credentials (HTTP 401)"}
    assert "sk-test" not in r.text
    single = client.post(
        f"/api/projects/{project['id']}/ai/translate",
        json={"keyId": project["keys"]["title"], "targetLanguage": "fr"},
        headers=tenant.headers,
    )
    assert_error(single, 502)


def test_bad_requests(tenant, client, project, openai_fake, monkeypatch):
    pid = project["id"]
    assert_error(
        client.post(
            f"/api/projects/{pid}/ai/translate/batch", json={"targetLanguages": ["de"]}, headers=tenant.headers
        ),
        400,
    )
    assert_error(
        client.post(
            f"/api/projects/{pid}/ai/translate/batch",
            json={"targetLanguages": ["fr"], "keyIds": ["key_nope"]},
            headers=tenant.headers,
        ),
        400,
    )
    assert_error(
        client.post(
            f"/api/projects/{pid}/ai/translate",
            json={"keyId": project["keys"]["title"], "targetLanguage": "fr", "model": "gpt-9"},
            headers=tenant.headers,
        ),
        400,
    )
    viewer = tenant.member("viewer")
    assert_error(
        client.post(
            f"/api/projects/{pid}/ai/translate/batch", json={"targetLanguages": ["fr"]}, headers=viewer.headers
        ),
        403,
    )
    monkeypatch.delenv("OPENAI_API_KEY")
    # A model named explicitly is never replaced by the memory provider behind the caller's back.
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch",
        json={"targetLanguages": ["fr"], "model": "gpt-4o-mini"},
        headers=tenant.headers,
    )
    assert "not configured" in assert_error(r, 400)["message"][0]


@pytest.mark.parametrize("provider", ["anthropic", "deepl"])
def test_anthropic_and_deepl_sdks_work_the_same_way(tenant, client, project, monkeypatch, provider):
    with fake_provider() as (url, _behaviour):
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        monkeypatch.delenv("ENTRI_AI_MODEL", raising=False)
        if provider == "anthropic":
            monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
            monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        else:
            monkeypatch.setenv("DEEPL_AUTH_KEY", "test:fx")
            monkeypatch.setenv("DEEPL_SERVER_URL", url)
        r = client.post(
            f"/api/projects/{project['id']}/ai/translate/batch",
            json={"targetLanguages": ["fr"], "keyIds": [project["keys"]["greeting"], project["keys"]["inbox"]]},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        assert r.json()["translated"] == 2, r.json()
        rows = _translations(client, tenant, project["id"], "fr")
        assert rows["greeting"]["value"] == "FR: Hello {name}"
        assert rows["inbox"]["value"] == "FR: You have %d messages"


def test_async_batch_runs_as_a_job_with_progress_and_final_state(tenant, client, project, openai_fake):
    pid = project["id"]
    openai_fake.mode = "drop-tokens"
    r = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr", "ru"]}, headers=tenant.headers
    )
    assert r.status_code == 202, r.text
    job_id, total = r.json()["jobId"], r.json()["total"]
    assert total == 6
    queued = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert (queued["status"], queued["processed"], queued["total"]) == ("queued", 0, 6)
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert (state["status"], state["translated"], state["failed"], state["processed"]) == ("partially_failed", 2, 4, 6)
    assert all(r["version"] == 0 for k, r in _translations(client, tenant, pid, "fr").items() if k != "title")
    assert _translations(client, tenant, pid, "ru")["title"]["source"] == "ai"
    with client.stream("GET", f"/api/projects/{pid}/ai/translate/batch/stream/{job_id}", headers=tenant.headers) as s:
        text = "".join(s.iter_text())
    assert "event: done" in text and "partially_failed" in text
    # Running it again is safe: translated keys are skipped, nothing is sent twice.
    calls = len(openai_fake.calls)
    openai_fake.mode = "good"
    again = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["ru"]}, headers=tenant.headers
    ).json()
    assert again["total"] == 2  # only the two still untranslated in ru
    _run_jobs(tenant)
    assert (
        client.get(f"/api/projects/{pid}/ai/jobs/{again['jobId']}", headers=tenant.headers).json()["status"]
        == "succeeded"
    )
    assert len(openai_fake.calls) == calls + 1


def test_a_cancelled_job_saves_nothing_more(tenant, client, project, openai_fake):
    pid = project["id"]
    job_id = client.post(
        f"/api/projects/{pid}/ai/translate/batch/start", json={"targetLanguages": ["fr"]}, headers=tenant.headers
    ).json()["jobId"]
    r = client.post(f"/api/projects/{pid}/ai/translate/batch/cancel/{job_id}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    _run_jobs(tenant)
    state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}", headers=tenant.headers).json()
    assert state["status"] == "cancelled" and state["translated"] == 0
    assert openai_fake.calls == []
    other = tenant.project()["_id"]
    assert_error(client.get(f"/api/projects/{other}/ai/jobs/{job_id}", headers=tenant.headers), 404)


def test_glossary_terms_reach_the_prompt_and_the_receipt(tenant, client, project, openai_fake):
    from tests.glossary.helpers import add_term, make_glossary

    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="Settings", translations={"fr": "Paramètres"})
    pid, key = project["id"], project["keys"]["title"]
    r = client.post(
        f"/api/projects/{pid}/ai/translate",
        json={"keyId": key, "targetLanguage": "fr", "save": True},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text  # the fake ignores the term: a `glossary` warning, not an error
    assert "glossary" in [c["id"] for c in r.json()["checks"]]
    request = json.loads(openai_fake.calls[0]["body"])
    strings = json.loads(request["messages"][1]["content"])["strings"]
    assert strings[0]["glossary"] == [
        {"term": "Settings", "translation": "Paramètres", "doNotTranslate": False, "forbidden": False}
    ]
    history = client.get(f"/api/projects/{pid}/keys/{key}/translations/fr/history", headers=tenant.headers).json()
    assert history[0]["receipt"]["glossary"] == ["Settings"]


def test_translation_memory_matches_reach_the_prompt(tenant, client, project, openai_fake):
    pid = project["id"]
    other = client.post(
        f"/api/projects/{pid}/keys", json={"key": "hi", "sourceValue": "Hello {user}"}, headers=tenant.headers
    ).json()["_id"]
    r = client.put(
        f"/api/projects/{pid}/keys/{other}/translations/fr",
        json={"value": "Bonjour {user}", "status": "approved"},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/projects/{pid}/ai/translate",
        json={"keyId": project["keys"]["greeting"], "targetLanguage": "fr"},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    strings = json.loads(json.loads(openai_fake.calls[0]["body"])["messages"][1]["content"])["strings"]
    assert strings[0]["translationMemory"][0] == {
        "source": "Hello {user}",
        "target": "Bonjour {name}",
        "similarity": 99,
    }


def test_project_instructions_reach_the_prompt(tenant, client, project, openai_fake):
    pid = project["id"]
    r = client.patch(
        f"/api/projects/{pid}",
        json={"settings": {"ai": {"instructions": "Tutoie l'utilisateur"}}},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    assert_error(
        client.patch(f"/api/projects/{pid}", json={"settings": {"ai": {"tone": 1}}}, headers=tenant.headers), 400
    )
    client.post(
        f"/api/projects/{pid}/ai/translate",
        json={"keyId": project["keys"]["title"], "targetLanguage": "fr"},
        headers=tenant.headers,
    )
    document = json.loads(json.loads(openai_fake.calls[0]["body"])["messages"][1]["content"])
    assert document["instructions"] == "Tutoie l'utilisateur"


def test_an_async_batch_takes_every_untranslated_key_past_the_synchronous_limit(
    tenant, client, project, openai_fake, monkeypatch
):
    from entri.ai import service

    monkeypatch.setattr(service, "MAX_SYNC_PAIRS", 1)
    r = client.post(
        f"/api/projects/{project['id']}/ai/translate/batch/start",
        json={"targetLanguages": ["fr"]},
        headers=tenant.headers,
    )
    assert r.json()["total"] == 3, r.text  # the job is not cut at the synchronous batch's size
