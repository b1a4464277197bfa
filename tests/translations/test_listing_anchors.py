"""Deep pages of the per-language listing start from cached anchor keys instead of walking the
index from the first key (translations/listing.py). They must be exactly the pages OFFSET would
give, and stay so after keys are created, renamed and deleted."""

from __future__ import annotations

import json
from typing import Any

from entri.translations.listing import ANCHOR_EVERY

KEYS = 5 * ANCHOR_EVERY + 37


def _ids(client: Any, headers: dict[str, str], path: str, pages: range) -> list[str]:
    found: list[str] = []
    for page in pages:
        body = client.get(f"{path}?limit=100&page={page}", headers=headers).json()
        found += [row.get("keyId") or row["_id"] for row in body["data"]]
    return found


def _same_order(tenant: Any, project_id: str) -> None:
    """Every listing page against the keys route, which pages with plain OFFSET in the same order."""
    base = f"/api/projects/{project_id}"
    pages = range(1, KEYS // 100 + 3)
    listed = _ids(tenant.client, tenant.headers, f"{base}/translations/fr", pages)
    keys = _ids(tenant.client, tenant.headers, f"{base}/keys", pages)
    assert listed == keys
    assert len(listed) == len(set(listed))


def test_deep_pages_match_offset_paging_through_key_changes(tenant: Any) -> None:
    project = tenant.project(targetLanguages=["fr"])
    base = f"/api/projects/{project['_id']}"
    content = json.dumps({f"k{i:05d}": f"v{i}" for i in range(KEYS)})
    body = {"language": "fr", "format": "json-flat", "content": content}
    assert tenant.client.post(f"{base}/import", json=body, headers=tenant.headers).status_code == 200
    _same_order(tenant, project["_id"])

    # A rename moves a key from the first block to the last; a delete and a create shift the rest.
    first = tenant.client.get(f"{base}/keys?limit=1", headers=tenant.headers).json()["data"][0]
    assert tenant.client.patch(f"{base}/keys/{first['_id']}", json={"key": "zzz"}, headers=tenant.headers).is_success
    second = tenant.client.get(f"{base}/keys?limit=1&page=7", headers=tenant.headers).json()["data"][0]
    assert tenant.client.delete(f"{base}/keys/{second['_id']}", headers=tenant.headers).status_code == 204
    assert tenant.client.post(f"{base}/keys", json={"key": "a-new-first"}, headers=tenant.headers).status_code == 201
    _same_order(tenant, project["_id"])
    last = tenant.client.get(f"{base}/translations/fr?limit=100&page={KEYS // 100 + 1}", headers=tenant.headers)
    assert last.json()["data"][-1]["key"] == "zzz"
