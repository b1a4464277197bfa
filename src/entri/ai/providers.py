"""Providers behind one small interface: `translate(request) -> Reply`.

`openai` (official SDK; `OPENAI_BASE_URL` also reaches Azure, Ollama, vLLM, LM Studio),
`anthropic` (official SDK), `deepl` (official SDK), and the offline default `memory` (TM and
glossary only, memory_provider.py). The SDKs' own retries are off (`max_retries=0`): the AI
service and the job workers decide what to retry (errors.py). Keys are the organization's
(`Credentials`, from its settings) or else the SDKs' own environment variables; they are never
logged, returned or put in an error message.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from entri.ai import config, prompt
from entri.ai.errors import NotConfigured, PermanentError, ProviderError, RateLimited, TransientError
from entri.ai.masking import LLM_TOKEN, XML_TOKEN
from entri.ai.memory_provider import MemoryProvider
from entri.ai.reply import parse
from entri.ai.types import Reply, Request, Translated, Usage

MAX_OUTPUT_TOKENS = 8192


@dataclass(frozen=True, slots=True)
class Credentials:
    """The organization's key (and OpenAI base URL) for one provider; None = the server's."""

    key: str | None = field(default=None, repr=False)
    base_url: str | None = field(default=None, repr=False)


SERVER_CREDENTIALS = Credentials()


class Provider(Protocol):
    name: str
    token: str
    """The mask token format this provider keeps intact (masking.py)."""
    retry_alone: bool
    """Whether a string whose answer failed is worth sending again on its own (a model answers
    differently; the memory does not)."""

    def translate(self, request: Request) -> Reply: ...


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _classified(exc: Exception, provider: str) -> ProviderError:
    """An SDK exception as one of our retry classes (by HTTP status where there is one)."""
    status = getattr(exc, "status_code", None)
    response = getattr(exc, "response", None)
    if status is None and response is not None:
        status = getattr(response, "status_code", None)
    name = type(exc).__name__
    if status in (429, 503, 529):
        headers = getattr(response, "headers", None)
        return RateLimited(f"{provider} is rate limiting or overloaded (HTTP {status})", _retry_after(headers))
    if status in (401, 403):
        return PermanentError(f"{provider} refused the credentials (HTTP {status})")
    if status in (400, 404, 413, 422):
        return PermanentError(f"{provider} refused the request (HTTP {status}: {name})")
    if status == 402 or "Quota" in name:
        return PermanentError(f"{provider} quota exceeded")
    return TransientError(f"{provider} request failed ({name}{f', HTTP {status}' if status else ''})")


class OpenAIProvider:
    name = "openai"
    token = LLM_TOKEN
    retry_alone = True

    def __init__(self, credentials: Credentials = SERVER_CREDENTIALS) -> None:
        import openai

        key = credentials.key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise NotConfigured("OpenAI is not configured (OPENAI_API_KEY)")
        self._errors: tuple[type[Exception], ...] = (openai.OpenAIError,)
        # Without a base URL of the organization's: the SDK's own (OPENAI_BASE_URL, else OpenAI's).
        self._client = openai.OpenAI(
            api_key=key, base_url=credentials.base_url, max_retries=0, timeout=config.timeout_seconds()
        )

    def translate(self, request: Request) -> Reply:
        try:
            completion = self._client.chat.completions.create(
                model=request.model,
                messages=[
                    {"role": "system", "content": prompt.system_prompt(request)},
                    {"role": "user", "content": prompt.user_prompt(request)},
                ],
                response_format={"type": "json_object"},
            )
        except self._errors as exc:
            raise _classified(exc, self.name) from None
        content = (completion.choices[0].message.content or "") if completion.choices else ""
        usage = completion.usage
        used = Usage(usage.prompt_tokens, usage.completion_tokens) if usage is not None else Usage()
        return parse(content, [i.id for i in request.items], model=completion.model or request.model, usage=used)


class AnthropicProvider:
    name = "anthropic"
    token = LLM_TOKEN
    retry_alone = True

    def __init__(self, credentials: Credentials = SERVER_CREDENTIALS) -> None:
        import anthropic

        key = credentials.key or os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            raise NotConfigured("Anthropic is not configured (ANTHROPIC_API_KEY)")
        self._errors: tuple[type[Exception], ...] = (anthropic.AnthropicError,)
        self._client = anthropic.Anthropic(api_key=key, max_retries=0, timeout=config.timeout_seconds())

    def translate(self, request: Request) -> Reply:
        try:
            message = self._client.messages.create(
                model=request.model,
                max_tokens=MAX_OUTPUT_TOKENS,
                system=prompt.system_prompt(request),
                messages=[{"role": "user", "content": prompt.user_prompt(request)}],
            )
        except self._errors as exc:
            raise _classified(exc, self.name) from None
        text = "".join(getattr(block, "text", "") for block in message.content)
        used = Usage(message.usage.input_tokens, message.usage.output_tokens)
        return parse(text, [i.id for i in request.items], model=message.model or request.model, usage=used)


class DeepLProvider:
    """DeepL translates text, not JSON: each string (or plural form) is one text of a
    `translate_text` call, masked with XML tags it keeps (`tag_handling="xml"`). It reports no
    confidence (None) and no token usage (characters are its unit: counted as output tokens/4)."""

    name = "deepl"
    token = XML_TOKEN
    retry_alone = True

    def __init__(self, credentials: Credentials = SERVER_CREDENTIALS) -> None:
        import deepl

        key = credentials.key or os.environ.get("DEEPL_AUTH_KEY")
        if not key:
            raise NotConfigured("DeepL is not configured (DEEPL_AUTH_KEY)")
        self._errors: tuple[type[Exception], ...] = (deepl.DeepLException,)
        server = os.environ.get("DEEPL_SERVER_URL") or None
        # The SDK's retries and timeout are module settings: ours decide (errors.py), as for the others.
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = config.timeout_seconds()
        self._client = deepl.Translator(key, server_url=server, send_platform_info=False)
        self._client.set_app_info("entri", "0.1")

    def translate(self, request: Request) -> Reply:
        texts: list[str] = []
        owners: list[tuple[str, str | None]] = []
        for item in request.items:
            if item.forms is not None:
                for category in item.categories or ("other",):
                    texts.append(item.forms.get(category) or item.forms.get("other") or item.text)
                    owners.append((item.id, category))
            else:
                texts.append(item.text)
                owners.append((item.id, None))
        try:
            results = self._client.translate_text(
                texts,
                source_lang=_deepl_source(request.source_language),
                target_lang=_deepl_target(request.target_language),
                tag_handling="xml",
                ignore_tags=["x"],
            )
        except self._errors as exc:
            raise _classified(exc, self.name) from None
        found: list[Any] = results if isinstance(results, list) else [results]
        reply = Reply(model="deepl", usage=Usage(0, sum(len(t) for t in texts) // 4))
        forms: dict[str, dict[str, str]] = {}
        for (item_id, form), result in zip(owners, found, strict=True):
            if form is None:
                reply.texts[item_id] = Translated(result.text)
            else:
                forms.setdefault(item_id, {})[form] = result.text
        for item_id, item_forms in forms.items():
            reply.texts[item_id] = Translated(item_forms.get("other"), item_forms)
        return reply


def _deepl_source(language: str) -> str:
    return language.split("-")[0].upper()


def _deepl_target(language: str) -> str:
    """DeepL wants EN-GB/EN-US and PT-BR/PT-PT; other languages by their base code."""
    upper = language.upper()
    if upper in ("EN", "EN-GB", "EN-US", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT"):
        return {"EN": "EN-US", "ZH-HANS": "ZH", "ZH-HANT": "ZH-HANT"}.get(upper, upper)
    if upper == "PT":
        return "PT-PT"
    return upper.split("-")[0]


FACTORIES: dict[str, Callable[[Credentials], Provider]] = {
    "openai": OpenAIProvider,
    "anthropic": AnthropicProvider,
    "deepl": DeepLProvider,
    "memory": MemoryProvider,
}
_SETTINGS = {
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "deepl": ("DEEPL_AUTH_KEY", "DEEPL_SERVER_URL"),
    "memory": (),
}
_CACHE: dict[tuple[str, tuple[str | None, ...], float], Provider] = {}
"""Keyed by the key values themselves: in memory only, never logged."""
_CACHE_LOCK = threading.Lock()
_CACHED = 16


def provider(name: str, credentials: Credentials = SERVER_CREDENTIALS) -> Provider:
    """The provider `name` with `credentials` (the organization's, else the server's), built
    once per configuration and shared by every call and thread of this process: an SDK client
    costs ~50 ms to build and keeps its connection pool (the SDKs' HTTP clients are
    thread-safe). A changed key, base URL or timeout builds a new one."""
    server = tuple(os.environ.get(v) for v in _SETTINGS.get(name, ()))
    fingerprint = (name, (credentials.key, credentials.base_url, *server), config.timeout_seconds())
    with _CACHE_LOCK:
        found = _CACHE.get(fingerprint)
    if found is not None:
        return found
    built = FACTORIES[name](credentials)
    with _CACHE_LOCK:
        found = _CACHE.setdefault(fingerprint, built)
        while len(_CACHE) > _CACHED:
            _CACHE.pop(next(iter(_CACHE)))
    return found
