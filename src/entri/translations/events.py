"""The events a translation write publishes (core/events.py), from its change records.

One event per changed value when a write changes at most `PER_VALUE_LIMIT` of them; above that,
one summary event per (action, language) with counts, so a bulk upsert does not write 10,000
activity entries or send 10,000 webhook deliveries (docs/activity.md, "Bulk writes"). Callers
that publish their own summary (an import's `import.completed`, an AI job's `ai.job.finished`,
a TM fill) pass `announce=False` to the write path and nothing is published here.

Names (docs/api-decisions.md, "Activity"): a value written by an edit, an import, AI or TM is
`translation.updated`; `translation.status_changed` (a status-only change, and a review status
undone because its source text changed), `translation.reverted`, `translation.overwritten`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from entri.core.events import Event
from entri.core.vocabularies import Action, Status
from entri.translations.changes import Change, ProjectLike

PER_VALUE_LIMIT = 100

_NAMES = {
    Action.STATUS: "translation.status_changed",
    Action.SOURCE_CHANGE: "translation.status_changed",
    Action.REVERT: "translation.reverted",
    Action.OVERWRITE: "translation.overwritten",
}


def name_of(action: str) -> str:
    return _NAMES.get(Action(action), "translation.updated")


def _data(c: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "keyId": c.key_id,
        "language": c.language,
        "value": c.new_value,
        "status": c.new_status,
        "source": c.source,
        "version": c.version,
        "previousValue": c.old_value,
        "previousStatus": c.old_status,
    }
    if c.new_plurals is not None:
        data["plurals"] = c.new_plurals
    if c.ai_confidence is not None:
        data["aiConfidence"] = c.ai_confidence
    return data


_TRANSLATED = frozenset({Status.TRANSLATED, Status.REVIEWED, Status.APPROVED})


def _newly_translated(c: Change) -> bool:
    """The value became translated (was untranslated or absent): what can complete a language."""
    return c.new_status in _TRANSLATED and c.old_status not in _TRANSLATED


def events_of(project: ProjectLike, changes: Sequence[Change]) -> list[Event]:
    """The events for `changes` (made by one write call, so one actor)."""
    if not changes:
        return []
    if len(changes) <= PER_VALUE_LIMIT:
        return [
            Event(
                name=name_of(c.action),
                organization_id=project.organization_id,
                project_id=project.id,
                actor=c.actor,
                target_type="translation",
                target_id=c.key_id,
                data=_data(c),
                language=c.language,
                source=c.source,
                at=c.at,
            )
            for c in changes
        ]
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        groups.setdefault((name_of(c.action), c.language), []).append(c)
    events = []
    for (name, language), members in groups.items():
        sources = sorted({c.source for c in members})
        events.append(
            Event(
                name=name,
                organization_id=project.organization_id,
                project_id=project.id,
                actor=members[0].actor,
                target_type="translation",
                data={
                    "language": language,
                    "count": len(members),
                    "created": sum(1 for c in members if c.old_status is None),
                    "newlyTranslated": sum(1 for c in members if _newly_translated(c)),
                    "sources": sources,
                },
                language=language,
                source=sources[0] if len(sources) == 1 else None,
                count=len(members),
                at=members[0].at,
            )
        )
    return events
