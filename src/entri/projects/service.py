"""Projects and their languages. `get_project` is the one place org scoping happens for
every project-scoped route: another organization's project is a 404, never data."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from entri.checks import settings as check_settings
from entri.compat import settings as compat_settings
from entri.core.actor import Actor
from entri.core.clock import utcnow
from entri.core.errors import BadRequest, Conflict, NotFound
from entri.core.events import Event, publish
from entri.core.ids import new_id
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.settings_merge import merged
from entri.organizations import service as organizations
from entri.projects.models import Project
from entri.webhooks import guard


def get_project(session: Session, *, principal: Principal, project_id: str, for_write: bool = False) -> Project:
    project = session.get(Project, project_id) if len(project_id) <= 64 else None
    if (
        project is None
        or project.organization_id != principal.organization_id
        or (principal.project_id is not None and principal.project_id != project.id)
    ):
        raise NotFound("Project not found")
    if for_write and project.archived_at is not None:
        raise Conflict("Project is archived; unarchive it before changing it")
    return project


def _announce(
    session: Session,
    principal: Principal,
    project: Project,
    name: str,
    data: dict[str, object] | None = None,
    *,
    target_type: str = "project",
    target_id: str | None = None,
    language: str | None = None,
) -> None:
    """Publish a project event (docs/activity.md) in the caller's transaction."""
    publish(
        session,
        [
            Event(
                name=name,
                organization_id=project.organization_id,
                actor=Actor.of(principal),
                project_id=project.id,
                target_type=target_type,
                target_id=target_id or project.id,
                data={"projectId": project.id, "name": project.name, **(data or {})},
                language=language,
            )
        ],
    )


def _dedupe_targets(source: str, targets: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(targets) if t != source]


def create_project(
    session: Session,
    *,
    principal: Principal,
    name: str,
    source_language: str | None,
    target_languages: list[str],
    description: str | None = None,
    preferred_model: str | None = None,
) -> Project:
    """`source_language` None: the organization's `defaultSourceLanguage` (docs/settings.md)."""
    principal.require(Permission.MANAGE_PROJECTS)
    if principal.project_id is not None:
        raise NotFound("Project not found")
    if source_language is None:
        source_language = organizations.default_source_language(session, organization_id=principal.organization_id)
    project = Project(
        id=new_id("proj"),
        organization_id=principal.organization_id,
        name=name,
        description=description,
        source_language=source_language,
        target_languages=_dedupe_targets(source_language, target_languages),
        preferred_model=preferred_model,
        settings={},
    )
    session.add(project)
    _announce(
        session,
        principal,
        project,
        "project.created",
        {"sourceLanguage": project.source_language, "targetLanguages": project.target_languages},
    )
    session.commit()
    return project


def list_projects(
    session: Session, *, principal: Principal, params: PageParams, include_archived: bool = False
) -> tuple[list[Project], int]:
    query = select(Project).where(Project.organization_id == principal.organization_id)
    if principal.project_id is not None:
        query = query.where(Project.id == principal.project_id)
    if not include_archived:
        query = query.where(Project.archived_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Project.created_at, Project.id).offset(params.offset).limit(params.limit))
    return list(rows), int(total)


def update_project(
    session: Session,
    *,
    principal: Principal,
    project_id: str,
    changes: dict[str, object],
    recheck: Callable[[Session, Project], object] | None = None,
    allow_private: bool = False,
) -> Project:
    """Apply a partial update. `recheck` (the translations' re-check) runs in the same
    transaction when the check settings or the source language change: every stored check
    result depends on both (docs/checks.md). A new `compat.webhookUrl` must reach public
    addresses only, as webhooks must (`allow_private`: ENTRI_WEBHOOK_ALLOW_PRIVATE)."""
    principal.require(Permission.MANAGE_PROJECTS)
    project = get_project(session, principal=principal, project_id=project_id, for_write=True)
    old_source, old_checks = project.source_language, (project.settings or {}).get("checks")
    old_languages = project.languages
    if changes.get("settings") is not None:
        patch = changes["settings"]
        if not isinstance(patch, dict):
            raise BadRequest(["settings must be an object"])
        unknown = [name for name in patch if name not in PROJECT_SETTINGS]
        if unknown:
            raise BadRequest(
                [f"settings: unknown field '{n}' (allowed: {', '.join(PROJECT_SETTINGS)})" for n in unknown]
            )
        new_settings = merged(project.settings, patch)
        found = []
        if new_settings.get("checks") is not None:
            found += check_settings.problems(new_settings["checks"], where="settings.checks", for_project=True)
        if new_settings.get("ai") is not None:
            found += _ai_settings_problems(new_settings["ai"])
        if new_settings.get("compat") is not None:
            found += compat_settings.problems(new_settings["compat"])
            url = None if found else compat_settings.new_webhook_url(project.settings, new_settings)
            if url is not None:
                try:
                    guard.validate(url, allow_private=allow_private)
                except guard.Refused as exc:
                    found.append(f"settings.compat.webhookUrl: {exc}")
        if found:
            raise BadRequest(found)
        project.settings = new_settings
    if "name" in changes:
        if changes["name"] is None:
            raise BadRequest(["name should not be empty"])
        project.name = str(changes["name"])
    if "description" in changes:
        project.description = changes["description"]  # type: ignore[assignment]
    if "preferredModel" in changes:
        project.preferred_model = changes["preferredModel"]  # type: ignore[assignment]
    targets = list(project.target_languages)
    if changes.get("targetLanguages") is not None:
        targets = list(changes["targetLanguages"])  # type: ignore[call-overload]
    new_source = changes.get("sourceLanguage")
    if new_source is not None and new_source != project.source_language:
        # The old source language stays in the project as a target (docs/api-decisions.md, "Projects").
        targets = [project.source_language, *targets]
        project.source_language = str(new_source)
    project.target_languages = _dedupe_targets(project.source_language, targets)
    project.updated_at = utcnow()
    if recheck is not None and (
        project.source_language != old_source or (project.settings or {}).get("checks") != old_checks
    ):
        session.flush()
        recheck(session, project)
    fields = sorted(name for name in changes if name != "settings")
    if fields:
        _announce(session, principal, project, "project.updated", {"changed": fields})
    for language in [lang for lang in project.languages if lang not in old_languages]:
        _announce_language(session, principal, project, "language.added", language)
    for language in [lang for lang in old_languages if lang not in project.languages]:
        _announce_language(session, principal, project, "language.removed", language)
    patch = changes.get("settings")
    if isinstance(patch, dict):
        # Setting names only: a value may be long (instructions) or, one day, a secret.
        _announce(session, principal, project, "settings.updated", {"changed": sorted(patch)})
    session.commit()
    return project


