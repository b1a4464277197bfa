"""The job state as the API shows it (`service.state`)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.core.schemas import Meta, ResponseModel

_JOB: dict[str, Any] = {
    "_id": "job_k3j5h2g7f9d1s4a6q8w0",
    "kind": "ai.batch",
    "projectId": "proj_6abc123def456ghi789j",
    "status": "partially_failed",
    "processed": 120,
    "total": 120,
    "succeeded": 117,
    "failed": 2,
    "skipped": 1,
    "tokensUsed": 0,
    "reason": None,
    "error": None,
    "cancelRequested": False,
    "createdBy": "user_a1b2c3d4e5f6g7h8i9j0",
    "createdAt": "2025-03-01T10:00:00.000Z",
    "startedAt": "2025-03-01T10:00:00.250Z",
    "finishedAt": "2025-03-01T10:00:41.730Z",
    "updatedAt": "2025-03-01T10:00:41.730Z",
}


class JobOut(ResponseModel):
    """`status`: queued | running | succeeded | partially_failed | failed | cancelled.
    `processed = succeeded + failed + skipped`; `reason` says why a job ended early
    (`cancelled`, `budget`, …) with `error` as its message."""

    model_config = ConfigDict(json_schema_extra={"examples": [_JOB]})

    id: str = Field(alias="_id")
    kind: str
    projectId: str | None
    status: str
    processed: int
    total: int
    succeeded: int
    failed: int
    skipped: int
    tokensUsed: int = Field(description="Provider tokens (input + output) the job used so far (AI jobs; else 0)")
    reason: str | None
    error: str | None
    cancelRequested: bool
    createdBy: str | None
    createdAt: str
    startedAt: str | None
    finishedAt: str | None
    updatedAt: str


_ITEM: dict[str, Any] = {
    "seq": 7,
    "state": "failed",
    "payload": {"keyId": "key_abc123def456ghi789jk", "language": "fr"},
    "reason": "placeholders: missing placeholder {name}",
    "attempts": 2,
}


class JobItemOut(ResponseModel):
    """One item of a job: its `payload` as enqueued (an AI batch: `{keyId, language}`), its
    `state` (pending | done | failed | skipped) and, when failed or skipped, the `reason`."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ITEM]})

    seq: int
    state: str
    payload: Any
    reason: str | None
    attempts: int


class JobItemPage(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"data": [_ITEM], "meta": {"page": 1, "limit": 50, "total": 1, "totalPages": 1}}]
        }
    )

    data: list[JobItemOut]
    meta: Meta
