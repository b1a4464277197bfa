"""An organization's settings: what each one may hold, how a PATCH changes them, what a reader
sees (docs/settings.md).

Stored as one JSON object on the organization. A PATCH merges into it key by key
(core/settings_merge.py); each field the PATCH names is validated (and normalized) on its own,
so a value stored by an older version never blocks an unrelated change. Every problem is a 400
naming the field; nothing is written unless every field is valid.

Provider keys (`anthropicApiKey`, `openaiApiKey`, `deeplApiKey`) and `openaiBaseUrl` are
write-only: stored as `{"encrypted": <Fernet token>, "preview": "sk-…abcd"}` (core/crypto.py)
and shown as their preview only. Their values never appear in an error message, an event or a
log line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from entri.ai import catalog
from entri.checks import settings as check_settings
from entri.core.crypto import SecretBox, Unreadable
from entri.core.errors import BadRequest
from entri.core.languages import InvalidLanguage, normalize_language
from entri.core.settings_merge import merged
from entri.core.text import storable

WORKFLOWS = ("translate-only", "translate-then-review", "translate-review-approve")
AI_PROVIDERS: tuple[str, ...] = tuple(dict.fromkeys((*catalog.PROVIDERS, "memory")))
"""The catalog's providers, and `memory` (translation memory and glossary only, no LLM)."""
KEY_FIELDS = {"anthropicApiKey": "anthropic", "openaiApiKey": "openai", "deeplApiKey": "deepl"}
SECRET_FIELDS = (*KEY_FIELDS, "openaiBaseUrl")
TM_FIELDS = ("captureApproved", "captureAi", "captureImport")
MIN_CONCURRENCY, MAX_CONCURRENCY = 1, 32
MAX_TONE = 5000
MAX_MODEL = 200
MAX_KEY = 1000
MAX_URL = 2000

DEFAULTS: dict[str, Any] = {
    "defaultSourceLanguage": "en",
    "defaultTranslationWorkflow": "translate-then-review",
    "aiConcurrency": 4,
    "tm": dict.fromkeys(TM_FIELDS, True),
}
"""What a field that was never set reads as. These fields cannot be null."""
NULLABLE = frozenset({"aiProvider", "aiModel", "toneInstructions", "checks", *SECRET_FIELDS})
"""`null` clears these (back to the server's default, or nothing); for any other field it is a 400."""

Problem = str
Check = Callable[[Any], tuple[Any, Problem | None]]
"""A field's validator: (the value to store, None) or (None, what is wrong, without the field name)."""


def _language(value: Any) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return None, "must be a string"
    try:
        return normalize_language(value), None
    except InvalidLanguage as exc:
        return None, str(exc)


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> tuple[Any, Problem | None]:
        if value not in choices:
            return None, f"must be one of {', '.join(choices)}"
        return value, None

    return check


def _text(limit: int) -> Check:
    def check(value: Any) -> tuple[Any, Problem | None]:
        if not isinstance(value, str):
            return None, "must be a string"
        if len(value) > limit:
            return None, f"must be at most {limit} characters"
        if not storable(value):
            return None, "must not contain NUL characters or unpaired surrogates"
        return value, None

    return check


def _model(value: Any) -> tuple[Any, Problem | None]:
    if not isinstance(value, str) or not value.strip():
        return None, "must be a non-empty string"
    if len(value) > MAX_MODEL or not storable(value) or value != value.strip():
        return None, f"must be a model id of at most {MAX_MODEL} characters, without surrounding spaces"
    return value, None


def _concurrency(value: Any) -> tuple[Any, Problem | None]:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_CONCURRENCY <= value <= MAX_CONCURRENCY:
        return None, f"must be an integer from {MIN_CONCURRENCY} to {MAX_CONCURRENCY}"
    return value, None


_KEY_TEXT = re.compile(r"^[\x21-\x7e]+$")


