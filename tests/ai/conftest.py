"""Fixtures of the AI tests: the fake provider (a real HTTP server on 127.0.0.1) behind the
real OpenAI SDK, with no other provider configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ai.fake_llm import Behaviour, fake_provider

PROVIDER_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "DEEPL_AUTH_KEY", "ENTRI_AI_MODEL", "ENTRI_AI_PROVIDER")


@pytest.fixture
def openai_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Behaviour]:
    with fake_provider() as (url, behaviour):
        for name in PROVIDER_ENV:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key")
        monkeypatch.setenv("OPENAI_BASE_URL", url + "/v1")
        yield behaviour
