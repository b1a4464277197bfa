"""Counts of a project's translations, for the slices that report on them without reading
these tables (docs/architecture.md): `completion` (how far each language is translated,
counted in SQL; the webhooks' `language.completed`) and the reads of the analytics journals
(`counts.py`; docs/analytics.md).

"Translated" is a status of `translated`, `reviewed` or `approved` (an empty value is
`untranslated`); a language is complete when every key of the project has such a translation
in it. The key total is the project's maintained `key_count` (kept by keys.service in the
transaction that adds or deletes keys), so one indexed count per language answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from entri.core.vocabularies import Status
from entri.projects.models import Project
from entri.translations.models import Translation, TranslationCount, TranslationTally

TRANSLATED = (Status.TRANSLATED.value, Status.REVIEWED.value, Status.APPROVED.value)


@dataclass(frozen=True, slots=True)
class Completion:
    language: str
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated >= self.total


def completion(session: Session, *, project_id: str, languages: Sequence[str] | None = None) -> list[Completion]:
    """Translated count and key total of the project's target languages (those of `languages`
    that are targets, or all of them), by one grouped count in the caller's transaction, so it
    sees the caller's own uncommitted writes. The source language is not counted: its values
    are the keys' source texts."""
    row = session.execute(
        select(Project.key_count, Project.source_language, Project.target_languages).where(Project.id == project_id)
    ).first()
    if row is None:
        return []
    total, source = int(row[0]), row[1]
    targets = [t for t in row[2] or [] if t != source]
    wanted = targets if languages is None else [t for t in targets if t in set(languages)]
    if not wanted:
        return []
    counts = dict(
        session.execute(
            select(Translation.language, func.count())
            .where(
                Translation.project_id == project_id,
                Translation.language.in_(wanted),
                Translation.status.in_(TRANSLATED),
            )
            .group_by(Translation.language)
        ).all()
    )
    return [Completion(language=lang, translated=int(counts.get(lang, 0)), total=total) for lang in wanted]


@dataclass(frozen=True, slots=True)
class Bucket:
    """The translations of one project in one language, namespace and status."""

    project_id: str
    language: str
    namespace: str
    status: str
    translations: int
    words: int
    characters: int


def buckets(session: Session, *, project_ids: Sequence[str]) -> list[Bucket]:
    """Every non-empty bucket of the projects (a few hundred rows: the folded journal)."""
    c = TranslationCount
    query = (
        select(
            c.project_id,
            c.language,
            c.namespace,
            c.status,
            func.sum(c.translations),
            func.sum(c.words),
            func.sum(c.characters),
        )
        .where(c.project_id.in_(list(project_ids)))
        .group_by(c.project_id, c.language, c.namespace, c.status)
    )
    return [
        Bucket(p, lang, ns, status, int(n), int(w), int(ch))
        for p, lang, ns, status, n, w, ch in session.execute(query)
        if n
    ]


@dataclass(frozen=True, slots=True)
class Work:
    translations: int
    reviews: int
    approvals: int
    words: int
    characters: int


_WORK = (
    func.sum(TranslationTally.translations),
    func.sum(TranslationTally.reviews),
    func.sum(TranslationTally.approvals),
    func.sum(TranslationTally.words),
    func.sum(TranslationTally.characters),
)


def _work(row: Sequence[Any]) -> Work:
    return Work(*[int(v or 0) for v in row])


def _filters(
    project_id: str, since: date | None, languages: Sequence[str], source: str | None
) -> list[ColumnElement[bool]]:
    t = TranslationTally
    conds: list[ColumnElement[bool]] = [t.project_id == project_id, t.language.in_(list(languages))]
    if since is not None:
        conds.append(t.day >= since)
    if source is not None:
        conds.append(t.source == source)
    return conds


def work_by_day(
    session: Session, *, project_id: str, since: date, languages: Sequence[str], source: str | None = None
) -> dict[date, Work]:
    """The work done on each day since `since` (UTC) in `languages`; days without any absent."""
    t = TranslationTally
    query = select(t.day, *_WORK).where(*_filters(project_id, since, languages, source)).group_by(t.day)
    return {day: _work(rest) for day, *rest in session.execute(query)}


@dataclass(frozen=True, slots=True)
class Contribution:
    user_id: str | None
    user_name: str
    last_day: date
    work: Work


def contributions(
    session: Session,
    *,
    project_id: str,
    languages: Sequence[str],
    since: date | None = None,
    source: str | None = None,
) -> list[Contribution]:
    """The work of each person (or token without a person, by name) in `languages`; a person
    renamed since has one entry per name recorded (the caller merges them by id)."""
    t = TranslationTally
    query = (
        select(t.user_id, t.user_name, func.max(t.day), *_WORK)
        .where(*_filters(project_id, since, languages, source))
        .group_by(t.user_id, t.user_name)
    )
    return [Contribution(uid, name, last, _work(rest)) for uid, name, last, *rest in session.execute(query)]
