"""The editor in a real browser: Debian's chromium, headless, driven by Playwright against the
app served by uvicorn on 127.0.0.1. Keyboard only: no pointer event anywhere."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from entri.app import create_app
from entri.core.config import Settings
from entri.core.db import Database
from tests.conftest import Tenant
from tests.web.support import make_project

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="the playwright package is not installed (pip install playwright)",
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing (apt-get install -y chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(database: Database, settings: Settings) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(database, settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def _sign_in(browser: Any, live: str, email: str, password: str) -> Any:
    page = browser.new_page()
    page.goto(f"{live}/app/login")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")  # autofocus
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live}/app")
    return page


def test_translate_with_the_keyboard_only(tenant: Tenant, live: str, browser: Any) -> None:
    project = make_project(tenant)
    page = _sign_in(browser, live, tenant.owner.email, tenant.owner.password)
    page.goto(f"{live}{project.editor}")
    # The editor starts on the first string that needs work: "farewell" (keys sort by name).
    focused = page.locator("textarea.draft:focus")
    focused.wait_for()
    assert focused.get_attribute("aria-label") == "fr translation of farewell"
    page.keyboard.type("Au revoir")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.activeElement.getAttribute('aria-label') === 'fr translation of files'")
    page.keyboard.type("Vous avez ")
    page.keyboard.press("Control+1")  # the source's placeholder 1: {count}
    page.keyboard.type(" fichiers")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.activeElement.getAttribute('aria-label') === 'fr translation of greeting'")
    page.keyboard.type("Bonjour")  # {name} missing: the check says so before saving
    page.locator("#cell-" + project.keys["greeting"] + "-fr .checks-list.draft").wait_for()
    assert "placeholders" in page.locator("#cell-" + project.keys["greeting"] + "-fr .checks").inner_text()
    page.keyboard.type(" ")
    page.keyboard.press("Control+1")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.activeElement.getAttribute('aria-label') === 'fr translation of title'")
    assert project.value("farewell") == "Au revoir"
    assert project.value("files") == "Vous avez {count} fichiers"
    assert project.value("greeting") == "Bonjour {name}"
    # `?` outside a text field opens the cheat-sheet; Escape closes it.
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    page.locator("dialog#help[open]").wait_for()
    page.keyboard.press("Escape")
    page.close()


def test_reviewer_approves_with_one_keystroke(tenant: Tenant, live: str, browser: Any) -> None:
    project = make_project(tenant)
    for key, value in (("title", "Bienvenue"), ("farewell", "Au revoir")):
        url = f"/api/projects/{project.id}/keys/{project.keys[key]}/translations/fr"
        assert tenant.client.put(url, json={"value": value}, headers=tenant.headers).status_code == 200
    reviewer = tenant.member("reviewer")
    page = _sign_in(browser, live, reviewer.email, reviewer.password)
    page.goto(f"{live}{project.editor}?lang=fr&status=translated")
    page.locator(".value:focus").wait_for()
    page.keyboard.press("Alt+a")
    page.wait_for_function("document.querySelectorAll('td.cell[data-status=approved]').length === 1")
    assert project.status("farewell") == "approved"
    page.close()


def test_viewer_gets_no_edit_controls_and_axe_finds_nothing_serious(tenant: Tenant, live: str, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    project = make_project(tenant)
    viewer = tenant.member("viewer")
    page = _sign_in(browser, live, viewer.email, viewer.password)
    axe = Axe()
    pages = ("/app", f"/app/projects/{project.id}", project.editor, "/app/settings", "/app/members", "/app/activity")
    pages += (f"/app/projects/{project.id}/settings", f"/app/projects/{project.id}/memory", "/app/account")
    for path in pages:
        page.goto(f"{live}{path}")
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not serious, (path, [(v["id"], v["help"]) for v in serious])
    assert page.locator("textarea").count() == 0
    assert page.locator("button", has_text="Approve").count() == 0
    page.close()


def test_admin_creates_a_token_and_sees_it_once(tenant: Tenant, live: str, browser: Any) -> None:
    page = _sign_in(browser, live, tenant.owner.email, tenant.owner.password)
    page.goto(f"{live}/app/tokens")
    page.locator("#tok-name").focus()
    page.keyboard.type("Browser CI")
    page.keyboard.press("Enter")
    shown = page.locator("#new-token")
    shown.wait_for()
    value = shown.input_value()
    assert value.startswith("entri_")
    me = tenant.client.get("/api/auth/me", headers={"X-API-Key": value})
    assert me.status_code == 200 and me.json()["role"] == "developer"
    page.reload()
    page.locator("#tokens").wait_for()
    assert page.locator("#new-token").count() == 0
    assert value not in page.content() and f"entri_…{value[-4:]}" in page.content()
    page.close()
