"""The outbox: deliveries are written in the transaction of the change (none for a rolled-back
one), one subscription look-up per publish, bulk writes as one summary, and key events."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from entri.core.actor import Actor
from entri.core.db import Database
from entri.core.events import Event, publish
from entri.core.vocabularies import Action
from entri.jobs.models import Job
from entri.keys.models import Key
from entri.projects.models import Project as ProjectRow
from entri.translations import service as translations
from entri.webhooks.models import WebhookDelivery
from entri.webhooks.outbox import KIND
from tests.conftest import Tenant
from tests.webhooks.conftest import Hooks, Project, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")


def deliveries_of(database: Database, webhook_id: str) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).where(WebhookDelivery.webhook_id == webhook_id)) or 0)


def test_a_rolled_back_write_leaves_no_delivery(
    hooks: Hooks, project: Project, receiver: Receiver, database: Database, deliver: Callable[..., int]
) -> None:
    key_id = project.key("k")
    hook = hooks.create(receiver.url, ["translation.completed"])
    with database.session() as session:
        jobs_before = session.scalar(select(func.count()).select_from(Job).where(Job.kind == KIND))
    with database.session(write=True) as session:
        row = session.get_one(ProjectRow, project.id)
        key = session.get_one(Key, key_id)
        write = translations.Write(key=key, language="fr", value="jamais")
        translations.write(session, project=row, writes=[write], actor=Actor(None, "test"), action=Action.UPDATE)
        in_transaction = session.scalar(select(func.count()).where(WebhookDelivery.webhook_id == hook["_id"]))
        assert in_transaction == 1  # written with the change…
        session.rollback()  # …and gone with it
    assert deliveries_of(database, hook["_id"]) == 0
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Job).where(Job.kind == KIND)) == jobs_before
    deliver()
    assert receiver.requests == []

    project.put(key_id, "fr", "committed")
    assert deliveries_of(database, hook["_id"]) == 1  # committed with the change, before any send


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's write sessions open with BEGIN IMMEDIATE
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def _value_events(tenant: Tenant, project: Project, key_ids: list[str]) -> list[Event]:
    return [
        Event(
            name="translation.updated",
            organization_id=tenant.organization_id,
            project_id=project.id,
            target_type="translation",
            target_id=key_id,
            data={"keyId": key_id, "language": "fr", "value": "v", "status": "translated", "previousStatus": None},
            language="fr",
        )
        for key_id in key_ids
    ]


def test_publishing_costs_one_lookup_whatever_the_number_of_events(
    tenant: Tenant, hooks: Hooks, project: Project, receiver: Receiver, database: Database
) -> None:
    keys = [project.key(f"k{i}") for i in range(100)]
    with database.session(write=True) as session, statements(database) as seen:
        publish(session, [Event(name="project.updated", organization_id=tenant.organization_id, project_id=project.id)])
        assert seen == []  # nothing a webhook could want: not even a look-up
        publish(session, _value_events(tenant, project, keys))
        assert len(seen) == 1 and "webhooks" in seen[0]  # no subscription: one look-up, nothing else
        session.rollback()

    hooks.create(receiver.url, ["translation.completed"])
    counts = []
    for batch in (keys[:2], keys):
        with database.session(write=True) as session, statements(database) as seen:
            publish(session, _value_events(tenant, project, batch))
            counts.append(len(seen))
            assert sum("FROM webhooks" in s for s in seen) == 1
            assert sum("FROM keys" in s for s in seen) == 1  # the key names, in one query
            session.rollback()
    assert counts[0] == counts[1], counts


def test_key_events(
    tenant: Tenant,
    hooks: Hooks,
    project: Project,
    receiver: Receiver,
    database: Database,
    deliver: Callable[..., int],
) -> None:
    key_id = project.key("nav.home")
    hooks.create(receiver.url, ["key.created", "key.deleted"])
    base = {"organization_id": tenant.organization_id, "project_id": project.id, "target_type": "key"}
    with database.session(write=True) as session:
        publish(
            session,
            [
                Event(name="key.created", target_id=key_id, data={"keyId": key_id}, **base),  # name looked up
                Event(
                    name="key.deleted",
                    target_id="key_gone",
                    data={"keyId": "key_gone", "key": "old", "namespace": "ns", "projectId": project.id},
                    **base,
                ),
                Event(name="key.created", data={"projectId": project.id, "count": 150}, count=150, **base),
                Event(name="key.updated", target_id=key_id, data={"keyId": key_id}, **base),
            ],
        )
        session.commit()
    deliver()
    got = [(r.event, r.json["data"]) for r in receiver.wait_for(3)]
    assert sorted(got, key=lambda x: json.dumps(x)) == sorted(
        [
            ("key.created", {"keyId": key_id, "key": "nav.home", "namespace": "", "projectId": project.id}),
            ("key.deleted", {"keyId": "key_gone", "key": "old", "namespace": "ns", "projectId": project.id}),
            ("key.created", {"projectId": project.id, "count": 150, "bulk": True}),
        ],
        key=lambda x: json.dumps(x),
    )


def _flat(values: dict[str, str]) -> str:
    return json.dumps(values)


def test_a_bulk_import_sends_its_summary_not_one_delivery_per_value(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    hook = hooks.create(receiver.url, ["*"])
    content = _flat({f"screen.{i}.title": f"Titre {i}" for i in range(150)})
    body = {"language": "fr", "format": "json-flat", "content": content}
    response = project.client.post(f"{project.base}/import", json=body, headers=project.headers)
    assert response.status_code == 200, response.text
    deliver()
    events = [r.event for r in receiver.requests]
    assert "translation.completed" not in events
    (summary,) = receiver.of("import.completed")
    data = summary.json["data"]
    assert (data["projectId"], data["language"], data["format"], data["imported"]) == (
        project.id,
        "fr",
        "json-flat",
        150,
    )
    assert len(receiver.requests) <= 4, events  # the summary (+ language.completed, a key summary): never per value
    assert len(hooks.deliveries(hook["_id"])) == len(receiver.requests)


def test_a_bulk_overwrite_sends_one_summary_per_language(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    for i in range(120):
        project.key(f"k{i}")
    hooks.create(receiver.url, ["translation.completed"])
    items = [{"key": f"k{i}", "language": "fr", "value": f"v{i}"} for i in range(120)]
    response = project.client.post(
        f"{project.base}/translations/overwrite", json={"translations": items}, headers=project.headers
    )
    assert response.status_code == 200, response.text
    deliver()
    (got,) = receiver.requests
    data = got.json["data"]
    assert got.event == "translation.completed"
    assert (data["bulk"], data["count"], data["language"], data["projectId"]) == (True, 120, "fr", project.id)
    assert data["newlyTranslated"] == 120


def test_a_value_emptied_is_not_a_completed_translation(
    hooks: Hooks, project: Project, receiver: Receiver, deliver: Callable[..., int]
) -> None:
    key_id = project.key("k")
    project.put(key_id, "fr", "x")
    hooks.create(receiver.url, ["translation.completed"])
    project.put(key_id, "fr", "")
    deliver()
    assert receiver.requests == []
