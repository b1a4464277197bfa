"""The streaming reader of json-flat, json-nested and json-clean (formats/_json_stream.py).

Its one promise: the entries `parse()` gives, or `NotStreamable` (then the import asks
`parse()`). It must never accept a file `parse()` refuses, nor hand out different text.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entri.formats import json_clean, json_flat, json_nested
from entri.formats._json_stream import NotStreamable
from entri.formats.catalog import Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.json_helpers import ACCEPTED, HOSTILE
from tests.formats.strategies import texts

CODECS = {"json-flat": json_flat, "json-nested": json_nested, "json-clean": json_clean}


def _facts(entry: Entry) -> tuple[object, ...]:
    return (entry.key, entry.value, sorted((entry.plurals or {}).items()), entry.flags)


def streamed(codec: ModuleType, data: bytes, language: str = "en") -> list[Entry] | None:
    """The streamed entries, or None when the reader hands the file to `parse()`."""
    try:
        return list(codec.stream(data, language))
    except NotStreamable:
        return None


def assert_same_as_parse(codec: ModuleType, data: bytes, language: str = "en") -> list[Entry] | None:
    entries = streamed(codec, data, language)
    try:
        parsed = codec.parse(data, language).entries
    except FormatError:
        assert entries is None, "the stream accepted a file parse() refuses"
        return None
    if entries is not None:
        assert sorted(map(_facts, entries)) == sorted(map(_facts, parsed))
    return entries


@pytest.mark.parametrize("path", [p for folder in CODECS for p in corpus_params(folder)])
def test_corpus_files_stream_to_the_parsed_entries(path: Path) -> None:
    entries = assert_same_as_parse(CODECS[path.parent.name], path.read_bytes(), language_of(path))
    assert entries, f"{path.name} did not stream"


FIXTURE = """{
    "nav": {
        "home": "Главная",
        "file_one": "{{count}} файл",
        "file_few": "{{count}} файла",
        "file_many": "{{count}} файлов",
        "crowfoot_one": "Морщинки (одна)",
        "crowfoot_many": "Морщинки (много)",
        "v1.2": "версия",
        "limit": 10,
        "enabled": false,
        "missing": null,
        "none": {},
        "after": "после"
    },
    "base": "x", "base_one": "{{count}} y", "base_other": "{{count}} y",
    "steps": ["Раз", {"title": "Два", "n": 2}, [], "Три", ["вложенный"]],
    "dotted.key": {"back\\\\slash": "z"}
}
""".encode()


def test_nested_fixture_streams_like_parse_with_plurals_at_the_end_of_their_object() -> None:
    entries = assert_same_as_parse(json_nested, FIXTURE, "ru")
    assert entries is not None
    keys = [e.key for e in entries]
    assert keys == [
        "nav.home",
        "nav.v1\\.2",
        "nav.limit",
        "nav.enabled",
        "nav.missing",
        "nav.after",
        "nav.file",  # candidates wait for their object to close: only then is folding known
        "nav.crowfoot_one",
        "nav.crowfoot_many",
        "base",
        "steps.0",
        "steps.1.title",
        "steps.1.n",
        "steps.3",
        "steps.4.0",
        "dotted\\.key.back\\slash",
        "base_one",  # `base` exists: no fold
        "base_other",
    ]
    by_key = {e.key: e for e in entries}
    assert by_key["nav.file"].plurals == {"one": "{{count}} файл", "few": "{{count}} файла", "many": "{{count}} файлов"}
    assert (by_key["nav.limit"].value, by_key["nav.enabled"].value, by_key["nav.missing"].value) == (
        "10",
        "false",
        None,
    )
    assert by_key["steps.1.title"].flags == ["json-array"] and by_key["nav.home"].flags == []


def test_flat_and_clean_fold_as_their_codecs_do() -> None:
    data = b'{"a_one": "{{count}} a", "a_other": "{{count}} as", "b": "B", "n": 3}'
    flat = assert_same_as_parse(json_flat, data)
    clean = assert_same_as_parse(json_clean, data)
    assert flat is not None and [e.key for e in flat] == ["a_one", "a_other", "b", "n"]
    assert clean is not None and [e.key for e in clean] == ["b", "n", "a"]


@pytest.mark.parametrize("codec", list(CODECS.values()), ids=list(CODECS))
@pytest.mark.parametrize(("name", "data"), HOSTILE + ACCEPTED, ids=[n for n, _ in HOSTILE + ACCEPTED])
def test_hostile_and_odd_inputs_are_left_to_parse(codec: ModuleType, name: str, data: bytes) -> None:
    assert streamed(codec, data) is None
    assert_same_as_parse(codec, data)


YAJL_GAPS = {
    # yajl takes these for whitespace; JSON does not
    "vertical-tab": b'{"a":\x0b"b"}',
    "form-feed": b'{"a": "b"}\x0c',
    # yajl does not report an unterminated string after the top-level object
    "trailing-open-string": b'{"a": "b"}"x}',
    "trailing-open-string-escaped-quote": b'{"a": "b"} "x\\"}',
    # yajl turns a lone surrogate into "?"
    "lone-surrogate-key": b'{"\\udfff": "b"}',
    # the stored text is the number's spelling, which yajl does not keep
    "fraction": b'{"a": 1.50}',
    "exponent": b'{"a": 1e5}',
    "negative-zero": b'{"a": -0}',
    # an integer Python will not convert made ijson return a broken event (a segfault)
    "long-integer": b'{"a": "x", "n": ' + b"9" * 5_000 + b', "b": "y"}',
    "long-negative-integer-in-array": b'{"a": [1, -' + b"9" * 5_000 + b"]}",
    "identical-repeat": b'{"a": "1", "b": "2", "a": "1"}',
    "different-repeat": b'{"a": "1", "a": "2"}',
    "repeated-object": b'{"g": {"a": "1"}, "g": {"b": "2"}}',
    "utf16": '\ufeff{"a": "b"}'.encode("utf-16-le"),
}


@pytest.mark.parametrize("codec", list(CODECS.values()), ids=list(CODECS))
@pytest.mark.parametrize("name", list(YAJL_GAPS))
def test_what_yajl_cannot_judge_goes_to_parse(codec: ModuleType, name: str) -> None:
    assert streamed(codec, YAJL_GAPS[name]) is None
    assert_same_as_parse(codec, YAJL_GAPS[name])


def test_what_it_can_judge_streams() -> None:
    for data in (
        b'\xef\xbb\xbf{"a": "b"}',  # UTF-8 BOM
        b'{"a": 0, "b": 12345678901234567890, "c": true, "d": null, "e": "x\\"y\\\\"}',
        b'{"a": "\\u00e9\\n\\t\\/"}',
        b'  {"a": "b"}  \r\n',
    ):
        assert assert_same_as_parse(json_flat, data) is not None, data


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(texts(), st.integers(), st.booleans(), st.none()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(["a", "b", "a.b", "x_one", "x_other", "x", "\\", "0"]), inner, max_size=5),
        ),
        max_leaves=20,
    ),
    st.booleans(),
)
def test_any_json_document_streams_to_the_parsed_entries(tree: object, indent: bool) -> None:
    data = json.dumps({"root": tree, "n": "{{count}}"}, indent=2 if indent else None, ensure_ascii=False).encode()
    for codec in CODECS.values():
        assert_same_as_parse(codec, data, "ru")


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _nested(groups: int) -> bytes:
    tree = {f"g{g}": {f"key{k}": f"value number {g}.{k}" for k in range(100)} for g in range(groups)}
    return json.dumps(tree).encode()


def test_memory_does_not_grow_with_the_file() -> None:
    """The stream holds a few entries and the parser's buffers; parse() every entry and more."""
    small, big = _nested(50), _nested(300)  # 5k and 30k keys
    buffers = _peak(lambda: sum(1 for _ in json_nested.stream(small, "en")))
    assert _peak(lambda: sum(1 for _ in json_nested.stream(big, "en"))) < buffers + 100_000
    assert _peak(lambda: json_nested.parse(big, "en")) > 5 * len(big)
    flat = json.dumps({f"key{i}": f"value number {i}" for i in range(30_000)}).encode()
    # A flat file keeps 8 bytes a key (a hash, to find a repeated key): 16 with the arrays' slack.
    assert _peak(lambda: sum(1 for _ in json_flat.stream(flat, "en"))) < buffers + 16 * 30_000
