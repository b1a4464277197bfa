"""Quality checks in the write path, through HTTP: stored failures, the review gate and `force`,
the source-change re-check, the failing list and filter, the export filter, import counts and
settings with their bulk re-check. The failing check here is `max_length` (error by default):
it needs nothing but a key's maxLength, so these tests do not depend on placeholder parsing."""

from __future__ import annotations

import pytest

from tests.errors import assert_error


@pytest.fixture
def world(tenant, client):
    project = tenant.project(targetLanguages=["fr", "de"])
    pid = project["_id"]
    created = client.post(
        f"/api/projects/{pid}/keys",
        json={"key": "cta", "sourceValue": "Buy", "maxLength": 6},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    key = created.json()
    return pid, key["_id"], f"/api/projects/{pid}/keys/{key['_id']}/translations"


def put(client, headers, url, **body):
    return client.put(url, json=body, headers=headers)


def status(client, headers, url, **body):
    return client.patch(f"{url}/status", json=body, headers=headers)


def test_a_failing_value_is_stored_with_its_checks(tenant, client, world):
    _, _, base = world
    r = put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["value"] == "Acheter maintenant"  # work is never lost
    assert [c["id"] for c in body["checks"]] == ["max_length"]
    assert body["checks"][0]["severity"] == "error"
    assert "18 characters" in body["checks"][0]["message"] and "maximum of 6" in body["checks"][0]["message"]
    ok = put(client, tenant.headers, f"{base}/de", value="Kaufen")
    assert ok.json()["checks"] == []


def test_review_and_approval_are_refused_while_errors_fail(tenant, client, world):
    _, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    reviewer = tenant.member("reviewer")
    for target in ("reviewed", "approved"):
        r = status(client, reviewer.headers, f"{base}/fr", status=target)
        assert_error(r, 409)
        assert "max_length" in r.text and "force" in r.text
    r = put(client, tenant.headers, f"{base}/fr", value="Acheter tout", status="approved")
    assert_error(r, 409)
    current = client.get(f"{base.rsplit('/translations', 1)[0]}/translations", headers=tenant.headers).json()
    fr = next(t for t in current["translations"] if t["language"] == "fr")
    assert (fr["value"], fr["status"]) == ("Acheter maintenant", "translated")  # the refused write wrote nothing


def test_only_an_admin_can_force_and_history_records_it(tenant, client, world):
    _, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    developer = tenant.member("developer")
    assert_error(status(client, developer.headers, f"{base}/fr", status="approved", force=True), 403)
    r = status(client, tenant.headers, f"{base}/fr", status="approved", force=True)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    history = client.get(f"{base}/fr/history", headers=tenant.headers).json()
    assert history[0]["forced"] is True and history[0]["status"] == "approved"
    assert history[1]["forced"] is False


def test_a_fixed_value_can_be_approved(tenant, client, world):
    _, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    fixed = put(client, tenant.headers, f"{base}/fr", value="Achat")
    assert fixed.json()["checks"] == []
    assert status(client, tenant.member("reviewer").headers, f"{base}/fr", status="approved").status_code == 200


def test_a_source_change_sends_approved_translations_back_and_rechecks(tenant, client, world):
    pid, key_id, base = world
    put(client, tenant.headers, f"{base}/fr", value="Achat", status="approved")
    put(client, tenant.headers, f"{base}/de", value="Kaufen jetzt")  # fails max_length
    key_url = f"/api/projects/{pid}/keys/{key_id}"
    assert client.patch(key_url, json={"maxLength": 20}, headers=tenant.headers).status_code == 200
    r = put(client, tenant.headers, f"{base}/en", value="Buy now")
    assert r.status_code == 200, r.text
    rows = {
        t["language"]: t for t in client.get(f"{key_url}/translations", headers=tenant.headers).json()["translations"]
    }
    assert rows["fr"]["status"] == "translated" and rows["fr"]["value"] == "Achat"
    history = client.get(f"{base}/fr/history", headers=tenant.headers).json()
    assert (history[0]["action"], history[0]["previousStatus"], history[0]["status"]) == (
        "source_change",
        "approved",
        "translated",
    )
    # The same source written again changes nothing: no second source_change entry.
    put(client, tenant.headers, f"{base}/en", value="Buy now")
    assert len(client.get(f"{base}/fr/history", headers=tenant.headers).json()) == len(history)


def test_failing_list_and_listing_filter(tenant, client, world):
    pid, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    put(client, tenant.headers, f"{base}/de", value="Kaufen")
    page = client.get(f"/api/projects/{pid}/checks", headers=tenant.headers)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["meta"]["total"] == 1
    assert (body["data"][0]["language"], body["data"][0]["checks"][0]["id"]) == ("fr", "max_length")
    assert client.get(f"/api/projects/{pid}/checks?language=de", headers=tenant.headers).json()["meta"]["total"] == 0
    assert client.get(f"/api/projects/{pid}/checks?severity=warning", headers=tenant.headers).json()["data"] == []
    by_id = client.get(f"/api/projects/{pid}/checks?check=max_length", headers=tenant.headers).json()
    assert by_id["meta"]["total"] == 1
    assert client.get(f"/api/projects/{pid}/checks?check=empty_plural", headers=tenant.headers).json()["data"] == []
    assert_error(client.get(f"/api/projects/{pid}/checks?check=nope", headers=tenant.headers), 400)
    listing = client.get(f"/api/projects/{pid}/translations/fr?check=failing", headers=tenant.headers).json()
    assert [t["key"] for t in listing["data"]] == ["cta"] and listing["meta"]["total"] == 1
    assert client.get(f"/api/projects/{pid}/translations/de?check=errors", headers=tenant.headers).json()["data"] == []
    plain = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()
    assert plain["data"][0]["checks"][0]["id"] == "max_length"


def test_export_can_leave_out_failing_values(tenant, client, world):
    pid, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    url = f"/api/projects/{pid}/export/fr?format=json-flat"
    assert client.get(url, headers=tenant.headers).json() == {"cta": "Acheter maintenant"}  # default unchanged
    assert client.get(url + "&exclude=failing-errors", headers=tenant.headers).json() == {}
    filled = client.get(url + "&exclude=failing-errors&fallback=source", headers=tenant.headers).json()
    assert filled == {"cta": "Buy"}
    assert_error(client.get(url + "&exclude=everything", headers=tenant.headers), 400)


def test_import_reports_failing_counts_and_keeps_values(tenant, client, world):
    pid, _, _ = world
    content = '{"cta": "Acheter maintenant", "other": "Autre"}'
    r = client.post(
        f"/api/projects/{pid}/import",
        json={"language": "fr", "format": "json-flat", "content": content},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"max_length": 1}
    assert r.json()["imported"] == 2


def test_import_of_approved_failing_values_keeps_them_translated(tenant, client, world):
    pid, _, _ = world
    xliff = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="en" target-language="fr" datatype="plaintext" original="x"><body>'
        '<trans-unit id="cta" approved="yes"><source>Buy</source><target state="final">Acheter maintenant</target>'
        "</trans-unit></body></file></xliff>"
    )
    r = client.post(
        f"/api/projects/{pid}/import",
        json={"language": "fr", "format": "xliff", "content": xliff, "overwrite": True},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    rows = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["data"]
    assert (rows[0]["value"], rows[0]["status"]) == ("Acheter maintenant", "translated")
    again = client.post(
        f"/api/projects/{pid}/import",
        json={"language": "fr", "format": "xliff", "content": xliff, "overwrite": True},
        headers=tenant.headers,
    )
    assert again.json()["imported"] == 0  # the same file again writes nothing


def test_project_settings_change_severity_and_recheck(tenant, client, world):
    pid, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    r = client.patch(
        f"/api/projects/{pid}",
        json={"settings": {"checks": {"severities": {"max_length": "warning"}}}},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["settings"] == {"checks": {"severities": {"max_length": "warning"}}}
    row = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["data"][0]
    assert row["checks"][0]["severity"] == "warning"
    assert status(client, tenant.member("reviewer").headers, f"{base}/fr", status="approved").status_code == 200
    off = client.patch(
        f"/api/projects/{pid}",
        json={"settings": {"checks": {"severities": {"max_length": "off"}}}},
        headers=tenant.headers,
    )
    assert off.status_code == 200
    row = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["data"][0]
    assert (row["checks"], row["status"]) == ([], "approved")


@pytest.mark.parametrize(
    ("patch", "fragment"),
    [
        ({"checks": {"severities": {"nope": "error"}}}, "unknown check 'nope'"),
        ({"checks": {"severities": {"max_length": "fatal"}}}, "must be 'error', 'warning' or 'off'"),
        ({"checks": {"dialect": "klingon"}}, "settings.checks.dialect must be one of"),
        ({"checks": {"identical": "Entri"}}, "identical must be a list"),
        ({"checks": {"colour": "red"}}, "unknown field 'colour'"),
        ({"theme": "dark"}, "unknown field 'theme'"),
    ],
)
def test_invalid_project_settings_are_refused(tenant, client, world, patch, fragment):
    pid, _, _ = world
    r = client.patch(f"/api/projects/{pid}", json={"settings": patch}, headers=tenant.headers)
    assert_error(r, 400)
    assert fragment in r.text


def test_organization_settings_set_severities_for_every_project(tenant, client, world):
    pid, _, base = world
    put(client, tenant.headers, f"{base}/fr", value="Acheter maintenant")
    r = client.patch(
        "/api/organizations/current",
        json={"settings": {"checks": {"severities": {"max_length": "warning"}}, "toneInstructions": "Friendly"}},
        headers=tenant.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["toneInstructions"] == "Friendly"
    row = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["data"][0]
    assert row["checks"][0]["severity"] == "warning"
    # The project's own setting wins over the organization's.
    client.patch(
        f"/api/projects/{pid}",
        json={"settings": {"checks": {"severities": {"max_length": "error"}}}},
        headers=tenant.headers,
    )
    row = client.get(f"/api/projects/{pid}/translations/fr", headers=tenant.headers).json()["data"][0]
    assert row["checks"][0]["severity"] == "error"
    # A partial update keeps the other settings; null removes one.
    r = client.patch(
        "/api/organizations/current", json={"settings": {"toneInstructions": None}}, headers=tenant.headers
    )
    assert "toneInstructions" not in r.json()["settings"] and "checks" in r.json()["settings"]
    assert_error(
        client.patch(
            "/api/organizations/current", json={"settings": {"checks": {"dialect": "icu"}}}, headers=tenant.headers
        ),
        400,
    )
    translator = tenant.member("translator")
    assert_error(client.patch("/api/organizations/current", json={"name": "X"}, headers=translator.headers), 403)


ANDROID_FR = """<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="greeting">Bonjour %1$s, vous avez %2$d messages</string>
    <string name="bye">Au revoir</string>
</resources>
"""
ANDROID_EN = """<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="greeting">Hello %1$s, you have %2$d messages</string>
    <string name="bye">Bye %1$s</string>
</resources>
"""


def test_placeholders_lost_in_an_android_file_are_found_with_the_android_dialect(tenant, client):
    pid = tenant.project(targetLanguages=["fr"])["_id"]
    for language, content in (("en", ANDROID_EN), ("fr", ANDROID_FR)):
        r = client.post(
            f"/api/projects/{pid}/import",
            json={"language": language, "format": "android-xml", "content": content},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"placeholders": 1}
    failing = client.get(f"/api/projects/{pid}/checks?check=placeholders", headers=tenant.headers).json()
    assert [(t["key"], t["language"]) for t in failing["data"]] == [("bye", "fr")]
    assert "%1$s" in failing["data"][0]["checks"][0]["message"]
    # The release build leaves the broken value out; the good one ships.
    exported = client.get(
        f"/api/projects/{pid}/export/fr?format=json-flat&exclude=failing-errors", headers=tenant.headers
    ).json()
    assert exported == {"greeting": "Bonjour %1$s, vous avez %2$d messages"}
