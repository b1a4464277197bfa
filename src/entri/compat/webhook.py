"""The method-style API's webhook: what becomes an event, and the outbox rows that carry them
(docs/compat.md, "Webhook").

A project with `settings.compat.webhookUrl` gets a POST of a JSON array of
`{"type": "translation_update", "language": "<id>", "date": <unix seconds>, "string_id": "<n>",
"category_id": "<n>"}` items when approved text changes: a translation becomes approved, an
approved one is changed or leaves `approved`, or the key of an approved one is deleted.

This module is a subscriber to domain events (core/events.py). In the publisher's transaction it
writes one delivery of the webhook outbox's `compat` channel (webhooks/outbox.py) holding the
publish's items, with one `compat.webhook.deliver` job due WINDOW later; a change that rolls back
leaves none. The items are stored as found at that moment (`Pending`): a key made through the
main API may have no `string_id` yet, and is numbered when the first try is built
(`webhook_jobs.py`), which also folds every untried delivery of the project into one request.
The X-Localization header is made at send time from the URL and token as they are then.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypedDict

import orjson
from sqlalchemy.orm import Session

from entri.compat import numbering
from entri.compat import settings as compat_settings
from entri.core.clock import utcnow
from entri.core.errors import NotFound
from entri.core.events import Event, subscribe
from entri.core.pagination import PageParams
from entri.core.permissions import Permission
from entri.core.principal import Principal
from entri.core.vocabularies import Status
from entri.keys import service as keys
from entri.projects.models import Project
from entri.translations import service as translations
from entri.webhooks import channels, outbox
from entri.webhooks.models import WebhookDelivery

CHANNEL = "compat"
"""The deliveries' `kind` in the webhook outbox."""
JOB_KIND = "compat.webhook.deliver"
EVENT = "translation_update"
"""The only event type the vendor documents; every change is announced with it."""
WINDOW = timedelta(seconds=2)
"""A delivery waits this long for the project's next changes to join it (decisions: batched
per request within a 2 s window)."""
VALUE_EVENTS = frozenset(
    {"translation.updated", "translation.overwritten", "translation.reverted", "translation.status_changed"}
)
KEY_DELETED = "key.deleted"
IMPORTED = "import.completed"
LOOKED_AT = VALUE_EVENTS | {KEY_DELETED, IMPORTED}
"""Every domain event this subscriber reads; a publish of none of these costs nothing."""


class Pending(TypedDict):
    """One item as stored until its delivery's first try: `k` the key (None: a bulk change of
    the language), `s` its string number and `c` its category number if it had them, `n` its
    namespace, `l` the language code, `d` the change's time in Unix seconds."""

    k: str | None
    s: int | None
    c: int | None
    n: str | None
    l: str  # noqa: E741 - stored: short names
    d: int


def signature(url: str, token: str) -> str:
    """X-Localization: lowercase hex HMAC-SHA256, the webhook URL (byte for byte, as set) the
    key and the project's token the message (compat-api.md §6, PHP `hash_hmac('sha256',
    $token, $url)`)."""
    return hmac.new(url.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).hexdigest()


def approved_text_changed(data: Mapping[str, Any]) -> bool:
    """A per-value translation event that changes what the approved text is: approved now and
    not before, approved before and not now, or approved both times with another text."""
    now, before = data.get("status") == Status.APPROVED, data.get("previousStatus") == Status.APPROVED
    if now != before:
        return True
    return now and (data.get("value") != data.get("previousValue") or data.get("plurals") is not None)


def _language(event: Event) -> str | None:
    value = event.language or event.data.get("language")
    return value if isinstance(value, str) else None


def _key_id(event: Event) -> str | None:
    value = event.data.get("keyId", event.target_id)
    return value if isinstance(value, str) else None


def _seconds(event: Event) -> int:
    return int(event.at.timestamp())


