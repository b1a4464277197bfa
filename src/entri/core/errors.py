"""Domain errors with the HTTP status they mean; services raise these, never HTTPException."""

from __future__ import annotations

from http import HTTPStatus

MAX_PROBLEMS = 50
"""A 400 for a bulk request or a file lists at most this many problems: enough to fix a batch,
short enough to read."""


class ApiError(Exception):
    status_code: int = 400

    def __init__(self, message: str | list[str], *, status_code: int | None = None) -> None:
        super().__init__(message if isinstance(message, str) else "; ".join(message))
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    @property
    def error(self) -> str:
        return HTTPStatus(self.status_code).phrase


class BadRequest(ApiError):
    status_code = 400


class Unauthorized(ApiError):
    status_code = 401


class Forbidden(ApiError):
    status_code = 403


class NotFound(ApiError):
    status_code = 404


class Conflict(ApiError):
    status_code = 409


class PayloadTooLarge(ApiError):
    status_code = 413


class BadGateway(ApiError):
    """An upstream service (an AI provider) failed or gave nothing usable: not the caller's fault."""

    status_code = 502
