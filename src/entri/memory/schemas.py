"""Translation-memory request and response bodies (§4.5, decisions.md 9)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from entri.core.clock import iso
from entri.core.schemas import LanguageCode, Meta, RequestModel, ResponseModel
from entri.memory.fill import DEFAULT_MIN_SIMILARITY, MAX_SYNC_ITEMS, FillResult
from entri.memory.matching import Match
from entri.memory.models import TmEntry

Origin = Literal["human", "import", "ai"]

_ENTRY: dict[str, Any] = {
    "_id": "tm_abc123",
    "sourceText": "Welcome to Entri",
    "targetText": "Bienvenue sur Entri",
    "sourceLanguage": "en",
    "targetLanguage": "fr",
    "usageCount": 14,
    "origin": "human",
    "projectId": "proj_6abc123def456",
    "keyId": "key_abc123",
    "createdAt": "2025-03-01T10:00:00.000Z",
    "updatedAt": "2025-03-04T09:12:45.318Z",
}


class TmEntryOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ENTRY]})

    id: str = Field(alias="_id")
    sourceText: str
    targetText: str
    sourceLanguage: str
    targetLanguage: str
    usageCount: int
    origin: Origin
    projectId: str | None
    keyId: str | None
    createdAt: str
    updatedAt: str


class TmMatchOut(TmEntryOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{**_ENTRY, "similarity": 100}]})

    similarity: int = Field(description="0-100: 100 exact, 99 equal but for placeholders, else rapidfuzz ratio")


class TmPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_ENTRY], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[TmEntryOut]
    meta: Meta


class FillBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"languages": ["fr", "de"], "keyIds": ["key_abc123"], "minSimilarity": 99}]}
    )

    languages: list[LanguageCode] = Field(min_length=1, max_length=200)
    keyIds: list[str] | None = Field(default=None, max_length=MAX_SYNC_ITEMS)
    minSimilarity: int = Field(default=DEFAULT_MIN_SIMILARITY, ge=0, le=100)


class FillOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"total": 120, "filled": 85, "noMatch": 33, "skipped": 2, "jobId": None}]}
    )

    total: int = Field(description="Untranslated key/language pairs considered")
    filled: int
    noMatch: int
    skipped: int = Field(description="No source text, or a value appeared meanwhile")
    jobId: str | None = Field(
        default=None,
        description="Set when more than 500 pairs: the fill runs as a `tm.fill` job (GET /projects/:id/jobs/:jobId); "
        "the counts are then 0 but `total`",
    )


def entry_out(entry: TmEntry) -> dict[str, Any]:
    return {
        "_id": entry.id,
        "sourceText": entry.source_text,
        "targetText": entry.target_text,
        "sourceLanguage": entry.source_language,
        "targetLanguage": entry.target_language,
        "usageCount": entry.usage_count,
        "origin": entry.origin,
        "projectId": entry.project_id,
        "keyId": entry.key_id,
        "createdAt": iso(entry.created_at),
        "updatedAt": iso(entry.updated_at),
    }


def match_out(match: Match) -> dict[str, Any]:
    return {**entry_out(match.entry), "targetText": match.target_text, "similarity": match.similarity}


def fill_out(result: FillResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "filled": result.filled,
        "noMatch": result.no_match,
        "skipped": result.skipped,
        "jobId": result.job_id,
    }
