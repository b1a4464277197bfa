from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from entri.formats import json_nested
from entri.formats._json_keyed import escape_segment, split_key
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

FIXTURE = """{
    "nav": {
        "home": "Главная",
        "greeting": "Привет, {{name}}!",
        "file_one": "{{count}} файл",
        "file_few": "{{count}} файла",
        "file_many": "{{count}} файлов",
        "crowfoot_one": "Морщинки (одна)",
        "crowfoot_many": "Морщинки (много)",
        "v1.2": "версия",
        "limit": 10,
        "enabled": false,
        "missing": null,
        "none": {}
    },
    "steps": ["Раз", {"title": "Два", "n": 2}, [], "Три"],
    "size": "{{value, bytes(binary: true)}}"
}
""".encode()


def test_fixture_values() -> None:
    catalog = json_nested.parse(FIXTURE, "ru")
    by_key = {e.key: e for e in catalog.entries}
    assert [e.key for e in catalog.entries] == [
        "nav.home",
        "nav.greeting",
        "nav.file",
        "nav.crowfoot_one",
        "nav.crowfoot_many",
        "nav.v1\\.2",
        "nav.limit",
        "nav.enabled",
        "nav.missing",
        "steps.0",
        "steps.1.title",
        "steps.1.n",
        "steps.3",
        "size",
    ]
    assert (by_key["nav.limit"].value, by_key["nav.enabled"].value, by_key["nav.missing"].value) == (
        "10",
        "false",
        None,
    )
    plural = by_key["nav.file"]
    assert plural.value is None
    assert plural.plurals == {"one": "{{count}} файл", "few": "{{count}} файла", "many": "{{count}} файлов"}
    assert plural.extra["keys"] == {"one": "file_one", "few": "file_few", "many": "file_many"}
    assert by_key["nav.crowfoot_one"].value == "Морщинки (одна)", "no {{count}}: not a plural"
    assert by_key["nav.v1\\.2"].extra["path"] == ("nav", "v1.2")
    assert by_key["steps.1.title"].extra["path"] == ("steps", 1, "title")
    assert by_key["steps.3"].flags == ["json-array"]
    assert by_key["nav.home"].flags == []
    assert json_nested.render(catalog) == FIXTURE


def test_fixture_canonical_bytes() -> None:
    catalog = json_nested.parse(FIXTURE, "ru").without_memo()
    out = json_nested.render(catalog)
    assert (
        out
        == (
            "{\n"
            '  "nav": {\n'
            '    "home": "Главная",\n'
            '    "greeting": "Привет, {{name}}!",\n'
            '    "file_one": "{{count}} файл",\n'
            '    "file_few": "{{count}} файла",\n'
            '    "file_many": "{{count}} файлов",\n'
            '    "crowfoot_one": "Морщинки (одна)",\n'
            '    "crowfoot_many": "Морщинки (много)",\n'
            '    "v1.2": "версия",\n'
            '    "limit": "10",\n'
            '    "enabled": "false"\n'
            "  },\n"
            '  "steps": [\n'
            '    "Раз",\n'
            "    {\n"
            '      "title": "Два",\n'
            '      "n": "2"\n'
            "    },\n"
            "    null,\n"
            '    "Три"\n'
            "  ],\n"
            '  "size": "{{value, bytes(binary: true)}}"\n'
            "}\n"
        ).encode()
    )
    canonical_is_json(out)
    # Keys without a value are not written; an array hole comes back as `null` (a key without value).
    parsed = json_nested.parse(out, "ru")
    assert [e.key for e in parsed.entries if e.value is None and e.plurals is None] == ["steps.2"]
    parsed.entries = [e for e in parsed.entries if e.key != "steps.2"]
    catalog.entries = [e for e in catalog.entries if e.key != "nav.missing"]
    assert parsed == catalog


def test_edit_plural_form_and_array_item_in_place() -> None:
    catalog = json_nested.parse(FIXTURE, "ru")
    by_key = {e.key: e for e in catalog.entries}
    assert by_key["nav.file"].plurals is not None
    by_key["nav.file"].plurals["few"] = "{{count}} файлика"
    by_key["steps.3"].value = "Три!"
    out = json_nested.render(catalog)
    assert out == FIXTURE.replace("файла".encode(), "файлика".encode()).replace('"Три"'.encode(), '"Три!"'.encode())


