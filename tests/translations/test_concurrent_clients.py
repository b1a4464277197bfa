"""Concurrent writers through a real server process, on the suite's database (SQLite or PostgreSQL).

Before the one write path, PostgreSQL answered 500 here: deadlocks between writers creating the
same new translations in different orders, unique violations between parallel imports of the
same new keys, and between parallel creators of one key name. Every request must now succeed or
get its 409, and no update may be lost.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.test_serve import serving


@pytest.fixture
def server(database: Any, tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, ENTRI_DATABASE_URL=database.url) as (base, _):
        yield base


def _all_at_once(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `call(i)` in `count` threads released together; the responses in thread order."""
    barrier = threading.Barrier(count)
    results: list[httpx.Response | BaseException] = [RuntimeError("not run")] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results  # type: ignore[return-value]


def test_parallel_overwrites_of_the_same_new_translations(tenant: Any, server: str) -> None:
    project = tenant.project()
    names = [f"k{i}" for i in range(10)]
    for name in names:
        assert tenant.client.post(f"/api/projects/{project['_id']}/keys", json={"key": name}, headers=tenant.headers)
    url = f"{server}/api/projects/{project['_id']}/translations/overwrite"

    def overwrite(i: int) -> httpx.Response:
        order = names[:]
        random.Random(i).shuffle(order)  # every writer creates the rows in its own order
        items = [{"key": n, "language": "fr", "value": f"{n} from {i}"} for n in order]
        return httpx.post(url, json={"translations": items}, headers=tenant.headers, timeout=60)

    responses = _all_at_once(8, overwrite)
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses if r.status_code != 200]
    page = tenant.client.get(f"/api/projects/{project['_id']}/translations/fr", headers=tenant.headers).json()
    for row in page["data"]:
        key = row["keyId"]
        history = tenant.client.get(
            f"/api/projects/{project['_id']}/keys/{key}/translations/fr/history", headers=tenant.headers
        ).json()
        # Eight writes of eight different values: eight versions, none lost, the last one stored.
        assert sorted(h["version"] for h in history) == list(range(1, 9))
        assert row["version"] == 8
        assert row["value"] == history[0]["newValue"]


def test_parallel_imports_of_the_same_new_keys(tenant: Any, server: str) -> None:
    project = tenant.project()
    content = json.dumps({f"section.key{i}": f"Value {i}" for i in range(2000)})
    url = f"{server}/api/projects/{project['_id']}/import"

    def do_import(i: int) -> httpx.Response:
        body = {"language": "en", "format": "json-flat", "content": content, "overwrite": True}
        return httpx.post(url, json=body, headers=tenant.headers, timeout=120)

    responses = _all_at_once(6, do_import)
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses if r.status_code != 200]
    assert sum(r.json()["created"] for r in responses) == 2000  # each key created exactly once
    assert sum(r.json()["imported"] for r in responses) == 2000  # later imports find nothing to change
    total = tenant.client.get(f"/api/projects/{project['_id']}/keys?limit=1", headers=tenant.headers)
    assert total.json()["meta"]["total"] == 2000


def test_parallel_creators_of_one_key_name(tenant: Any, server: str) -> None:
    project = tenant.project()
    url = f"{server}/api/projects/{project['_id']}/keys"

    def create(i: int) -> httpx.Response:
        return httpx.post(url, json={"key": "same.name", "sourceValue": f"v{i}"}, headers=tenant.headers, timeout=60)

    responses = _all_at_once(8, create)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7, [r.text for r in responses]
    assert all(r.json()["error"] == "Conflict" for r in responses if r.status_code == 409)
    listed = tenant.client.get(f"/api/projects/{project['_id']}/keys", headers=tenant.headers).json()
    assert listed["meta"]["total"] == 1
