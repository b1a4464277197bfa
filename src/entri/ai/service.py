"""AI translation of a project's keys: gather what the prompt and the checks need, translate
through the guard (guard.py), save what passed through the one write path.

Saved values have source `ai`, status `translated` and the model's confidence; a translation
that already has a value is left alone unless `overwrite` (docs/api-decisions.md, decisions 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.ai import catalog, guard, providers
from entri.ai.concurrency import Kind, Limiter, limit_from
from entri.ai.providers import SERVER_CREDENTIALS, Credentials, Provider
from entri.ai.types import Usage
from entri.core.actor import Actor
from entri.core.errors import BadRequest
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Action, Source
from entri.glossary import service as glossary
from entri.glossary.prepared import translation_for
from entri.keys.models import Key
from entri.memory import matching as tm
from entri.organizations import service as organizations
from entri.projects.models import Project
from entri.translations import quality
from entri.translations import service as translations
from entri.translations.service import Write

MAX_SYNC_PAIRS = 200
"""The synchronous batch's limit (decisions 5); larger batches run as jobs."""
NEIGHBOURS = 20


@dataclass(slots=True)
class Result:
    model: str
    outcomes: list[guard.Outcome] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    """(key id, language, reason) of pairs not sent: already translated, or no source text."""
    usage: Usage = field(default_factory=Usage)
    saved: int = 0
    stopped: str | None = None
    """`budget` when `max_tokens` stopped the run before every pair was sent."""


def provider_for(model: catalog.Model, credentials: Credentials = SERVER_CREDENTIALS) -> Provider:
    return providers.provider(model.provider, credentials)


@dataclass(frozen=True, slots=True)
class Configured:
    """The model a request uses, with the organization's credentials for its provider and its
    tone instructions (docs/settings.md: the organization's settings win over the server's)."""

    model: catalog.Model
    credentials: Credentials = field(repr=False)
    tone: str | None = None
    concurrency: int = limit_from(None)
    """The organization's `aiConcurrency` (concurrency.py)."""


def choice_of(session: Session, *, organization_id: str) -> catalog.Choice:
    """The organization's provider, model and keyed providers, for the catalog (no key decrypted)."""
    org = organizations.ai_settings(session, organization_id=organization_id)
    return catalog.Choice(provider=org.provider, model=org.model, keyed=org.keyed)


def configure(session: Session, *, project: Project, model: str | None) -> Configured:
    """Resolve the model (request, project, organization, server) and its credentials; a 400
    when nothing usable is configured."""
    org = organizations.ai_settings(session, organization_id=project.organization_id)
    chosen = catalog.resolve(
        model, project.preferred_model, catalog.Choice(provider=org.provider, model=org.model, keyed=org.keyed)
    )
    key = org.key(chosen.provider)
    base_url = org.openai_base_url() if chosen.provider == "openai" and key else None
    return Configured(
        model=chosen,
        credentials=Credentials(key=key, base_url=base_url),
        tone=org.tone,
        concurrency=limit_from({"aiConcurrency": org.concurrency}),
    )


MEMORY_NOTE = (
    "AI translation uses the offline provider 'memory': it fills only from the translation memory "
    "(the best match at similarity 70 or more; confidence = the similarity) and from glossary terms "
    "(a source that is exactly a term gets its approved translation). Keys without a match stay "
    "untranslated and are reported with the reason 'no TM match'."
)


def status(session: Session, *, project: Project) -> dict[str, Any]:
    """What the AI routes will use for this project, and why (docs/ai.md, "Status"); the
    organization's keys and choices count (docs/settings.md)."""
    org = choice_of(session, organization_id=project.organization_id)
    configured = catalog.configured_providers(org)
    message: str | None = None
    try:
        default: catalog.Model | None = catalog.resolve(None, project.preferred_model, org)
    except BadRequest as exc:
        default, message = None, f"The default model cannot be used: {exc}"
    if default is not None and default.provider == catalog.MEMORY.provider:
        why = (
            ("The organization's aiProvider is 'memory'." if org.provider == "memory" else "ENTRI_AI_PROVIDER=memory.")
            if configured
            else "No AI provider is configured (set a key in the organization's settings: anthropicApiKey, "
            "openaiApiKey, deeplApiKey; or on the server: OPENAI_API_KEY, ANTHROPIC_API_KEY, DEEPL_AUTH_KEY)."
        )
        message = f"{why} {MEMORY_NOTE}"
    return {
        "configured": bool(configured),
        "provider": default.provider if default else None,
        "model": default.id if default else None,
        "message": message,
        "availableProviders": catalog.available_providers(org),
        "availableModels": [
            {"id": m.id, "displayName": m.display_name, "provider": m.provider} for m in catalog.available_models(org)
        ],
    }


@dataclass(slots=True)
class Plan:
    """What a translation run needs, read from the database before any provider call (so no
    transaction is held open while a model thinks)."""

    model: catalog.Model
    project: Project
    sources: list[guard.Source]
    skipped: list[tuple[str, str, str]]
    policy: quality.Policy
    neighbours: tuple[dict[str, str], ...]
    concurrency: int
    """The organization's `aiConcurrency` (concurrency.py)."""
    credentials: Credentials = field(default=SERVER_CREDENTIALS, repr=False)
    tone: str | None = None
    """The organization's tone instructions (settings `toneInstructions`)."""


