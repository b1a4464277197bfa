"""A second organization, to check that nothing crosses the org boundary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from entri.core.db import Database
from entri.core.permissions import Role
from entri.organizations import service as orgs
from tests.conftest import Tenant, _add_member


@pytest.fixture
def other_tenant(database: Database, app_client: TestClient) -> Tenant:
    with database.session(write=True) as session:
        org = orgs.create_organization(session, name="Globex")
        session.commit()
        org_id = org.id
    owner = _add_member(database, org_id, Role.OWNER)
    return Tenant(database=database, client=app_client, organization_id=org_id, owner=owner)
