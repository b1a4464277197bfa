"""Import & export routes (docs/api-decisions.md, "Import and export", "Limits")."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine, MutableMapping
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive

from entri.auth.deps import CurrentPrincipal, scoped
from entri.core.deps import DbSession, get_database, language_param
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
    protectReviewed: bool = Field(
        default=False,
        description="With `overwrite`, leave reviewed and approved values alone; each one whose value "
        "differs from the file's counts in `conflicts`.",
    )
    dryRun: bool = Field(
        default=False,
        description="Do everything and write nothing: the answer adds `changes`, what the import "
        'would do key by key (docs/import-export.md, "Dry run").',
    )
    contentEncoding: Literal["text", "base64"] = Field(
        default="text", description="`base64` sends the file's exact bytes (any format; always for `mo`)."
    )


_CHANGE: dict[str, Any] = {
    "key": "nav.home",
    "namespace": "",
    "action": "conflict",
    "old": "Accueil",
    "new": "Page d'accueil",
    "oldStatus": "approved",
    "newStatus": None,
}


class ImportChange(ResponseModel):
    """One key of a dry run (docs/import-export.md, "Dry run"): `created` (a new key), `added`
    (a first value in this language), `updated`, `conflict` (a reviewed value kept by
    `protectReviewed`) or `skipped` (a differing value kept without `overwrite`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CHANGE]})

    key: str
    namespace: str
    action: Literal["created", "added", "updated", "conflict", "skipped"]
    old: str | dict[str, str] | None = Field(description="The stored value (plural forms for a plural key)")
    new: str | dict[str, str] | None = Field(description="The file's value")
    oldStatus: str | None
    newStatus: str | None


class ImportOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "imported": 2,
                    "created": 1,
                    "updated": 1,
                    "skipped": 0,
                    "conflicts": 1,
                    "errors": [],
                    "warnings": [],
                    "checks": {"placeholders": 1},
                    "language": "fr",
                    "format": "json-nested",
                    "dryRun": True,
                    "changes": [
                        {
                            **_CHANGE,
                            "key": "nav.about",
                            "action": "created",
                            "old": None,
                            "new": "À propos",
                            "oldStatus": None,
                            "newStatus": "translated",
                        },
                        {
                            **_CHANGE,
                            "key": "nav.files",
                            "action": "updated",
                            "old": "Fichier",
                            "new": "Fichiers",
                            "oldStatus": "translated",
                            "newStatus": "translated",
                        },
                        _CHANGE,
                    ],
                }
            ]
        }
    )

    imported: int
    created: int
    updated: int
    skipped: int
    conflicts: int = Field(description="Reviewed or approved values left alone (`protectReviewed`)")
    errors: list[str]
    warnings: list[str]
    checks: dict[str, int] = Field(
        description="How many imported values fail each quality check, by check id (docs/checks.md)"
    )
    language: str
    format: str
    dryRun: bool | None = Field(default=None, description="`true` in a dry run; absent otherwise")
    changes: list[ImportChange] | None = Field(default=None, description="Only in a dry run: key by key")


@router.get(
    "/formats",
    dependencies=[scoped("projects")],
    response_model=list[str],
    summary="Supported file format ids (plain array)",
)
def formats(project: ReadProject) -> list[str]:
    return list(FORMAT_IDS)


CONTENT = "entri.import.content"
"""Scope key under which `ImportRoute` leaves the file's text for the route."""


def _set_content_aside(raw: bytearray, scope: MutableMapping[str, Any]) -> bytes:
    """The body with `content` emptied, its text put in the scope. A body this cannot take apart
    exactly (not JSON to orjson, `content` not a string or holding a NUL) comes back whole, for
    FastAPI to read and answer as for any route."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return bytes(raw)
    content = body.get("content") if isinstance(body, dict) else None
    if type(content) is not str or "\x00" in content:
        return bytes(raw)
    scope[CONTENT] = content
    body["content"] = ""
    return orjson.dumps(body)


class ImportRoute(APIRoute):
    """Reads the import body once, and keeps only the file's text of it.

    FastAPI holds a JSON body as bytes, as the parsed dict and in the model for the whole
    request: a 60 MB file would sit in memory two or three times while it is imported. This
    route reads the body itself, puts the `content` string aside and hands FastAPI the rest, so
    validation, error messages and the OpenAPI document stay FastAPI's; the route function takes
    the text from the scope and turns it into the file's bytes at once.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def read_once(request: Request) -> Response:
            raw = bytearray()
            async for chunk in request.stream():
                raw += chunk
            rest = await run_in_threadpool(_set_content_aside, raw, request.scope)
            del raw
            return await handler(Request(request.scope, receive=_replay(rest, request.receive)))

        return read_once


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` as the whole request body, then defers to the real one."""
    pending: list[bytes] = [body]

    async def replay() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return replay


def import_file(
    body: ImportBody, request: Request, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    if body.format not in FORMAT_IDS:
        raise BadRequest([f"format must be one of: {', '.join(FORMAT_IDS)}"])
    content = request.scope.pop(CONTENT, None)
    if content is None:
        content = body.content
    data = imports.decode_content(body.format, content, body.contentEncoding)
    del content  # the file is now `data` only
    result = imports.import_file(
        session,
        principal=principal,
        project=project,
        language=body.language,
        format_id=body.format,
        data=data,
        namespace=body.namespace,
        overwrite=body.overwrite,
        protect_reviewed=body.protectReviewed,
        dry_run=body.dryRun,
    )
    return imports.summary(result, language=body.language, format_id=body.format)


router.add_api_route(
    "/import",
    import_file,
    methods=["POST"],
    dependencies=[scoped("import")],
    response_model=ImportOut,
    response_model_exclude_unset=True,
    responses=conflict(ARCHIVED),
    summary="Import a file (all or nothing)",
    route_class_override=ImportRoute,
)


@router.get(
    "/export/{language}",
    dependencies=[scoped("export")],
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file, with its `ETag`"},
        304: {"description": "`If-None-Match` names the file's current `ETag`: unchanged, no body"},
    },
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
    exclude: Annotated[
        str | None,
        Query(description="`failing-errors` leaves out values failing error-level quality checks (docs/checks.md)"),
    ] = None,
) -> Response:
    language = language_param(language)
    exported = exports.export_file(
        session,
        principal=principal,
        project=project,
        language=language,
        format_id=format,
        namespace=namespace,
        fallback=fallback,
        exclude=exclude,
        max_entries=request.app.state.settings.export_max_entries,
    )
    tag = etag_of(exported.content)
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag})  # nothing exported: no event
    session.close()  # the read is over; the event goes in on a write session of its own
    with get_database(request).session(write=True) as write:
        exports.announce(
            write,
            principal=principal,
            project=project,
            language=language,
            format_id=str(format),
            namespace=namespace,
            exported=exported,
        )
    headers = {
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "X-Total-Keys": str(exported.total_keys),
        "ETag": tag,
    }
    if exported.truncated:
        headers["X-Export-Truncated"] = "true"
    return Response(content=exported.content, media_type="application/octet-stream", headers=headers)


def etag_of(content: bytes) -> str:
    """A strong ETag: the file's SHA-256 (an export is a pure function of the data, so equal
    bytes are the same representation whatever changed and changed back meanwhile)."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def etag_matches(header: str | None, tag: str) -> bool:
    """`If-None-Match` (RFC 9110 13.1.2): `*`, or a list of tags compared weakly (a `W/` prefix
    is ignored)."""
    if not header:
        return False
    candidates = [part.strip() for part in header.split(",")]
    return any(c == "*" or c.removeprefix("W/") == tag for c in candidates)
