"""`retry_transient`: a lost race is retried on a rolled-back session; one that keeps being lost
ends as a 409 the client can act on, never as a 500."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from entri.core.db import RETRY_ATTEMPTS, TransientConflict, retry_transient
from entri.core.errors import BadRequest, Conflict


def test_retries_then_succeeds(database: Any) -> None:
    calls: list[int] = []

    @retry_transient
    def flaky(session: Session) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientConflict("lost a race")
        return "done"

    with database.session() as session:
        assert flaky(session) == "done"
    assert len(calls) == 3


def test_a_race_lost_every_time_is_a_409(database: Any) -> None:
    calls: list[int] = []

    @retry_transient
    def always_losing(session: Session) -> None:
        calls.append(1)
        raise TransientConflict("lost a race")

    with database.session() as session, pytest.raises(Conflict, match="changed concurrently"):
        always_losing(session)
    assert len(calls) == RETRY_ATTEMPTS


def test_other_errors_are_not_retried(database: Any) -> None:
    calls: list[int] = []

    @retry_transient
    def refused(session: Session) -> None:
        calls.append(1)
        raise BadRequest(["no"])

    with database.session() as session, pytest.raises(BadRequest):
        refused(session)
    assert len(calls) == 1
