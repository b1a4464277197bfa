"""The models of the job tables match what migration 0005_jobs creates."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from entri.core import models_registry  # noqa: F401 - every table on Base.metadata
from entri.core.db import Base
from tests.conftest import Tenant

TABLES = {"jobs", "job_items"}


def _tables_of(diff: Any) -> set[str]:
    found: set[str] = set()
    for entry in diff if isinstance(diff, list) else [diff]:
        for part in entry if isinstance(entry, tuple) else [entry]:
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None) in TABLES:
                found.add(table.name)
            elif isinstance(part, str) and part in TABLES:
                found.add(part)
            elif name in TABLES:
                found.add(str(name))
    return found


def test_models_match_the_migration(tenant: Tenant) -> None:
    with tenant.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, Base.metadata)
    ours = [entry for entry in diff if _tables_of(entry)]
    assert ours == []
