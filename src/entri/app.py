"""Builds the FastAPI app: every router under `/api` and again under `/api/v1`
(docs/api-decisions.md, "API versions")."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import BaseModel

from entri.activity.router import router as activity_router
from entri.ai.router import router as ai_router
from entri.analytics.router import router as analytics_router
from entri.auth.deps import SECURE_SESSION_COOKIE, SESSION_COOKIE
from entri.auth.router import router as auth_router
from entri.compat.router import router as compat_router
from entri.compat.router import webhook_router as compat_webhook_router
from entri.compat.transport import CompatDispatch
from entri.core import crypto
from entri.core.body_limit import BodyLimitMiddleware
from entri.core.config import Settings, get_settings
from entri.core.db import Database, get_database
from entri.core.errors import NotFound
from entri.core.http import NulGuardMiddleware, VersionAliasMiddleware, install_error_handlers
from entri.core.ratelimit import RateLimitMiddleware, RateLimits
from entri.core.ratelimit import install_handler as install_rate_limit_handler
from entri.core.schemas import RequestModel, ResponseModel
from entri.files.router import router as files_router
from entri.glossary.router import router as glossary_router
from entri.jobs.router import router as jobs_router
from entri.keys.router import router as keys_router
from entri.memory.router import router as memory_router
from entri.organizations.router import router as orgs_router
from entri.projects.router import router as projects_router
from entri.suggestions.router import router as suggestions_router
from entri.tokens.router import router as tokens_router
from entri.translations.router import router as translations_router
from entri.web.router import router as web_router
from entri.webhooks.router import router as webhooks_router

ROUTERS = (
    translations_router,
    ai_router,
    keys_router,
    projects_router,
    files_router,
    auth_router,
    orgs_router,
    tokens_router,
    jobs_router,
    glossary_router,
    memory_router,
    activity_router,
    webhooks_router,
    suggestions_router,
    compat_router,
    analytics_router,
    compat_webhook_router,
)
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


TOO_LARGE = {
    "description": "Request body over ENTRI_MAX_BODY_BYTES",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}
TOO_MANY = {
    "description": "Rate limited (docs/rate-limits.md): retry after `Retry-After` seconds",
    "headers": {
        "Retry-After": {"description": "Seconds until the window ends", "schema": {"type": "integer"}},
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


def _install_openapi(app: FastAPI) -> None:
    """The document says what the API answers: FastAPI's 422 goes (validation is a 400 with
    ErrorOut), every operation that takes a body gets the 413 the body cap can answer, and
    every operation the 429 of the rate limits."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    responses = operation.get("responses", {})
                    responses.pop("422", None)
                    if "requestBody" in operation:
                        responses.setdefault("413", TOO_LARGE)
                    responses.setdefault("429", TOO_MANY)
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


DOCS_URL = "/api/docs"
WEB_URL = "/app"
ASSETS_URL = DOCS_URL + "/assets"
SWAGGER_UI_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
"""Swagger UI's files, served from the installed `swagger-ui-py` package: `/api/docs` must work
on an air-gapped instance, so nothing is loaded from a CDN. (That package ships Swagger UI 5,
the first to render OpenAPI 3.1, which FastAPI emits.)"""


def _swagger_ui_static() -> Path:
    """The package's static folder, found without running its code (its Python part targets
    other frameworks)."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; reinstall Entri with its dependencies")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _install_docs(app: FastAPI) -> None:
    static = _swagger_ui_static()

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=str(app.openapi_url),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
            oauth2_redirect_url=None,
        )

    @app.get(ASSETS_URL + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        media_type = SWAGGER_UI_ASSETS.get(name)
        if media_type is None:
            raise NotFound("No such documentation asset")
        return FileResponse(static / name, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


def create_app(database: Database | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Entri API",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url=None,  # served by `_install_docs`, with local assets
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # A redirect would let `DELETE …/keys/..%2F` become `DELETE /api/projects/P` client-side.
        redirect_slashes=False,
    )
    app.state.database = database or get_database(settings.resolved_database_url())
    app.state.settings = settings
    crypto.configure(settings)
    install_error_handlers(app)
    install_rate_limit_handler(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(NulGuardMiddleware)
    # Before the body is read, after `/api/v1` is mapped to `/api` (docs/rate-limits.md).
    app.add_middleware(
        RateLimitMiddleware, limits=RateLimits(settings), cookie_names=(SESSION_COOKIE, SECURE_SESSION_COOKIE)
    )
    app.add_middleware(VersionAliasMiddleware)
    # Added last, so it runs first: `/compat/...` (the method-style API) never meets the main
    # API's middlewares and error shape, and its token is out of the path before anything logs it.
    app.add_middleware(CompatDispatch, max_body_bytes=settings.max_body_bytes)
    app.include_router(_api(), prefix="/api")
    app.include_router(web_router)  # the web app under /app (docs/web.md)

    _install_openapi(app)
    _install_docs(app)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(WEB_URL)

    @app.get("/api/health", tags=["Meta"], summary="Liveness probe")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
