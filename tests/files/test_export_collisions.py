"""No export drops a key whose name differs from another only by its gettext context.

A PO file with one msgid in three contexts becomes three keys (`Open`, `menu\\x04Open`,
`verb\\x04Open`). Each export format either writes all three so that the file re-imports to the
same three keys, or refuses with a 400 naming the key (docs/import-export.md, "Keys that differ
only by context").
"""

from __future__ import annotations

import re

import pytest

from entri.formats import FORMAT_IDS
from tests.files.helpers import do_export, do_import, drop_templates, import_body, messages, translations, values

PO = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "Open"\nmsgstr "Open (plain)"\n\n'
    'msgctxt "menu"\nmsgid "Open"\nmsgstr "Open (menu)"\n\n'
    'msgctxt "verb"\nmsgid "Open"\nmsgstr "Open (verb)"\n'
)
KEYS = {"Open": "Open (plain)", "menu\x04Open": "Open (menu)", "verb\x04Open": "Open (verb)"}

REFUSED = {
    "json-flat",
    "json-nested",
    "json-clean",
    "yaml",
    "arb",
    "php-array",
    "properties",
    "ios-strings",
    "ios-stringsdict",
}
"""Formats without a place for a context: they refuse rather than drop two of the keys."""


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_keys_differing_only_by_context_are_exported_or_refused(tenant, client, database, format_id):
    project_id = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    response = do_import(client, tenant.headers, project_id, "en", "po", PO)
    assert response.status_code == 200, response.text
    assert values(client, tenant.headers, project_id, "en") == KEYS
    drop_templates(database, project_id)  # the export is built from the database alone

    exported = do_export(client, tenant.headers, project_id, "en", format_id)
    if format_id in REFUSED:
        assert exported.status_code == 400, exported.text
        assert "'Open' would be written twice" in messages(exported)
        return
    assert exported.status_code == 200, exported.text
    unit_ids = re.findall(rb'<(?:trans-unit|unit) id="([^"]*)"', exported.content)
    assert len(unit_ids) == len(set(unit_ids))  # XLIFF requires unique ids within a <file>

    # The file re-imports, into a fresh project, to the same three keys and values.
    fresh = str(tenant.project(sourceLanguage="en", targetLanguages=["fr"])["_id"])
    body = import_body("en", format_id, exported.content)
    response = client.post(f"/api/projects/{fresh}/import", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    if format_id == "pot":  # a template carries no translations: the keys are what counts
        assert set(translations(client, tenant.headers, fresh, "en")) == set(KEYS)
    else:
        assert values(client, tenant.headers, fresh, "en") == KEYS
