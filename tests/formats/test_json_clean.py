from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings

from entri.formats import json_clean
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params
from tests.formats.json_helpers import (
    accepted_params,
    canonical_is_json,
    check_hostile,
    corpus_round_trip,
    edit_changes_one_line,
    garbage_property,
    hostile_params,
)
from tests.formats.strategies import catalogs, identifiers, texts

FIXTURE = (
    "{\n"
    '    "{{count}} transactions_zero": "لا توجد عمليات",\n'
    '    "{{count}} transactions_one": "عملية واحدة",\n'
    '    "{{count}} transactions_other": "{{count}} عملية",\n'
    '    "Account: {{name}}.": "الحساب: {{name}}.",\n'
    '    "Tab\\there": "a\\\\b \\u00e9 \\/",\n'
    '    "Delete {{selectedCount}} users_one": "حذف مستخدم"\n'
    "}\n"
).encode()


def test_fixture_values() -> None:
    catalog = json_clean.parse(FIXTURE, "ar")
    assert [(e.key, e.value, e.plurals) for e in catalog.entries] == [
        (
            "{{count}} transactions",
            None,
            {"zero": "لا توجد عمليات", "one": "عملية واحدة", "other": "{{count}} عملية"},
        ),
        ("Account: {{name}}.", "الحساب: {{name}}.", None),
        ("Tab\there", "a\\b é /", None),
        ("Delete {{selectedCount}} users_one", "حذف مستخدم", None),
    ]
    assert catalog.entries[0].extra["keys"]["zero"] == "{{count}} transactions_zero"
    assert json_clean.render(catalog) == FIXTURE


def test_fixture_canonical_bytes() -> None:
    catalog = json_clean.parse(FIXTURE, "ar")
    out = json_clean.render(catalog.without_memo())
    assert (
        out
        == (
            "{\n"
            '  "{{count}} transactions_zero": "لا توجد عمليات",\n'
            '  "{{count}} transactions_one": "عملية واحدة",\n'
            '  "{{count}} transactions_other": "{{count}} عملية",\n'
            '  "Account: {{name}}.": "الحساب: {{name}}.",\n'
            '  "Tab\\there": "a\\\\b é /",\n'
            '  "Delete {{selectedCount}} users_one": "حذف مستخدم"\n'
            "}\n"
        ).encode()
    )
    canonical_is_json(out)


def test_metadata_is_dropped_by_design() -> None:
    entry = Entry(key="k", value="v", context="ctx", description="d", translator_comment="t")
    out = json_clean.render(Catalog(language="en", entries=[entry]))
    assert out == b'{\n  "k": "v"\n}\n'


def test_plural_from_another_format_is_written_with_suffixes() -> None:
    entry = Entry(key="files", plurals={"many": "{{count}} файлов", "one": "{{count}} файл", "few": "{{count}} файла"})
    catalog = Catalog(language="ru", entries=[entry])
    out = json_clean.render(catalog)
    assert (
        out
        == (
            '{\n  "files_one": "{{count}} файл",\n  "files_few": "{{count}} файла",\n'
            '  "files_many": "{{count}} файлов"\n}\n'
        ).encode()
    )
    assert json_clean.parse(out, "ru") == catalog


def test_plural_key_colliding_with_plain_key_is_an_error() -> None:
    catalog = Catalog(
        language="en",
        entries=[Entry(key="a", plurals={"one": "{{count}}", "other": "x"}), Entry(key="a_one", value="y")],
    )
    with pytest.raises(FormatError, match="a_one"):
        json_clean.render(catalog)


def test_nested_object_is_rejected() -> None:
    with pytest.raises(FormatError, match="json-nested"):
        json_clean.parse(b'{"a": ["x"]}', "en")


@pytest.mark.parametrize("path", corpus_params("json-clean"))
def test_corpus_round_trip(path: Path) -> None:
    catalog = corpus_round_trip(json_clean, path)
    if "actualbudget" in path.name:
        plurals = [e for e in catalog.entries if e.plurals is not None]
        assert plurals, "Actual Budget files have i18next v4 plurals"
    if "actualbudget-translations__ru" in path.name:
        assert all(e.plurals and "other" not in e.plurals for e in plurals), "ru groups have no _other"


@pytest.mark.parametrize("path", corpus_params("json-clean"))
def test_corpus_edit_is_local(path: Path) -> None:
    edit_changes_one_line(json_clean, path, index=5)


def test_actual_budget_ru_folds_groups_without_other() -> None:
    data = (
        b'{\n    "{{count}} associated rules_one": "{{count}} rule",\n'
        b'    "{{count}} associated rules_few": "{{count}} rules",\n'
        b'    "{{count}} associated rules_many": "{{count}} rules!"\n}\n'
    )
    catalog = json_clean.parse(data, "ru")
    assert len(catalog.entries) == 1
    assert catalog.entries[0].plurals == {"one": "{{count}} rule", "few": "{{count}} rules", "many": "{{count}} rules!"}
    catalog.entries[0].plurals["few"] = "{{count}} правила"
    assert json_clean.render(catalog) == data.replace(b'"{{count}} rules"', '"{{count}} правила"'.encode())


@settings(max_examples=150, deadline=None)
@given(catalogs(keys=identifiers(separator="."), values=texts().map(lambda t: "{{count}}" + t), plurals=True))
def test_property_round_trip(catalog: Catalog) -> None:
    assume(not any(e.key.rpartition("_")[2] in {"zero", "one", "two", "few", "many", "other"} for e in catalog.entries))
    assert json_clean.parse(json_clean.render(catalog), catalog.language) == catalog


@hostile_params
def test_hostile_inputs(name: str, data: bytes) -> None:
    with pytest.raises(FormatError):
        json_clean.parse(data, "en")


@accepted_params
def test_huge_numbers_are_kept_verbatim(name: str, data: bytes) -> None:
    catalog = json_clean.parse(data, "en")
    assert json_clean.render(catalog) == data


def test_garbage_never_raises_anything_else() -> None:
    garbage_property(json_clean)
    check_hostile(json_clean, "ok", b'{"a_one": "{{count}}"}')
