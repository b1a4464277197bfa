"""Settings from the environment: the database URL a user types must reach the driver we ship."""

from __future__ import annotations

from pathlib import Path

import pytest

from entri.core.config import Settings


@pytest.mark.parametrize(
    ("given", "resolved"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_uses_psycopg3(given: str, resolved: str, tmp_path: Path) -> None:
    assert Settings(database_url=given, data_dir=tmp_path).resolved_database_url() == resolved


def test_default_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    url = Settings(database_url="", data_dir=tmp_path).resolved_database_url()
    assert url == f"sqlite:///{(tmp_path / 'entri.db').resolve()}"
