"""Translation request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from entri.core.clock import iso
from entri.core.prepared import timestamp_iso
from entri.core.schemas import Meta, RequestModel, ResponseModel
from entri.core.vocabularies import PLURAL_CATEGORIES
from entri.keys.models import Key
from entri.keys.rules import MAX_NAME, MAX_NAMESPACE
from entri.translations.models import Translation, TranslationHistory
from entri.translations.rules import MAX_VALUE

Value = Annotated[str, Field(max_length=MAX_VALUE)]
Status = Literal["untranslated", "translated", "reviewed", "approved"]
"""core/vocabularies.py: Status, spelled out for the OpenAPI document (a test holds them equal)."""

_HOME_FR: dict[str, Any] = {
    "keyId": "key_abc123",
    "key": "nav.home",
    "namespace": "common",
    "language": "fr",
    "value": "Accueil",
    "pluralForms": None,
    "status": "translated",
    "source": "human",
    "aiConfidence": None,
    "version": 2,
    "updatedBy": "user_xyz",
    "updatedByName": "Alice Martin",
    "updatedAt": "2025-03-04T09:12:45.318Z",
    "checks": [],
}
_FILES_FR: dict[str, Any] = {
    "keyId": "key_def456",
    "key": "files.count",
    "namespace": "common",
    "language": "fr",
    "value": "{count} fichiers",
    "pluralForms": {"one": "{count} fichier", "other": "{count} fichiers"},
    "status": "reviewed",
    "source": "human",
    "aiConfidence": None,
    "version": 2,
    "updatedBy": "user_bru456",
    "updatedByName": "Bruno Costa",
    "updatedAt": "2025-03-05T16:40:02.511Z",
    "checks": [],
}
_HOME_EN: dict[str, Any] = {
    **_HOME_FR,
    "language": "en",
    "value": "Home",
    "version": 1,
    "updatedAt": "2025-03-01T10:00:00.000Z",
}
_HOME_DE: dict[str, Any] = {
    **_HOME_FR,
    "language": "de",
    "value": "Startseite",
    "source": "ai",
    "aiConfidence": 92,
    "version": 1,
    "updatedAt": "2025-03-03T11:05:27.904Z",
}
_HOME_PT_BR: dict[str, Any] = {
    **_HOME_FR,
    "language": "pt-BR",
    "value": None,
    "status": "untranslated",
    "source": None,
    "version": 0,
    "updatedBy": None,
    "updatedByName": None,
    "updatedAt": None,
}
_NOT_FOUND: dict[str, Any] = {"key": "nav.contact", "namespace": None, "language": "fr", "reason": "key"}


class TranslationUpsert(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"value": "Accueil", "source": "human", "status": "translated"}]}
    )

    value: Value | None = Field(default=None, examples=["Accueil"])
    pluralForms: dict[str, Value] | None = Field(
        default=None, examples=[{"one": "{count} fichier", "other": "{count} fichiers"}]
    )
    source: Literal["human", "ai"] = "human"
    aiConfidence: int | None = Field(default=None, ge=0, le=100)
    status: Status | None = None
    force: bool = Field(
        default=False,
        description="Admins only: review or approve although error-level quality checks fail (kept in history)",
    )

    @model_validator(mode="after")
    def _value_or_forms(self) -> TranslationUpsert:
        if self.value is None and self.pluralForms is None:
            raise ValueError("value should not be empty")
        return self


class StatusChange(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "reviewed"}]})

    status: Status = Field(examples=["reviewed"])
    force: bool = Field(
        default=False,
        description="Admins only: review or approve although error-level quality checks fail (kept in history)",
    )


class OverwriteItemIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"key": "nav.home", "namespace": "common", "language": "fr", "value": "Accueil"}]
        }
    )

    key: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    namespace: Annotated[str, Field(max_length=MAX_NAMESPACE)] | None = None
    language: Annotated[str, Field(min_length=1, max_length=35)]
    value: Value


class OverwriteBody(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "translations": [
                        {"key": "nav.home", "namespace": "common", "language": "fr", "value": "Accueil"},
                        {"key": "nav.home", "language": "de", "value": "Startseite"},
                        {"key": "nav.contact", "language": "fr", "value": "Contact"},
                    ]
                }
            ]
        }
    )

    translations: list[OverwriteItemIn] = Field(max_length=1000)


class CheckOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": "placeholders", "severity": "error", "message": "missing placeholder {name}"}]
        }
    )

    id: str
    severity: Literal["error", "warning"]
    message: str


class TranslationOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_HOME_FR]})

    keyId: str
    key: str
    namespace: str
    language: str
    value: str | None
    pluralForms: dict[str, str] | None = None
    status: Status
    source: str | None
    aiConfidence: int | None
    version: int
    updatedBy: str | None
    updatedByName: str | None
    updatedAt: str | None
    checks: list[CheckOut] = Field(
        description="The quality checks this translation fails, stored at its last write (docs/checks.md)"
    )


class TranslationPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_FILES_FR, _HOME_FR], "meta": {"page": 1, "limit": 50, "total": 2, "totalPages": 1}}]
        }
    )

    data: list[TranslationOut]
    meta: Meta


class FailingPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            **_HOME_FR,
                            "value": "Bonjour {nom}",
                            "checks": [
                                {
                                    "id": "placeholders",
                                    "severity": "error",
                                    "message": "missing {name}; unexpected {nom}",
                                }
                            ],
                        }
                    ],
                    "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1},
                }
            ]
        }
    )

    data: list[TranslationOut]
    meta: Meta


class KeyTranslations(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "key_abc123",
                    "key": "nav.home",
                    "namespace": "common",
                    "translations": [_HOME_EN, _HOME_FR, _HOME_DE, _HOME_PT_BR],
                }
            ]
        }
    )

    keyId: str
    key: str
    namespace: str
    translations: list[TranslationOut]


class HistoryOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "_id": "hist_abc123",
                    "keyId": "key_abc123",
                    "language": "fr",
                    "version": 2,
                    "action": "update",
                    "previousValue": "Page d'accueil",
                    "newValue": "Accueil",
                    "previousPluralForms": None,
                    "newPluralForms": None,
                    "previousStatus": "translated",
                    "status": "translated",
                    "source": "human",
                    "aiConfidence": None,
                    "changedBy": "user_xyz",
                    "changedByName": "Alice Martin",
                    "forced": False,
                    "receipt": None,
                    "created": "2025-03-04T09:12:45.318Z",
                }
            ]
        }
    )

    id: str = Field(alias="_id", examples=["hist_abc123"])
    keyId: str
    language: str
    version: int
    action: str
    previousValue: str | None
    newValue: str | None
    previousPluralForms: dict[str, str] | None
    newPluralForms: dict[str, str] | None
    previousStatus: str | None
    status: str
    source: str
    aiConfidence: int | None
    changedBy: str | None
    changedByName: str | None
    forced: bool = Field(description="Reviewed or approved by an admin despite failing error-level checks")
    receipt: dict[str, Any] | None = Field(
        default=None, description="AI values: model, token usage, glossary terms and TM matches used (docs/ai.md)"
    )
    created: str


class NotFoundItem(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_NOT_FOUND]})

    key: str
    namespace: str | None
    language: str
    reason: str


class OverwriteOut(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"overwritten": 2, "notFound": [_NOT_FOUND]}]})

    overwritten: int
    notFound: list[NotFoundItem]


def _shape(
    key_id: str,
    key: str,
    namespace: str,
    language: str,
    value: str | None,
    forms: dict[str, str] | None,
    status: str,
    source: str | None,
    confidence: int | None,
    version: int,
    by: str | None,
    by_name: str | None,
    at: datetime | str | None,
    checks: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """One translation as JSON; a translation never written (version 0) reads as `untranslated`.

    Plain values, not a row: the listing passes its result rows unpacked by position, which
    costs less than named access on 100 rows.
    """
    if not version:
        value = forms = source = confidence = by = by_name = at = None
        status, version = "untranslated", 0
    elif forms is not None:
        forms = canonical_forms(forms)
    return {
        "keyId": key_id,
        "key": key,
        "namespace": namespace,
        "language": language,
        "value": value,
        "pluralForms": forms,
        "status": status,
        "source": source,
        "aiConfidence": confidence,
        "version": version,
        "updatedBy": by,
        "updatedByName": by_name,
        "updatedAt": timestamp_iso(at),
        "checks": checks or [] if version else [],
    }


def canonical_forms(forms: dict[str, str] | None) -> dict[str, str] | None:
    """Plural forms in CLDR order (PostgreSQL's JSONB keeps its own key order, not ours)."""
    if forms is None:
        return None
    return {c: forms[c] for c in PLURAL_CATEGORIES if c in forms}


def translation_out(key: Key, language: str, row: Translation | None) -> dict[str, Any]:
    if row is None:  # no row yet: version 0, which `_shape` reads as untranslated
        return _shape(key.id, key.name, key.namespace, language, None, None, "", None, None, 0, None, None, None)
    return _shape(
        key.id,
        key.name,
        key.namespace,
        language,
        row.value,
        row.plural_forms,
        row.status,
        row.source,
        row.ai_confidence,
        row.version,
        row.updated_by,
        row.updated_by_name,
        row.updated_at,
        row.checks,
    )


def listing_out(row: Any, language: str) -> dict[str, Any]:
    """A row of `service.list_for_language` (columns in `LISTING_COLUMNS` order)."""
    key_id, key, namespace, *rest = row
    return _shape(key_id, key, namespace, language, *rest)


def history_out(entry: TranslationHistory) -> dict[str, Any]:
    return {
        "_id": entry.id,
        "keyId": entry.key_id,
        "language": entry.language,
        "version": entry.version,
        "action": entry.action,
        "previousValue": entry.previous_value,
        "newValue": entry.new_value,
        "previousPluralForms": canonical_forms(entry.previous_plural_forms),
        "newPluralForms": canonical_forms(entry.new_plural_forms),
        "previousStatus": entry.previous_status,
        "status": entry.new_status,
        "source": entry.source,
        "aiConfidence": entry.ai_confidence,
        "changedBy": entry.changed_by,
        "changedByName": entry.changed_by_name,
        "forced": entry.forced,
        "receipt": entry.receipt,
        "created": iso(entry.created_at),
    }
