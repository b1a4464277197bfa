"""The web app (`/app`): pages and htmx fragments over the same services as the API, and its
static files (committed in the package: no build step, nothing from a CDN)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from entri.core.errors import NotFound
from entri.web import account, editor, organization, pages, project_admin, webhooks
from entri.web.context import PREFIX, STATIC

STATIC_FILES = {
    "htmx.min.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
"""htmx 2.0.4 (0BSD, from its npm package) and the app's own script and style."""

router = APIRouter(include_in_schema=False)
router.include_router(pages.router, prefix=PREFIX)
router.include_router(editor.router, prefix=PREFIX)
router.include_router(account.router, prefix=PREFIX)
router.include_router(organization.router, prefix=PREFIX)
router.include_router(webhooks.router, prefix=PREFIX)
router.include_router(project_admin.router, prefix=PREFIX)
router.include_router(account.outside)


@router.get(PREFIX + "/static/{name}")
def static(name: str) -> FileResponse:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        raise NotFound("No such file")
    return FileResponse(STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})
