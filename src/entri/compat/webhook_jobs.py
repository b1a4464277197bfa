"""Sending the method-style API's webhook: the `compat.webhook.deliver` job (docs/compat.md,
"Webhook").

The loop is the webhook outbox's (`webhooks.jobs.run`: one try per delivery, the same sender
and SSRF guard, retries after 30 s … 3 h, the delivery log); this module plans each try:

- The URL is the project's `compat.webhookUrl` and the X-Localization header is signed with
  the project's token, both as they are at this try (a rotated token signs from then on). A
  project without either any more ends the delivery failed, with the reason.
- A first try builds the body: it folds every untried delivery of the project into one request
  (the deliveries of one transaction, and of others within the 2 s WINDOW the job waited),
  up to MAX_ITEMS items; the folded ones are deleted when the try is recorded, and the body
  built is stored, so every later try sends the same bytes. Items get their `string_id` then:
  a key made through the main API since the last method-style call is numbered first, as a
  method would (`numbering.sync`, under the project lock). One change of a (string, language)
  is announced once per request, with its latest time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from entri.compat import languages, numbering, tokens
from entri.compat import settings as compat_settings
from entri.compat.webhook import CHANNEL, EVENT, JOB_KIND, Pending, signature
from entri.core.db import Database, retry_transient
from entri.jobs.context import Item, JobContext
from entri.jobs.registry import register
from entri.keys import service as keys
from entri.projects.models import Project
from entri.webhooks import channels, outbox
from entri.webhooks import jobs as webhook_jobs
from entri.webhooks.channels import Stored
from entri.webhooks.outbox import Plan

MAX_ITEMS = 1000
"""Items one request carries when it folds deliveries together (one delivery is never split)."""
POOL = 200
"""Untried deliveries of a project read at once to fold into a request."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where and how a project's deliveries go at this try, or why they cannot."""

    url: str = ""
    token: str = ""
    languages: tuple[str, ...] = ()
    refusal: str | None = None


def _target(session: Session, project_id: str | None) -> Target:
    project = session.get(Project, project_id) if project_id else None
    if project is None:
        return Target(refusal="the project no longer exists")
    url = compat_settings.webhook_url(project.settings)
    if url is None:
        return Target(refusal="the project has no compat webhook any more (settings.compat.webhookUrl)")
    token = tokens.readable(session, project_id=project.id)
    if token is None:
        return Target(
            refusal="the project has no method-style API token to sign with "
            "(an admin makes it: GET /api/projects/:projectId/compat-token)"
        )
    return Target(url=url, token=token, languages=tuple(project.languages))


def _plan(row: Stored, target: Target, body: bytes, *, absorbs: tuple[str, ...] = (), built: bool = False) -> Plan:
    sendable = target.refusal is None
    return Plan(
        delivery_id=row.id,
        webhook_id=None,
        organization_id=row.organization_id,
        project_id=row.project_id,
        state=row.state,
        attempts=row.attempts,
        sendable=sendable,
        url=target.url,
        event=EVENT,
        body=body,
        signature="",
        kind=CHANNEL,
        headers={"X-Localization": signature(target.url, target.token), "X-Webhook-Id": row.id} if sendable else None,
        refusal=target.refusal,
        built=built,
        absorbs=absorbs,
    )


def _items(row: Stored) -> list[Pending]:
    value = orjson.loads(row.body)
    return value if isinstance(value, list) else []


@retry_transient
def _number(session: Session, project_id: str) -> None:
    """Numbers for every key and namespace of the project, as a method-style call gives them."""
    project = session.get(Project, project_id)
    if project is None:
        return
    keys.lock_for_keys(session, project=project)
    session.refresh(project)
    if numbering.needs_sync(session, project=project):
        numbering.sync(session, project=project)
    session.commit()


def _numbers(session: Session, project_id: str, items: Sequence[Pending]) -> tuple[dict[str, int], dict[str, int]]:
    key_ids = sorted({i["k"] for i in items if i["k"] and i["s"] is None})
    namespaces = {i["n"] for i in items if i["n"] is not None and i["c"] is None}
    strings = numbering.numbers_of(session, key_ids=key_ids) if key_ids else {}
    categories = numbering.category_numbers(session, project_id=project_id, namespaces=namespaces)
    return strings, categories


