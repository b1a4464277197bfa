"""What the write path does after writing, in the same transaction: the progress counters and
activity tallies (`counts.py`, docs/analytics.md) and translation-memory capture (decisions.md 9,
docs/memory.md). `service.write` calls `after_write` last.

Translation-memory capture:

Captured:
- a target-language value that becomes `approved`: origin `human`, or `import` when a file
  import brought it in as approved/final (an imported approved value is a reviewed translation
  too, but ranks below what a person approved here);
- a value saved by AI (source `ai`, any status) that fails no error-level check: origin `ai`.
Not captured: plain edits (`translated`, `reviewed`), TM fills and values of the AI provider
`memory` (receipt `provider: memory`; both came from the memory: capturing them again would turn
a fuzzy match into an exact one), plural keys (their forms do not pair one-to-one across
languages), source-language values.
The source text is the one the same write sets, else the stored one (one read per 900 keys).
The organization's `tm` settings switch each origin off (`captureApproved`, `captureAi`,
`captureImport`; docs/settings.md): read once per write, and only when something would be captured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.checks.base import Severity
from entri.core.vocabularies import Action, Source, Status
from entri.memory.capture import Origin, Segment, capture
from entri.organizations import service as organizations
from entri.organizations.settings import TmCapture
from entri.translations import counts
from entri.translations.changes import Change, ProjectLike
from entri.translations.models import Translation

_IN_CHUNK = 900
MEMORY_PROVIDER = "memory"
"""The AI provider that fills from the memory itself (entri.ai.memory_provider, docs/ai.md)."""


def _origin(change: Change) -> Origin | None:
    if change.new_plurals is not None or not change.new_value:
        return None
    value_changed = change.old_value != change.new_value
    if change.new_status == Status.APPROVED and (change.old_status != Status.APPROVED or value_changed):
        return Origin.IMPORT if change.action == Action.IMPORT else Origin.HUMAN
    from_memory = (change.receipt or {}).get("provider") == MEMORY_PROVIDER
    if (
        change.source == Source.AI
        and value_changed
        and not from_memory
        and not any(f.severity is Severity.ERROR for f in change.failures)
    ):
        return Origin.AI
    return None


def _stored_sources(session: Session, *, language: str, key_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    query = select(Translation.key_id, Translation.value).where(
        Translation.language == language, Translation.plural_forms.is_(None)
    )
    for start in range(0, len(key_ids), _IN_CHUNK):
        chunk = key_ids[start : start + _IN_CHUNK]
        for key_id, value in session.execute(query.where(Translation.key_id.in_(chunk))):
            if value:
                found[key_id] = value
    return found


def _allowed(rules: TmCapture, origin: Origin) -> bool:
    if origin is Origin.HUMAN:
        return rules.approved
    if origin is Origin.IMPORT:
        return rules.imported
    return rules.ai


def after_write(
    session: Session,
    *,
    project: ProjectLike,
    changes: Sequence[Change],
    fresh_namespaces: Mapping[str, str] | None = None,
) -> None:
    """Count `changes` into the progress journals; remember their approved and AI-made values
    in the organization's memory."""
    counts.record(session, project_id=project.id, changes=changes, fresh_namespaces=fresh_namespaces)
    source_language = project.source_language
    wanted = [(c, o) for c in changes if c.language != source_language and (o := _origin(c)) is not None]
    if not wanted:
        return
    rules = organizations.tm_capture(session, organization_id=project.organization_id)
    wanted = [(c, o) for c, o in wanted if _allowed(rules, o)]
    if not wanted:
        return
    sources = {
        c.key_id: c.new_value
        for c in changes
        if c.language == source_language and c.new_value and c.new_plurals is None
    }
    missing = sorted({c.key_id for c, _ in wanted if c.key_id not in sources})
    if missing:
        sources.update(_stored_sources(session, language=source_language, key_ids=missing))
    segments = [
        Segment(
            organization_id=project.organization_id,
            source_language=source_language,
            target_language=c.language,
            source_text=sources[c.key_id],
            target_text=c.new_value or "",
            origin=origin,
            project_id=project.id,
            key_id=c.key_id,
        )
        for c, origin in wanted
        if c.key_id in sources
    ]
    capture(session, segments=segments)
