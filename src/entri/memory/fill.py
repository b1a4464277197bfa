"""Pre-translation from the memory: untranslated (key, language) pairs get the best match at
or above a threshold, written through the one write path (source `tm`, action `tm`, so history,
quality checks and hooks all apply) with `skip_existing`: a value that exists — a person's, an
import's, an AI's — is never replaced.

`fill_items` works on an explicit list of pairs so a background job can run it in slices; the
request path (`fill`) runs it synchronously up to `MAX_SYNC_ITEMS` pairs and refuses more with
a 400 that says so (docs/memory.md, "Fill").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.db import retry_transient
from entri.core.errors import BadRequest
from entri.core.events import Event, publish
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Action, Source
from entri.jobs import registry
from entri.jobs import service as jobs
from entri.jobs.models import Job
from entri.keys.models import Key
from entri.memory import matching
from entri.organizations import service as organizations
from entri.projects.models import Project
from entri.translations import service as translations
from entri.translations.models import Translation

MAX_SYNC_ITEMS = 500
JOB_KIND = "tm.fill"
"""Fills above MAX_SYNC_ITEMS pairs run as a job of this kind (memory/jobs.py)."""
"""Pairs a request fills synchronously (~5 ms of lookup each: a few seconds at most)."""
DEFAULT_MIN_SIMILARITY = 99
"""Exact, or identical but for placeholder names (renamed in the target): safe to write
unreviewed. Lower thresholds fill fuzzy matches, which still need a person."""
_IN_CHUNK = 900


@dataclass(slots=True)
class FillResult:
    total: int = 0
    filled: int = 0
    no_match: int = 0
    skipped: int = 0
    """Pairs that got a value in the meantime, or whose key has no source text."""
    job_id: str | None = None
    """Set when the fill was too large to run in the request: it runs as a `tm.fill` job."""
    states: dict[tuple[str, str], str] = field(default_factory=dict)
    """Per (key id, language): `filled`, `no_match` or `skipped` (a job item's outcome)."""


def _values(session: Session, *, key_ids: Sequence[str], language: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(key_ids), _IN_CHUNK):
        chunk = key_ids[start : start + _IN_CHUNK]
        query = select(Translation.key_id, Translation.value).where(
            Translation.language == language, Translation.key_id.in_(chunk)
        )
        found.update({k: v for k, v in session.execute(query)})
    return found


def untranslated(
    session: Session, *, project: Project, languages: Sequence[str], key_ids: Sequence[str] | None
) -> list[tuple[Key, str]]:
    """The (key, language) pairs without a value; plural keys are left out (the memory holds
    single texts)."""
    query = select(Key).where(Key.project_id == project.id, Key.is_plural.is_(False))
    keys: list[Key] = []
    if key_ids is None:
        keys = list(session.scalars(query.order_by(Key.id)))
    else:
        wanted = sorted(set(key_ids))
        for start in range(0, len(wanted), _IN_CHUNK):
            keys.extend(session.scalars(query.where(Key.id.in_(wanted[start : start + _IN_CHUNK]))))
    ids = [k.id for k in keys]
    pairs: list[tuple[Key, str]] = []
    for language in languages:
        values = _values(session, key_ids=ids, language=language)
        pairs.extend((k, language) for k in keys if not values.get(k.id))
    return pairs


def fill_items(
    session: Session,
    *,
    project: Project,
    items: Sequence[tuple[Key, str]],
    actor: Actor,
    min_similarity: int = DEFAULT_MIN_SIMILARITY,
) -> FillResult:
    """Fill `items` from the memory in the caller's transaction (it does not commit)."""
    result = FillResult(total=len(items))
    sources = _values(session, key_ids=sorted({k.id for k, _ in items}), language=project.source_language)
    best: dict[tuple[str, str], str | None] = {}
    writes: list[translations.Write] = []
    for key, language in items:
        source = sources.get(key.id)
        if not source:
            result.skipped += 1
            result.states[(key.id, language)] = "skipped"
            continue
        if (source, language) not in best:
            found = matching.lookup(
                session,
                organization_id=project.organization_id,
                source_language=project.source_language,
                target_language=language,
                text=source,
                min_similarity=min_similarity,
                limit=1,
            )
            best[(source, language)] = found[0].target_text if found else None
        target = best[(source, language)]
        if target is None:
            result.no_match += 1
            result.states[(key.id, language)] = "no_match"
            continue
        writes.append(translations.Write(key=key, language=language, value=target, source=Source.TM))
    changes = translations.write(
        session,
        project=project,
        writes=writes,
        actor=actor,
        action=Action.TM,
        skip_existing=True,
        announce=False,  # a fill publishes one `tm.filled` summary instead (`filled_event`)
    )
    result.filled = len(changes)
    result.skipped += len(writes) - len(changes)
    written = {(c.key_id, c.language) for c in changes}
    for write in writes:
        pair = (write.key.id, write.language)
        result.states[pair] = "filled" if pair in written else "skipped"
    return result


@retry_transient
def fill(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    languages: Sequence[str],
    key_ids: Sequence[str] | None = None,
    min_similarity: int = DEFAULT_MIN_SIMILARITY,
) -> FillResult:
    """Fill the untranslated keys of `languages` (all keys, or `key_ids`), synchronously."""
    principal.require(Permission.EDIT_TRANSLATIONS)
    problems = [
        f"languages: '{lang}' is not a target language of this project"
        for lang in languages
        if lang not in project.languages or lang == project.source_language
    ]
    if not languages:
        problems.append("languages should not be empty")
    if not 0 <= min_similarity <= 100:
        problems.append("minSimilarity must be 0-100")
    if problems:
        raise BadRequest(problems)
    items = untranslated(session, project=project, languages=languages, key_ids=key_ids)
    if len(items) > MAX_SYNC_ITEMS:
        job = jobs.enqueue(
            session,
            organization_id=project.organization_id,
            project_id=project.id,
            kind=JOB_KIND,
            payload={
                "minSimilarity": min_similarity,
                "languages": list(languages),
                "actor": Actor.of(principal).as_json(),
            },
            items=[{"keyId": key.id, "language": language} for key, language in items],
            created_by=principal.user_id,
        )
        session.commit()
        return FillResult(total=len(items), job_id=job.id)
    actor = Actor.of(principal)
    result = fill_items(session, project=project, items=items, actor=actor, min_similarity=min_similarity)
    counts = {"total": result.total, "filled": result.filled, "noMatch": result.no_match, "skipped": result.skipped}
    event = filled_event(
        organization_id=project.organization_id,
        project_id=project.id,
        actor=actor,
        languages=languages,
        data={**counts, "minSimilarity": min_similarity},
    )
    publish(session, [event])
    session.commit()
    return result


FILLED = "tm.filled"
"""The one event of a fill, with its counts (docs/activity.md): its values are not announced."""


def filled_event(
    *,
    organization_id: str,
    project_id: str | None,
    actor: Actor,
    languages: Sequence[str],
    data: dict[str, Any],
    job_id: str | None = None,
) -> Event:
    return Event(
        name=FILLED,
        organization_id=organization_id,
        actor=actor,
        project_id=project_id,
        target_type="tm_fill",
        target_id=job_id,
        data={"projectId": project_id, "languages": list(languages), **data},
        language=languages[0] if len(languages) == 1 else None,
        source=Source.TM.value,
        count=int(data.get("filled", 0)),
    )


def _job_finished(session: Session, job: Job) -> None:
    """`tm.filled` for a fill that ran as a job, when it ends (jobs/registry.py `on_finish`)."""
    payload = job.payload if isinstance(job.payload, dict) else {}
    actor = Actor.from_json(payload.get("actor")) or organizations.actor_for(
        session, user_id=job.created_by, fallback="TM fill"
    )
    data = {
        "jobId": job.id,
        "status": job.status,
        "total": job.total,
        "filled": job.succeeded,
        "skipped": job.skipped,
        "failed": job.failed,
        "minSimilarity": payload.get("minSimilarity", DEFAULT_MIN_SIMILARITY),
    }
    event = filled_event(
        organization_id=job.organization_id,
        project_id=job.project_id,
        actor=actor,
        languages=payload.get("languages") or [],
        data=data,
        job_id=job.id,
    )
    publish(session, [event])


registry.on_finish(JOB_KIND, _job_finished)