def _key(value: Any) -> tuple[Any, Problem | None]:
    """A provider API key: printable ASCII without spaces. Surrounding whitespace (a pasted
    newline) is dropped. The message never repeats the value."""
    if not isinstance(value, str):
        return None, "must be a string"
    value = value.strip()
    if not value or len(value) > MAX_KEY or not _KEY_TEXT.match(value):
        return None, f"must be an API key: 1 to {MAX_KEY} printable ASCII characters without spaces"
    return value, None


def _url(value: Any) -> tuple[Any, Problem | None]:
    if not isinstance(value, str):
        return None, "must be a string"
    value = value.strip()
    problem = f"must be an http:// or https:// URL of at most {MAX_URL} characters"
    if len(value) > MAX_URL or not _KEY_TEXT.match(value or " "):
        return None, problem
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return None, problem
    if parts.scheme not in ("http", "https") or not host:
        return None, problem
    return value, None


def _tm(value: Any) -> list[Problem]:
    if not isinstance(value, Mapping):
        return ["settings.tm must be an object"]
    found: list[Problem] = []
    for name, flag in value.items():
        if name not in TM_FIELDS:
            found.append(f"settings.tm: unknown field '{name}' (allowed: {', '.join(TM_FIELDS)})")
        elif flag is None:
            found.append(f"settings.tm.{name} should not be null")
        elif not isinstance(flag, bool):
            found.append(f"settings.tm.{name} must be a boolean")
    return found


CHECKS: dict[str, Check] = {
    "defaultSourceLanguage": _language,
    "defaultTranslationWorkflow": _one_of(WORKFLOWS),
    "aiProvider": _one_of(AI_PROVIDERS),
    "aiModel": _model,
    "aiConcurrency": _concurrency,
    "toneInstructions": _text(MAX_TONE),
    "anthropicApiKey": _key,
    "openaiApiKey": _key,
    "deeplApiKey": _key,
    "openaiBaseUrl": _url,
}
FIELDS = (*CHECKS, "checks", "tm")


def preview(name: str, secret: str) -> str:
    """What a reader sees of a write-only value: `sk-…abcd` for a key (nothing of a short one),
    `https://host/…` for a URL (never its path, query or credentials)."""
    if name == "openaiBaseUrl":
        parts = urlsplit(secret)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname}{port}/…"
    return f"{secret[:3]}…{secret[-4:]}" if len(secret) >= 16 else "…"


@dataclass(frozen=True)
class Applied:
    settings: dict[str, Any]
    changed: list[str]
    """Dotted paths of the settings that changed (`aiProvider`, `checks.severities.urls`)."""


def apply(stored: Mapping[str, Any] | None, patch: Mapping[str, Any], *, box: SecretBox) -> Applied:
    """`stored` with `patch` merged in, validated and with secrets encrypted; raises a 400
    listing every problem."""
    old = dict(stored or {})
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for name, value in patch.items():
        if name not in FIELDS:
            problems.append(f"settings: unknown field '{name}' (allowed: {', '.join(FIELDS)})")
        elif value is None:
            if name in NULLABLE:
                clean[name] = None
            else:
                problems.append(f"settings.{name} should not be null")
        elif name == "tm":
            found = _tm(value)
            problems += found
            clean[name] = value
        elif name == "checks":
            clean[name] = value
        else:
            normalized, problem = CHECKS[name](value)
            if problem is not None:
                joint = " " if problem.startswith("must") else ": "
                problems.append(f"settings.{name}{joint}{problem}")
            elif name in SECRET_FIELDS:
                clean[name] = {"encrypted": box.encrypt(normalized), "preview": preview(name, normalized)}
            else:
                clean[name] = normalized
    if problems:
        raise BadRequest(problems)
    new = merged(old, clean)
    if "checks" in clean and "checks" in new:
        problems += check_settings.problems(new["checks"], where="settings.checks", for_project=False)
    if {"aiProvider", "aiModel"} & clean.keys():
        problems += _model_problems(new.get("aiProvider"), new.get("aiModel"))
    if problems:
        raise BadRequest(problems)
    return Applied(settings=new, changed=_changed(old, new))


