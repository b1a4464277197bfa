"""The one write path, called directly as every writer (import, AI, TM, compat, editor) calls it.

Validation must not depend on the HTTP edge: each invalid write below was stored as-is by the
service before (a status "final", a source "robot", confidence 999, a language the project does
not have, a NUL that PostgreSQL answered with a 500).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.errors import BadRequest, Conflict, NotFound
from entri.core.vocabularies import Action, Source, Status
from entri.keys import service as keys
from entri.projects.models import Project
from entri.translations import service
from entri.translations.models import Translation, TranslationHistory
from entri.translations.service import Write

ACTOR = Actor(user_id=None, name="Test writer")


@pytest.fixture
def world(tenant: Any) -> Iterator[tuple[Session, Project, keys.KeyRef, keys.KeyRef]]:
    """A project (en → fr, de), a singular key `greeting` and a plural key `files`."""
    project_id = tenant.project()["_id"]
    with tenant.database.session(write=True) as session:
        project = session.get(Project, project_id)
        assert project is not None
        greeting, files = keys.add_keys(
            session,
            project=project,
            items=[keys.KeyFields(key="greeting"), keys.KeyFields(key="files", is_plural=True)],
        )
        session.commit()
        yield session, project, greeting, files


def _history(session: Session, key_id: str) -> int:
    return int(session.scalar(select(func.count()).where(TranslationHistory.key_id == key_id)) or 0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "final"}, "status must be one of untranslated, translated, reviewed, approved"),
        ({"source": "robot"}, "source must be one of human, ai, import, tm, api"),
        ({"source": Source.AI, "ai_confidence": 999}, "aiConfidence must be 0-100, and only with source 'ai'"),
        ({"source": Source.AI, "ai_confidence": -1}, "aiConfidence must be 0-100"),
        ({"ai_confidence": 50}, "only with source 'ai'"),
        ({"language": "xx"}, "language 'xx' is not a language of this project"),
        ({"value": "a\x00b"}, "value contains a NUL or an unpaired surrogate character"),
        ({"value": "lone \ud800"}, "value contains a NUL or an unpaired surrogate character"),
        ({"value": "x" * 100_001}, "value is longer than 100000 characters"),
        ({"value": None}, "value should not be empty"),
        ({"value": "", "status": Status.APPROVED}, "an empty translation cannot be 'approved'"),
        ({"plurals": {"one": "x"}}, "key is not a plural key"),
    ],
)
def test_an_invalid_write_is_refused_and_writes_nothing(world: Any, changes: dict[str, Any], expected: str) -> None:
    session, project, greeting, _ = world
    write = Write(**{"key": greeting, "language": "fr", "value": "Bonjour", **changes})
    with pytest.raises(BadRequest) as refused:
        service.write(session, project=project, writes=[write], actor=ACTOR, action=Action.UPDATE)
    assert expected in str(refused.value)
    session.rollback()
    assert service.current(session, key_id=greeting.id, language="fr") is None
    assert _history(session, greeting.id) == 0


def test_one_bad_write_in_a_batch_refuses_the_batch_naming_it(world: Any) -> None:
    session, project, greeting, files = world
    writes = [
        Write(key=greeting, language="fr", value="Bonjour"),
        Write(key=files, language="fr", plurals={"one": "fichier", "lots": "fichiers"}),
    ]
    with pytest.raises(BadRequest) as refused:
        service.write(session, project=project, writes=writes, actor=ACTOR, action=Action.IMPORT)
    assert refused.value.message == ["translations[1]: pluralForms: unknown plural category 'lots'"]
    session.rollback()
    assert service.current(session, key_id=greeting.id, language="fr") is None


def test_a_key_of_another_project_is_refused(world: Any, tenant: Any) -> None:
    session, _project, greeting, _ = world
    other = session.get(Project, tenant.project()["_id"])
    with pytest.raises(BadRequest, match="does not belong to this project"):
        service.write(
            session,
            project=other,
            writes=[Write(key=greeting, language="fr", value="x")],
            actor=ACTOR,
            action=Action.UPDATE,
        )


def test_changes_describe_what_was_written(world: Any) -> None:
    session, project, greeting, files = world
    first = service.write(
        session,
        project=project,
        writes=[
            Write(key=greeting, language="fr", value="Bonjour"),
            Write(key=files, language="fr", plurals={"other": "{n} fichiers", "one": "{n} fichier"}),
        ],
        actor=ACTOR,
        action=Action.IMPORT,
    )
    assert [(c.key_id, c.old_status, c.new_status, c.version, c.action) for c in first] == sorted(
        [(greeting.id, None, "translated", 1, "import"), (files.id, None, "translated", 1, "import")]
    )
    plural = next(c for c in first if c.key_id == files.id)
    assert plural.new_plurals == {"one": "{n} fichier", "other": "{n} fichiers"}  # CLDR order
    assert plural.new_value == "{n} fichiers"
    again = service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="Salut", source=Source.AI, ai_confidence=80)],
        actor=ACTOR,
        action=Action.AI,
    )
    assert len(again) == 1
    change = again[0]
    assert (change.old_value, change.new_value, change.old_status, change.version) == (
        "Bonjour",
        "Salut",
        "translated",
        2,
    )
    assert (change.source, change.ai_confidence, change.actor) == ("ai", 80, ACTOR)
    session.commit()
    assert _history(session, greeting.id) == 2


def test_writing_the_same_state_again_changes_nothing(world: Any) -> None:
    session, project, greeting, _ = world
    write = Write(key=greeting, language="fr", value="Bonjour")
    assert len(service.write(session, project=project, writes=[write], actor=ACTOR, action=Action.UPDATE)) == 1
    assert service.write(session, project=project, writes=[write], actor=ACTOR, action=Action.UPDATE) == []
    session.commit()
    assert _history(session, greeting.id) == 1


def test_skip_existing_leaves_values_alone(world: Any) -> None:
    session, project, greeting, files = world
    service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="Bonjour")],
        actor=ACTOR,
        action=Action.UPDATE,
    )
    changes = service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="Salut"), Write(key=files, language="fr", value="fichiers")],
        actor=ACTOR,
        action=Action.IMPORT,
        skip_existing=True,
    )
    assert [c.key_id for c in changes] == [files.id]
    row = service.current(session, key_id=greeting.id, language="fr")
    assert row is not None and row.value == "Bonjour"


def test_expected_version_detects_a_concurrent_change(world: Any) -> None:
    session, project, greeting, _ = world
    service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="v1")],
        actor=ACTOR,
        action=Action.UPDATE,
    )
    stale = Write(key=greeting, language="fr", value="v2", expected_version=0)
    with pytest.raises(Conflict, match="at version 1, not 0"):
        service.write(session, project=project, writes=[stale], actor=ACTOR, action=Action.UPDATE)
    fresh = Write(key=greeting, language="fr", value="v2", expected_version=1)
    assert service.write(session, project=project, writes=[fresh], actor=ACTOR, action=Action.UPDATE)[0].version == 2


def test_status_change_keeps_the_value_and_needs_a_translation(world: Any) -> None:
    session, project, greeting, _ = world
    with pytest.raises(NotFound):
        service.write(
            session,
            project=project,
            writes=[Write.status_change(greeting, "fr", Status.REVIEWED)],
            actor=ACTOR,
            action=Action.STATUS,
        )
    service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="Bonjour")],
        actor=ACTOR,
        action=Action.UPDATE,
    )
    (change,) = service.write(
        session,
        project=project,
        writes=[Write.status_change(greeting, "fr", Status.REVIEWED)],
        actor=ACTOR,
        action=Action.STATUS,
    )
    assert (change.old_status, change.new_status, change.new_value, change.action) == (
        "translated",
        "reviewed",
        "Bonjour",
        "status",
    )


def test_a_pair_written_twice_keeps_the_last_write(world: Any) -> None:
    session, project, greeting, _ = world
    changes = service.write(
        session,
        project=project,
        writes=[Write(key=greeting, language="fr", value="one"), Write(key=greeting, language="fr", value="two")],
        actor=ACTOR,
        action=Action.IMPORT,
    )
    assert [c.new_value for c in changes] == ["two"]
    session.commit()
    rows = session.scalars(select(Translation).where(Translation.key_id == greeting.id)).all()
    assert [(r.value, r.version) for r in rows] == [("two", 1)]


def test_an_action_outside_the_vocabulary_is_refused(world: Any) -> None:
    session, project, greeting, _ = world
    with pytest.raises(BadRequest, match="action must be one of"):
        service.write(
            session,
            project=project,
            writes=[Write(key=greeting, language="fr", value="x")],
            actor=ACTOR,
            action="sneaky",  # type: ignore[arg-type]
        )


def test_keys_refuse_an_overlong_name_without_the_http_edge(world: Any) -> None:
    session, project, _, _ = world
    with pytest.raises(BadRequest, match="longer than 10000 characters"):
        keys.add_keys(session, project=project, items=[keys.KeyFields(key="k" * 10_001)])
    with pytest.raises(BadRequest, match="NUL"):
        keys.add_keys(session, project=project, items=[keys.KeyFields(key="a\x00b")])


def test_changes_carry_their_failing_checks_and_the_gate_holds_without_http(world: Any) -> None:
    """The checks run inside `write`, whoever calls it: failures on the Change and the row; a
    review status over an error is a Conflict unless forced; `downgrade` keeps the value."""
    session, project, greeting, _ = world
    service.write(
        session, project=project, writes=[Write(greeting, "en", "Hello {name}")], actor=ACTOR, action=Action.UPDATE
    )
    broken = Write(greeting, "fr", "Bonjour", status=Status.APPROVED)
    with pytest.raises(Conflict, match="placeholders"):
        service.write(session, project=project, writes=[broken], actor=ACTOR, action=Action.UPDATE)
    assert service.current(session, key_id=greeting.id, language="fr") is None
    [change] = service.write(
        session,
        project=project,
        writes=[Write(greeting, "fr", "Bonjour", status=Status.APPROVED, downgrade=True)],
        actor=ACTOR,
        action=Action.IMPORT,
    )
    assert change.new_status == Status.TRANSLATED
    assert [f.id for f in change.failures] == ["placeholders"]
    row = service.current(session, key_id=greeting.id, language="fr")
    assert row is not None and row.check_level == 2 and row.checks and row.checks[0]["id"] == "placeholders"
    [forced] = service.write(
        session,
        project=project,
        writes=[Write.status_change(greeting, "fr", Status.APPROVED, force=True)],
        actor=ACTOR,
        action=Action.STATUS,
    )
    assert forced.forced and forced.new_status == Status.APPROVED
    session.rollback()