def plan(
    session: Session,
    *,
    project: Project,
    pairs: Sequence[tuple[Key, str]],
    model: str | None,
    overwrite: bool,
    memory_limit: int | None = None,
) -> Plan:
    """`memory_limit`: look TM matches up for the first that many sources only (a dry run's
    sample; estimate.py)."""
    configured = configure(session, project=project, model=model)
    languages = set(project.target_languages)
    bad = sorted({language for _, language in pairs if language not in languages})
    if bad:
        raise BadRequest([f"'{language}' is not a target language of this project" for language in bad])
    skipped: list[tuple[str, str, str]] = []
    sources = _sources(session, project=project, pairs=pairs, overwrite=overwrite, skipped=skipped)
    if sources:
        sources = _with_glossary(session, project=project, sources=sources)
        sources = _with_memory(session, project=project, sources=sources, limit=memory_limit)
    return Plan(
        model=configured.model,
        credentials=configured.credentials,
        tone=configured.tone,
        project=project,
        sources=sources,
        skipped=skipped,
        policy=quality.policy_for(session, project=project),
        neighbours=_neighbours(session, project=project, keys=[k for k, _ in pairs]) if sources else (),
        concurrency=configured.concurrency,
    )


def execute(
    work: Plan,
    *,
    provider: Provider | None = None,
    alternatives: int = 0,
    kind: Kind = "bulk",
    controls: guard.Controls | None = None,
) -> guard.Run:
    """The provider calls, through the guard, within the organization's concurrency slots of
    `kind` (single-key requests: `single`; batches and jobs: `bulk`); no database access."""
    if not work.sources:
        return guard.Run()
    controls = controls or guard.Controls()
    if controls.limiter is None:
        controls.limiter = Limiter(work.project.organization_id, kind=kind, limit=work.concurrency)
    return guard.translate(
        provider or provider_for(work.model, work.credentials),
        model=work.model.id,
        policy=work.policy,
        sources=work.sources,
        source_language=work.project.source_language,
        project_description=work.project.description,
        instructions=instructions_for(work.project, work.tone),
        neighbours=work.neighbours,
        alternatives=alternatives,
        controls=controls,
    )


def translate_pairs(
    session: Session,
    *,
    principal: Principal,
    project: Project,
    pairs: Sequence[tuple[Key, str]],
    model: str | None,
    overwrite: bool,
    save: bool,
    alternatives: int = 0,
    provider: Provider | None = None,
    kind: Kind = "bulk",
    max_tokens: int | None = None,
) -> Result:
    """Translate (key, language) pairs and, with `save`, store the ones that passed. With
    `max_tokens`, no call is started once the calls made used that many tokens (the pairs not
    sent come back as outcomes `not_sent`)."""
    principal.require(Permission.EDIT_TRANSLATIONS)
    work = plan(session, project=project, pairs=pairs, model=model, overwrite=overwrite)
    session.commit()  # end the read transaction: nothing is held open while the provider thinks
    result = Result(model=work.model.id, skipped=work.skipped)
    controls = guard.Controls(budget=guard.Budget(max_tokens) if max_tokens is not None else None)
    run = execute(work, provider=provider, alternatives=alternatives, kind=kind, controls=controls)
    result.outcomes, result.usage, result.stopped = run.outcomes, run.usage, run.stopped
    if save:
        result.saved = len(
            save_outcomes(
                session,
                project=project,
                actor=Actor.of(principal),
                work=work,
                outcomes=result.outcomes,
                overwrite=overwrite,
            )
        )
        session.commit()
    return result


def instructions_for(project: Project, tone: str | None = None) -> str | None:
    """The organization's tone instructions, then the project's own (`settings.ai.instructions`)."""
    settings = project.settings or {}
    found = settings.get("ai") if isinstance(settings.get("ai"), dict) else None
    own = str(found.get("instructions")) if found and found.get("instructions") else None
    return "\n\n".join(t for t in (tone, own) if t) or None


def _sources(
    session: Session,
    *,
    project: Project,
    pairs: Sequence[tuple[Key, str]],
    overwrite: bool,
    skipped: list[tuple[str, str, str]],
) -> list[guard.Source]:
    keys = {k.id: k for k, _ in pairs}
    ids = list(keys)
    source_rows = translations.values_for(session, key_ids=ids, language=project.source_language)
    facts = quality.inputs(session, project_id=project.id, source_language=project.source_language, key_ids=ids)
    existing: dict[str, dict[str, Any]] = {}
    for language in sorted({language for _, language in pairs}):
        rows = translations.values_for(session, key_ids=ids, language=language)
        existing[language] = {key_id: row for key_id, row in rows.items() if row.value}
    found: list[guard.Source] = []
    for key, language in pairs:
        source = source_rows.get(key.id)
        if source is None or not (source.value or source.plural_forms):
            skipped.append((key.id, language, "the key has no source text"))
            continue
        if not overwrite and key.id in existing[language]:
            skipped.append((key.id, language, "already translated (pass overwrite to replace it)"))
            continue
        found.append(
            guard.Source(
                key_id=key.id,
                key=key.name,
                language=language,
                value=source.value,
                forms=source.plural_forms if key.is_plural else None,
                description=key.description,
                context=key.context,
                max_length=key.max_length,
                origin_format=key.origin_format,
                facts=facts.get(key.id),
            )
        )
    return found


