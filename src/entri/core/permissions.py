"""Who may do what. The one matrix every route checks against; documented in docs/permissions.md."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    DEVELOPER = "developer"
    TRANSLATOR = "translator"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Permission(StrEnum):
    VIEW = "view"
    EDIT_TRANSLATIONS = "edit_translations"
    REVIEW_TRANSLATIONS = "review_translations"
    MANAGE_KEYS = "manage_keys"
    IMPORT_EXPORT = "import_export"
    MANAGE_PROJECTS = "manage_projects"
    MANAGE_TOKENS = "manage_tokens"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SETTINGS = "manage_settings"
    OWNER_ONLY = "owner_only"


_ALL = set(Permission)
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(_ALL),
    Role.ADMIN: frozenset(_ALL - {Permission.OWNER_ONLY}),
    Role.DEVELOPER: frozenset(
        {
            Permission.VIEW,
            Permission.EDIT_TRANSLATIONS,
            Permission.REVIEW_TRANSLATIONS,
            Permission.MANAGE_KEYS,
            Permission.IMPORT_EXPORT,
        }
    ),
    Role.TRANSLATOR: frozenset({Permission.VIEW, Permission.EDIT_TRANSLATIONS}),
    Role.REVIEWER: frozenset({Permission.VIEW, Permission.REVIEW_TRANSLATIONS}),
    Role.VIEWER: frozenset({Permission.VIEW}),
}

RANK: dict[Role, int] = {
    Role.VIEWER: 0,
    Role.REVIEWER: 1,
    Role.TRANSLATOR: 1,
    Role.DEVELOPER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in MATRIX[Role(role)]
    except ValueError:
        return False
