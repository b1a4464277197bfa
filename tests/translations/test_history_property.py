"""Property: any sequence of upserts, status changes and reverts leaves a history that,
replayed in version order, reproduces the current translation exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VALUES = st.sampled_from(["a", "b", "c", "", "ü 🎉"])
STATUSES = st.sampled_from(["untranslated", "translated", "reviewed", "approved"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), VALUES),
        st.tuples(st.just("status"), STATUSES),
        st.tuples(st.just("revert"), st.none()),
        st.tuples(st.just("revert_to"), st.integers(min_value=0, max_value=20)),
    ),
    min_size=1,
    max_size=12,
)


def replay(history: list[dict]) -> tuple[str | None, str | None]:
    """Apply history oldest first, checking each entry continues from the previous one."""
    value, status = None, None
    for expected_version, entry in enumerate(reversed(history), start=1):
        assert entry["version"] == expected_version
        assert entry["previousValue"] == value
        assert entry["previousStatus"] == status
        if entry["action"] == "status":
            assert entry["newValue"] == value
        value, status = entry["newValue"], entry["status"]
    return value, status


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_history_replays_to_current_state(tenant, client, ops):
    project = tenant.project(targetLanguages=["fr"])
    key = client.post(f"/api/projects/{project['_id']}/keys", json={"key": "k"}, headers=tenant.headers).json()
    url = f"/api/projects/{project['_id']}/keys/{key['_id']}/translations/fr"
    for op, arg in ops:
        if op == "put":
            r = client.put(url, json={"value": arg}, headers=tenant.headers)
        elif op == "status":
            r = client.patch(url + "/status", json={"status": arg}, headers=tenant.headers)
        elif op == "revert":
            r = client.post(url + "/revert", headers=tenant.headers)
        else:
            history = client.get(url + "/history", headers=tenant.headers).json()
            if not history:
                continue
            r = client.post(url + f"/revert/{history[arg % len(history)]['_id']}", headers=tenant.headers)
        assert r.status_code in (200, 400, 404), r.text  # 400/404: no value yet, nothing to revert to
    history = client.get(url + "/history", headers=tenant.headers).json()
    current = client.get(
        f"/api/projects/{project['_id']}/keys/{key['_id']}/translations", headers=tenant.headers
    ).json()["translations"][1]
    value, status = replay(history)
    if history:
        assert (current["value"], current["status"], current["version"]) == (value, status, len(history))
    else:
        assert current["version"] == 0
