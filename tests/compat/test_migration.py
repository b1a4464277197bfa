"""Migration 0012_compat creates exactly the tables the models describe, and goes back down."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from entri.core.db import Base, Database
from entri.core.migrate import alembic_config, upgrade

TABLES = {
    "compat_tokens",
    "compat_counters",
    "compat_categories",
    "compat_strings",
    "suggestions",
    "translation_numbers",
}


def _ours(change: object) -> bool:
    item = change[0] if isinstance(change, list) else change
    for part in item[1:] if isinstance(item, tuple) else ():
        if isinstance(part, str) and part in TABLES:
            return True
        table = getattr(part, "table", None)
        if getattr(table, "name", None) in TABLES or getattr(part, "name", None) in TABLES:
            return True
    return False


def test_models_match_the_migration(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert [change for change in diff if _ours(change)] == []


def test_downgrade_removes_the_tables(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'down.db'}")
    upgrade(database)
    assert set(inspect(database.engine).get_table_names()) >= TABLES
    config = alembic_config(database.url)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_ai_receipts")
        connection.commit()
    assert not TABLES & set(inspect(database.engine).get_table_names())
    database.engine.dispose()
