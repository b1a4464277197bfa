"""Re-check every translation of a project after its check settings changed.

Set-based: the project's rows and what their checks need are read in one pass per language,
checked in Python (the checker is compiled once), and only rows whose failures changed are
updated, in one executemany. Statuses stay as they are: a newly failing error blocks the next
review or approval, it does not undo past ones (docs/checks.md, "Settings"). Measured by
`bench/checks.py` (100k translations).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.translations import quality, store
from entri.translations.changes import ProjectLike
from entri.translations.models import Translation

_BATCH = 5000


def recheck_project(session: Session, *, project: ProjectLike) -> int:
    """Re-check all translations of `project`; returns how many rows' failures changed.
    Runs in the caller's transaction (it does not commit)."""
    policy = quality.policy_for(session, project=project)
    conn = session.connection()
    key_ids = [
        r[0]
        for r in conn.execute(
            select(Translation.key_id)
            .where(Translation.project_id == project.id)
            .distinct()
            .order_by(Translation.key_id)
        )
    ]
    inputs = quality.inputs(session, project_id=project.id, source_language=policy.source_language, key_ids=key_ids)
    del key_ids
    query = select(
        Translation.id,
        Translation.key_id,
        Translation.language,
        Translation.value,
        Translation.plural_forms,
        Translation.checks,
    ).where(Translation.project_id == project.id, Translation.version > 0)
    changed: list[tuple[object, ...]] = []
    # In batches (fetchmany): iterating a result row by row cost more than the query.
    for batch in conn.execute(query).partitions(_BATCH):
        for row_id, key_id, language, value, plurals, stored in batch:
            failures = policy.failures(language=language, value=value, plurals=plurals, facts=inputs.get(key_id))
            checks = quality.stored_checks(failures)
            if checks != stored:
                changed.append((checks, quality.level_of(failures), row_id))
    store.set_checks(session, changed)
    return len(changed)
