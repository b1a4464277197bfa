"""Project request and response bodies."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.core.clock import iso
from entri.core.schemas import LanguageCode, Meta, PatchModel, RequestModel, ResponseModel
from entri.projects.models import Project

_PROJECT: dict[str, Any] = {
    "_id": "proj_6abc123def456",
    "name": "Marketing Website",
    "description": "Copy for the public site at acme.com",
    "sourceLanguage": "en",
    "targetLanguages": ["fr", "de", "pt-BR"],
    "organization": "org_789xyz",
    "preferredModel": None,
    "archived": False,
    "archivedAt": None,
    "settings": {},
    "createdAt": "2025-03-01T10:00:00.000Z",
    "updatedAt": "2025-03-02T14:30:00.000Z",
}


class ProjectCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Marketing Website",
                    "description": "Copy for the public site at acme.com",
                    "sourceLanguage": "en",
                    "targetLanguages": ["fr", "de", "pt-BR"],
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200, examples=["Marketing Website"])
    description: str | None = Field(default=None, max_length=10_000)
    sourceLanguage: LanguageCode | None = Field(
        default=None, examples=["en"], description="Default: the organization's `defaultSourceLanguage`"
    )
    targetLanguages: list[LanguageCode] = Field(default_factory=list, max_length=500, examples=[["fr", "de", "pt-BR"]])
    preferredModel: str | None = Field(default=None, max_length=100)


class ProjectUpdate(PatchModel):
    clearable = frozenset({"description", "preferredModel"})
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"description": "Copy for the public site and the blog", "targetLanguages": ["fr", "de", "pt-BR", "es"]}
            ]
        }
    )

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    sourceLanguage: LanguageCode | None = None
    targetLanguages: list[LanguageCode] | None = Field(default=None, max_length=500)
    preferredModel: str | None = Field(default=None, max_length=100)
    settings: dict[str, Any] | None = Field(
        default=None,
        description="Partial: objects merge key by key, null removes a key. `checks` (docs/checks.md): "
        "`severities` {check id: error|warning|off}, `dialect`, `identical` [texts]. `ai`: `instructions` "
        "(docs/ai.md). `compat` (docs/compat.md): `allowDeleteString`, `allowUpdateTranslation`, "
        "`allowDisapproveAllTranslations`, `allowDeleteAllSuggestions` (booleans, off by default), `labels` and "
        "`webhookUrl` (the method-style API's webhook: http(s), public addresses only).",
        examples=[{"checks": {"severities": {"unchanged": "off"}, "identical": ["Entri"]}}],
    )


class LanguageAdd(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"language": "es"}]})

    language: LanguageCode = Field(examples=["fr"])


class ProjectOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_PROJECT]})

    id: str = Field(alias="_id", examples=["proj_6abc123def456"])
    name: str
    description: str | None
    sourceLanguage: str
    targetLanguages: list[str]
    organization: str
    preferredModel: str | None
    archived: bool
    archivedAt: str | None
    settings: dict[str, Any] = Field(description="Project settings: `checks` (docs/checks.md)")
    createdAt: str
    updatedAt: str


class ProjectPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            **_PROJECT,
                            "_id": "proj_9xyz789ghi012",
                            "name": "Mobile App",
                            "description": None,
                            "targetLanguages": ["fr", "es"],
                            "createdAt": "2025-02-10T08:00:00.000Z",
                            "updatedAt": "2025-02-10T08:00:00.000Z",
                        },
                        _PROJECT,
                    ],
                    "meta": {"page": 1, "limit": 50, "total": 2, "totalPages": 1},
                }
            ]
        }
    )

    data: list[ProjectOut]
    meta: Meta


def project_out(project: Project) -> dict[str, Any]:
    return {
        "_id": project.id,
        "name": project.name,
        "description": project.description,
        "sourceLanguage": project.source_language,
        "targetLanguages": list(project.target_languages),
        "organization": project.organization_id,
        "preferredModel": project.preferred_model,
        "archived": project.archived_at is not None,
        "archivedAt": iso(project.archived_at),
        "settings": project.settings or {},
        "createdAt": iso(project.created_at),
        "updatedAt": iso(project.updated_at),
    }
