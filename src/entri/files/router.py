"""Import & export routes (docs/api-decisions.md, "Import and export", "Limits")."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import ConfigDict, Field

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, language_param
from entri.core.errors import BadRequest
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, LanguageCode, RequestModel, ResponseModel, conflict
from entri.files import exports, imports
from entri.formats import FORMAT_IDS
from entri.projects.deps import ReadProject, WriteProject

router = APIRouter(prefix="/projects/{project_id}", tags=["Import & Export"], responses=ERROR_RESPONSES)


class ImportBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "fr",
                    "format": "json-nested",
                    "content": '{"nav": {"home": "Accueil", "about": "À propos"}}',
                    "namespace": "common",
                    "overwrite": True,
                }
            ]
        }
    )

    language: LanguageCode = Field(examples=["fr"])
    format: str = Field(min_length=1, max_length=32, examples=["json-nested"])
    content: str = Field(
        description="The file's text; for `mo`, the binary file base64-encoded.",
        examples=['{"nav": {"home": "Accueil"}}'],
    )
    namespace: str | None = Field(default=None, max_length=255)
    overwrite: bool = False
    contentEncoding: Literal["text", "base64"] = Field(
        default="text", description="`base64` sends the file's exact bytes (any format; always for `mo`)."
    )


class ImportOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "imported": 2,
                    "created": 1,
                    "updated": 1,
                    "skipped": 0,
                    "errors": [],
                    "warnings": [],
                    "language": "fr",
                    "format": "json-nested",
                }
            ]
        }
    )

    imported: int
    created: int
    updated: int
    skipped: int
    errors: list[str]
    warnings: list[str]
    language: str
    format: str


@router.get(
    "/formats",
    dependencies=[scoped("projects")],
    response_model=list[str],
    summary="Supported file format ids (plain array)",
)
def formats(project: ReadProject) -> list[str]:
    return list(FORMAT_IDS)


@router.post(
    "/import",
    dependencies=[scoped("import")],
    response_model=ImportOut,
    responses=conflict(ARCHIVED),
    summary="Import a file (all or nothing)",
)
def import_file(
    body: ImportBody, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    if body.format not in FORMAT_IDS:
        raise BadRequest([f"format must be one of: {', '.join(FORMAT_IDS)}"])
    result = imports.import_file(
        session,
        principal=principal,
        project=project,
        language=body.language,
        format_id=body.format,
        content=body.content,
        namespace=body.namespace,
        overwrite=body.overwrite,
        content_encoding=body.contentEncoding,
    )
    return imports.summary(result, language=body.language, format_id=body.format)


@router.get(
    "/export/{language}",
    dependencies=[scoped("export")],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
    summary="Export one language as a file",
)
def export_file(
    language: str,
    request: Request,
    project: ReadProject,
    session: DbSession,
    principal: CurrentPrincipal,
    format: str | None = None,
    namespace: str | None = None,
    fallback: str | None = None,
) -> Response:
    exported = exports.export_file(
        session,
        principal=principal,
        project=project,
        language=language_param(language),
        format_id=format,
        namespace=namespace,
        fallback=fallback,
        max_entries=request.app.state.settings.export_max_entries,
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "X-Total-Keys": str(exported.total_keys),
    }
    if exported.truncated:
        headers["X-Export-Truncated"] = "true"
    return Response(content=exported.content, media_type="application/octet-stream", headers=headers)
