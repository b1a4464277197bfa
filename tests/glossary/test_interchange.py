"""CSV and TBX-Basic over HTTP: round trips, all-or-nothing imports, hostile XML."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.errors import assert_error
from tests.glossary.helpers import add_term, base, make_glossary

TERMS: list[dict[str, Any]] = [
    {
        "term": "file",
        "description": 'A stored "document", with commas\nand a line break',
        "partOfSpeech": "noun",
        "translations": {"fr": "fichier", "de": "Datei"},
    },
    {"term": "Entri", "caseSensitive": True, "doNotTranslate": True, "partOfSpeech": "properNoun"},
    {"term": "blacklist", "forbidden": True, "translations": {"fr": "liste noire"}},
    {"term": "run", "partOfSpeech": "verb", "translations": {"de": "ausführen"}},
    {"term": "run", "partOfSpeech": "noun", "translations": {"de": "Lauf"}},
    {"term": "<b> & 'quotes' ü", "translations": {"fr": "<b> & « guillemets »"}},
]
COMPARED = ("term", "description", "partOfSpeech", "caseSensitive", "doNotTranslate", "forbidden", "translations")


def _terms(tenant: Tenant, glossary_id: str) -> list[tuple[Any, ...]]:
    data = tenant.client.get(f"{base(tenant)}/{glossary_id}/terms?limit=200", headers=tenant.headers).json()["data"]
    return sorted(tuple(str(t[k]) for k in COMPARED) for t in data)


def _import(tenant: Tenant, glossary_id: str, fmt: str, content: str, **extra: Any) -> Any:
    body = {"format": fmt, "content": content, **extra}
    return tenant.client.post(f"{base(tenant)}/{glossary_id}/import", json=body, headers=tenant.headers)


@pytest.mark.parametrize("fmt", ["csv", "tbx"])
def test_export_then_import_gives_the_same_terms(tenant: Tenant, client: TestClient, fmt: str) -> None:
    first = make_glossary(tenant, name="First")
    for term in TERMS:
        add_term(tenant, first["_id"], **term)
    r = client.get(f"{base(tenant)}/{first['_id']}/export?format={fmt}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    second = make_glossary(tenant, name="Second")
    imported = _import(tenant, second["_id"], fmt, r.text)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"format": fmt, "created": 6, "updated": 0, "unchanged": 0, "deleted": 0, "total": 6}
    assert _terms(tenant, second["_id"]) == _terms(tenant, first["_id"])
    again = _import(tenant, second["_id"], fmt, r.text).json()
    assert (again["created"], again["unchanged"]) == (0, 6)


def test_csv_export_layout(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="file", translations={"de": "Datei"})
    text = client.get(f"{base(tenant)}/{g['_id']}/export?format=csv", headers=tenant.headers).text
    assert text.splitlines() == [
        "term,description,partOfSpeech,caseSensitive,doNotTranslate,forbidden,fr,de",
        "file,,,false,false,false,,Datei",
    ]


def test_csv_import_updates_and_replaces(tenant: Tenant) -> None:
    g = make_glossary(tenant)
    add_term(tenant, g["_id"], term="file", translations={"fr": "fichier"})
    add_term(tenant, g["_id"], term="folder")
    csv = "\ufeffTerm,FR,doNotTranslate\nfile,document,no\n\nEntri,,yes\n"
    r = _import(tenant, g["_id"], "csv", csv, replace=True)
    assert r.status_code == 200, r.text
    assert r.json() == {"format": "csv", "created": 1, "updated": 1, "unchanged": 0, "deleted": 1, "total": 2}
    assert [t[0] for t in _terms(tenant, g["_id"])] == ["Entri", "file"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "empty"),
        ("description\nx\n", "'term' column is missing"),
        ("term,colour\nfile,red\n", "'colour' is neither a column"),
        ("term,es\nfile,archivo\n", "not a target language"),
        ("term,caseSensitive\nfile,maybe\n", "line 2: caseSensitive must be true or false"),
        ("term,fr\nfile,fichier,extra\n", "line 2: 3 cells"),
        ("term\nfile\nfile\n", "line 3: the term 'file' appears twice (first at line 2)"),
        ("term\nok\n…\n", "line 3: term '…' has no letter or digit"),
    ],
)
def test_bad_csv_is_refused_whole(tenant: Tenant, content: str, fragment: str) -> None:
    g = make_glossary(tenant)
    body = assert_error(_import(tenant, g["_id"], "csv", content), 400)
    assert fragment in str(body["message"])
    assert _terms(tenant, g["_id"]) == []


TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="c1">
    <descrip type="definition">A stored document</descrip>
    <langSet xml:lang="en-US"><tig><term>file</term><termNote type="partOfSpeech">noun</termNote></tig></langSet>
    <langSet xml:lang="fr"><tig><term>fichier</term></tig></langSet>
  </termEntry>
</body></text></martif>"""


def test_tbx_v2_langset_and_tig_are_read(tenant: Tenant) -> None:
    g = make_glossary(tenant)
    r = _import(tenant, g["_id"], "tbx", TBX_V2)
    assert r.status_code == 200, r.text
    [term] = _terms(tenant, g["_id"])
    assert term[:3] == ("file", "A stored document", "noun") and term[-1] == str({"fr": "fichier"})


HOSTILE = [
    '<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    '<tbx><text><body><termEntry><langSec xml:lang="en"><termSec><term>&b;</term></termSec></langSec>'
    "</termEntry></body></text></tbx>",
    '<?xml version="1.0"?><!DOCTYPE tbx SYSTEM "file:///etc/passwd"><tbx/>',
    '<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tbx>&x;</tbx>',
    "<tbx><text><body><termEntry>",
]


@pytest.mark.parametrize("content", HOSTILE)
def test_hostile_or_broken_tbx_is_refused(tenant: Tenant, content: str) -> None:
    g = make_glossary(tenant)
    body = assert_error(_import(tenant, g["_id"], "tbx", content), 400)
    assert str(body["message"]).startswith("TBX")
    assert _terms(tenant, g["_id"]) == []


def test_tbx_entry_without_source_term_names_the_entry(tenant: Tenant) -> None:
    g = make_glossary(tenant)
    content = '<tbx><text><body><termEntry id="x9"><langSec xml:lang="fr"><termSec><term>a</term></termSec></langSec>'
    content += "</termEntry></body></text></tbx>"
    body = assert_error(_import(tenant, g["_id"], "tbx", content), 400)
    assert "entry 1 (id 'x9'): no term in the glossary's source language 'en'" in str(body["message"])


def test_export_format_is_required(tenant: Tenant, client: TestClient) -> None:
    g = make_glossary(tenant)
    assert_error(client.get(f"{base(tenant)}/{g['_id']}/export", headers=tenant.headers), 400)
    assert_error(client.get(f"{base(tenant)}/{g['_id']}/export?format=xlsx", headers=tenant.headers), 400)
