"""Which models exist, which provider serves each, and which providers this server can use.

The model table is the spec's (§4.4). A provider is configured when its SDK's key variable is
set (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `DEEPL_AUTH_KEY`; organization keys come with the
settings issue). `ENTRI_AI_PROVIDER` / `ENTRI_AI_MODEL` choose the server's default, and let an
OpenAI-compatible server (Ollama, vLLM, LM Studio via `OPENAI_BASE_URL`) use a model id that is
not in the table.

The offline provider `memory` (TM and glossary only, memory_provider.py) needs no key: it is
always available as the model `memory`, and it is the default when no provider is configured
(or `ENTRI_AI_PROVIDER=memory`). A model named explicitly whose provider is not configured is
still refused (400): asking for Claude and getting the memory would be a silent substitution.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from entri.core.errors import BadRequest


@dataclass(frozen=True, slots=True)
class Model:
    id: str
    provider: str
    display_name: str


MODELS = (
    Model("claude-haiku-4-5", "anthropic", "Claude Haiku 4.5"),
    Model("claude-sonnet-4-6", "anthropic", "Claude Sonnet 4.6"),
    Model("claude-opus-4-6", "anthropic", "Claude Opus 4.6"),
    Model("gpt-4o-mini", "openai", "GPT-4o mini"),
    Model("gpt-4o", "openai", "GPT-4o"),
    Model("gpt-5", "openai", "GPT-5"),
    Model("gpt-5-mini", "openai", "GPT-5 mini"),
    Model("gpt-5.2", "openai", "GPT-5.2"),
    Model("deepl", "deepl", "DeepL"),
    Model("memory", "memory", "Translation memory and glossary (offline)"),
)
_BY_ID = {m.id: m for m in MODELS}
MEMORY = _BY_ID["memory"]
DEFAULT_MODEL = {"anthropic": "claude-sonnet-4-6", "openai": "gpt-4o-mini", "deepl": "deepl", "memory": "memory"}
_KEYS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "deepl": "DEEPL_AUTH_KEY"}


def configured_providers() -> list[str]:
    """Providers whose key is configured on this server, in a stable order."""
    return [p for p in ("anthropic", "openai", "deepl") if os.environ.get(_KEYS[p])]


def available_providers() -> list[str]:
    """The configured providers, then `memory` (always there: it needs no key)."""
    return [*configured_providers(), MEMORY.provider]


def available_models() -> list[Model]:
    providers = set(available_providers())
    found = [m for m in MODELS if m.provider in providers]
    custom = os.environ.get("ENTRI_AI_MODEL")
    provider = os.environ.get("ENTRI_AI_PROVIDER")
    if custom and custom not in _BY_ID and provider in providers and provider != MEMORY.provider:
        found.insert(len(found) - 1, Model(custom, provider, custom))
    return found


def resolve(model: str | None, preferred: str | None = None) -> Model:
    """The model a request uses: its `model`, else the project's preferred model, else the
    server default (`ENTRI_AI_MODEL`, else the default model of `ENTRI_AI_PROVIDER` or of the
    first configured provider, else `memory`). Refused with a 400 when its provider is not
    configured."""
    providers = available_providers()
    chosen = model or preferred or os.environ.get("ENTRI_AI_MODEL")
    if not chosen:
        default_provider = os.environ.get("ENTRI_AI_PROVIDER") or providers[0]
        chosen = DEFAULT_MODEL.get(default_provider, "")
        if not chosen:
            known = ", ".join(DEFAULT_MODEL)
            raise BadRequest([f"ENTRI_AI_PROVIDER '{default_provider}' is unknown (known: {known})"])
    found = _BY_ID.get(chosen)
    if found is None:
        provider = os.environ.get("ENTRI_AI_PROVIDER")
        if provider not in _KEYS:
            known = ", ".join(m.id for m in MODELS)
            raise BadRequest([f"model '{chosen}' is unknown (known: {known}; or set ENTRI_AI_PROVIDER)"])
        found = Model(chosen, provider, chosen)
    if found.provider not in providers:
        raise BadRequest([f"model '{found.id}' needs provider '{found.provider}', which is not configured"])
    return found
