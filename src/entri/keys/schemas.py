"""Key request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from entri.core.clock import iso
from entri.core.schemas import Meta, RequestModel, ResponseModel
from entri.keys.models import Key
from entri.translations.models import Translation

KeyName = Annotated[str, Field(min_length=1, max_length=1000, examples=["nav.home"])]
Namespace = Annotated[str, Field(max_length=255, examples=["common"])]
Tag = Annotated[str, Field(min_length=1, max_length=100)]
Value = Annotated[str, Field(max_length=100_000)]


class KeyCreate(RequestModel):
    key: KeyName
    namespace: Namespace = ""
    description: str | None = Field(default=None, max_length=10_000, examples=["Navigation bar home link label"])
    tags: list[Tag] = Field(default_factory=list, max_length=50, examples=[["navigation", "ui"]])
    isPlural: bool = False
    maxLength: int | None = Field(default=None, ge=1, le=100_000)
    context: str | None = Field(default=None, max_length=2_500)
    sourceValue: Value | None = Field(default=None, examples=["Home"])
    sourcePluralForms: dict[str, Value] | None = None


class KeyUpdate(RequestModel):
    key: KeyName | None = None
    namespace: Namespace | None = None
    description: str | None = Field(default=None, max_length=10_000)
    tags: list[Tag] | None = Field(default=None, max_length=50)
    isPlural: bool | None = None
    maxLength: int | None = Field(default=None, ge=1, le=100_000)
    context: str | None = Field(default=None, max_length=2_500)


class KeyBulkUpdateItem(KeyUpdate):
    id: str = Field(alias="_id", max_length=64)


class KeyBulkCreate(RequestModel):
    keys: list[KeyCreate] = Field(max_length=1000)


class KeyBulkUpdate(RequestModel):
    keys: list[KeyBulkUpdateItem] = Field(max_length=1000)


class KeyBulkDelete(RequestModel):
    keyIds: list[Annotated[str, Field(max_length=64)]] = Field(max_length=1000)


class KeyOut(ResponseModel):
    id: str = Field(alias="_id", examples=["key_abc123"])
    key: str
    namespace: str
    description: str | None
    tags: list[str]
    isPlural: bool
    maxLength: int | None
    context: str | None
    projectId: str
    sourceValue: str | None
    sourcePluralForms: dict[str, str] | None = None
    createdAt: str
    updatedAt: str


class KeyPage(ResponseModel):
    data: list[KeyOut]
    meta: Meta


class BulkCreated(ResponseModel):
    created: int
    keys: list[KeyOut]


class BulkUpdated(ResponseModel):
    updated: int


class BulkDeleted(ResponseModel):
    deleted: int
    notFound: list[str]


def key_out(key: Key, source: Translation | None) -> dict[str, Any]:
    return {
        "_id": key.id,
        "key": key.name,
        "namespace": key.namespace,
        "description": key.description,
        "tags": key.tags,
        "isPlural": key.is_plural,
        "maxLength": key.max_length,
        "context": key.context,
        "projectId": key.project_id,
        "sourceValue": source.value if source else None,
        "sourcePluralForms": source.plural_forms if source else None,
        "createdAt": iso(key.created_at),
        "updatedAt": iso(key.updated_at),
    }
