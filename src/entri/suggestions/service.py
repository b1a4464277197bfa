"""Suggestions: candidate texts for a (key, language) kept beside its current value.

Anyone who may edit translations may suggest; a suggestion changes nothing until someone with
the right to set the status it gets accepts it. Accepting writes the text through the one write
path (`translations.service.write`: checks, history, events) and takes it off the list; the
current value it replaces, if it had a different text, becomes a suggestion by its writer, so
no one's text is lost (docs/suggestions.md). The method-style API's bot is one more author,
with at most one suggestion per (key, language), which `addTranslation` updates in place.

Building blocks (`add`, `set_bot`, `apply`, `delete_for_key`, the numbers) only flush; the
functions taking a `principal` check permissions and commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.db import retry_transient
from entri.core.errors import BadRequest, Conflict, Forbidden, NotFound
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.text import storable
from entri.core.vocabularies import PLURAL_CATEGORIES, Action, Source, Status
from entri.projects.models import Project
from entri.suggestions.models import Suggestion, TranslationNumber
from entri.translations import editing
from entri.translations import service as translations
from entri.translations.changes import KeyLike
from entri.translations.models import Translation
from entri.translations.rules import MAX_VALUE


@dataclass(frozen=True, slots=True)
class Text:
    """A candidate's text: a value, and the plural forms of a plural key."""

    value: str
    plurals: dict[str, str] | None = None


def check_text(text: Text, *, key: KeyLike, field: str = "value") -> None:
    """400 for a text no translation could hold (the write path checks again on accept)."""
    problems: list[str] = []
    texts = [text.value] if text.plurals is None else [text.value, *text.plurals.values()]
    if not text.value and not text.plurals:
        problems.append(f"{field} should not be empty")
    if any(len(t) > MAX_VALUE for t in texts):
        problems.append(f"{field} is longer than {MAX_VALUE} characters")
    if not all(storable(t) for t in texts):
        problems.append(f"{field} contains a NUL or an unpaired surrogate character")
    if text.plurals is not None:
        if not key.is_plural:
            problems.append("pluralForms: key is not a plural key (set isPlural on the key first)")
        problems += [f"pluralForms: unknown plural category '{c}'" for c in text.plurals if c not in PLURAL_CATEGORIES]
    if problems:
        raise BadRequest(problems)


def text_from(value: str | None, plurals: dict[str, str] | None) -> Text:
    """A text from a value and optional forms: with forms, the value is the `other` form (or
    the last form given), as the write path stores it."""
    if plurals:
        ordered = {c: plurals[c] for c in PLURAL_CATEGORIES if c in plurals}
        return Text(ordered.get("other", next(reversed(ordered.values()))), ordered)
    return Text(value or "")


def text_of(row: Suggestion) -> Text:
    return text_from(row.value, row.plural_forms)


def _event(name: str, project: Project, actor: Actor, row: Suggestion) -> Event:
    return Event(
        name=name,
        organization_id=project.organization_id,
        actor=actor,
        project_id=project.id,
        target_type="suggestion",
        target_id=row.id,
        data={
            "suggestionId": row.id,
            "keyId": row.key_id,
            "language": row.language,
            "value": row.value,
            "author": row.author_name,
            "projectId": project.id,
        },
        language=row.language,
    )


# --- reading -----------------------------------------------------------------------------


def list_for(
    session: Session, *, project: Project, key: KeyLike, language: str, params: PageParams
) -> tuple[list[Suggestion], int]:
    """A (key, language)'s suggestions, oldest first."""
    where = (Suggestion.key_id == key.id, Suggestion.language == language)
    total = int(session.scalar(select(func.count()).select_from(Suggestion).where(*where)) or 0)
    query = select(Suggestion).where(*where).order_by(Suggestion.created_at, Suggestion.id)
    return list(session.scalars(query.offset(params.offset).limit(params.limit))), total


def get(session: Session, *, key: KeyLike, language: str, suggestion_id: str) -> Suggestion:
    row = session.get(Suggestion, suggestion_id) if len(suggestion_id) <= 64 else None
    if row is None or row.key_id != key.id or row.language != language:
        raise NotFound("Suggestion not found")
    return row


