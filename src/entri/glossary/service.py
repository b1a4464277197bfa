"""Glossaries and terms: validation, storage, the revision counter, and the prepared matcher
cache the `check` route and the quality checks read (docs/glossary.md).

Writers that change what can match (terms, a glossary's languages, deletions) bump the
organization's revision in their transaction and call `after_change(session, organization_id)`
before committing: the router passes the re-check of the organization's translations. This
module imports nothing of `entri.translations` (which imports it for `prepared_for`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.core.errors import MAX_PROBLEMS, BadRequest, Conflict, NotFound
from entri.core.ids import new_id, new_ids
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.glossary import rules
from entri.glossary.events import glossary_event, term_event
from entri.glossary.models import Glossary, GlossaryRevision, GlossaryTerm
from entri.glossary.prepared import Found, PreparedGlossary, TermFacts
from entri.glossary.validation import TermInput, glossary_languages, term_problems

AfterChange = Callable[[Session, str], object]
"""Called inside the writer's transaction, before commit, when matching may have changed."""


# --- revision and prepared matchers -------------------------------------------------------


def _bump(session: Session, organization_id: str) -> None:
    """Next revision, with a fresh stamp. Also the writers' queue: on PostgreSQL the row lock
    it takes serializes an organization's glossary writers, so duplicate checks hold."""
    stamp = new_id("grev")
    insert_ = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert_(GlossaryRevision).values(organization_id=organization_id, revision=1, stamp=stamp)
    statement = statement.on_conflict_do_update(
        index_elements=[GlossaryRevision.organization_id],
        set_={"revision": GlossaryRevision.revision + 1, "stamp": stamp},
    )
    session.execute(statement)


