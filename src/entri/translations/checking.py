"""Quality checks inside the write path: check every planned change, gate review statuses on
error-level failures, and re-check a key's translations when its source text changes
(docs/checks.md). Called by `service.write` between planning and writing, so a refusal writes
nothing and the failures are stored with the rows they describe.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.errors import MAX_PROBLEMS, Conflict
from entri.core.vocabularies import REVIEW_STATUSES, Action, Status
from entri.translations import quality, store
from entri.translations.changes import Change, Pending, ProjectLike, Rows, same_state


def check(session: Session, project: ProjectLike, policy: quality.Policy, rows: Rows) -> None:
    """Check every planned change; refuse (409) or downgrade a review status that error-level
    failures do not allow, unless forced. Fills `rows.changes` with what will be written."""
    source_language = policy.source_language
    # The source text this very write sets is the one to check against.
    sources = {
        p.change.key_id: (p.change.new_value, p.change.new_plurals)
        for p in rows.pending
        if p.change.language == source_language
    }
    inputs: dict[str, quality.Inputs] = {}
    known: set[str] = set()
    for pending in rows.pending:
        key = pending.write.key if pending.write is not None else None
        if key is not None and getattr(key, "fresh", False):
            inputs[key.id] = quality.fresh_inputs(key)  # created by this transaction: nothing to read
        else:
            known.add(pending.change.key_id)
    if known:
        inputs.update(
            quality.inputs(session, project_id=project.id, source_language=source_language, key_ids=sorted(known))
        )
    rows.inputs = inputs
    refused: list[str] = []
    kept: list[Pending] = []
    for pending in rows.pending:
        change = pending.change
        change.failures = policy.failures(
            language=change.language,
            value=change.new_value,
            plurals=change.new_plurals,
            facts=inputs.get(change.key_id),
            source=sources.get(change.key_id),
        )
        if change.new_status in REVIEW_STATUSES and quality.blocks(change.failures):
            write = pending.write
            if write is not None and write.force:
                change.forced = True
            elif write is not None and write.downgrade:
                change.new_status = Status.TRANSLATED.value
                row = pending.stored
                if (
                    row is not None
                    and row.version > 0
                    and same_state(
                        row,
                        change.new_value,
                        change.new_plurals,
                        change.new_status,
                        change.source,
                        change.ai_confidence,
                    )
                ):
                    continue
            else:
                refused.append(quality.refusal(change.key_id, change.language, change.new_status, change.failures))
        kept.append(pending)
    if refused:
        raise Conflict(refused[:MAX_PROBLEMS])
    rows.pending = kept
    rows.changes = [p.change for p in kept]


def dependents(
    session: Session, project: ProjectLike, policy: quality.Policy, rows: Rows, *, actor: Actor, now: datetime
) -> None:
    """A source text that changed re-checks the key's translations in the other languages; a
    `reviewed`/`approved` one goes back to `translated` (history action `source_change`), so a
    reviewer sees it again (docs/checks.md, "When the source changes")."""
    source_language = policy.source_language
    changed = {
        c.key_id: c
        for p in rows.pending
        if (c := p.change).language == source_language
        and not p.fresh
        and (c.old_value, c.old_plurals) != (c.new_value, c.new_plurals)
    }
    if not changed:
        return
    written = {(c.key_id, c.language) for c in rows.changes}
    facts = rows.inputs  # `check` read them for every planned key; the source text is passed below
    for key_id, language, row in store.fetch_other_languages(
        session, key_ids=sorted(changed), language=source_language
    ):
        if (key_id, language) in written or not row.version:
            continue
        source = changed[key_id]
        failures = policy.failures(
            language=language,
            value=row.value,
            plurals=row.plural_forms,
            facts=facts.get(key_id),
            source=(source.new_value, source.new_plurals),
        )
        if row.status in REVIEW_STATUSES and source.old_value is not None:
            change = Change(
                translation_id=row.id,
                key_id=key_id,
                project_id=project.id,
                language=language,
                version=row.version + 1,
                action=Action.SOURCE_CHANGE.value,
                old_value=row.value,
                old_plurals=row.plural_forms,
                old_status=row.status,
                new_value=row.value,
                new_plurals=row.plural_forms,
                new_status=Status.TRANSLATED.value,
                source=row.source,
                ai_confidence=row.ai_confidence,
                actor=actor,
                at=now,
                failures=failures,
            )
            rows.pending.append(Pending(change, None, row, False))
            rows.changes.append(change)
        else:
            stored = quality.stored_checks(failures)
            if stored != row.checks:
                rows.recheck.append((stored, quality.level_of(failures), row.id))
