"""Response shapes of the analytics routes (docs/analytics.md), with their examples."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from entri.core.schemas import ResponseModel

_STATUSES: dict[str, Any] = {"untranslated": 24, "translated": 23, "reviewed": 5, "approved": 290}
_FR: dict[str, Any] = {
    "language": "fr",
    "isSource": False,
    "totalKeys": 342,
    "translated": 318,
    "reviewed": 295,
    "approved": 290,
    "untranslated": 24,
    "completionPercent": 92,
    "reviewedPercent": 86,
    "approvedPercent": 84,
    "statuses": _STATUSES,
    "words": 2810,
    "characters": 16_240,
}
_FR_SETTINGS: dict[str, Any] = {
    **_FR,
    "totalKeys": 40,
    "translated": 40,
    "reviewed": 40,
    "approved": 40,
    "untranslated": 0,
    "completionPercent": 100,
    "reviewedPercent": 100,
    "approvedPercent": 100,
    "statuses": {"untranslated": 0, "translated": 0, "reviewed": 0, "approved": 40},
    "words": 301,
    "characters": 1904,
}


class StatusCounts(ResponseModel):
    """Translations in each status, each counted once (`untranslated` = no value)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_STATUSES]})

    untranslated: int
    translated: int
    reviewed: int
    approved: int


class LanguageProgress(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_FR]})

    language: str
    isSource: bool
    totalKeys: int
    translated: int
    """translated + reviewed + approved"""
    reviewed: int
    """reviewed + approved"""
    approved: int
    untranslated: int
    completionPercent: int
    reviewedPercent: int
    approvedPercent: int
    statuses: StatusCounts
    words: int
    characters: int


class NamespaceProgress(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "namespace": "settings",
                    "totalKeys": 40,
                    "sourceWords": 280,
                    "sourceCharacters": 1650,
                    "languages": [_FR_SETTINGS],
                }
            ]
        }
    )

    namespace: str
    totalKeys: int
    sourceWords: int
    sourceCharacters: int
    languages: list[LanguageProgress]


class ProgressOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "totalKeys": 342,
                    "sourceLanguage": "en",
                    "sourceWords": 2650,
                    "sourceCharacters": 15_480,
                    "languages": [_FR],
                    "namespaces": None,
                }
            ]
        }
    )

    totalKeys: int
    sourceLanguage: str
    sourceWords: int
    sourceCharacters: int
    languages: list[LanguageProgress]
    namespaces: list[NamespaceProgress] | None
    """Only with `?by=namespace`."""


class DayOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"date": "2025-03-01", "translations": 12, "reviews": 5, "approvals": 3, "words": 96}]
        }
    )

    date: str
    translations: int
    reviews: int
    approvals: int
    words: int


class ContributorOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "user_4f2a9c",
                    "userName": "Marie Curie",
                    "translations": 120,
                    "reviews": 40,
                    "approvals": 12,
                    "words": 960,
                    "characters": 5410,
                    "lastActiveDate": "2025-03-01",
                }
            ]
        }
    )

    userId: str | None
    """None for work done with an API token that belongs to nobody (the first-start token)."""
    userName: str
    translations: int
    reviews: int
    approvals: int
    words: int
    characters: int
    lastActiveDate: str


_OVERVIEW_LANGUAGE: dict[str, Any] = {
    "language": "fr",
    "projects": 2,
    "totalKeys": 520,
    "translated": 480,
    "reviewed": 400,
    "approved": 390,
    "completionPercent": 92,
}
_OVERVIEW_PROJECT: dict[str, Any] = {
    "projectId": "proj_8c1d2e",
    "name": "Web app",
    "sourceLanguage": "en",
    "totalKeys": 342,
    "targetLanguages": 2,
    "completionPercent": 88,
    "archived": False,
}


class OverviewLanguage(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_OVERVIEW_LANGUAGE]})

    language: str
    projects: int
    totalKeys: int
    translated: int
    reviewed: int
    approved: int
    completionPercent: int


class OverviewProject(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_OVERVIEW_PROJECT]})

    projectId: str
    name: str
    sourceLanguage: str
    totalKeys: int
    targetLanguages: int
    completionPercent: int
    archived: bool


class OverviewOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "totalProjects": 2,
                    "totalKeys": 520,
                    "sourceWords": 4100,
                    "translated": 850,
                    "reviewed": 700,
                    "approved": 680,
                    "completionPercent": 86,
                    "reviewedPercent": 71,
                    "approvedPercent": 69,
                    "languages": [_OVERVIEW_LANGUAGE],
                    "projects": [_OVERVIEW_PROJECT],
                }
            ]
        }
    )

    totalProjects: int
    totalKeys: int
    sourceWords: int
    translated: int
    reviewed: int
    approved: int
    completionPercent: int
    reviewedPercent: int
    approvedPercent: int
    languages: list[OverviewLanguage]
    projects: list[OverviewProject]


_AI_ROW: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "language": "fr",
    "aiValues": 200,
    "approved": 150,
    "approvedUnchanged": 120,
    "approvedUnchangedRate": 0.6,
    "unchangedWhenApprovedRate": 0.8,
    "medianEditDistance": 0.0,
    "current": 170,
    "failing": 9,
    "checkFailureRate": 0.0529,
    "failingChecks": {"punctuation": 6, "whitespace": 3},
}


class AiQualityRow(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_AI_ROW]})

    model: str
    language: str
    aiValues: int
    approved: int
    approvedUnchanged: int
    approvedUnchangedRate: float | None
    unchangedWhenApprovedRate: float | None
    medianEditDistance: float | None
    current: int
    failing: int
    checkFailureRate: float | None
    failingChecks: dict[str, int]


class AiQualityOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [_AI_ROW]}]})

    data: list[AiQualityRow]
