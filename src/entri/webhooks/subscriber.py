"""The webhook outbox's subscriber to domain events (core/events.py; docs/webhooks.md).

On each publish: one look-up of the organization's active subscriptions (and none at all
when no event of the publish can become a delivery), then one delivery row per (subscription,
delivery event) and one job to send them, written in the publisher's transaction. A change that
rolls back therefore leaves no delivery, and one that commits cannot lose its deliveries.

Key names for per-value deliveries are read in one query, only when a subscription wants one
of those deliveries. `language.completed` is checked only when a subscription wants it (see
`_completions`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from entri.core.bulk import insert_rows, table_of
from entri.core.clock import utcnow
from entri.core.events import Event, subscribe
from entri.keys import service as keys
from entri.translations import stats
from entri.webhooks import mapping, outbox
from entri.webhooks.models import LanguageMark, Webhook
from entri.webhooks.rules import ALL


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    organization_id: str
    project_id: str | None
    events: frozenset[str]

    def wants(self, name: str, organization_id: str, project_id: str | None) -> bool:
        return (
            self.organization_id == organization_id
            and (self.project_id is None or self.project_id == project_id)
            and (ALL in self.events or name in self.events)
        )


def active_subscriptions(session: Session, organization_ids: Iterable[str]) -> list[Subscription]:
    rows = session.execute(
        select(Webhook.id, Webhook.organization_id, Webhook.project_id, Webhook.events).where(
            Webhook.organization_id.in_(sorted(set(organization_ids))), Webhook.active.is_(True)
        )
    )
    return [Subscription(id=i, organization_id=o, project_id=p, events=frozenset(e or ())) for i, o, p, e in rows]


def on_events(session: Session, events: Sequence[Event]) -> None:
    relevant = [e for e in events if e.name in mapping.LOOKED_AT and e.project_id is not None]
    if not relevant:
        return
    subscriptions = active_subscriptions(session, (e.organization_id for e in relevant))
    if not subscriptions:
        return
    wanted: list[tuple[Event, str, list[Subscription]]] = []
    for event in relevant:
        name = mapping.delivery_name(event)
        if name is None:
            continue
        takers = [s for s in subscriptions if s.wants(name, event.organization_id, event.project_id)]
        if takers:
            wanted.append((event, name, takers))
    lookups = [k for e, _, _ in wanted if mapping.needs_key_name(e) and (k := mapping.key_id_of(e)) is not None]
    names = keys.names_of(session, key_ids=lookups) if lookups else {}
    deliveries = [
        outbox.NewDelivery(
            webhook_id=s.id,
            organization_id=event.organization_id,
            project_id=event.project_id,
            event=name,
            body=outbox.envelope(name, event.at, mapping.data_of(event, names)),
        )
        for event, name, takers in wanted
        for s in takers
    ]
    deliveries += _completions(session, relevant, subscriptions)
    actor = next((e.actor for e in relevant if e.actor is not None), None)
    outbox.add(session, deliveries, created_by=actor.user_id if actor else None)


@dataclass(slots=True)
class _Checks:
    organization_id: str
    up: set[str] = field(default_factory=set)
    maybe: set[str] = field(default_factory=set)
    maybe_all: bool = False
    forget: set[str] = field(default_factory=set)
    forget_all: bool = False
    at: datetime | None = None


def _completions(
    session: Session, events: Sequence[Event], subscriptions: Sequence[Subscription]
) -> list[outbox.NewDelivery]:
    """`language.completed` deliveries: once each time a target language goes from below 100 %
    to 100 % translated (docs/webhooks.md, "language.completed").

    A value moving into a translated status means its language was below 100 % just before, so
    the language is counted and the event fires if it is complete now. A summary that cannot
    say so (an import or AI job published without per-value events) fires only for a language
    not marked complete already; a mark is forgotten when a value leaves the translated
    statuses, a key is added, or a count finds the language incomplete.
    """
    per_project: dict[str, _Checks] = {}
    for event in events:
        assert event.project_id is not None
        if not any(s.wants(mapping.LANGUAGE_COMPLETED, event.organization_id, event.project_id) for s in subscriptions):
            continue
        effects = mapping.completion_effects(event)
        if not effects:
            continue
        checks = per_project.setdefault(event.project_id, _Checks(organization_id=event.organization_id))
        checks.at = max(checks.at or event.at, event.at)
        for kind, languages in effects:
            if kind == "down":
                checks.forget_all |= languages is None
                checks.forget.update(languages or ())
            elif kind == "up":
                checks.up.update(languages or ())
            else:
                checks.maybe_all |= languages is None
                checks.maybe.update(languages or ())
    deliveries: list[outbox.NewDelivery] = []
    for project_id, checks in per_project.items():
        deliveries += _check_project(session, project_id, checks, subscriptions)
    return deliveries


def _lock_key(project_id: str) -> int:
    return int.from_bytes(
        hashlib.sha256(b"entri.webhooks.completion:" + project_id.encode()).digest()[:8], "big", signed=True
    )


def _check_project(
    session: Session, project_id: str, checks: _Checks, subscriptions: Sequence[Subscription]
) -> list[outbox.NewDelivery]:
    marks = select(LanguageMark.language).where(LanguageMark.project_id == project_id)
    if checks.forget_all:
        session.execute(delete(LanguageMark).where(LanguageMark.project_id == project_id))
    elif checks.forget:
        session.execute(
            delete(LanguageMark).where(LanguageMark.project_id == project_id, LanguageMark.language.in_(checks.forget))
        )
    if not (checks.up or checks.maybe or checks.maybe_all):
        return []
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions completing a language's last two values each count before the other
        # commits, and neither would see 100 %: checks of one project take turns (held to commit).
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(project_id)})
    marked = set(session.scalars(marks))
    languages = None if checks.maybe_all else sorted(checks.up | checks.maybe)
    now = checks.at or utcnow()
    fire: list[stats.Completion] = []
    incomplete: list[str] = []
    for c in stats.completion(session, project_id=project_id, languages=languages):
        if not c.complete:
            incomplete.append(c.language)
        elif c.language in checks.up or c.language not in marked:
            fire.append(c)
    if incomplete and marked & set(incomplete):
        session.execute(
            delete(LanguageMark).where(LanguageMark.project_id == project_id, LanguageMark.language.in_(incomplete))
        )
    fresh = [(project_id, c.language, now) for c in fire if c.language not in marked]
    if fresh:
        insert_rows(
            session,
            table_of(LanguageMark.__table__),
            ("project_id", "language", "marked_at"),
            fresh,
            skip_conflicts=True,
        )
    deliveries = []
    for c in fire:
        body = outbox.envelope(
            mapping.LANGUAGE_COMPLETED, now, {"language": c.language, "keys": c.total, "projectId": project_id}
        )
        deliveries += [
            outbox.NewDelivery(
                webhook_id=s.id,
                organization_id=checks.organization_id,
                project_id=project_id,
                event=mapping.LANGUAGE_COMPLETED,
                body=body,
            )
            for s in subscriptions
            if s.wants(mapping.LANGUAGE_COMPLETED, checks.organization_id, project_id)
        ]
    return deliveries


subscribe(on_events)
