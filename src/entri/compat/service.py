"""Runs a method of the method-style API for a token: the method table, the transactions, the
switch of the dangerous methods, and the main services' errors turned into descriptions.

Reading methods run on a read session; if keys or namespaces made through the main API still
lack numbers, a short write transaction gives them numbers first. Writing methods run in one
write transaction holding the project lock (keys.lock_for_keys), retried whole if they lost a
race on PostgreSQL (core/db.py: retry_transient).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from entri.compat import numbering, reading, tokens, writing
from entri.compat import settings as compat_settings
from entri.compat.errors import CompatError
from entri.compat.params import Params
from entri.compat.tokens import Grant
from entri.core.db import Database, retry_transient
from entri.core.errors import ApiError
from entri.keys import service as keys
from entri.projects.models import Project

Handler = Callable[[Session, Project, Grant, Params], Any]


@dataclass(frozen=True, slots=True)
class Method:
    handler: Handler
    writes: bool
    numbers: bool = True
    """Needs every key and namespace numbered (ids in its answer or its parameters)."""


METHODS: dict[str, Method] = {
    "getLanguages": Method(reading.get_languages, writes=False, numbers=False),
    "getCategories": Method(reading.get_categories, writes=False),
    "getLabels": Method(reading.get_labels, writes=False, numbers=False),
    "getTranslations": Method(reading.get_translations, writes=False),
    "createCategory": Method(writing.create_category, writes=True),
    "createString": Method(writing.create_string, writes=True),
    "deleteString": Method(writing.delete_string, writes=True),
    "addTranslation": Method(writing.add_translation, writes=True),
    "updateTranslation": Method(writing.update_translation, writes=True),
    "disapproveAllTranslations": Method(writing.disapprove_all, writes=True),
    "deleteAllSuggestions": Method(writing.delete_all_suggestions, writes=True),
}


def disabled(method: str) -> str:
    """The vendor's exact wording, then where the switch is."""
    return (
        f"API method '{method}' is disabled for this project. A project admin can enable it: "
        f'"Allow {method} via API", the project setting compat.{compat_settings.SWITCHES[method]}'
    )


def authenticate(database: Database, value: str) -> Grant | None:
    if not tokens.plausible(value):
        return None
    with database.session() as session:
        return tokens.authenticate(session, value=value)


def _project(session: Session, grant: Grant) -> Project:
    project = session.get(Project, grant.project_id)
    if project is None:  # deleted since the token was read
        raise CompatError("Unauthorized: invalid API token", status=401)
    return project


def call(database: Database, grant: Grant, name: str, params: Params) -> Any:
    """The method's `result`; raises CompatError for anything refused."""
    method = METHODS[name]
    try:
        if method.writes:
            with database.session(write=True) as session:
                return _write(session, name, grant, params)
        with database.session() as session:
            project = _project(session, grant)
            if method.numbers and numbering.needs_sync(session, project=project):
                session.rollback()
                with database.session(write=True) as writer:
                    _sync(writer, grant)
                project = _project(session, grant)
            return method.handler(session, project, grant, params)
    except ApiError as exc:  # a main service's refusal (the write path's 400 or 409, say)
        message = exc.message if isinstance(exc.message, str) else "; ".join(exc.message)
        raise CompatError(message) from None


@retry_transient
def _sync(session: Session, grant: Grant) -> None:
    project = _project(session, grant)
    keys.lock_for_keys(session, project=project)
    session.refresh(project)
    numbering.sync(session, project=project)
    session.commit()


@retry_transient
def _write(session: Session, name: str, grant: Grant, params: Params) -> Any:
    project = _project(session, grant)
    if name in compat_settings.SWITCHES and not compat_settings.switch_on(project.settings, name):
        raise CompatError(disabled(name))
    if project.archived_at is not None:
        raise CompatError("the project is archived; unarchive it before changing it")
    keys.lock_for_keys(session, project=project)
    session.refresh(project)  # read after the lock: key counts and settings as they are now
    if numbering.needs_sync(session, project=project):
        numbering.sync(session, project=project)
    result = METHODS[name].handler(session, project, grant, params)
    # Every method numbers the keys it creates and the categories it needs, under the lock:
    # what it changed needs no sync.
    numbering.mark_synced(session, project_id=project.id)
    session.commit()
    return result
