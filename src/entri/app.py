"""Builds the FastAPI app: every router under `/api` and again under `/api/v1` (spec §3.1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from entri.auth.router import router as auth_router
from entri.core.config import Settings, get_settings
from entri.core.db import Database, get_database
from entri.core.http import BodyLimitMiddleware, NulGuardMiddleware, VersionAliasMiddleware, install_error_handlers
from entri.core.schemas import RequestModel, ResponseModel
from entri.files.router import router as files_router
from entri.keys.router import router as keys_router
from entri.organizations.router import router as orgs_router
from entri.projects.router import router as projects_router
from entri.tokens.router import router as tokens_router
from entri.translations.router import router as translations_router

ROUTERS = (translations_router, keys_router, projects_router, files_router, auth_router, orgs_router, tokens_router)
"""Matching walks the routes in this order on every request: the hottest come first. No two
routers share a path shape, so the order changes nothing else (tests/core check every route)."""

DESCRIPTION = """Entri translation management API.

Authenticate with `X-API-Key: entri_…` (API tokens) or the session cookie set by
`POST /api/auth/login`. Every route also answers under `/api/v1`. Errors share one body:
`{statusCode, error, message, timestamp, path}`."""


def _api() -> APIRouter:
    api = APIRouter()
    for router in ROUTERS:
        api.include_router(router)
    return api


def _models(base: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for sub in base.__subclasses__():
        found += [sub, *_models(sub)]
    return found


def _document_validation_as_400(app: FastAPI) -> None:
    """FastAPI documents a 422 that this API never sends (it answers 400 with ErrorOut)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
            components = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            # FastAPI drops every null while building the document; put the examples back as written.
            for model in _models(RequestModel) + _models(ResponseModel):
                examples = (model.model_config.get("json_schema_extra") or {}).get("examples")  # type: ignore[union-attr]
                if examples and model.__name__ in components:
                    components[model.__name__]["examples"] = examples
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(database: Database | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Entri API",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # A redirect would let `DELETE …/keys/..%2F` become `DELETE /api/projects/P` client-side.
        redirect_slashes=False,
    )
    app.state.database = database or get_database(settings.resolved_database_url())
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(VersionAliasMiddleware)  # added last, so it runs first
    app.include_router(_api(), prefix="/api")

    _document_validation_as_400(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/api/docs")

    @app.get("/api/health", tags=["Meta"], summary="Liveness probe")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
