"""Bulk overwrite by key string (backs `nt3 overwrite`; docs/api-decisions.md, "Overwrite").

Items name keys by string, not id. Unknown keys are never created; they come back in
`notFound` with a reason. One transaction for the whole call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.db import refresh_statistics_after, retry_transient
from entri.core.errors import BadRequest
from entri.core.languages import InvalidLanguage, normalize_language
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Action, Source, Status
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations import service as translations

MAX_ITEMS = 1000


@dataclass(frozen=True)
class OverwriteItem:
    key: str
    language: str
    value: str
    namespace: str | None = None


@dataclass(frozen=True)
class OverwriteResult:
    overwritten: int
    not_found: list[dict[str, Any]]


def _resolve(item: OverwriteItem, by_name: dict[str, list[Key]]) -> Key | str:
    """The key an item names, or the reason it names none.

    Without a namespace the default namespace wins; otherwise the name must be unique across
    namespaces, because guessing between two keys would overwrite the wrong string.
    """
    candidates = by_name.get(item.key, [])
    if item.namespace is not None:
        return next((k for k in candidates if k.namespace == item.namespace), "key")
    default = [k for k in candidates if k.namespace == ""]
    if default:
        return default[0]
    if len(candidates) == 1:
        return candidates[0]
    return "ambiguous" if candidates else "key"


@retry_transient
def overwrite(
    session: Session, *, principal: Principal, project: Project, items: list[OverwriteItem]
) -> OverwriteResult:
    principal.require(Permission.EDIT_TRANSLATIONS)
    if len(items) > MAX_ITEMS:
        raise BadRequest([f"translations: at most {MAX_ITEMS} items per call ({len(items)} given)"])
    by_name = keys.find_keys_by_names(session, project_id=project.id, names=[i.key for i in items])
    writes: list[translations.Write] = []
    not_found: list[dict[str, Any]] = []
    for item in items:
        miss: dict[str, Any] = {"key": item.key, "namespace": item.namespace, "language": item.language}
        try:
            language = normalize_language(item.language)
        except InvalidLanguage:
            not_found.append({**miss, "reason": "language"})
            continue
        if language not in project.languages:
            not_found.append({**miss, "reason": "language"})
            continue
        key = _resolve(item, by_name)
        if isinstance(key, str):
            not_found.append({**miss, "reason": key})
            continue
        writes.append(
            translations.Write(
                key=key,
                language=language,
                value=item.value,
                source=Source.API,
                # "" is a value but not a translation (docs/api-decisions.md, "Empty strings").
                status=Status.TRANSLATED if item.value else None,
            )
        )
    translations.write(session, project=project, writes=writes, actor=Actor.of(principal), action=Action.OVERWRITE)
    session.commit()
    refresh_statistics_after(session, rows=len(writes), tables=("translations",))
    return OverwriteResult(overwritten=len(writes), not_found=not_found)
