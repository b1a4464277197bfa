"""The webhook models (and `jobs.run_after`) match what migration 0010_webhooks creates."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from entri.core import models_registry  # noqa: F401 - every table on Base.metadata
from entri.core.db import Base
from tests.conftest import Tenant
from tests.jobs.test_schema import _tables_of

TABLES = {"webhooks", "webhook_deliveries", "webhook_language_marks", "jobs"}


def test_models_match_the_migration(tenant: Tenant) -> None:
    with tenant.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(context, Base.metadata)
    names = {"webhooks", "webhook_deliveries", "webhook_language_marks"}
    assert names <= set(Base.metadata.tables)
    ours = [entry for entry in diff if _tables_of(entry) or any(n in repr(entry) for n in TABLES)]
    assert ours == []
