"""A second organization (the members tests' fixture), to check nothing crosses the org boundary."""

from tests.organizations.conftest import other_tenant  # noqa: F401