_CACHE: OrderedDict[str, tuple[tuple[int, str], PreparedGlossary | None]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHED_ORGANIZATIONS = 64


def prepared_for(session: Session, *, organization_id: str) -> PreparedGlossary | None:
    """The organization's terms ready for matching, None when it has none. Cached per
    (revision, stamp): a translation write costs one primary-key read here, not a rebuild."""
    row = session.execute(
        select(GlossaryRevision.revision, GlossaryRevision.stamp).where(
            GlossaryRevision.organization_id == organization_id
        )
    ).first()
    if row is None:
        return None
    version = (int(row[0]), str(row[1]))
    with _CACHE_LOCK:
        cached = _CACHE.get(organization_id)
        if cached is not None and cached[0] == version:
            _CACHE.move_to_end(organization_id)
            return cached[1]
    terms = _facts(session, organization_id)
    prepared = PreparedGlossary(terms) if terms else None
    with _CACHE_LOCK:
        _CACHE[organization_id] = (version, prepared)
        _CACHE.move_to_end(organization_id)
        while len(_CACHE) > CACHED_ORGANIZATIONS:
            _CACHE.popitem(last=False)
    return prepared


def _facts(session: Session, organization_id: str) -> list[TermFacts]:
    rows = session.execute(
        select(
            GlossaryTerm.id,
            GlossaryTerm.glossary_id,
            GlossaryTerm.term,
            Glossary.source_language,
            Glossary.target_languages,
            GlossaryTerm.case_sensitive,
            GlossaryTerm.do_not_translate,
            GlossaryTerm.forbidden,
            GlossaryTerm.translations,
        )
        .join(Glossary, Glossary.id == GlossaryTerm.glossary_id)
        .where(Glossary.organization_id == organization_id)
        .order_by(GlossaryTerm.id)
    ).all()
    return [
        TermFacts(r[0], r[1], r[2], r[3], bool(r[5]), bool(r[6]), bool(r[7]), visible_translations(r[8], r[4]))
        for r in rows
    ]


def visible_translations(stored: Mapping[str, Any] | None, targets: Sequence[str]) -> dict[str, str]:
    """A term's translations in its glossary's current target languages: a language removed
    from the glossary hides its translations, adding it back restores them."""
    return {lang: str(text) for lang, text in (stored or {}).items() if lang in targets}


# --- glossaries ---------------------------------------------------------------------------


def get_glossary(session: Session, *, organization_id: str, glossary_id: str) -> Glossary:
    glossary = session.get(Glossary, glossary_id)
    if glossary is None or glossary.organization_id != organization_id:
        raise NotFound("Glossary not found")
    return glossary


def read_glossary(
    session: Session, *, principal: Principal, organization_id: str, glossary_id: str
) -> tuple[Glossary, int]:
    """A glossary and its number of terms."""
    principal.require(Permission.VIEW)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    return glossary, term_counts(session, [glossary.id]).get(glossary.id, 0)


def term_counts(session: Session, glossary_ids: Sequence[str]) -> dict[str, int]:
    if not glossary_ids:
        return {}
    rows = session.execute(
        select(GlossaryTerm.glossary_id, func.count())
        .where(GlossaryTerm.glossary_id.in_(glossary_ids))
        .group_by(GlossaryTerm.glossary_id)
    ).all()
    return {r[0]: int(r[1]) for r in rows}


def list_glossaries(
    session: Session, *, principal: Principal, organization_id: str, page: PageParams
) -> tuple[list[Glossary], int]:
    principal.require(Permission.VIEW)
    where = Glossary.organization_id == organization_id
    total = int(session.scalar(select(func.count()).select_from(Glossary).where(where)) or 0)
    rows = session.scalars(
        select(Glossary).where(where).order_by(Glossary.name, Glossary.id).offset(page.offset).limit(page.limit)
    ).all()
    return list(rows), total


def _name_taken(session: Session, organization_id: str, name: str, but: str | None = None) -> None:
    query = select(Glossary.id).where(Glossary.organization_id == organization_id, Glossary.name == name)
    found = session.scalar(query)
    if found is not None and found != but:
        raise Conflict(f"A glossary named '{name}' already exists")


def create_glossary(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    name: str,
    description: str | None,
    source_language: str,
    target_languages: Sequence[str],
) -> Glossary:
    principal.require(Permission.MANAGE_KEYS)
    name = name.strip()
    problems = glossary_languages(source_language, target_languages)
    if not name:
        problems.insert(0, "name should not be empty")
    if problems:
        raise BadRequest(problems)
    _bump(session, organization_id)
    _name_taken(session, organization_id, name)
    now = utcnow()
    glossary = Glossary(
        id=new_id("gloss"),
        organization_id=organization_id,
        name=name,
        description=description or None,
        source_language=source_language,
        target_languages=list(dict.fromkeys(target_languages)),
        created_at=now,
        updated_at=now,
    )
    session.add(glossary)
    glossary_event(
        session,
        principal,
        "glossary.created",
        glossary,
        {"sourceLanguage": glossary.source_language, "targetLanguages": glossary.target_languages},
    )
    session.commit()
    return glossary


def update_glossary(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    glossary_id: str,
    changes: Mapping[str, Any],
    after_change: AfterChange | None = None,
) -> Glossary:
    """`changes` holds the fields sent (`name`, `description`, `source_language`,
    `target_languages`); a change of languages re-checks (`after_change`)."""
    principal.require(Permission.MANAGE_KEYS)
    _bump(session, organization_id)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    source = changes.get("source_language", glossary.source_language)
    targets = changes.get("target_languages", glossary.target_languages)
    problems = glossary_languages(source, targets)
    if "name" in changes:
        name = str(changes["name"]).strip()
        if not name:
            problems.insert(0, "name should not be empty")
        else:
            _name_taken(session, organization_id, name, but=glossary.id)
            glossary.name = name
    if problems:
        raise BadRequest(problems)
    if "description" in changes:
        glossary.description = changes["description"] or None
    languages_changed = (source, list(targets)) != (glossary.source_language, list(glossary.target_languages))
    glossary.source_language = source
    glossary.target_languages = list(dict.fromkeys(targets))
    glossary.updated_at = utcnow()
    session.flush()
    if languages_changed and after_change is not None:
        after_change(session, organization_id)
    fields = {"source_language": "sourceLanguage", "target_languages": "targetLanguages"}
    glossary_event(
        session, principal, "glossary.updated", glossary, {"changed": sorted(fields.get(c, c) for c in changes)}
    )
    session.commit()
    return glossary


def delete_glossary(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    glossary_id: str,
    after_change: AfterChange | None = None,
) -> None:
    principal.require(Permission.MANAGE_KEYS)
    _bump(session, organization_id)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    had_terms = session.scalar(select(GlossaryTerm.id).where(GlossaryTerm.glossary_id == glossary.id).limit(1))
    glossary_event(session, principal, "glossary.deleted", glossary)
    session.execute(delete(GlossaryTerm).where(GlossaryTerm.glossary_id == glossary.id))
    session.delete(glossary)
    session.flush()
    if had_terms is not None and after_change is not None:
        after_change(session, organization_id)
    session.commit()


# --- terms --------------------------------------------------------------------------------


def list_terms(
    session: Session, *, principal: Principal, organization_id: str, glossary_id: str, page: PageParams, q: str | None
) -> tuple[Glossary, list[GlossaryTerm], int]:
    principal.require(Permission.VIEW)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    where = [GlossaryTerm.glossary_id == glossary.id]
    if q:
        where.append(func.lower(GlossaryTerm.term).contains(q.lower(), autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(GlossaryTerm).where(*where)) or 0)
    rows = session.scalars(
        select(GlossaryTerm)
        .where(*where)
        .order_by(GlossaryTerm.term, GlossaryTerm.id)
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    return glossary, list(rows), total


def all_terms(
    session: Session, *, principal: Principal, organization_id: str, glossary_id: str
) -> tuple[Glossary, list[GlossaryTerm]]:
    """Every term of a glossary, for export."""
    principal.require(Permission.VIEW)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    rows = session.scalars(
        select(GlossaryTerm).where(GlossaryTerm.glossary_id == glossary.id).order_by(GlossaryTerm.term, GlossaryTerm.id)
    ).all()
    return glossary, list(rows)


def _term_of(session: Session, organization_id: str, term_id: str) -> tuple[GlossaryTerm, Glossary]:
    row = session.execute(
        select(GlossaryTerm, Glossary)
        .join(Glossary, Glossary.id == GlossaryTerm.glossary_id)
        .where(GlossaryTerm.id == term_id, Glossary.organization_id == organization_id)
    ).first()
    if row is None:
        raise NotFound("Glossary term not found")
    return row[0], row[1]


def _identity_taken(session: Session, glossary_id: str, item: TermInput, but: str | None = None) -> None:
    query = select(GlossaryTerm.id).where(
        GlossaryTerm.glossary_id == glossary_id,
        GlossaryTerm.term == item.term,
        GlossaryTerm.part_of_speech.is_(None)
        if item.part_of_speech is None
        else GlossaryTerm.part_of_speech == item.part_of_speech,
    )
    for found in session.scalars(query):
        if found != but:
            what = f" ({item.part_of_speech})" if item.part_of_speech else ""
            raise Conflict(f"The glossary already has the term '{item.term}'{what}")


def add_term(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    glossary_id: str,
    item: TermInput,
    after_change: AfterChange | None = None,
) -> tuple[GlossaryTerm, Glossary]:
    principal.require(Permission.MANAGE_KEYS)
    _bump(session, organization_id)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    item, problems = term_problems(glossary.source_language, glossary.target_languages, item)
    if problems:
        raise BadRequest(problems)
    _identity_taken(session, glossary.id, item)
    now = utcnow()
    term = GlossaryTerm(id=new_id("term"), glossary_id=glossary.id, created_at=now, updated_at=now, **item.columns())
    session.add(term)
    session.flush()
    if after_change is not None:
        after_change(session, organization_id)
    term_event(session, principal, "glossary.term_created", term, glossary)
    session.commit()
    return term, glossary


def update_term(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    term_id: str,
    changes: Mapping[str, Any],
    after_change: AfterChange | None = None,
) -> tuple[GlossaryTerm, Glossary]:
    """`changes`: the `TermInput` fields sent; `translations` merges per language (None
    removes one)."""
    principal.require(Permission.MANAGE_KEYS)
    _bump(session, organization_id)
    term, glossary = _term_of(session, organization_id, term_id)
    current = TermInput.of(term, glossary.target_languages)
    translations = dict(current.translations)
    for language, text in (changes.get("translations") or {}).items():
        if text is None:
            translations.pop(language, None)
        else:
            translations[language] = text
    fields = {k: v for k, v in changes.items() if k != "translations"}
    merged = current.replace(translations=translations, **fields)
    item, problems = term_problems(glossary.source_language, glossary.target_languages, merged)
    if problems:
        raise BadRequest(problems)
    _identity_taken(session, glossary.id, item, but=term.id)
    for column, value in item.columns(keep=term.translations, targets=glossary.target_languages).items():
        setattr(term, column, value)
    term.updated_at = utcnow()
    session.flush()
    if after_change is not None:
        after_change(session, organization_id)
    term_event(session, principal, "glossary.term_updated", term, glossary)
    session.commit()
    return term, glossary


def delete_term(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    term_id: str,
    after_change: AfterChange | None = None,
) -> None:
    principal.require(Permission.MANAGE_KEYS)
    _bump(session, organization_id)
    term, glossary = _term_of(session, organization_id, term_id)
    term_event(session, principal, "glossary.term_deleted", term, glossary)
    session.delete(term)
    session.flush()
    if after_change is not None:
        after_change(session, organization_id)
    session.commit()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deleted: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def import_terms(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    glossary_id: str,
    items: Sequence[tuple[str, TermInput]],
    replace: bool = False,
    after_change: AfterChange | None = None,
) -> ImportResult:
    """All or nothing: every item (`where` names it in messages) is validated first, and a
    single problem is a 400 listing them (at most MAX_PROBLEMS). A term already in the glossary
    (same text and part of speech) is updated; `replace` deletes the terms the file lacks."""
    principal.require(Permission.IMPORT_EXPORT)
    _bump(session, organization_id)
    glossary = get_glossary(session, organization_id=organization_id, glossary_id=glossary_id)
    if len(items) > rules.MAX_IMPORT_TERMS:
        raise BadRequest(f"A glossary import holds at most {rules.MAX_IMPORT_TERMS} terms ({len(items)} sent)")
    problems: list[str] = []
    clean: dict[tuple[str, str | None], TermInput] = {}
    first_seen: dict[tuple[str, str | None], str] = {}
    for where, raw in items:
        item, found = term_problems(glossary.source_language, glossary.target_languages, raw)
        problems += [f"{where}: {p}" for p in found]
        identity = (item.term, item.part_of_speech)
        if identity in first_seen:
            problems.append(f"{where}: the term '{item.term}' appears twice (first at {first_seen[identity]})")
        first_seen.setdefault(identity, where)
        clean[identity] = item
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])
    existing = {
        (t.term, t.part_of_speech): t
        for t in session.scalars(select(GlossaryTerm).where(GlossaryTerm.glossary_id == glossary.id))
    }
    now = utcnow()
    created: list[dict[str, Any]] = []
    updated = unchanged = 0
    for identity, item in clean.items():
        row = existing.pop(identity, None)
        if row is None:
            created.append({**item.columns(), "glossary_id": glossary.id, "created_at": now, "updated_at": now})
            continue
        columns = item.columns(keep=row.translations, targets=glossary.target_languages)
        if all(getattr(row, c) == v for c, v in columns.items()):
            unchanged += 1
            continue
        for column, value in columns.items():
            setattr(row, column, value)
        row.updated_at = now
        updated += 1
    for values, new in zip(created, new_ids("term", len(created)), strict=True):
        values["id"] = new
    if created:
        session.execute(insert(GlossaryTerm), created)
    deleted = 0
    if replace and existing:
        doomed = [t.id for t in existing.values()]
        for start in range(0, len(doomed), 900):
            session.execute(delete(GlossaryTerm).where(GlossaryTerm.id.in_(doomed[start : start + 900])))
        deleted = len(doomed)
    session.flush()
    if (created or updated or deleted) and after_change is not None:
        after_change(session, organization_id)
    result = ImportResult(len(created), updated, unchanged, deleted)
    counts = {"created": result.created, "updated": updated, "unchanged": unchanged, "deleted": deleted}
    glossary_event(
        session, principal, "glossary.imported", glossary, {**counts, "replace": replace, "count": len(clean)}
    )
    session.commit()
    return result


# --- check --------------------------------------------------------------------------------


def check(
    session: Session,
    *,
    principal: Principal,
    organization_id: str,
    text: str,
    source_language: str,
    glossary_ids: Iterable[str] | None = None,
) -> list[Found]:
    """The organization's terms occurring in `text`, leftmost-longest (docs/glossary.md)."""
    principal.require(Permission.VIEW)
    wanted: set[str] | None = None
    if glossary_ids is not None:
        wanted = set(glossary_ids)
        known = set(
            session.scalars(
                select(Glossary.id).where(Glossary.organization_id == organization_id, Glossary.id.in_(list(wanted)))
            )
        )
        unknown = sorted(wanted - known)
        if unknown:
            raise BadRequest([f"glossaryIds: no glossary '{g}' in this organization" for g in unknown[:MAX_PROBLEMS]])
    prepared = prepared_for(session, organization_id=organization_id)
    if prepared is None:
        return []
    return prepared.find(text, source_language, wanted)
