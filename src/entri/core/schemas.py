"""Pydantic building blocks shared by every slice's schemas."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

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


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Validation failed"),
        (401, "Missing or invalid credentials"),
        (403, "Not allowed for your role"),
        (404, "Not found or not in your organization"),
    )
}
