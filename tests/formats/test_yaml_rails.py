"""YAML codec: corpus fidelity, canonical output under YAML 1.1 readers, hostile input."""

from __future__ import annotations

import difflib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import yaml_rails
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs, identifiers, texts

CORPUS = corpus_params("yaml")


def _sorted(catalog: Catalog) -> list[Entry]:
    """Nesting groups keys by prefix, so file order is regrouped; compare as a set of keys."""
    return sorted(catalog.entries, key=lambda e: e.key)


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    assert yaml_rails.render(yaml_rails.parse(data, language_of(path))) == data


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_semantic_round_trip(path: Path) -> None:
    language = language_of(path)
    catalog = yaml_rails.parse(path.read_bytes(), language)
    assert catalog.entries
    assert yaml_rails.parse(yaml_rails.render(catalog), language) == catalog
    assert yaml_rails.parse(yaml_rails.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_edit_touches_only_its_scalar(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = yaml_rails.parse(data, language)
    target = next(e for e in catalog.entries if e.value is not None and "\n" not in e.value)
    target.value = "Édité: yes #1"
    out = yaml_rails.render(catalog)
    changed = [
        line for line in difflib.ndiff(data.decode().splitlines(), out.decode().splitlines()) if line[:1] in "+-"
    ]
    assert any("Édité: yes #1" in line for line in changed)
    assert len([line for line in changed if line.startswith("+")]) == 1
    assert yaml_rails.parse(out, language).by_key()[("", target.key, None)].value == "Édité: yes #1"


def test_corpus_shapes() -> None:
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "formats" / "yaml"
    if not root.is_dir():
        pytest.skip("corpus absent")
    rails = yaml_rails.parse((root / "rails-i18n__ru.yml").read_bytes(), "ru")
    hours = rails.by_key()[("", "datetime.distance_in_words.about_x_hours", None)]
    assert hours.plurals is not None and set(hours.plurals) == {"one", "few", "many", "other"}
    keys = {e.key for e in rails.entries}
    assert "date.day_names" not in keys and "number.format.precision" not in keys
    hugo = yaml_rails.parse((root / "hugo-papermod__ru.yaml").read_bytes(), "ru")
    assert hugo.by_key()[("", "prev_page", None)].value == "Предыдущая"
    assert hugo.by_key()[("", "read_time", None)].plurals == {
        "zero": "0 минут",
        "one": "1 минута",
        "few": "{{ .Count }} минуты",
        "many": "{{ .Count }} минут",
        "other": "{{ .Count }} минута",
    }
    symfony = yaml_rails.parse((root / "fosuserbundle__FOSUserBundle.ru.yml").read_bytes(), "ru")
    assert symfony.by_key()[("", "security.login.submit", None)].value == "Войти"


FIXTURE = """\
---
"no":
  # a comment that must survive
  greeting: Hei, %{name}!
  answer: 'yes'
  inbox:
    one: "%{count} melding"
    other: "%{count} meldinger"
  escaped: "Tab\\there \\u00e9 \\"q\\""
  folded: >
    line one
    line two
  date:
    order:
    - :day
    - :month
  precision: 3
  enabled: true
  nothing: ~
  base: &base
    title: Tittel
  copy:
    <<: *base
    extra: Ekstra
"""


def test_fixture_parse_exact_values() -> None:
    catalog = yaml_rails.parse(FIXTURE.encode(), "nb")
    got = {e.key: (e.value, e.plurals) for e in catalog.entries}
    assert got == {
        "greeting": ("Hei, %{name}!", None),
        "answer": ("yes", None),
        "inbox": (None, {"one": "%{count} melding", "other": "%{count} meldinger"}),
        "escaped": ('Tab\there é "q"', None),
        "folded": ("line one line two\n", None),
        "base.title": ("Tittel", None),
        "copy.extra": ("Ekstra", None),
    }
    assert yaml_rails.render(catalog) == FIXTURE.encode()


def test_fixture_canonical_bytes() -> None:
    catalog = yaml_rails.parse(FIXTURE.encode(), "no").without_memo()
    catalog.language = "no"
    assert (
        yaml_rails.render(catalog)
        == (
            '---\n"no":\n'
            "  greeting: Hei, %{name}!\n"
            '  answer: "yes"\n'
            "  inbox:\n"
            '    one: "%{count} melding"\n'
            '    other: "%{count} meldinger"\n'
            '  escaped: "Tab\\there é \\"q\\""\n'
            '  folded: "line one line two\\n"\n'
            "  base:\n"
            "    title: Tittel\n"
            "  copy:\n"
            "    extra: Ekstra\n"
        ).encode()
    )


TRICKY = [
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "1.0",
    "08:30",
    "1_000",
    "0x1F",
    "0o17",
    "1e3",
    ".inf",
    "2001-12-14",
    "<<",
    "=",
    "@user",
    "%{count} items",
    "!important",
    "&amp",
    "*star",
    "?why",
    "| pipe",
    "> quote",
    "[x]",
    "{y}",
    "# hash",
    "a: b",
    "trailing:",
    "a #b",
    " lead",
    "trail ",
    "",
    "-",
    "- item",
    ":symbol",
    "'single'",
    '"double"',
    "multi\nline",
    "tab\there",
    "\u2028sep",
    "é\u0085x",
    "\ufeffbom",
    "back\\slash",
    "`tick",
    ",comma",
]


def test_canonical_reads_back_identically_under_yaml_1_1() -> None:
    pyyaml = pytest.importorskip("yaml")
    entries = [Entry(key=f"k{i}", value=v) for i, v in enumerate(TRICKY)]
    entries += [Entry(key=v.replace(".", "_"), value="key") for v in TRICKY if v and "\u0085" not in v]
    catalog = Catalog(language="no", entries=entries)
    out = yaml_rails.render(catalog)
    loaded = pyyaml.safe_load(out.decode("utf-8"))
    assert list(loaded) == ["no"]
    assert loaded["no"] == {e.key: e.value for e in entries}
    assert yaml_rails.parse(out, "no") == catalog


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(identifiers(), texts(max_size=12), max_size=6))
def test_property_yaml_1_1_reads_canonical_strings(values: dict[str, str]) -> None:
    pyyaml = pytest.importorskip("yaml")
    catalog = Catalog(language="no", entries=[Entry(key=k, value=v) for k, v in values.items()])
    loaded = pyyaml.safe_load(yaml_rails.render(catalog).decode("utf-8"))
    assert loaded == {"no": values or {}}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(plurals=True, keys=identifiers(separator=".")))
