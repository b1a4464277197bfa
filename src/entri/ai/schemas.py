"""AI request and response bodies (entri-api.md §4.4, decisions 5)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.core.schemas import LanguageCode, RequestModel, ResponseModel
from entri.jobs.schemas import _JOB, JobOut
from entri.translations.schemas import CheckOut


class ModelOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "gpt-4o-mini", "displayName": "GPT-4o mini", "provider": "openai"}]}
    )

    id: str
    displayName: str
    provider: str


_MEMORY_MODEL: dict[str, Any] = {
    "id": "memory",
    "displayName": "Translation memory and glossary (offline)",
    "provider": "memory",
}


class StatusOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "configured": True,
                    "provider": "anthropic",
                    "model": "claude-sonnet-4-6",
                    "message": None,
                    "availableProviders": ["anthropic", "memory"],
                    "availableModels": [
                        {"id": "claude-haiku-4-5", "displayName": "Claude Haiku 4.5", "provider": "anthropic"},
                        _MEMORY_MODEL,
                    ],
                },
                {
                    "configured": False,
                    "provider": "memory",
                    "model": "memory",
                    "message": "No AI provider is configured for this server (set OPENAI_API_KEY, "
                    "ANTHROPIC_API_KEY or DEEPL_AUTH_KEY): AI translation uses the offline provider "
                    "'memory', which fills only from the translation memory and the glossary. ...",
                    "availableProviders": ["memory"],
                    "availableModels": [_MEMORY_MODEL],
                },
            ]
        }
    )

    configured: bool = Field(description="Whether an AI provider (a key) is configured; `memory` needs none")
    provider: str | None = Field(
        description="The provider a request without `model` uses (`memory` when none is configured)"
    )
    model: str | None = Field(description="The model a request without `model` uses")
    message: str | None = Field(description="What the default means, when it is `memory` or unusable")
    availableProviders: list[str]
    availableModels: list[ModelOut]


class TranslateBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"keyId": "key_abc123", "targetLanguage": "fr"}]})

    keyId: str = Field(min_length=1, max_length=64)
    targetLanguage: LanguageCode
    model: str | None = Field(default=None, max_length=100)
    save: bool = Field(default=False, description="Store the suggestion (source ai, status translated)")
    overwrite: bool = Field(default=False, description="With save: replace an existing value")


class Alternative(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"value": "Page d'accueil", "confidence": 71}]})

    value: str
    confidence: int | None


class TranslateOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "key_abc123",
                    "targetLanguage": "fr",
                    "value": "Accueil",
                    "pluralForms": None,
                    "confidence": 94,
                    "alternatives": [{"value": "Page d'accueil", "confidence": 71}],
                    "model": "claude-sonnet-4-6",
                    "saved": False,
                    "checks": [],
                    "reason": None,
                }
            ]
        }
    )

    keyId: str
    targetLanguage: str
    value: str | None
    pluralForms: dict[str, str] | None
    confidence: int | None
    alternatives: list[Alternative]
    model: str
    saved: bool
    checks: list[CheckOut] = Field(description="Warning-level checks the suggestion fails (errors are never returned)")
    reason: str | None = Field(
        default=None, description="Why there is no value: the memory provider's 'no TM match' (value is then null)"
    )


class BatchBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"keyIds": ["key_abc123", "key_def456"], "targetLanguages": ["fr", "de"]}]}
    )

    keyIds: list[str] | None = Field(default=None, max_length=10_000)
    targetLanguages: list[LanguageCode] = Field(min_length=1, max_length=500)
    model: str | None = Field(default=None, max_length=100)
    overwrite: bool = False
    maxTokens: int | None = Field(
        default=None,
        ge=1,
        description="Stop starting provider calls once they used this many tokens (input + output); "
        "a job then ends cancelled with reason budget",
    )
    dryRun: bool = Field(default=False, description="Count the pairs and estimate the tokens; call no provider")


class DryRunOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"dryRun": True, "items": 240, "skipped": 3, "estimatedTokens": 61200, "model": "gpt-4o-mini"}]
        }
    )

    dryRun: bool
    items: int = Field(description="Key x language pairs that would be sent to the provider")
    skipped: int = Field(description="Pairs that would not be sent (already translated, no source text)")
    estimatedTokens: int = Field(description="Input + output tokens of the first requests, at 4 characters a token")
    model: str


class BatchItem(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "key_abc123",
                    "language": "fr",
                    "status": "translated",
                    "value": "Accueil",
                    "confidence": 92,
                    "reason": None,
                }
            ]
        }
    )

    keyId: str
    language: str
    status: str = Field(description="translated | failed | skipped (also: not sent, the maxTokens budget was spent)")
    value: str | None = None
    confidence: int | None = None
    reason: str | None = None


class BatchOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "processed": 2,
                    "total": 2,
                    "translated": 1,
                    "failed": 1,
                    "skipped": 0,
                    "saved": 1,
                    "model": "gpt-4o-mini",
                    "usage": {"inputTokens": 812, "outputTokens": 64},
                    "stopped": None,
                    "items": [
                        {
                            "keyId": "key_abc123",
                            "language": "fr",
                            "status": "translated",
                            "value": "Accueil",
                            "confidence": 92,
                            "reason": None,
                        },
                        {
                            "keyId": "key_def456",
                            "language": "fr",
                            "status": "failed",
                            "value": None,
                            "confidence": None,
                            "reason": "placeholders: missing placeholder {count}",
                        },
                    ],
                }
            ]
        }
    )

    processed: int
    total: int
    translated: int
    failed: int
    skipped: int
    saved: int
    model: str
    usage: dict[str, Any]
    stopped: str | None = Field(default=None, description="`budget` when maxTokens stopped the batch early")
    items: list[BatchItem]


class JobStarted(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"jobId": "job_abc123", "total": 240}]})

    jobId: str
    total: int


class AiJobOut(JobOut):
    """The generic job state (docs/jobs.md) plus decisions 5's `translated`."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_JOB, "kind": "ai.batch", "translated": _JOB["succeeded"]}]}
    )

    translated: int
