"""Concurrent writers on one translation: every write lands in history, in order, none lost.

Uses an async client over the ASGI app so the sync handlers really run in parallel threads
against the database (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE).
"""

from __future__ import annotations

import asyncio
import itertools

import httpx

from entri.app import create_app

WRITERS = 16


async def _race(app, url: str, headers: dict[str, str]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
        return list(
            await asyncio.gather(
                *(client.put(url, json={"value": f"value {i}"}, headers=headers) for i in range(WRITERS))
            )
        )


def test_concurrent_upserts_all_recorded_in_order(tenant, client, database, settings):
    project = tenant.project(targetLanguages=["fr"])
    key = client.post(f"/api/projects/{project['_id']}/keys", json={"key": "race"}, headers=tenant.headers).json()
    url = f"/api/projects/{project['_id']}/keys/{key['_id']}/translations/fr"
    responses = asyncio.run(_race(create_app(database, settings), url, tenant.headers))
    assert [r.status_code for r in responses] == [200] * WRITERS, [r.text for r in responses if r.status_code != 200]
    assert sorted(r.json()["version"] for r in responses) == list(range(1, WRITERS + 1))
    history = client.get(url + "/history", headers=tenant.headers).json()
    assert [h["version"] for h in history] == list(range(WRITERS, 0, -1))
    assert sorted(h["newValue"] for h in history) == sorted(f"value {i}" for i in range(WRITERS))
    chain = list(reversed(history))
    for before, after in itertools.pairwise(chain):
        assert after["previousValue"] == before["newValue"]
    current = client.get(f"/api/projects/{project['_id']}/translations/fr", headers=tenant.headers).json()["data"][0]
    assert current["value"] == history[0]["newValue"]
