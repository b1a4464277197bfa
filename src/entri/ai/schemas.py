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


class StatusOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "configured": True,
                    "availableProviders": ["anthropic"],
                    "availableModels": [
                        {"id": "claude-haiku-4-5", "displayName": "Claude Haiku 4.5", "provider": "anthropic"}
                    ],
                }
            ]
        }
    )

    configured: bool
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


class BatchBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"keyIds": ["key_abc123", "key_def456"], "targetLanguages": ["fr", "de"]}]}
    )

    keyIds: list[str] | None = Field(default=None, max_length=10_000)
    targetLanguages: list[LanguageCode] = Field(min_length=1, max_length=500)
    model: str | None = Field(default=None, max_length=100)
    overwrite: bool = False


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
    status: str = Field(description="translated | failed | skipped")
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
