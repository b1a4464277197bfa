"""Small helpers for the import/export HTTP tests: request builders, snapshots, catalog maps."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete

from entri.core.db import Database
from entri.files.models import FileTemplate
from entri.formats import FORMAT_IDS, get_format
from entri.formats.catalog import Catalog

BILINGUAL = frozenset(f for f in FORMAT_IDS if get_format(f).bilingual)


def import_body(
    language: str,
    format_id: str,
    content: bytes | str,
    *,
    namespace: str | None = None,
    overwrite: bool | None = None,
    force_base64: bool = False,
) -> dict[str, Any]:
    """An import request body; bytes that are not UTF-8 (or a binary format) go base64."""
    body: dict[str, Any] = {"language": language, "format": format_id}
    if isinstance(content, str):
        body["content"] = content
    else:
        text = None
        if not force_base64 and not get_format(format_id).binary:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        if text is None:
            body["content"] = base64.b64encode(content).decode("ascii")
            body["contentEncoding"] = "base64"
        else:
            body["content"] = text
    if namespace is not None:
        body["namespace"] = namespace
    if overwrite is not None:
        body["overwrite"] = overwrite
    return body


def do_import(
    client: TestClient,
    headers: dict[str, str],
    project_id: str,
    language: str,
    format_id: str,
    content: bytes | str,
    **options: Any,
) -> Any:
    body = import_body(language, format_id, content, **options)
    return client.post(f"/api/projects/{project_id}/import", json=body, headers=headers)


def do_export(
    client: TestClient,
    headers: dict[str, str],
    project_id: str,
    language: str,
    format_id: str | None,
    **params: str,
) -> Any:
    query = dict(params)
    if format_id is not None:
        query["format"] = format_id
    return client.get(f"/api/projects/{project_id}/export/{language}", params=query, headers=headers)


def source_for(language: str) -> str:
    """A project source language different from the file's language."""
    return "de" if language.split("-")[0] == "en" else "en"


def parse(format_id: str, data: bytes, language: str) -> Catalog:
    return get_format(format_id).codec().parse(data, language)


def text_of(entry: Any) -> object:
    if entry.plurals is not None:
        return ("plural", tuple(sorted(entry.plurals.items())))
    return entry.value


def value_map(catalog: Catalog) -> dict[tuple[str, str | None], object]:
    """(key, context) -> value, or a sorted tuple of plural forms; entries without text left out.

    Later duplicates win, as they do on import."""
    out: dict[tuple[str, str | None], object] = {}
    for entry in catalog.entries:
        if entry.value is None and entry.plurals is None:
            continue
        out[(entry.key, entry.context)] = text_of(entry)
    return out


def source_map(catalog: Catalog) -> dict[tuple[str, str | None], object]:
    out: dict[tuple[str, str | None], object] = {}
    for entry in catalog.entries:
        if entry.source_plurals is not None:
            out[(entry.key, entry.context)] = ("plural", tuple(sorted(entry.source_plurals.items())))
        elif entry.source is not None:
            out[(entry.key, entry.context)] = entry.source
    return out


def drop_templates(database: Database, project_id: str) -> None:
    """Forget the stored files of a project so export renders from the database alone."""
    with database.session(write=True) as session:
        session.execute(delete(FileTemplate).where(FileTemplate.project_id == project_id))
        session.commit()


def key_total(client: TestClient, headers: dict[str, str], project_id: str) -> int:
    response = client.get(f"/api/projects/{project_id}/keys", params={"limit": 1}, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["total"])


def translations(client: TestClient, headers: dict[str, str], project_id: str, language: str) -> dict[str, Any]:
    """key name -> translation object (every page), for keys in every namespace."""
    out: dict[str, Any] = {}
    page = 1
    while True:
        response = client.get(
            f"/api/projects/{project_id}/translations/{language}",
            params={"page": page, "limit": 200},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        for item in body["data"]:
            name = item["key"] if not item["namespace"] else f"{item['namespace']}:{item['key']}"
            out[name] = item
        if page >= body["meta"]["totalPages"]:
            return out
        page += 1


def values(client: TestClient, headers: dict[str, str], project_id: str, language: str) -> dict[str, object]:
    """key -> value, or sorted plural forms, for translations that have one."""
    out: dict[str, object] = {}
    for name, item in translations(client, headers, project_id, language).items():
        if item["version"] == 0:
            continue
        forms = item["pluralForms"]
        out[name] = ("plural", tuple(sorted(forms.items()))) if forms else item["value"]
    return out


def key_id(client: TestClient, headers: dict[str, str], project_id: str, language: str, name: str) -> str:
    return str(translations(client, headers, project_id, language)[name]["keyId"])


def history(client: TestClient, headers: dict[str, str], project_id: str, key: str, language: str) -> list[Any]:
    response = client.get(f"/api/projects/{project_id}/keys/{key}/translations/{language}/history", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def snapshot(client: TestClient, headers: dict[str, str], project_id: str, languages: list[str]) -> dict[str, Any]:
    """Everything an import could change that a test can see through the API."""
    state: dict[str, Any] = {"keys": key_total(client, headers, project_id)}
    for language in languages:
        rows = translations(client, headers, project_id, language)
        state[language] = {name: (r["value"], r["pluralForms"], r["status"], r["version"]) for name, r in rows.items()}
        state[f"history:{language}"] = {
            name: len(history(client, headers, project_id, r["keyId"], language)) for name, r in rows.items()
        }
    return state


def read(path: Path) -> bytes:
    return path.read_bytes()


def messages(response: Any) -> str:
    """The error message(s) of an error response, as one string."""
    message = response.json()["message"]
    return " | ".join(message) if isinstance(message, list) else str(message)