def _found(session: Session, project: Project, events: Sequence[Event]) -> Iterator[tuple[str | None, str, int]]:
    """(key id or None for a bulk change, language, time) of each change of approved text."""
    for event in events:
        language = _language(event)
        if event.name in VALUE_EVENTS:
            if event.count > 1:  # a write of more than 100 values: one summary, no keys
                if language:
                    yield None, language, _seconds(event)
            elif language and (key_id := _key_id(event)) and approved_text_changed(event.data):
                yield key_id, language, _seconds(event)
        elif event.name == IMPORTED:
            imported = event.data.get("imported")
            if language and isinstance(imported, int) and imported > 0:
                yield None, language, _seconds(event)
        elif event.count > 1:  # many keys deleted at once: every language may have changed
            for code in project.languages:
                yield None, code, _seconds(event)
        elif key_id := _key_id(event):  # published before the key goes (keys and compat both)
            for code, row in sorted(translations.for_key(session, key_id=key_id).items()):
                if row.status == Status.APPROVED and row.value:
                    yield key_id, code, _seconds(event)


def pending_items(session: Session, project: Project, events: Sequence[Event]) -> list[Pending]:
    found = list(_found(session, project, events))
    key_ids = sorted({k for k, _, _ in found if k})
    numbers = numbering.numbers_of(session, key_ids=key_ids) if key_ids else {}
    names = keys.names_of(session, key_ids=key_ids) if key_ids else {}
    namespaces = {key_id: namespace for key_id, (_, namespace) in names.items()}
    for event in events:  # a deleted key's namespace, in case it has gone already
        if event.name == KEY_DELETED and (key_id := _key_id(event)) and key_id not in namespaces:
            namespace = event.data.get("namespace")
            if isinstance(namespace, str):
                namespaces[key_id] = namespace
    categories = numbering.category_numbers(session, project_id=project.id, namespaces=namespaces.values())
    items: list[Pending] = []
    for key_id, language, seconds in found:
        number = numbers.get(key_id) if key_id else None
        if key_id and number is None and key_id not in names:
            continue  # deleted before any method-style call numbered it: no client knows it
        namespace = namespaces.get(key_id) if key_id else None
        category = categories.get(namespace) if namespace is not None else None
        items.append(Pending(k=key_id, s=number, c=category, n=namespace, l=language, d=seconds))
    return items


def may_announce(event: Event) -> bool:
    """Whether `event` can become an item, from the event alone (a publish of none of these
    costs no query: an edit that is not about approved text does not read the project)."""
    if event.project_id is None or event.name not in LOOKED_AT:
        return False
    if event.name in VALUE_EVENTS:
        return event.count > 1 or approved_text_changed(event.data)
    if event.name == IMPORTED:
        imported = event.data.get("imported")
        return isinstance(imported, int) and imported > 0
    return True


def on_events(session: Session, events: Sequence[Event]) -> None:
    relevant: dict[str, list[Event]] = {}
    for event in events:
        if may_announce(event):
            assert event.project_id is not None
            relevant.setdefault(event.project_id, []).append(event)
    if not relevant:
        return
    deliveries: list[outbox.NewDelivery] = []
    for project_id, members in relevant.items():
        project = session.get(Project, project_id)
        if project is None or compat_settings.webhook_url(project.settings) is None:
            continue
        items = pending_items(session, project, members)
        if items:
            deliveries.append(
                outbox.NewDelivery(
                    webhook_id=None,
                    kind=CHANNEL,
                    organization_id=project.organization_id,
                    project_id=project.id,
                    event=EVENT,
                    body=orjson.dumps(items).decode(),
                )
            )
    if deliveries:
        actor = next((e.actor for e in events if e.actor is not None), None)
        outbox.add(
            session,
            deliveries,
            created_by=actor.user_id if actor else None,
            job_kind=JOB_KIND,
            run_after=utcnow() + WINDOW,
        )


def delivery_log(
    session: Session, *, principal: Principal, project: Project, page: PageParams
) -> tuple[list[WebhookDelivery], int]:
    """The compat webhook's deliveries, newest first: admins and owners, as for webhooks."""
    principal.require(Permission.MANAGE_SETTINGS)
    if principal.project_id is not None and principal.project_id != project.id:
        raise NotFound("Project not found")
    return channels.log(session, kind=CHANNEL, project_id=project.id, page=page)


subscribe(on_events)