def test_added_plural_form_and_new_key_keep_untranslatables() -> None:
    catalog = json_nested.parse(FIXTURE, "ru")
    by_key = {e.key: e for e in catalog.entries}
    assert by_key["nav.file"].plurals is not None
    by_key["nav.file"].plurals["other"] = "{{count}} файла"
    catalog.entries.insert(1, Entry(key="nav.sub.new", value="новое"))
    out = json_nested.render(catalog)
    tree = json.loads(out)
    assert tree["nav"]["file_other"] == "{{count}} файла"
    assert tree["nav"]["sub"] == {"new": "новое"}
    assert tree["nav"]["limit"] == 10 and tree["nav"]["enabled"] is False and tree["nav"]["missing"] is None
    assert tree["nav"]["none"] == {} and tree["steps"][2] == [] and tree["steps"][1] == {"title": "Два", "n": 2}
    assert out.startswith(b'{\n    "nav": {\n        "home"')
    assert json_nested.parse(out, "ru") == catalog


def test_plural_needs_count_and_language_categories() -> None:
    data = b'{"a_one": "{{ count }} x", "a_other": "y", "b_few": "{{count}}", "b_other": "{{count}}"}'
    en = json_nested.parse(data, "en")
    assert [(e.key, e.plurals is not None) for e in en.entries] == [
        ("a", True),
        ("b_few", False),
        ("b_other", False),
    ]
    ru = json_nested.parse(data, "ru")
    assert [(e.key, e.plurals) for e in ru.entries] == [
        ("a", {"one": "{{ count }} x", "other": "y"}),
        ("b", {"few": "{{count}}", "other": "{{count}}"}),
    ]


def test_zero_is_allowed_and_base_collision_blocks_folding() -> None:
    data = b'{"n_zero": "none", "n_one": "{{count}}", "m": "m", "m_one": "{{count}}", "o_ordinal_one": "{{count}}st"}'
    catalog = json_nested.parse(data, "en")
    assert [(e.key, e.plurals) for e in catalog.entries] == [
        ("n", {"zero": "none", "one": "{{count}}"}),
        ("m", None),
        ("m_one", None),
        ("o_ordinal_one", None),
    ]


def test_memo_less_plural_uses_canonical_suffixes() -> None:
    catalog = Catalog(
        language="ar",
        entries=[Entry(key="a.items", plurals={"other": "{{count}} o", "zero": "z", "two": "{{count}} t"})],
    )
    out = json_nested.render(catalog)
    assert out == (
        b'{\n  "a": {\n    "items_zero": "z",\n    "items_two": "{{count}} t",\n'
        b'    "items_other": "{{count}} o"\n  }\n}\n'
    )
    assert json_nested.parse(out, "ar") == catalog


def test_prefix_conflict_is_written_as_literal_dotted_key() -> None:
    catalog = Catalog(language="en", entries=[Entry(key="a.b", value="1"), Entry(key="a", value="2")])
    out = json_nested.render(catalog)
    assert json.loads(out) == {"a.b": "1", "a": "2"}
    assert [e.key for e in json_nested.parse(out, "en").entries] == ["a\\.b", "a"]


@pytest.mark.parametrize(
    "segments",
    [["a"], ["a.b"], ["a\\"], ["a\\", "b"], ["x\\.y", ""], ["", ""], ["a\\\\b"], ["C:\\path"], ["1.0", "ok."]],
)
def test_key_escaping_round_trips(segments: list[str]) -> None:
    key = ".".join(escape_segment(s) for s in segments)
    assert split_key(key) == segments
    data = json.dumps(_nest(segments, "v")).encode()
    assert [e.key for e in json_nested.parse(data, "en").entries] == [key]


def test_backslash_keys_are_left_alone() -> None:
    assert escape_segment("C:\\path") == "C:\\path"
    assert split_key("C:\\path.x") == ["C:\\path", "x"]


