"""Suggestion request and response bodies (docs/suggestions.md)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from entri.core.clock import iso
from entri.core.schemas import Meta, RequestModel, ResponseModel
from entri.suggestions.models import Suggestion
from entri.translations.schemas import Status, Value

_SUGGESTION: dict[str, Any] = {
    "_id": "sug_k2m4n6p8q2r4s6t8v2w4",
    "keyId": "key_abc123",
    "language": "fr",
    "value": "Bienvenue !",
    "pluralForms": None,
    "authorId": "user_xyz",
    "authorName": "Alice Martin",
    "bot": False,
    "createdAt": "2025-03-04T09:12:45.318Z",
    "updatedAt": "2025-03-04T09:12:45.318Z",
}


class SuggestionCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"value": "Bienvenue !"}]})

    value: Value | None = Field(default=None, examples=["Bienvenue !"])
    pluralForms: dict[str, Value] | None = Field(
        default=None, examples=[{"one": "{count} fichier", "other": "{count} fichiers"}]
    )

    @model_validator(mode="after")
    def _value_or_forms(self) -> SuggestionCreate:
        if self.value is None and self.pluralForms is None:
            raise ValueError("value should not be empty")
        return self


class SuggestionAccept(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "approved"}]})

    status: Status = Field(default="approved", description="The status the accepted text gets")
    force: bool = Field(
        default=False,
        description="Admins only: review or approve although error-level quality checks fail (kept in history)",
    )


class SuggestionOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUGGESTION]})

    id: str = Field(alias="_id")
    keyId: str
    language: str
    value: str
    pluralForms: dict[str, str] | None
    authorId: str | None = Field(description="The author's user id; null for the method-style API's bot")
    authorName: str
    bot: bool = Field(description="Written by the method-style API (`addTranslation`), one per key and language")
    createdAt: str
    updatedAt: str


class SuggestionPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_SUGGESTION], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[SuggestionOut]
    meta: Meta


def suggestion_out(row: Suggestion) -> dict[str, Any]:
    return {
        "_id": row.id,
        "keyId": row.key_id,
        "language": row.language,
        "value": row.value,
        "pluralForms": row.plural_forms,
        "authorId": row.author_id,
        "authorName": row.author_name,
        "bot": row.bot,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
    }
