"""Which models exist, which provider serves each, and which providers this server can use.

The model table is the spec's (§4.4). A provider is configured when its SDK's key variable is
set on the server (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `DEEPL_AUTH_KEY`) or the organization
has its own key for it (`Choice.keyed`, docs/settings.md). `ENTRI_AI_PROVIDER` /
`ENTRI_AI_MODEL` choose the server's default, and let an OpenAI-compatible server (Ollama,
vLLM, LM Studio via `OPENAI_BASE_URL`) use a model id that is not in the table. An
organization's `aiProvider` / `aiModel` settings win over the server's defaults.

The offline provider `memory` (TM and glossary only, memory_provider.py) needs no key: it is
always available as the model `memory`, and it is the default when no provider is configured
(or the chosen provider is `memory`). A model named explicitly whose provider is not configured
is still refused (400): asking for Claude and getting the memory would be a silent substitution.
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
PROVIDERS = ("anthropic", "openai", "deepl")


@dataclass(frozen=True, slots=True)
class Choice:
    """An organization's AI settings as the catalog needs them (no key values)."""

    provider: str | None = None
    model: str | None = None
    keyed: frozenset[str] = frozenset()
    """Providers the organization has its own key for."""


SERVER_ONLY = Choice()


def model_by_id(model_id: str) -> Model | None:
    return _BY_ID.get(model_id)


def configured_providers(org: Choice = SERVER_ONLY) -> list[str]:
    """Providers with a key, the server's or the organization's, in a stable order."""
    return [p for p in PROVIDERS if p in org.keyed or os.environ.get(_KEYS[p])]


def available_providers(org: Choice = SERVER_ONLY) -> list[str]:
    """The configured providers, then `memory` (always there: it needs no key)."""
    return [*configured_providers(org), MEMORY.provider]


def available_models(org: Choice = SERVER_ONLY) -> list[Model]:
    """The models of the available providers (memory last), with the organization's and the
    server's custom model ids (an OpenAI-compatible server's) before it."""
    providers = set(configured_providers(org))
    found = [m for m in MODELS if m.provider in providers]
    for custom, provider in ((org.model, org.provider), (os.environ.get("ENTRI_AI_MODEL"), _server_provider())):
        if custom and custom not in _BY_ID and provider in providers and all(m.id != custom for m in found):
            found.append(Model(custom, provider, custom))
    return [*found, MEMORY]


def _server_provider() -> str | None:
    return os.environ.get("ENTRI_AI_PROVIDER")


def resolve(model: str | None, preferred: str | None = None, org: Choice = SERVER_ONLY) -> Model:
    """The model a request uses: its `model`, else the project's preferred model, else the
    organization's (`aiModel`, else the default model of its `aiProvider`), else the server
    default (`ENTRI_AI_MODEL`, else the default model of `ENTRI_AI_PROVIDER` or of the first
    configured provider, else `memory`). Refused with a 400 when its provider is not configured."""
    providers = available_providers(org)
    chosen = model or preferred or org.model
    if not chosen and org.provider:
        chosen = DEFAULT_MODEL.get(org.provider)
        if chosen is None:
            raise BadRequest([f"settings.aiProvider: provider '{org.provider}' is not available on this server"])
    chosen = chosen or os.environ.get("ENTRI_AI_MODEL")
    if not chosen:
        provider = _server_provider() or providers[0]
        chosen = DEFAULT_MODEL.get(provider, "")
        if not chosen:
            raise BadRequest([f"ENTRI_AI_PROVIDER '{provider}' is unknown (known: {', '.join(DEFAULT_MODEL)})"])
    found = _BY_ID.get(chosen)
    if found is None:
        custom_provider = org.provider or _server_provider()
        if custom_provider is None or custom_provider not in _KEYS:
            known = ", ".join(m.id for m in MODELS)
            raise BadRequest([f"model '{chosen}' is unknown (known: {known}; or set the organization's aiProvider)"])
        found = Model(chosen, custom_provider, chosen)
    if found.provider not in providers:
        raise BadRequest([f"model '{found.id}' needs provider '{found.provider}', which is not configured"])
    return found
