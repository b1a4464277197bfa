"""The compat token's response body (main API)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from entri.compat.models import CompatToken
from entri.core.clock import iso
from entri.core.schemas import ResponseModel


class CompatTokenOut(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e41b8d0f6",
                    "tokenId": "ctok_m3n5p7q9r2s4t6v8w2x4",
                    "projectId": "proj_6abc123def456",
                    "baseUrl": "http://127.0.0.1:8080/compat/api/7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e41b8d0f6/",
                    "createdBy": "user_xyz",
                    "createdAt": "2025-03-01T10:00:00.000Z",
                }
            ]
        }
    )

    token: str = Field(description="The secret: the method-style API's URL carries it. Rotate it if it leaks.")
    tokenId: str = Field(description="Names the token in history and activity (not a secret)")
    projectId: str
    baseUrl: str = Field(description="Append a method name: `getLanguages`, `createString`, ...")
    createdBy: str | None
    createdAt: str


def token_out(row: CompatToken, public_url: str) -> dict[str, Any]:
    return {
        "token": row.token,
        "tokenId": row.id,
        "projectId": row.project_id,
        "baseUrl": f"{public_url.rstrip('/')}/compat/api/{row.token}/",
        "createdBy": row.created_by,
        "createdAt": iso(row.created_at),
    }