def render(database: Database, project_id: str, target: Target, items: Sequence[Pending]) -> list[dict[str, Any]]:
    """The request's JSON array: numbers for every item (numbering the project's keys first if
    some lack one), one item per (string, language) with its latest time, in first-seen order.
    An item of a key deleted before it ever had a number is left out (no client knows it)."""
    with database.session() as session:
        strings, categories = _numbers(session, project_id, items)
        lacking = [i["k"] for i in items if i["k"] and i["s"] is None and i["k"] not in strings]
        unnumbered = bool(keys.names_of(session, key_ids=lacking)) if lacking else False
        uncategorised = any(i["n"] is not None and i["c"] is None and i["n"] not in categories for i in items)
    if unnumbered or uncategorised:
        with database.session(write=True) as writer:
            _number(writer, project_id)
        with database.session() as session:
            strings, categories = _numbers(session, project_id, items)
    ids = {entry.code: entry.id for entry in languages.for_project(list(target.languages))}
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        number = item["s"] if item["s"] is not None else strings.get(item["k"] or "") if item["k"] else 0
        if number is None:
            continue
        namespace = item["n"]
        category = item["c"] if item["c"] is not None else categories.get(namespace, 0) if namespace is not None else 0
        language = str(ids.get(item["l"]) or languages.info(item["l"]).id)
        entry = {
            "type": EVENT,
            "language": language,
            "date": item["d"],
            "string_id": str(number),
            "category_id": str(category),
        }
        seen = merged.get((str(number), language))
        if seen is None:
            merged[(str(number), language)] = entry
        else:
            seen["date"] = max(seen["date"], entry["date"])
            seen["category_id"] = entry["category_id"]
    return list(merged.values())


def _fold(database: Database, target: Target, fresh: Sequence[Stored], pool: Sequence[Stored]) -> dict[str, Plan | str]:
    """First tries: each untried delivery of the batch not folded yet takes in the project's
    other untried deliveries, oldest first, while the items fit MAX_ITEMS."""
    plans: dict[str, Plan | str] = {}
    used: set[str] = set()
    fresh_ids = {row.id for row in fresh}
    for row in fresh:
        if row.id in used:
            continue
        group, count = [row], len(_items(row))
        used.add(row.id)
        for other in pool:
            if other.id in used:
                continue
            size = len(_items(other))
            if count + size > MAX_ITEMS:
                break
            group.append(other)
            used.add(other.id)
            count += size
        group.sort(key=lambda r: (r.created_at, r.id))
        items = [item for member in group for item in _items(member)]
        absorbs = tuple(member.id for member in group if member.id != row.id)
        body = render(database, row.project_id or "", target, items)
        if not body:
            with database.session(write=True) as writer:
                channels.discard(writer, [member.id for member in group])
                writer.commit()
            for member in group:
                if member.id in fresh_ids:
                    plans[member.id] = "nothing left to announce (every key was deleted before it had a number)"
            continue
        plans[row.id] = _plan(row, target, orjson.dumps(body), absorbs=absorbs, built=True)
        for member in group:
            if member.id in fresh_ids and member.id != row.id:
                plans[member.id] = f"sent with {row.id}"
    return plans


def plan(ctx: JobContext, delivery_ids: Sequence[str], now: datetime) -> dict[str, Plan | str]:
    """The tries of this batch (webhooks.jobs.Planner)."""
    plans: dict[str, Plan | str] = {}
    by_project: dict[str, list[Stored]] = {}
    targets: dict[str, Target] = {}
    pools: dict[str, list[Stored]] = {}
    with ctx.database.session() as session:
        for row in channels.stored(session, kind=CHANNEL, delivery_ids=delivery_ids):
            by_project.setdefault(row.project_id or "", []).append(row)
        for project_id, rows in by_project.items():
            targets[project_id] = target = _target(session, project_id)
            if target.refusal is None and any(r.attempts == 0 and r.state == outbox.PENDING for r in rows):
                pools[project_id] = channels.untried(session, kind=CHANNEL, project_id=project_id, limit=POOL)
    for project_id, rows in by_project.items():
        target = targets[project_id]
        rows.sort(key=lambda r: (r.created_at, r.id))
        fresh = [r for r in rows if r.attempts == 0 and r.state == outbox.PENDING]
        for row in rows:
            if row not in fresh or target.refusal is not None:
                plans[row.id] = _plan(row, target, row.body.encode("utf-8"))
        if fresh and target.refusal is None:
            plans.update(_fold(ctx.database, target, fresh, pools.get(project_id, [])))
    return plans


def deliver(ctx: JobContext, items: Sequence[Item]) -> None:
    webhook_jobs.run(ctx, items, plan, job_kind=JOB_KIND)


register(JOB_KIND, deliver, batch_size=webhook_jobs.BATCH)
