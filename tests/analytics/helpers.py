"""Brute-force analytics: the figures computed straight from the translations, keys and history
tables with plain SQL, independently of the journals the server keeps, to hold its answers to."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import text

from entri.core.db import Database
from entri.translations.words import count_words
from tests.conftest import Tenant

DONE = ("translated", "reviewed", "approved")


def call(tenant: Tenant, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = tenant.client.get(path, params=params, headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def add_key(tenant: Tenant, pid: str, name: str, source: str | None = None, **fields: Any) -> str:
    body: dict[str, Any] = {"key": name, **fields}
    if source is not None:
        body["sourceValue"] = source
    response = tenant.client.post(f"/api/projects/{pid}/keys", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["_id"])


def put(
    tenant: Tenant, pid: str, key_id: str, language: str, headers: dict[str, str] | None = None, **body: Any
) -> Any:
    url = f"/api/projects/{pid}/keys/{key_id}/translations/{language}"
    response = tenant.client.put(url, json=body, headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def set_status(
    tenant: Tenant, pid: str, key_id: str, language: str, status: str, headers: dict[str, str] | None = None
) -> None:
    url = f"/api/projects/{pid}/keys/{key_id}/translations/{language}/status"
    response = tenant.client.patch(url, json={"status": status}, headers=headers or tenant.headers)
    assert response.status_code == 200, response.text


def _rows(database: Database, sql: str, **params: Any) -> list[Any]:
    with database.session() as session:
        return list(session.execute(text(sql), params).all())


def _pct(part: int, whole: int) -> int:
    return (part * 100) // whole if whole else 0


def _language(language: str, total: int, rows: list[tuple[str, str | None]], source_language: str) -> dict[str, Any]:
    n = {s: sum(1 for status, _ in rows if status == s) for s in DONE}
    translated = n["translated"] + n["reviewed"] + n["approved"]
    reviewed = n["reviewed"] + n["approved"]
    done = [value or "" for status, value in rows if status in DONE]
    return {
        "language": language,
        "isSource": language == source_language,
        "totalKeys": total,
        "translated": translated,
        "reviewed": reviewed,
        "approved": n["approved"],
        "untranslated": total - translated,
        "completionPercent": _pct(translated, total),
        "reviewedPercent": _pct(reviewed, total),
        "approvedPercent": _pct(n["approved"], total),
        "statuses": {"untranslated": total - translated, **n},
        "words": sum(count_words(v) for v in done),
        "characters": sum(len(v) for v in done),
    }


def brute_progress(tenant: Tenant, pid: str, languages: list[str], *, by_namespace: bool = False) -> dict[str, Any]:
    db = tenant.database
    (source_language,) = _rows(db, "SELECT source_language FROM projects WHERE id = :p", p=pid)[0]
    keys = _rows(db, "SELECT id, namespace FROM keys WHERE project_id = :p", p=pid)
    rows = _rows(
        db,
        "SELECT t.language, k.namespace, t.status, t.value FROM translations t JOIN keys k ON k.id = t.key_id "
        "WHERE t.project_id = :p AND t.version > 0",
        p=pid,
    )

    def section(namespace: str | None) -> tuple[list[dict[str, Any]], int, int, int]:
        total = sum(1 for _, ns in keys if namespace is None or ns == namespace)
        mine = [r for r in rows if namespace is None or r[1] == namespace]
        items = [
            _language(lang, total, [(s, v) for lg, _, s, v in mine if lg == lang], source_language)
            for lang in languages
        ]
        source = [v or "" for lg, _, s, v in mine if lg == source_language and s in DONE]
        return items, total, sum(count_words(v) for v in source), sum(len(v) for v in source)

    items, total, words, chars = section(None)
    out: dict[str, Any] = {
        "totalKeys": total,
        "sourceLanguage": source_language,
        "sourceWords": words,
        "sourceCharacters": chars,
        "languages": items,
        "namespaces": None,
    }
    if by_namespace:
        out["namespaces"] = []
        for namespace in sorted({ns for _, ns in keys}):
            ns_items, ns_total, ns_words, ns_chars = section(namespace)
            out["namespaces"].append(
                {
                    "namespace": namespace,
                    "totalKeys": ns_total,
                    "sourceWords": ns_words,
                    "sourceCharacters": ns_chars,
                    "languages": ns_items,
                }
            )
    return out


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def history_work(tenant: Tenant, pid: str, languages: list[str]) -> list[dict[str, Any]]:
    """One dict per history entry: its day, person and what it counts for (values written,
    reviews, approvals, words, characters), by the definitions of docs/analytics.md."""
    rows = _rows(
        tenant.database,
        "SELECT created_at, language, source, changed_by, changed_by_name, previous_value, previous_status, "
        "new_value, new_status, previous_plural_forms, new_plural_forms FROM translation_history "
        "WHERE project_id = :p",
        p=pid,
    )
    out = []
    for at, language, source, uid, name, old, old_status, new, new_status, old_forms, new_forms in rows:
        if language not in languages:
            continue
        written = bool(new or new_forms) and (old, str(old_forms)) != (new, str(new_forms))
        review = new_status in ("reviewed", "approved") and new_status != old_status
        approval = new_status == "approved" and old_status != "approved"
        out.append(
            {
                "day": _day(at),
                "source": source,
                "userId": uid,
                "userName": name,
                "translations": int(written),
                "reviews": int(review),
                "approvals": int(approval),
                "words": count_words(new) if written else 0,
                "characters": len(new or "") if written else 0,
            }
        )
    return out


def sums_by(entries: list[dict[str, Any]], key: str) -> dict[Any, dict[str, int]]:
    found: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        for field in ("translations", "reviews", "approvals", "words", "characters"):
            found[e[key]][field] += e[field]
    return {k: dict(v) for k, v in found.items() if any(v.values())}
