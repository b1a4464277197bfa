"""Glossary request and response bodies (entri-api.md §4.7, decisions.md 8)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from entri.core.schemas import LanguageCode, Meta, PatchModel, RequestModel, ResponseModel
from entri.glossary import rules

_CREATED = "2025-03-01T10:00:00.000Z"
_UPDATED = "2025-03-02T14:30:00.000Z"
_GLOSSARY: dict[str, Any] = {
    "_id": "gloss_abc123",
    "name": "Product Glossary",
    "description": "Names of product features and UI terms",
    "sourceLanguage": "en",
    "targetLanguages": ["fr", "de", "es"],
    "organizationId": "org_789xyz",
    "termCount": 2,
    "created": _CREATED,
    "updatedAt": _UPDATED,
}
_TERM: dict[str, Any] = {
    "_id": "term_abc123",
    "glossaryId": "gloss_abc123",
    "term": "file",
    "description": "A document stored in the workspace",
    "partOfSpeech": "noun",
    "caseSensitive": False,
    "doNotTranslate": False,
    "forbidden": False,
    "translations": {"fr": "fichier", "de": "Datei", "es": "archivo"},
    "created": _CREATED,
    "updatedAt": _UPDATED,
}
_BRAND: dict[str, Any] = {
    **_TERM,
    "_id": "term_def456",
    "term": "Entri",
    "description": "Product name",
    "partOfSpeech": "properNoun",
    "caseSensitive": True,
    "doNotTranslate": True,
    "translations": {},
}

Name = Annotated[str, Field(min_length=1, max_length=rules.MAX_NAME, examples=["Product Glossary"])]
Description = Annotated[str, Field(max_length=rules.MAX_DESCRIPTION)]
TermText = Annotated[str, Field(min_length=1, max_length=rules.MAX_TERM, examples=["file"])]
PartOfSpeech = Annotated[str, Field(max_length=rules.MAX_PART_OF_SPEECH, examples=["noun"])]
Translations = dict[str, Annotated[str, Field(max_length=rules.MAX_TERM)]]


class GlossaryCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{k: _GLOSSARY[k] for k in ("name", "description", "sourceLanguage", "targetLanguages")}]
        }
    )

    name: Name
    description: Description | None = None
    sourceLanguage: LanguageCode
    targetLanguages: list[LanguageCode] = Field(default_factory=list, max_length=rules.MAX_LANGUAGES)


class GlossaryUpdate(PatchModel):
    clearable = frozenset({"description"})
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "UI terms", "targetLanguages": ["fr", "de"]}]})

    name: Name | None = None
    description: Description | None = None
    sourceLanguage: LanguageCode | None = None
    targetLanguages: list[LanguageCode] | None = Field(default=None, max_length=rules.MAX_LANGUAGES)


class GlossaryOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_GLOSSARY]})

    id: str = Field(alias="_id")
    name: str
    description: str | None
    sourceLanguage: str
    targetLanguages: list[str]
    organizationId: str
    termCount: int
    created: str
    updatedAt: str


class GlossaryPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_GLOSSARY], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[GlossaryOut]
    meta: Meta


class TermCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{k: v for k, v in _TERM.items() if k not in ("_id", "glossaryId", "created", "updatedAt")}]
        }
    )

    term: TermText
    description: Description | None = None
    partOfSpeech: PartOfSpeech | None = None
    caseSensitive: bool = False
    doNotTranslate: bool = False
    forbidden: bool = False
    translations: Translations = Field(default_factory=dict, examples=[{"fr": "fichier", "de": "Datei"}])


class TermUpdate(PatchModel):
    """`translations` merges language by language: `null` for a language removes it."""

    clearable = frozenset({"description", "partOfSpeech"})
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"translations": {"de": "Datei", "es": None}, "caseSensitive": False}]}
    )

    term: TermText | None = None
    description: Description | None = None
    partOfSpeech: PartOfSpeech | None = None
    caseSensitive: bool | None = None
    doNotTranslate: bool | None = None
    forbidden: bool | None = None
    translations: dict[str, Annotated[str, Field(max_length=rules.MAX_TERM)] | None] | None = None


class TermOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_TERM, _BRAND]})

    id: str = Field(alias="_id")
    glossaryId: str
    term: str
    description: str | None
    partOfSpeech: str | None
    caseSensitive: bool
    doNotTranslate: bool
    forbidden: bool
    translations: dict[str, str]
    created: str
    updatedAt: str


class TermPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_TERM, _BRAND], "meta": {"page": 1, "limit": 50, "total": 2, "totalPages": 1}}]
        }
    )

    data: list[TermOut]
    meta: Meta


_CSV = (
    "term,description,partOfSpeech,caseSensitive,doNotTranslate,forbidden,fr,de\n"
    "file,A stored document,noun,false,false,false,fichier,Datei\n"
)


class GlossaryImportBody(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"format": "csv", "content": _CSV, "replace": False}]})

    format: Literal["csv", "tbx"]
    content: str = Field(max_length=rules.MAX_IMPORT_CHARS)
    replace: bool = False
    """True: terms of the glossary that the file does not hold are deleted."""


class GlossaryImportOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"format": "csv", "created": 1, "updated": 0, "unchanged": 0, "deleted": 0, "total": 1}]
        }
    )

    format: str
    created: int
    updated: int
    unchanged: int
    deleted: int
    total: int


class GlossaryCheckBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "Open the files in Entri", "sourceLanguage": "en", "targetLanguage": "fr"}]
        }
    )

    text: str = Field(max_length=rules.MAX_CHECK_CHARS)
    sourceLanguage: LanguageCode
    targetLanguage: LanguageCode | None = None
    glossaryIds: list[Annotated[str, Field(max_length=64)]] | None = Field(default=None, max_length=1000)


class GlossaryCheckHit(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "termId": "term_abc123",
                    "glossaryId": "gloss_abc123",
                    "term": "file",
                    "start": 9,
                    "end": 14,
                    "translation": "fichier",
                    "doNotTranslate": False,
                    "forbidden": False,
                }
            ]
        }
    )

    termId: str
    glossaryId: str
    term: str
    start: int
    end: int
    translation: str | None
    doNotTranslate: bool
    forbidden: bool
