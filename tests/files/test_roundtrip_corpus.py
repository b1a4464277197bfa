"""Every corpus file through the API: import, export the same language and format.

1. With the stored file as layout the export is byte-identical.
2. Without it (template rows removed, so the codec renders from the database alone) the export
   parses to the same key -> value / plural forms map as the original.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from entri.formats import FORMAT_IDS
from entri.formats import gettext_plurals as gp
from tests.files.helpers import (
    BILINGUAL,
    do_export,
    do_import,
    drop_templates,
    key_total,
    parse,
    source_for,
    source_map,
    value_map,
)
from tests.formats.corpus import CORPUS, corpus_files, language_of

FOLDERS = [f for f in FORMAT_IDS if f != "mo"]  # `mo` has no corpus folder (binary, compiled)

LONG_KEYS = {
    ("json-clean", "actualbudget-translations__ru.json"),
    ("csv", "elasticsuite__catalog_de_DE.csv"),
    ("csv", "elasticsuite__core_fr_FR.csv"),
}
"""Whole sentences as keys, some over 1,000 characters: they import like any other file (keys
may have 10,000 characters, docs/api-decisions.md "Limits")."""

REPEATED_ID = {("xliff", "harassment-manager__messages.fr.xlf")}
"""One id repeated with different targets keeps one key (docs/import-export.md, known limits)."""


def _params(exclude: set[tuple[str, str]]) -> list[object]:
    params: list[object] = []
    for folder in FOLDERS:
        files = corpus_files(folder)
        if not files:
            params.append(
                pytest.param(folder, None, id=folder, marks=pytest.mark.skip(reason=f"corpus {CORPUS / folder} absent"))
            )
            continue
        for path in files:
            ident = (folder, path.name)
            if ident in exclude:
                continue
            params.append(pytest.param(folder, path, id=f"{folder}/{path.name}"))
    return params


def _named(pairs: set[tuple[str, str]]) -> list[object]:
    params: list[object] = []
    for folder, name in sorted(pairs):
        path = CORPUS / folder / name
        marks = [] if path.is_file() else [pytest.mark.skip(reason=f"{path} absent")]
        params.append(pytest.param(folder, path, id=f"{folder}/{name}", marks=marks))
    return params


GETTEXT = {"po", "pot", "mo"}


def _gettext_expressible(expected: dict, language: str) -> dict:
    """Documented limit (docs/import-export.md): without the stored file a gettext export writes
    exactly the forms of the language's own rule. Transifex ru/pl files declare nplurals=4 and
    their 4th msgstr is read as `other`, which babel's 3-form rule has no index for."""
    rule = gp.plural_forms(gp.language_plural_forms(language), language)
    out = {}
    for ident, text in expected.items():
        if isinstance(text, tuple):
            text = ("plural", tuple((c, v) for c, v in text[1] if c in rule.index_to_category))
        out[ident] = text
    return out


def _project_for(tenant, path: Path) -> tuple[str, str]:
    language = language_of(path)
    project = tenant.project(name=path.name, sourceLanguage=source_for(language), targetLanguages=[language])
    return str(project["_id"]), language


def _import_then_export(tenant, client, folder: str, path: Path, database=None) -> tuple[bytes, bytes, str]:
    """(original bytes, exported bytes, language); with `database`, the stored layout is dropped between."""
    project_id, language = _project_for(tenant, path)
    original = path.read_bytes()
    imported = do_import(client, tenant.headers, project_id, language, folder, original)
    assert imported.status_code == 200, imported.text
    if database is not None:
        drop_templates(database, project_id)
    exported = do_export(client, tenant.headers, project_id, language, folder)
    assert exported.status_code == 200, exported.text
    return original, exported.content, language


@pytest.mark.parametrize(("folder", "path"), _params(REPEATED_ID))
def test_corpus_file_exports_byte_identical(tenant, client, folder: str, path: Path) -> None:
    original, exported, _ = _import_then_export(tenant, client, folder, path)
    assert exported == original


@pytest.mark.parametrize(("folder", "path"), _named(LONG_KEYS))
def test_corpus_file_with_sentence_keys_imports_whole(tenant, client, folder: str, path: Path) -> None:
    """These files were refused when keys were capped at 1,000 characters."""
    project_id, language = _project_for(tenant, path)
    imported = do_import(client, tenant.headers, project_id, language, folder, path.read_bytes())
    assert imported.status_code == 200, imported.text
    longest = max(len(e.key) for e in parse(folder, path.read_bytes(), language).entries)
    assert longest > 1000
    assert key_total(client, tenant.headers, project_id) == imported.json()["created"]


@pytest.mark.parametrize(("folder", "path"), _named(REPEATED_ID))
def test_corpus_file_with_repeated_id_keeps_its_keys(tenant, client, folder: str, path: Path) -> None:
    original, exported, language = _import_then_export(tenant, client, folder, path)
    before, after = parse(folder, original, language), parse(folder, exported, language)
    assert [e.key for e in before.entries] == [e.key for e in after.entries]
    assert value_map(after) == value_map(before)  # the last target of a repeated id wins, at every place


@pytest.mark.parametrize(("folder", "path"), _params(set()))
def test_corpus_file_round_trips_through_the_database(tenant, client, database, folder: str, path: Path) -> None:
    original, exported, language = _import_then_export(tenant, client, folder, path, database)
    before, after = parse(folder, original, language), parse(folder, exported, language)
    expected = value_map(before)
    if folder in GETTEXT:
        expected = _gettext_expressible(expected, language)
    assert value_map(after) == expected
    if folder in BILINGUAL:
        assert source_map(after) == source_map(before)
