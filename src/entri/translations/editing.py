"""What a person does to one translation through the API: set it, change its status, revert it.

Permission checks live here; the writing itself is `service.write`. Each function is one
transaction, retried whole if it lost a race on PostgreSQL (core/db.py: retry_transient).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.db import TransientConflict, retry_transient
from entri.core.errors import BadRequest, Conflict, Forbidden, NotFound
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import REVIEW_STATUSES, Action, Source, Status
from entri.translations import service
from entri.translations.models import Translation, TranslationHistory
from entri.translations.service import KeyLike, ProjectLike, Write


def require_status_permission(principal: Principal, status: str) -> None:
    needed = Permission.REVIEW_TRANSLATIONS if status in REVIEW_STATUSES else Permission.EDIT_TRANSLATIONS
    if not (principal.can(needed) or principal.can(Permission.REVIEW_TRANSLATIONS)):
        raise Forbidden(f"Your role '{principal.role}' cannot set status '{status}'")


def require_force_permission(principal: Principal, force: bool) -> None:
    """`force` (review or approve over failing error-level checks) is for admins and owners."""
    if force and not principal.can(Permission.MANAGE_PROJECTS):
        raise Forbidden(f"Your role '{principal.role}' cannot force a status over failing checks (admins can)")


def _written(session: Session, key: KeyLike, language: str) -> Translation:
    row = service.current(session, key_id=key.id, language=language)
    if row is None:  # the write path just stored it in this transaction
        raise AssertionError("translation vanished after its write")
    return row


@retry_transient
def upsert(
    session: Session,
    *,
    principal: Principal,
    project: ProjectLike,
    key: KeyLike,
    language: str,
    value: str | None,
    plurals: dict[str, str] | None,
    source: str = Source.HUMAN,
    ai_confidence: int | None = None,
    status: str | None = None,
    expected_version: int | None = None,
    force: bool = False,
) -> Translation:
    principal.require(Permission.EDIT_TRANSLATIONS)
    if status is not None:
        require_status_permission(principal, status)
    require_force_permission(principal, force)
    write = Write(
        key=key,
        language=language,
        value=value,
        plurals=plurals,
        source=source,
        status=status,
        ai_confidence=ai_confidence,
        expected_version=expected_version,
        force=force,
    )
    service.write(session, project=project, writes=[write], actor=Actor.of(principal), action=Action.UPDATE)
    row = _written(session, key, language)
    session.commit()
    return row


@retry_transient
def set_status(
    session: Session,
    *,
    principal: Principal,
    project: ProjectLike,
    key: KeyLike,
    language: str,
    status: str,
    expected_version: int | None = None,
    force: bool = False,
) -> Translation:
    require_status_permission(principal, status)
    require_force_permission(principal, force)
    write = Write.status_change(key, language, status, expected_version=expected_version, force=force)
    service.write(session, project=project, writes=[write], actor=Actor.of(principal), action=Action.STATUS)
    row = _written(session, key, language)
    session.commit()
    return row


def _state_before_replaced(entries: list[TranslationHistory], target: TranslationHistory) -> str:
    """The status a value ended with before it was replaced: status changes made to it after it
    was written count (an approved value comes back approved), the next value write ends it.
    `entries` is `history()`, newest first."""
    status = target.new_status
    for entry in reversed(entries):
        if entry.version <= target.version:
            continue
        if entry.action != Action.STATUS:
            break
        status = entry.new_status
    return status


@retry_transient
def revert(
    session: Session,
    *,
    principal: Principal,
    project: ProjectLike,
    key: KeyLike,
    language: str,
    history_id: str | None = None,
) -> Translation:
    """Restore an earlier value with the status and source it had then (docs/api-decisions.md,
    "Revert"). With a history id, "then" is right after that entry. Without one, it is the
    most recent earlier value that differs from the current one, as it stood just before it
    was replaced. A caller who may not review gets the value back as `translated`: a revert
    is no way around the approval rights.
    """
    principal.require(Permission.EDIT_TRANSLATIONS)
    if language not in project.languages:
        raise BadRequest([f"language '{language}' is not a language of this project"])
    entries = service.history(session, key_id=key.id, language=language)
    current = service.current(session, key_id=key.id, language=language)
    if history_id is not None:
        target = next((e for e in entries if e.id == history_id), None)
        if target is None:
            raise NotFound("History entry not found for this translation")
        status = target.new_status
    else:
        now = (current.value, current.plural_forms) if current is not None else (None, None)
        target = next(
            (e for e in entries if e.action != Action.STATUS and (e.new_value, e.new_plural_forms) != now),
            None,
        )
        if target is None:
            raise BadRequest(["There is no earlier value to revert to"])
        status = _state_before_replaced(entries, target)
    if status in REVIEW_STATUSES and not principal.can(Permission.REVIEW_TRANSLATIONS):
        status = Status.TRANSLATED
    write = Write(
        key=key,
        language=language,
        value=target.new_value,
        plurals=target.new_plural_forms,
        source=target.source,
        status=status,
        ai_confidence=target.ai_confidence,
        expected_version=current.version if current is not None else 0,
        downgrade=True,  # an approved value whose checks now fail comes back as translated
    )
    try:
        service.write(session, project=project, writes=[write], actor=Actor.of(principal), action=Action.REVERT)
    except Conflict as exc:  # written since we read its history: decide again on fresh data
        raise TransientConflict(str(exc)) from exc
    row = _written(session, key, language)
    session.commit()
    return row