PROJECT_SETTINGS = ("checks", "ai", "compat")
"""The project settings there are: `checks` (docs/checks.md, "Settings"), `ai`
(`{"instructions": "…"}`, tone and style for AI translation, docs/ai.md) and `compat` (the
method-style API's switches and labels, docs/compat.md)."""
MAX_AI_INSTRUCTIONS = 5000


def _ai_settings_problems(value: object) -> list[str]:
    if not isinstance(value, dict) or set(value) - {"instructions"}:
        return ["settings.ai must be an object with only 'instructions'"]
    text = value.get("instructions")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_AI_INSTRUCTIONS):
        return [f"settings.ai.instructions must be a string of at most {MAX_AI_INSTRUCTIONS} characters"]
    return []


def projects_of(session: Session, *, organization_id: str) -> list[Project]:
    """Every project of an organization, archived ones included (an organization-wide
    settings change re-checks them all)."""
    return list(session.scalars(select(Project).where(Project.organization_id == organization_id)))


def set_archived(session: Session, *, principal: Principal, project_id: str, archived: bool) -> Project:
    principal.require(Permission.MANAGE_PROJECTS)
    project = get_project(session, principal=principal, project_id=project_id)
    project.archived_at = utcnow() if archived else None
    project.updated_at = utcnow()
    # Unarchiving is an update (the event names are a closed list: docs/api-decisions.md, "Activity").
    name, data = ("project.archived", {}) if archived else ("project.updated", {"changed": ["archived"]})
    _announce(session, principal, project, name, {**data, "archived": archived})
    session.commit()
    return project


def delete_permanently(session: Session, *, principal: Principal, project_id: str) -> None:
    principal.require(Permission.MANAGE_PROJECTS)
    project = get_project(session, principal=principal, project_id=project_id)
    _announce(session, principal, project, "project.deleted")
    session.delete(project)
    session.commit()


def add_language(session: Session, *, principal: Principal, project_id: str, language: str) -> Project:
    principal.require(Permission.MANAGE_PROJECTS)
    project = get_project(session, principal=principal, project_id=project_id, for_write=True)
    if language == project.source_language or language in project.target_languages:
        raise Conflict(f"Language '{language}' is already in the project")
    project.target_languages = [*project.target_languages, language]
    project.updated_at = utcnow()
    _announce_language(session, principal, project, "language.added", language)
    session.commit()
    return project


def remove_language(session: Session, *, principal: Principal, project_id: str, language: str) -> Project:
    """Hides the language; its translations stay and come back if it is added again."""
    principal.require(Permission.MANAGE_PROJECTS)
    project = get_project(session, principal=principal, project_id=project_id, for_write=True)
    if language == project.source_language:
        raise BadRequest(["language: the source language cannot be removed; change sourceLanguage first"])
    if language not in project.target_languages:
        raise NotFound(f"Language '{language}' is not a target language of this project")
    project.target_languages = [t for t in project.target_languages if t != language]
    project.updated_at = utcnow()
    _announce_language(session, principal, project, "language.removed", language)
    session.commit()
    return project


def _announce_language(session: Session, principal: Principal, project: Project, name: str, language: str) -> None:
    _announce(
        session,
        principal,
        project,
        name,
        {"language": language},
        target_type="language",
        target_id=language,
        language=language,
    )


def lock_project(session: Session, *, project_id: str) -> None:
    """Hold the project row for this transaction (SQLite's writer already holds the whole
    database). Key creators and importers queue here. PostgreSQL `FOR NO KEY UPDATE`, not `FOR
    UPDATE`: foreign-key checks of rows inserted meanwhile (translations, history) take `FOR KEY
    SHARE` on the project, which `FOR UPDATE` would block for the length of an import."""
    session.execute(select(Project.id).where(Project.id == project_id).with_for_update(key_share=True))


def adjust_key_count(session: Session, *, project_id: str, delta: int) -> None:
    """Atomic in SQL (`key_count + delta`), so concurrent writers never lose a change. Keys came
    or went, so the listing order changed too (`keys_revision`)."""
    if delta:
        session.execute(
            update(Project)
            .where(Project.id == project_id)
            .values(key_count=Project.key_count + delta, keys_revision=Project.keys_revision + 1)
            .execution_options(synchronize_session=False)
        )


def keys_reordered(session: Session, *, project_id: str) -> None:
    """A key was renamed or moved to another namespace: its place in the listing changed."""
    session.execute(
        update(Project)
        .where(Project.id == project_id)
        .values(keys_revision=Project.keys_revision + 1)
        .execution_options(synchronize_session=False)
    )


def require_language(project: Project, language: str) -> None:
    if language not in project.languages:
        raise BadRequest([f"language '{language}' is not a language of this project"])