def _model_problems(provider: Any, model: Any) -> list[Problem]:
    if not isinstance(model, str):
        return []
    known = catalog.model_by_id(model)
    if known is None and provider is None:
        return [f"settings.aiModel: '{model}' is not a known model: set settings.aiProvider to use it"]
    if known is not None and provider is not None and known.provider != provider:
        return [f"settings.aiModel: '{model}' is a model of '{known.provider}', not of aiProvider '{provider}'"]
    return []


def _changed(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name in sorted(set(old) | set(new), key=str):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        path = f"{prefix}{name}"
        nested = isinstance(before, Mapping | None) and isinstance(after, Mapping | None)
        if nested and not (prefix == "" and name in SECRET_FIELDS):
            paths += _changed(before or {}, after or {}, path + ".")
        else:
            paths.append(path)
    return paths


def public(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The settings as the API shows them: defaults filled in, secrets as their preview, fields
    never set (or cleared) left out."""
    out = copy.deepcopy(DEFAULTS)
    for name, value in (stored or {}).items():
        if name in SECRET_FIELDS:
            if isinstance(value, Mapping) and isinstance(value.get("preview"), str):
                out[name] = value["preview"]
        elif name == "tm" and isinstance(value, Mapping):
            out["tm"] = {**out["tm"], **{k: v for k, v in value.items() if k in TM_FIELDS}}
        else:
            out[name] = copy.deepcopy(value)
    return out


@dataclass(frozen=True, slots=True)
class TmCapture:
    """Which writes the translation memory remembers (docs/memory.md)."""

    approved: bool = True
    """Values a person approved in Entri (origin `human`)."""
    ai: bool = True
    imported: bool = True
    """Values a file import brought in as approved/final (origin `import`)."""


def tm_capture(stored: Mapping[str, Any] | None) -> TmCapture:
    found = (stored or {}).get("tm")
    rules = found if isinstance(found, Mapping) else {}
    return TmCapture(
        approved=rules.get("captureApproved") is not False,
        ai=rules.get("captureAi") is not False,
        imported=rules.get("captureImport") is not False,
    )


@dataclass(frozen=True)
class AiSettings:
    """An organization's AI configuration. Secrets stay encrypted until asked for (`key`,
    `openai_base_url`) and never show in `repr`."""

    provider: str | None
    model: str | None
    concurrency: int
    tone: str | None
    keyed: frozenset[str]
    """Providers the organization has a key for."""
    _secrets: Mapping[str, str] = field(repr=False)
    _box: SecretBox = field(repr=False)

    def _decrypt(self, name: str) -> str | None:
        token = self._secrets.get(name)
        if token is None:
            return None
        try:
            return self._box.decrypt(token)
        except Unreadable:
            raise BadRequest(
                [
                    f"settings.{name} cannot be decrypted with this server's key (ENTRI_SECRET_KEY or "
                    "<data dir>/secret.key changed?): set it again"
                ]
            ) from None

    def key(self, provider: str) -> str | None:
        """The organization's decrypted key for `provider`, or None (use the server's)."""
        names = [name for name, p in KEY_FIELDS.items() if p == provider]
        return self._decrypt(names[0]) if names else None

    def openai_base_url(self) -> str | None:
        return self._decrypt("openaiBaseUrl")


def ai_settings(stored: Mapping[str, Any] | None, *, box: SecretBox) -> AiSettings:
    settings = stored or {}
    secrets = {
        name: str(value["encrypted"])
        for name in SECRET_FIELDS
        if isinstance(value := settings.get(name), Mapping) and isinstance(value.get("encrypted"), str)
    }
    provider, model, tone = settings.get("aiProvider"), settings.get("aiModel"), settings.get("toneInstructions")
    concurrency = settings.get("aiConcurrency")
    return AiSettings(
        provider=provider if isinstance(provider, str) else None,
        model=model if isinstance(model, str) else None,
        concurrency=concurrency if isinstance(concurrency, int) else DEFAULTS["aiConcurrency"],
        tone=tone if isinstance(tone, str) and tone else None,
        keyed=frozenset(KEY_FIELDS[name] for name in secrets if name in KEY_FIELDS),
        _secrets=secrets,
        _box=box,
    )
