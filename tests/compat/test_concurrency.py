"""Parallel callers of the method-style API through a real server process, on the suite's
database: every call succeeds or is refused in the envelope, numbers are never given twice, the
bot keeps one suggestion per pair, and the server's output never shows the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.test_serve import ENTRI, serving
from tests.compat.conftest import make_compat
from tests.conftest import Tenant
from tests.translations.test_concurrent_clients import _all_at_once

pytestmark = pytest.mark.skipif(not ENTRI.exists(), reason=f"{ENTRI} is not installed (pip install -e .)")


@pytest.fixture
def server(database: Any, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    with serving(tmp_path, ENTRI_DATABASE_URL=database.url) as running:
        yield running


def _post(url: str, **params: Any) -> httpx.Response:
    return httpx.post(url, json=params, timeout=60)


def test_parallel_callers(tenant: Tenant, server: tuple[str, list[str]]) -> None:
    base_url, output = server
    compat = make_compat(tenant)
    base = f"{base_url}/compat/api/{compat.token}/"
    category = compat.call("createCategory", name="C")

    # Ten new strings at once, two of them with the same key: one of those two is refused.
    keys = [f"k{i}" for i in range(9)] + ["k0"]
    made = _all_at_once(
        10,
        lambda i: _post(
            base + "createString",
            category_id=category,
            string_key=keys[i],
            default_translation_language=17,
            default_translation_value=keys[i],
        ),
    )
    bodies = [r.json() for r in made]
    assert all(r.status_code == 200 for r in made), [r.text for r in made]
    ok = [b["result"]["string_id"] for b in bodies if b["ok"]]
    refused = [b["description"] for b in bodies if not b["ok"]]
    assert sorted(ok) == list(range(1, 10)) and refused == [f"string_key: 'k0' already exists in category {category}"]

    # Keys made through the main API, then many readers at once: each gets numbers, none twice.
    for i in range(5):
        compat.api("POST", "/keys", json={"key": f"main{i}", "namespace": f"ns{i}", "sourceValue": "x"})
    reads = _all_at_once(6, lambda i: _post(base + "getCategories"))
    assert all(r.json()["ok"] for r in reads)
    assert len({tuple(sorted(r.json()["result"])) for r in reads}) == 1
    items = compat.call("getTranslations", translation_language=17)
    assert len({i["string_id"] for i in items}) == len(items) == 9

    # One pair, eight bots at once: one suggestion, updated in place.
    adds = _all_at_once(
        8, lambda i: _post(base + "addTranslation", string_id=1, translation_language=18, translation_value=f"v{i}")
    )
    assert all(r.json()["ok"] for r in adds), [r.text for r in adds]
    assert len({r.json()["result"] for r in adds}) == 1
    first = next(i["string_key"] for i in items if i["string_id"] == "1")
    key_id = next(k["_id"] for k in compat.api("GET", "/keys?limit=200").json()["data"] if k["key"] == first)
    suggestions = compat.api("GET", f"/keys/{key_id}/suggestions/uk").json()["data"]
    assert len(suggestions) == 1 and suggestions[0]["bot"] is True

    assert compat.token not in "".join(output)