def test_property_round_trip(catalog: Catalog) -> None:
    parsed = yaml_rails.parse(yaml_rails.render(catalog), catalog.language)
    assert parsed.language == catalog.language
    assert _sorted(parsed) == _sorted(catalog)


def test_keys_that_are_prefixes_and_lookalike_plurals() -> None:
    catalog = Catalog(
        language="en",
        entries=[
            Entry(key="a", value="leaf"),
            Entry(key="a.b", value="under a leaf"),
            Entry(key="x.one", value="not"),
            Entry(key="x.other", value="a plural"),
            Entry(key="dotted.seg", value="v"),
        ],
    )
    out = yaml_rails.render(catalog)
    assert yaml_rails.parse(out, "en") == catalog


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_raise_only_format_error(data: bytes) -> None:
    try:
        catalog = yaml_rails.parse(data, "en")
    except FormatError:
        return
    assert yaml_rails.render(catalog) == data


def test_billion_laughs_does_not_expand() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    lines.append("title: &t Bonjour")
    lines.append("again: *t")
    data = ("\n".join(lines) + "\n").encode()
    started = time.monotonic()
    catalog = yaml_rails.parse(data, "fr")
    assert [e.key for e in catalog.entries] == ["title"]
    assert yaml_rails.render(catalog) == data
    catalog.entries[0].value = "Salut"
    assert b"title: &t Salut\nagain: *t" in yaml_rails.render(catalog)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b"{a: " * 10_000 + b"b" + b"}" * 10_000,
        "".join(f"{' ' * i}k{i}:\n" for i in range(150)).encode() + b" " * 150 + b"x\n",
        b"a: 1\na: 2\n",
        b"a: [unclosed\n",
        b"- 1\n- 2\n",
        b"just a scalar\n",
        b"a: b\n---\nc: d\n",
        b"\xff\xfe\x00garbage",
    ],
)
def test_hostile_documents_raise_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        yaml_rails.parse(data, "en")


def test_hundred_thousand_keys_are_accepted() -> None:
    lines = ["fr:"]
    for group in range(1000):
        lines.append(f"  g{group}:")
        lines.extend(f"    k{key}: Valeur {group} {key}" for key in range(100))
    data = ("\n".join(lines) + "\n").encode()
    catalog = yaml_rails.parse(data, "fr")
    assert len(catalog.entries) == 100_000
    assert yaml_rails.render(catalog) == data


def test_structural_edit_keeps_other_lines() -> None:
    data = FIXTURE.encode()
    catalog = yaml_rails.parse(data, "nb")
    catalog.entries = [e for e in catalog.entries if e.key != "answer"]
    catalog.entries.append(Entry(key="new.key", value="on"))
    out = yaml_rails.render(catalog)
    assert b"answer:" not in out and b"# a comment that must survive" in out
    parsed = yaml_rails.parse(out, "nb")
    assert parsed.by_key()[("", "new.key", None)].value == "on"
    assert parsed.by_key()[("", "greeting", None)].value == "Hei, %{name}!"
