"""The events key changes publish (core/events.py; names and data in docs/activity.md).

Key events carry `{keyId, key, namespace, projectId}` (what a webhook receiver needs without
another request). A bulk call on more than `EVENTS_PER_KEY_LIMIT` keys publishes one summary
event with the count instead, so 1,000 created keys are one activity entry and one delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.events import Event, publish
from entri.core.principal import Principal
from entri.projects.models import Project

EVENTS_PER_KEY_LIMIT = 100
"""A bulk call on at most this many keys publishes one event per key; above it, one summary
event with the count (the write path's rule for values, translations/events.py)."""


def announce(
    session: Session,
    principal: Principal,
    project: Project,
    name: str,
    keys: Sequence[tuple[str, str, str]],
    extra: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Publish `name` (key.created|updated|deleted) for `keys` as (id, namespace, name) in the
    caller's transaction; `extra` adds data per key id (what an update changed)."""
    actor = Actor.of(principal)
    if len(keys) <= EVENTS_PER_KEY_LIMIT:
        events = [
            Event(
                name=name,
                organization_id=project.organization_id,
                actor=actor,
                project_id=project.id,
                target_type="key",
                target_id=key_id,
                data={
                    "keyId": key_id,
                    "key": key_name,
                    "namespace": namespace,
                    "projectId": project.id,
                    **(extra or {}).get(key_id, {}),
                },
            )
            for key_id, namespace, key_name in keys
        ]
    else:
        namespaces = sorted({namespace for _, namespace, _ in keys})
        events = [
            Event(
                name=name,
                organization_id=project.organization_id,
                actor=actor,
                project_id=project.id,
                target_type="key",
                data={"projectId": project.id, "count": len(keys), "namespaces": namespaces[:20]},
                count=len(keys),
            )
        ]
    publish(session, events)
