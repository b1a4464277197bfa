"""Pydantic building blocks shared by every slice's schemas."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from entri.core.languages import InvalidLanguage, normalize_language


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        """No text field may hold NUL: PostgreSQL text cannot store it."""
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 32:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


NULL_NOT_ALLOWED = "null_not_allowed"


class PatchModel(RequestModel):
    """A PATCH body: a field left out keeps its value, and `null` clears one.

    Only a field that can be empty (`description`) can be cleared; `null` for any other field
    (`sourceLanguage`, `key`, `tags`…) is a 400 naming it, never a silent no-op. Fields are
    declared `X | None = None` so that "left out" has a value; `clearable` lists the ones whose
    `null` is meant, and the published schema allows `null` for those only.
    """

    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise PydanticCustomError(NULL_NOT_ALLOWED, "should not be null")
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        properties = target.get("properties", {})
        for name, field in cls.model_fields.items():
            prop = properties.get(field.alias or name)
            if name in cls.clearable or not prop or "anyOf" not in prop:
                continue
            options = [option for option in prop["anyOf"] if option != {"type": "null"}]
            if len(options) == 1:
                del prop["anyOf"]
                prop.update(options[0])
            else:
                prop["anyOf"] = options
        return schema


class ResponseModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


def _language(value: str) -> str:
    try:
        return normalize_language(value)
    except InvalidLanguage as exc:
        raise ValueError(str(exc)) from None


LanguageCode = Annotated[str, Field(min_length=1, max_length=35), AfterValidator(_language)]


class Meta(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"page": 2, "limit": 50, "total": 120, "totalPages": 3}]})

    page: int
    limit: int
    total: int
    totalPages: int


class ErrorOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "statusCode": 400,
                    "error": "Bad Request",
                    "message": ["name should not be empty", "sourceLanguage should not be empty"],
                    "timestamp": "2025-03-01T10:00:00.123Z",
                    "path": "/api/projects",
                }
            ]
        }
    )

    statusCode: int
    error: str
    message: str | list[str]
    timestamp: str
    path: str


Responses = dict[int | str, dict[str, Any]]

ERROR_RESPONSES: Responses = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Validation failed"),
        (401, "Missing or invalid credentials"),
        (403, "Not allowed for your role"),
        (404, "Not found or not in your organization"),
    )
}
"""Every route under a router; 409 is per route (`conflict`), 413 is added to every operation
that takes a body when the document is built (app.py)."""

ARCHIVED = "the project is archived"


def conflict(*why: str) -> Responses:
    """`responses=` for a route that can answer 409, saying when (tests/core check which routes)."""
    return {409: {"model": ErrorOut, "description": "Conflict: " + ", or ".join(why)}}
