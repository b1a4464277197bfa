"""Key routes (docs/api-decisions.md, "Keys"). Bulk routes are declared before `/{key_id}`.

Creating a key with its source text and listing keys with their source values go through
`content.service`, which composes the keys and translations slices."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from entri.auth.deps import CurrentPrincipal, scoped
from entri.content import service as content
from entri.core.deps import DbSession, Paging, language_param
from entri.core.errors import BadRequest
from entri.core.pagination import envelope
from entri.core.schemas import ARCHIVED, ERROR_RESPONSES, conflict
from entri.keys import service
from entri.keys.models import Key
from entri.keys.schemas import (
    BulkCreated,
    BulkDeleted,
    BulkUpdated,
    KeyBulkCreate,
    KeyBulkDelete,
    KeyBulkUpdate,
    KeyCreate,
    KeyOut,
    KeyPage,
    KeyUpdate,
    key_out,
)
from entri.projects.deps import ReadProject, WriteProject
from entri.projects.models import Project

router = APIRouter(
    prefix="/projects/{project_id}/keys",
    tags=["Translation Keys"],
    responses=ERROR_RESPONSES,
    dependencies=[scoped("keys")],
)


def _new_key(body: KeyCreate) -> content.NewKey:
    fields = service.KeyFields(
        key=body.key,
        namespace=body.namespace,
        description=body.description,
        tags=body.tags,
        is_plural=body.isPlural,
        max_length=body.maxLength,
        context=body.context,
    )
    return content.NewKey(fields=fields, source_value=body.sourceValue, source_plurals=body.sourcePluralForms)


def _out(session: Session, project: Project, keys: list[Key]) -> list[dict[str, Any]]:
    sources = content.sources(session, project=project, key_list=keys)
    return [key_out(k, sources.get(k.id)) for k in keys]


@router.post(
    "/bulk",
    status_code=201,
    response_model=BulkCreated,
    responses=conflict(ARCHIVED, "a key name is taken in its namespace or given twice"),
    summary="Create up to 1,000 keys (all or nothing)",
)
def bulk_create(
    body: KeyBulkCreate, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    keys = content.create_keys(session, principal=principal, project=project, items=[_new_key(k) for k in body.keys])
    return {"created": len(keys), "keys": _out(session, project, keys)}


@router.patch(
    "/bulk",
    response_model=BulkUpdated,
    responses=conflict(ARCHIVED, "a new key name is taken in its namespace"),
    summary="Update up to 1,000 keys (all or nothing)",
)
def bulk_update(
    body: KeyBulkUpdate, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    items = [k.model_dump(exclude_unset=True, by_alias=True) for k in body.keys]
    return {"updated": service.update_keys(session, principal=principal, project=project, items=items)}


@router.delete("/bulk", response_model=BulkDeleted, responses=conflict(ARCHIVED), summary="Delete up to 1,000 keys")
def bulk_delete(
    body: KeyBulkDelete, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    deleted, missing = service.delete_keys(session, principal=principal, project=project, key_ids=body.keyIds)
    return {"deleted": deleted, "notFound": missing}


@router.post(
    "",
    status_code=201,
    response_model=KeyOut,
    responses=conflict(ARCHIVED, "a key with this name exists in the namespace"),
    summary="Create a key",
)
def create_key(
    body: KeyCreate, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    keys = content.create_keys(session, principal=principal, project=project, items=[_new_key(body)])
    return _out(session, project, keys)[0]


@router.get("", response_model=KeyPage, summary="List keys (filters: namespace, tag, search, untranslated)")
def list_keys(
    project: ReadProject,
    session: DbSession,
    paging: Paging,
    namespace: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    untranslated: str | None = None,
) -> dict[str, Any]:
    untranslated_in = language_param(untranslated, "untranslated") if untranslated else None
    if untranslated_in is not None and untranslated_in not in project.languages:
        raise BadRequest([f"untranslated: '{untranslated_in}' is not a language of this project"])
    filters = service.KeyFilters(namespace=namespace, tag=tag, search=search, untranslated=untranslated_in)
    keys, total = content.list_keys(session, project=project, filters=filters, params=paging)
    return envelope(_out(session, project, keys), total, paging)


@router.get("/{key_id}", response_model=KeyOut, summary="Get a key")
def get_key(key_id: str, project: ReadProject, session: DbSession) -> dict[str, Any]:
    return _out(session, project, [service.get_key(session, project=project, key_id=key_id)])[0]


@router.patch(
    "/{key_id}",
    response_model=KeyOut,
    responses=conflict(ARCHIVED, "the new name is taken in the namespace"),
    summary="Update a key (partial)",
)
def update_key(
    key_id: str, body: KeyUpdate, project: WriteProject, session: DbSession, principal: CurrentPrincipal
) -> dict[str, Any]:
    key = service.update_key(
        session, principal=principal, project=project, key_id=key_id, changes=body.model_dump(exclude_unset=True)
    )
    return _out(session, project, [key])[0]


@router.delete(
    "/{key_id}",
    status_code=204,
    responses=conflict(ARCHIVED),
    summary="Delete a key with its translations and history",
)
def delete_key(key_id: str, project: WriteProject, session: DbSession, principal: CurrentPrincipal) -> Response:
    service.delete_key(session, principal=principal, project=project, key_id=key_id)
    return Response(status_code=204)
