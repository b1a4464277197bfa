"""Checks shared by the JSON-family codec tests (json-flat, json-nested, json-clean, arb)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats.catalog import Catalog, FormatError
from tests.formats.corpus import language_of

HOSTILE: list[tuple[str, bytes]] = [
    ("deep-objects-10k", b'{"a":' * 10_000 + b'"x"' + b"}" * 10_000),
    ("deep-arrays-10k", b'{"a":' + b"[" * 10_000 + b"]" * 10_000 + b"}"),
    ("deep-65", b'{"a":' * 65 + b'"x"' + b"}" * 65),
    ("invalid-utf8", b'{"a": "\xff\xfe\xfa"}'),
    ("lone-surrogate", b'{"a": "\\ud800"}'),
    ("lone-low-surrogate-key", b'{"\\udc00": "x"}'),
    ("nul-escape", b'{"a": "x\\u0000y"}'),
    ("raw-nul", b'{"a": "x\x00y"}'),
    ("nul-outside", b'{"a": "x"}\x00'),
    ("nan", b'{"a": NaN}'),
    ("infinity", b'{"a": -Infinity}'),
    ("top-array", b'["a", "b"]'),
    ("top-string", b'"a"'),
    ("top-null", b"null"),
    ("empty", b""),
    ("truncated", b'{"a": "b'),
    ("unterminated-escapes", b'{"a": "' + b'\\"' * 50_000),
    ("duplicate", b'{"a": "1", "a": "2"}'),
    ("utf16-garbage", b"\xff\xfe{\x00"),
]


ACCEPTED: list[tuple[str, bytes]] = [
    ("huge-int", b'{"a": "x", "n": ' + b"9" * 100_000 + b"}"),
    ("huge-float", b'{"a": "x", "n": 1e999999}'),
]
"""Hostile-looking but valid: numbers and containers are kept verbatim, never converted."""


def check_hostile(codec: ModuleType, name: str, data: bytes) -> None:
    """Only FormatError may escape; a hostile input that parses must also render."""
    try:
        catalog = codec.parse(data, "en")
    except FormatError:
        return
    codec.render(catalog)


def corpus_round_trip(codec: ModuleType, path: Path) -> Catalog:
    data = path.read_bytes()
    language = language_of(path)
    catalog: Catalog = codec.parse(data, language)
    assert catalog.entries, "a corpus file with no entries is a parse bug"
    assert codec.render(catalog) == data, "unchanged catalog must re-render byte-identically"
    assert codec.parse(codec.render(catalog), language) == catalog
    canonical = codec.render(catalog.without_memo())
    again = codec.parse(canonical, language)
    assert again == catalog.without_memo()
    assert again.entries == catalog.entries
    return catalog


def edit_changes_one_line(codec: ModuleType, path: Path, index: int = 0) -> None:
    """Editing one value rewrites that value only; every other line stays as it was."""
    data = path.read_bytes()
    language = language_of(path)
    catalog = codec.parse(data, language)
    entry = [e for e in catalog.entries if e.value is not None][index]
    entry.value = 'Édité "/" \\ {{name}}'
    out = codec.render(catalog)
    before, after = data.split(b"\n"), out.split(b"\n")
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) >= 1
    assert all(b"\\\\ {{name}}" in after[i] for i in changed)
    assert codec.parse(out, language) == catalog


def canonical_is_json(out: bytes) -> object:
    """Canonical output: UTF-8, indent 2, literal non-ASCII, no '\\/', one final newline."""
    text = out.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    value = json.loads(text)
    assert json.dumps(value, ensure_ascii=False, indent=2) + "\n" == text
    return value


def garbage_property(codec: ModuleType) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.one_of(
            st.binary(max_size=200),
            st.text(alphabet='{}[]":,\\ u0123abcdefnrtlsNaI-.eE9\n\t\x00\ud800', max_size=120).map(
                lambda s: s.encode("utf-8", "surrogatepass")
            ),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                max_leaves=20,
            ).map(lambda v: json.dumps(v).encode()),
        )
    )
    def run(data: bytes) -> None:
        check_hostile(codec, "generated", data)

    run()


hostile_params = pytest.mark.parametrize(("name", "data"), HOSTILE, ids=[h[0] for h in HOSTILE])
accepted_params = pytest.mark.parametrize(("name", "data"), ACCEPTED, ids=[h[0] for h in ACCEPTED])
