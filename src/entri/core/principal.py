"""The authenticated caller, whatever the credential (session cookie or API token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from entri.core.errors import Forbidden
from entri.core.permissions import Permission, allows


@dataclass(frozen=True)
class Principal:
    organization_id: str
    role: str
    user_id: str | None
    display_name: str
    token_id: str | None = None
    project_id: str | None = None
    """Set for project tokens: the only project this caller may reach."""
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_expires_at: datetime | None = None
    """When the calling token expires: a token it creates may not outlive it."""

    def has_scope(self, resource: str, access: str) -> bool:
        """Token scopes narrow the role (docs/permissions.md); `write` includes `read`."""
        if not self.scopes or "*" in self.scopes:
            return True
        return f"{resource}:{access}" in self.scopes or (access == "read" and f"{resource}:write" in self.scopes)

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"Your role '{self.role}' does not allow this action ({permission.value})")