def bot_suggestion(session: Session, *, key_id: str, language: str) -> Suggestion | None:
    query = select(Suggestion).where(Suggestion.key_id == key_id, Suggestion.language == language, Suggestion.bot)
    return session.scalar(query)


# --- building blocks (flush, no commit) --------------------------------------------------


def add(
    session: Session,
    *,
    project: Project,
    key: KeyLike,
    language: str,
    text: Text,
    author: Actor,
    bot: bool = False,
    number: int | None = None,
) -> Suggestion:
    now = utcnow()
    row = Suggestion(
        id=new_id("sug"),
        project_id=project.id,
        key_id=key.id,
        language=language,
        value=text.value,
        plural_forms=text.plurals,
        author_id=author.user_id,
        author_name=author.name[:200],
        author_token_id=author.token_id,
        bot=bot,
        number=number,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def set_bot(session: Session, *, project: Project, key: KeyLike, language: str, text: Text, actor: Actor) -> Suggestion:
    """The bot's suggestion for (key, language) holds `text`: updated in place, or created."""
    row = bot_suggestion(session, key_id=key.id, language=language)
    if row is None:
        row = add(session, project=project, key=key, language=language, text=text, author=actor, bot=True)
        publish(session, [_event("suggestion.created", project, actor, row)])
    elif text_of(row) != text:
        row.value, row.plural_forms, row.updated_at = text.value, text.plurals, utcnow()
        row.author_name, row.author_token_id = actor.name[:200], actor.token_id
        session.flush()
        publish(session, [_event("suggestion.updated", project, actor, row)])
    return row


def apply(
    session: Session,
    *,
    project: Project,
    key: KeyLike,
    language: str,
    text: Text,
    status: str,
    actor: Actor,
    source: str,
    candidate: Suggestion | None = None,
    force: bool = False,
) -> Translation:
    """Make `text` the current value with `status`, through the write path.

    The current value, if it has another text, becomes a suggestion by whoever wrote it (with
    its number). `candidate`, the suggestion the text comes from, leaves the list and its number
    moves to the current value; other suggestions of the same text leave too (they are the
    current text now), and the first of them stands in for a missing `candidate`. Raises what
    the write path raises (a 409 for a review status over failing error-level checks); nothing
    is changed then."""
    before = translations.current(session, key_id=key.id, language=language)
    old_number = _current_number(session, before.id) if before is not None else None
    old_text = text_from(before.value, before.plural_forms) if before is not None else None
    # Read before the write: `current` refreshes the same object with the new state.
    writer = Actor(user_id=before.updated_by, name=before.updated_by_name or "unknown") if before is not None else None
    write = translations.Write(
        key=key, language=language, value=text.value, plurals=text.plurals, status=status, source=source, force=force
    )
    translations.write(session, project=project, writes=[write], actor=actor, action=Action.UPDATE)
    row = translations.current(session, key_id=key.id, language=language)
    if row is None:
        raise AssertionError("translation vanished after its write")
    same = [
        other
        for other in session.scalars(
            select(Suggestion).where(Suggestion.key_id == key.id, Suggestion.language == language)
        )
        if other is not candidate and text_of(other) == text
    ]
    if candidate is None and same:
        candidate = same.pop(0)
    number = old_number
    if writer is not None and old_text is not None and old_text.value != "" and old_text != text:
        # The replaced text stays a candidate, by its writer, with its number.
        if number is not None:
            session.delete(number)
            session.flush()
        moved = number.number if number is not None else None
        add(session, project=project, key=key, language=language, text=old_text, author=writer, number=moved)
        number = None
    if candidate is not None:
        if candidate.number is not None:
            if number is not None:
                session.delete(number)
                session.flush()
            number = TranslationNumber(translation_id=row.id, project_id=project.id, number=candidate.number)
        publish(session, [_event("suggestion.accepted", project, actor, candidate)])
        session.delete(candidate)
        session.flush()
        if number is not None and number.translation_id == row.id and old_number is not number:
            session.add(number)
            session.flush()
    for other in same:
        publish(session, [_event("suggestion.accepted", project, actor, other)])
        session.delete(other)
    session.flush()
    return row


def discard(session: Session, *, project: Project, row: Suggestion, actor: Actor) -> None:
    publish(session, [_event("suggestion.deleted", project, actor, row)])
    session.delete(row)
    session.flush()


def delete_for_key(session: Session, *, project: Project, key: KeyLike, actor: Actor) -> int:
    """Delete every suggestion of a key, in every language; the count."""
    rows = list(session.scalars(select(Suggestion).where(Suggestion.key_id == key.id)))
    if rows:
        publish(session, [_event("suggestion.deleted", project, actor, row) for row in rows[:100]])
        session.execute(delete(Suggestion).where(Suggestion.key_id == key.id))
    return len(rows)


# --- numbers for the method-style API -----------------------------------------------------


def _current_number(session: Session, translation_id: str) -> TranslationNumber | None:
    return session.get(TranslationNumber, translation_id)


def next_number(session: Session, *, project_id: str) -> int:
    """The next candidate number of a project (the caller holds the project lock)."""
    top = [
        session.scalar(select(func.max(Suggestion.number)).where(Suggestion.project_id == project_id)),
        session.scalar(select(func.max(TranslationNumber.number)).where(TranslationNumber.project_id == project_id)),
    ]
    return max(int(t or 0) for t in top) + 1


def number_of_suggestion(session: Session, row: Suggestion) -> int:
    if row.number is None:
        row.number = next_number(session, project_id=row.project_id)
        session.flush()
    return row.number


def number_of_translation(session: Session, *, project_id: str, translation_id: str) -> int:
    found = _current_number(session, translation_id)
    if found is None:
        found = TranslationNumber(
            translation_id=translation_id, project_id=project_id, number=next_number(session, project_id=project_id)
        )
        session.add(found)
        session.flush()
    return found.number


# --- what a person does through the main API ---------------------------------------------


@retry_transient
def create(
    session: Session, *, principal: Principal, project: Project, key: KeyLike, language: str, text: Text
) -> Suggestion:
    """A new suggestion by the caller; 409 when that text is the current value or is already
    suggested (one entry per text)."""
    principal.require(Permission.EDIT_TRANSLATIONS)
    _require_language(project, language)
    check_text(text, key=key)
    current = translations.current(session, key_id=key.id, language=language)
    if current is not None and text_from(current.value, current.plural_forms) == text:
        raise Conflict("This text is the current translation")
    for row in session.scalars(select(Suggestion).where(Suggestion.key_id == key.id, Suggestion.language == language)):
        if text_of(row) == text:
            raise Conflict(f"This text is already suggested ({row.id})")
    actor = Actor.of(principal)
    row = add(session, project=project, key=key, language=language, text=text, author=actor)
    publish(session, [_event("suggestion.created", project, actor, row)])
    session.commit()
    return row


@retry_transient
def accept(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    key: KeyLike,
    language: str,
    suggestion_id: str,
    status: str = Status.APPROVED,
    force: bool = False,
) -> Translation:
    """The suggestion becomes the current value with `status` (default approved)."""
    editing.require_status_permission(principal, status)
    editing.require_force_permission(principal, force)
    _require_language(project, language)
    row = get(session, key=key, language=language, suggestion_id=suggestion_id)
    source = Source.API if row.bot else Source.HUMAN
    result = apply(
        session,
        project=project,
        key=key,
        language=language,
        text=text_of(row),
        status=status,
        actor=Actor.of(principal),
        source=source,
        candidate=row,
        force=force,
    )
    session.commit()
    return result


@retry_transient
def remove(
    session: Session, *, principal: Principal, project: Project, key: KeyLike, language: str, suggestion_id: str
) -> None:
    """Authors may withdraw their own suggestions; reviewers may delete anyone's."""
    row = get(session, key=key, language=language, suggestion_id=suggestion_id)
    own = row.author_id is not None and row.author_id == principal.user_id
    if not (principal.can(Permission.REVIEW_TRANSLATIONS) or (own and principal.can(Permission.EDIT_TRANSLATIONS))):
        raise Forbidden(f"Your role '{principal.role}' cannot delete another author's suggestion")
    publish(session, [_event("suggestion.deleted", project, Actor.of(principal), row)])
    session.delete(row)
    session.commit()


def _require_language(project: Project, language: str) -> None:
    if language not in project.languages:
        raise BadRequest([f"language '{language}' is not a language of this project"])
