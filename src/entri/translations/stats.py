"""How far a project's languages are translated, counted in SQL.

"Translated" is a status of `translated`, `reviewed` or `approved` (an empty value is
`untranslated`); a language is complete when every key of the project has such a translation
in it. The key total is the project's maintained `key_count` (kept by keys.service in the
transaction that adds or deletes keys), so one indexed count per language answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.core.vocabularies import Status
from entri.projects.models import Project
from entri.translations.models import Translation

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