def _nest(segments: list[str], value: str) -> object:
    node: object = value
    for segment in reversed(segments):
        node = {segment: node}
    return node


def test_depth_cap() -> None:
    ok = b'{"n": ' + b"[" * 63 + b"]" * 63 + b', "a": "x"}'
    assert json_nested.render(json_nested.parse(ok, "en")) == ok
    with pytest.raises(FormatError, match="deeper than 64"):
        json_nested.parse(b'{"n": ' + b"[" * 64 + b"]" * 64 + b"}", "en")


@pytest.mark.parametrize("path", corpus_params("json-nested"))
def test_corpus_round_trip(path: Path) -> None:
    catalog = corpus_round_trip(json_nested, path)
    keys = {e.key for e in catalog.entries}
    if "excalidraw" in path.name:
        assert {"labels.arrowhead_crowfoot_one", "labels.arrowhead_crowfoot_many"} <= keys


@pytest.mark.parametrize("path", corpus_params("json-nested"))
def test_corpus_edit_is_local(path: Path) -> None:
    edit_changes_one_line(json_nested, path, index=2)


@pytest.mark.parametrize("path", corpus_params("json-nested"))
def test_corpus_delete_reserialises_like_json_dumps(path: Path) -> None:
    data = path.read_bytes()
    catalog = json_nested.parse(data, "ru")
    removed = catalog.entries.pop(1)
    tree = json.loads(data)
    node = tree
    segments = removed.extra["path"]
    for segment in segments[:-1]:
        node = node[segment]
    del node[segments[-1]]
    second = data.split(b"\n")[1]
    indent = len(second) - len(second.lstrip(b" "))
    assert json_nested.render(catalog) == (json.dumps(tree, ensure_ascii=False, indent=indent) + "\n").encode()


def _no_prefix_conflicts(catalog: Catalog) -> bool:
    keys = {e.key for e in catalog.entries}
    return not any(k.startswith(other + ".") for k in keys for other in keys)


_PLURAL_SUFFIX = st.sampled_from(["_one", "_few", "_other", "_zero", "_many", "_two"])


@settings(max_examples=150, deadline=None)
@given(
    catalogs(
        keys=identifiers(separator="."),
        values=texts().map(lambda t: t + " {{count}}"),
        plurals=True,
    )
)
def test_property_round_trip(catalog: Catalog) -> None:
    assume(_no_prefix_conflicts(catalog))
    assume(not any(e.key.rpartition("_")[2] in {"zero", "one", "two", "few", "many", "other"} for e in catalog.entries))
    parsed = json_nested.parse(json_nested.render(catalog), catalog.language)
    assert parsed.entries == _grouped(catalog.entries)
    assert parsed == Catalog(language=catalog.language, entries=_grouped(catalog.entries))


def _grouped(entries: list[Entry]) -> list[Entry]:
    """Nesting groups keys under their first-seen parent; that is the only reordering."""
    tree: dict[str, object] = {}
    for entry in entries:
        node = tree
        *parents, last = split_key(entry.key)
        for segment in parents:
            node = node.setdefault(segment, {})  # type: ignore[assignment]
        node[last] = entry

    def flatten(node: dict[str, object]) -> list[Entry]:
        out: list[Entry] = []
        for child in node.values():
            out.extend(flatten(child) if isinstance(child, dict) else [child])  # type: ignore[list-item]
        return out

    return flatten(tree)


@hostile_params
def test_hostile_inputs(name: str, data: bytes) -> None:
    with pytest.raises(FormatError):
        json_nested.parse(data, "en")


@accepted_params
def test_huge_numbers_are_kept_verbatim(name: str, data: bytes) -> None:
    catalog = json_nested.parse(data, "en")
    assert json_nested.render(catalog) == data
    catalog.entries.append(Entry(key="b", value="c"))
    assert json.loads(json_nested.render(catalog).replace(data[data.index(b'"n": ') + 5 : -1], b"0")) == {
        "a": "x",
        "n": 0,
        "b": "c",
    }


def test_garbage_never_raises_anything_else() -> None:
    garbage_property(json_nested)
    check_hostile(json_nested, "ok", b'{"a": {"b": ["c", 1, null]}}')
