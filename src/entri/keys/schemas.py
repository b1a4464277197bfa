"""Key request and response bodies."""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from pydantic import ConfigDict, Field

from entri.core.clock import iso
from entri.core.schemas import Meta, PatchModel, RequestModel, ResponseModel
from entri.core.vocabularies import PLURAL_CATEGORIES
from entri.keys import rules
from entri.keys.models import Key

KeyName = Annotated[str, Field(min_length=1, max_length=rules.MAX_NAME, examples=["nav.home"])]
Namespace = Annotated[str, Field(max_length=rules.MAX_NAMESPACE, examples=["common"])]
Tag = Annotated[str, Field(min_length=1, max_length=rules.MAX_TAG)]
Value = Annotated[str, Field(max_length=100_000)]
"""The translation domain's limit (translations/rules.py), repeated for the schema only."""


class SourceText(Protocol):
    """The key's source-language translation, as far as a key response shows it."""

    value: str | None
    plural_forms: dict[str, str] | None


_CREATED = "2025-03-01T10:00:00.000Z"
_UPDATED = "2025-03-02T14:30:00.000Z"
_KEY_HOME: dict[str, Any] = {
    "_id": "key_abc123",
    "key": "nav.home",
    "namespace": "common",
    "description": "Navigation bar home link label",
    "tags": ["navigation", "ui"],
    "isPlural": False,
    "maxLength": 30,
    "context": None,
    "projectId": "proj_6abc123def456",
    "sourceValue": "Home",
    "sourcePluralForms": None,
    "createdAt": _CREATED,
    "updatedAt": _UPDATED,
}
_KEY_FILES: dict[str, Any] = {
    "_id": "key_def456",
    "key": "files.count",
    "namespace": "common",
    "description": "Number of files in the upload list",
    "tags": ["uploads"],
    "isPlural": True,
    "maxLength": None,
    "context": "Shown under the drop zone",
    "projectId": "proj_6abc123def456",
    "sourceValue": "{count} files",
    "sourcePluralForms": {"one": "{count} file", "other": "{count} files"},
    "createdAt": _CREATED,
    "updatedAt": _CREATED,
}


class KeyCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "nav.home",
                    "namespace": "common",
                    "description": "Navigation bar home link label",
                    "tags": ["navigation", "ui"],
                    "maxLength": 30,
                    "sourceValue": "Home",
                }
            ]
        }
    )

    key: KeyName
    namespace: Namespace = ""
    description: str | None = Field(
        default=None, max_length=rules.MAX_DESCRIPTION, examples=["Navigation bar home link label"]
    )
    tags: list[Tag] = Field(default_factory=list, max_length=rules.MAX_TAGS, examples=[["navigation", "ui"]])
    isPlural: bool = False
    maxLength: int | None = Field(default=None, ge=0, le=rules.MAX_LENGTH_RANGE.stop - 1)
    context: str | None = Field(default=None, max_length=rules.MAX_CONTEXT)
    sourceValue: Value | None = Field(default=None, examples=["Home"])
    sourcePluralForms: dict[str, Value] | None = None


class KeyUpdate(PatchModel):
    clearable = frozenset({"description", "maxLength", "context"})
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "Home link in the top navigation bar",
                    "tags": ["navigation", "ui", "header"],
                    "maxLength": 30,
                }
            ]
        }
    )

    key: KeyName | None = None
    namespace: Namespace | None = None
    description: str | None = Field(default=None, max_length=10_000)
    tags: list[Tag] | None = Field(default=None, max_length=50)
    isPlural: bool | None = None
    maxLength: int | None = Field(default=None, ge=0, le=rules.MAX_LENGTH_RANGE.stop - 1)
    context: str | None = Field(default=None, max_length=rules.MAX_CONTEXT)


class KeyBulkUpdateItem(KeyUpdate):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"_id": "key_abc123", "tags": ["navigation", "ui", "header"]}]}
    )

    id: str = Field(alias="_id", max_length=64)


class KeyBulkCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keys": [
                        {
                            "key": "nav.home",
                            "namespace": "common",
                            "description": "Navigation bar home link label",
                            "tags": ["navigation", "ui"],
                            "maxLength": 30,
                            "sourceValue": "Home",
                        },
                        {
                            "key": "files.count",
                            "namespace": "common",
                            "description": "Number of files in the upload list",
                            "tags": ["uploads"],
                            "isPlural": True,
                            "context": "Shown under the drop zone",
                            "sourcePluralForms": {"one": "{count} file", "other": "{count} files"},
                        },
                    ]
                }
            ]
        }
    )

    keys: list[KeyCreate] = Field(max_length=1000)


class KeyBulkUpdate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keys": [
                        {"_id": "key_abc123", "tags": ["navigation", "ui", "header"]},
                        {"_id": "key_def456", "context": "Shown under the drop zone", "maxLength": 40},
                    ]
                }
            ]
        }
    )

    keys: list[KeyBulkUpdateItem] = Field(max_length=1000)


class KeyBulkDelete(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"keyIds": ["key_abc123", "key_def456", "key_zzz999"]}]})

    keyIds: list[Annotated[str, Field(max_length=64)]] = Field(max_length=1000)


class KeyOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_HOME]})

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [_KEY_FILES, _KEY_HOME],
                    "meta": {"page": 1, "limit": 50, "total": 2, "totalPages": 1},
                }
            ]
        }
    )

    data: list[KeyOut]
    meta: Meta


class BulkCreated(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"created": 2, "keys": [{**_KEY_HOME, "updatedAt": _CREATED}, _KEY_FILES]}]}
    )

    created: int
    keys: list[KeyOut]


class BulkUpdated(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"updated": 2}]})

    updated: int


class BulkDeleted(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"deleted": 2, "notFound": ["key_zzz999"]}]})

    deleted: int
    notFound: list[str]


def canonical_forms(forms: dict[str, str] | None) -> dict[str, str] | None:
    """Plural forms in CLDR order (PostgreSQL's JSONB keeps its own key order, not ours)."""
    return None if forms is None else {c: forms[c] for c in PLURAL_CATEGORIES if c in forms}


def key_out(key: Key, source: SourceText | None) -> dict[str, Any]:
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
        "sourcePluralForms": canonical_forms(source.plural_forms) if source else None,
        "createdAt": iso(key.created_at),
        "updatedAt": iso(key.updated_at),
    }
