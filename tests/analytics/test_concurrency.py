"""The progress counters under concurrent writers through a real server process (the suite's
database: SQLite, or PostgreSQL with ENTRI_TEST_DATABASE_URL): edits, status changes, imports,
overwrites, namespace moves and key deletions all at once, then the counters must equal a
brute-force count of the rows."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.analytics.helpers import add_key, brute_progress, call
from tests.cli.test_serve import serving
from tests.conftest import Tenant

OK = {200, 201, 204}
GONE = {404, 409}  # a key deleted meanwhile; a write refused by checks or a stale version


@pytest.fixture
def server(database: Any, tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, ENTRI_DATABASE_URL=database.url) as (base, _):
        yield base


def _together(workers: list[Callable[[httpx.Client], list[int]]], base: str, headers: dict[str, str]) -> list[int]:
    barrier = threading.Barrier(len(workers))
    codes: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(work: Callable[[httpx.Client], list[int]]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            barrier.wait()
            try:
                found = work(client)
            except BaseException as exc:  # re-raised in the test thread
                errors.append(exc)
                return
            with lock:
                codes.extend(found)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    if errors:
        raise errors[0]
    return codes


def test_counters_stay_exact_under_concurrent_writers(tenant: Tenant, server: str) -> None:
    pid = tenant.project(targetLanguages=["fr", "de"])["_id"]
    keys = [add_key(tenant, pid, f"k{i}", f"Source text number {i}", namespace=f"ns{i % 4}") for i in range(40)]
    doomed = keys[30:]
    api = f"/api/projects/{pid}"

    def editor(seed: int) -> Callable[[httpx.Client], list[int]]:
        def work(client: httpx.Client) -> list[int]:
            rng, codes = random.Random(seed), []
            for i in range(25):
                key, lang = rng.choice(keys), rng.choice(["fr", "de"])
                status = rng.choice(["translated", "reviewed", "approved"])
                body = {"value": f"Valeur {seed} {i} {'mot ' * rng.randint(0, 4)}".strip(), "status": status}
                codes.append(client.put(f"{api}/keys/{key}/translations/{lang}", json=body).status_code)
                if rng.random() < 0.3:
                    url = f"{api}/keys/{key}/translations/{lang}/status"
                    codes.append(client.patch(url, json={"status": rng.choice(["translated", "approved"])}).status_code)
            return codes

        return work

    def mover(client: httpx.Client) -> list[int]:
        rng, codes = random.Random(99), []
        for _ in range(15):
            key = rng.choice(keys)
            codes.append(client.patch(f"{api}/keys/{key}", json={"namespace": f"ns{rng.randint(0, 5)}"}).status_code)
        return codes

    def deleter(client: httpx.Client) -> list[int]:
        codes = [client.delete(f"{api}/keys/{k}").status_code for k in doomed[:5]]
        codes.append(client.request("DELETE", f"{api}/keys/bulk", json={"keyIds": doomed[5:]}).status_code)
        return codes

    def importer(client: httpx.Client) -> list[int]:
        content = {f"k{i}": f"Importé {i}" for i in range(0, 40, 2)}  # namespace "": new keys
        body = {"language": "fr", "format": "json-flat", "content": json.dumps(content), "overwrite": True}
        return [client.post(f"{api}/import", json=body).status_code for _ in range(2)]

    def overwriter(client: httpx.Client) -> list[int]:
        items = [{"key": f"k{i}", "namespace": f"ns{i % 4}", "language": "de", "value": f"Wert {i}"} for i in range(20)]
        return [client.post(f"{api}/translations/overwrite", json={"translations": items}).status_code]

    workers = [editor(1), editor(2), editor(3), mover, deleter, importer, overwriter]
    codes = _together(workers, server, tenant.headers)
    assert set(codes) <= OK | GONE, sorted(set(codes))
    assert sum(c in OK for c in codes) > len(codes) // 2
    languages = ["en", "fr", "de"]
    url = f"/api/projects/{pid}/analytics/progress"
    found = call(tenant, url, languages=",".join(languages), by="namespace")
    assert found == brute_progress(tenant, pid, languages, by_namespace=True)