MAX_TERMS = 20


def _with_glossary(session: Session, *, project: Project, sources: list[guard.Source]) -> list[guard.Source]:
    """Each source with the organization's glossary terms occurring in its text (and forms):
    the term, its approved translation into the target language, its flags."""
    prepared = glossary.prepared_for(session, organization_id=project.organization_id)
    if prepared is None:
        return sources
    found: list[guard.Source] = []
    for source in sources:
        texts = [source.value or "", *(source.forms or {}).values()]
        terms: dict[str, dict[str, Any]] = {}
        for text in texts:
            for hit in prepared.find(text, project.source_language):
                term = hit.term
                terms.setdefault(
                    term.id,
                    {
                        "term": term.term,
                        "translation": translation_for(term, source.language),
                        "doNotTranslate": term.do_not_translate,
                        "forbidden": term.forbidden,
                    },
                )
        found.append(replace(source, glossary=tuple(list(terms.values())[:MAX_TERMS])) if terms else source)
    return found


MAX_MATCHES = 5


def _with_memory(
    session: Session, *, project: Project, sources: list[guard.Source], limit: int | None = None
) -> list[guard.Source]:
    """Each non-plural source with up to 5 translation-memory matches (similarity ≥ 70) in its
    target language: how this organization said it before (docs/memory.md)."""
    found: list[guard.Source] = []
    looked = 0
    for source in sources:
        if source.forms is not None or not source.value or (limit is not None and looked >= limit):
            found.append(source)
            continue
        looked += 1
        matches = tm.lookup(
            session,
            organization_id=project.organization_id,
            source_language=project.source_language,
            target_language=source.language,
            text=source.value,
            limit=MAX_MATCHES,
        )
        memory = tuple(
            {"source": m.entry.source_text, "target": m.target_text, "similarity": m.similarity} for m in matches
        )
        found.append(replace(source, memory=memory) if memory else source)
    return found


def _neighbours(session: Session, *, project: Project, keys: Sequence[Key]) -> tuple[dict[str, str], ...]:
    """Up to 20 keys of the first key's namespace with their source text: tone and terms of the
    screen the strings belong to."""
    if not keys:
        return ()
    wanted = {k.id for k in keys}
    namespace = keys[0].namespace
    rows = session.execute(
        select(Key.id, Key.name)
        .where(Key.project_id == project.id, Key.namespace == namespace)
        .order_by(Key.sort_name, Key.id)
        .limit(NEIGHBOURS + len(wanted))
    ).all()
    others = [(key_id, name) for key_id, name in rows if key_id not in wanted][:NEIGHBOURS]
    texts = translations.values_for(session, key_ids=[i for i, _ in others], language=project.source_language)
    return tuple(
        {"key": name, "source": texts[key_id].value or ""}
        for key_id, name in others
        if key_id in texts and texts[key_id].value
    )


def _receipt(model: catalog.Model, outcome: guard.Outcome, source: guard.Source | None) -> dict[str, Any]:
    """What the value was made from, for its history entry (docs/ai.md, "Receipts")."""
    return {
        "model": model.id,
        "provider": model.provider,
        "tokens": {"input": outcome.usage.input_tokens, "output": outcome.usage.output_tokens},
        "glossary": [t.get("term") for t in source.glossary] if source else [],
        "memory": [{"source": m.get("source"), "similarity": m.get("similarity")} for m in source.memory]
        if source
        else [],
    }


def save_outcomes(
    session: Session,
    *,
    project: Project,
    actor: Actor,
    work: Plan,
    outcomes: Sequence[guard.Outcome],
    overwrite: bool,
    announce: bool = True,
) -> list[translations.Change]:
    """Store the `translated` outcomes through the one write path (source `ai`, action `ai`,
    a receipt in history); a value written meanwhile is left alone unless `overwrite`. A job
    passes `announce=False`: its `ai.job.finished` event stands for its values."""
    sources = {(s.key_id, s.language): s for s in work.sources}
    wanted = [o for o in outcomes if o.state == "translated"]
    if not wanted:
        return []
    keys = {k.id: k for k in session.scalars(select(Key).where(Key.id.in_({o.key_id for o in wanted})))}
    writes = [
        Write(
            key=keys[o.key_id],
            language=o.language,
            value=None if o.forms is not None else o.value,
            plurals=o.forms,
            source=Source.AI,
            ai_confidence=o.confidence,
            receipt=_receipt(work.model, o, sources.get((o.key_id, o.language))),
        )
        for o in wanted
        if o.key_id in keys
    ]
    return translations.write(
        session,
        project=project,
        writes=writes,
        actor=actor,
        action=Action.AI,
        skip_existing=not overwrite,
        announce=announce,
    )
