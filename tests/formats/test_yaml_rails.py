"""YAML codec: corpus fidelity, canonical output under YAML 1.1 readers, hostile input."""

from __future__ import annotations

import difflib
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
    # Nothing is left out: list items, numbers, booleans and symbols are entries too.
    assert rails.by_key()[("", "date.day_names.0", None)].value == "воскресенье"
    assert rails.by_key()[("", "number.format.precision", None)].value == "3"
    assert rails.by_key()[("", "date.order.0", None)].value == ":day"
    assert rails.by_key()[("", "date.month_names.0", None)].value is None
    assert "date.day_names" not in keys
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
        "date.order.0": (":day", None),
        "date.order.1": (":month", None),
        "precision": ("3", None),
        "enabled": ("true", None),
        "nothing": (None, None),
        "base.title": ("Tittel", None),
        "copy.extra": ("Ekstra", None),
        "copy.title": ("Tittel", None),
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
            "  date:\n"
            "    order:\n"
            '    - ":day"\n'
            '    - ":month"\n'
            '  precision: "3"\n'
            '  enabled: "true"\n'
            "  nothing: ~\n"
            "  base:\n"
            "    title: Tittel\n"
            "  copy:\n"
            "    extra: Ekstra\n"
            "    title: Tittel\n"
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


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(FormatError, match="aliases expand to more than"):
        yaml_rails.parse(data, "fr")


def test_scalar_alias_is_an_entry_and_follows_its_anchor() -> None:
    data = b"title: &t Bonjour\nagain: *t\nother: *t\n"
    catalog = yaml_rails.parse(data, "fr")
    assert [(e.key, e.value) for e in catalog.entries] == [
        ("title", "Bonjour"),
        ("again", "Bonjour"),
        ("other", "Bonjour"),
    ]
    assert yaml_rails.render(catalog) == data
    catalog.entries[0].value = "Salut"
    catalog.entries[1].value = "Salut"
    # `again` still equals its anchor and stays an alias; `other` keeps the old text.
    assert yaml_rails.render(catalog) == b"title: &t Salut\nagain: *t\nother: Bonjour\n"


def test_mapping_alias_and_merge_keys_give_entries_and_edits_stay_local() -> None:
    data = b"fr:\n  base: &b\n    x: X\n    y: Y\n  other:\n    <<: *b\n    y: Own\n  copy: *b\n"
    catalog = yaml_rails.parse(data, "fr")
    got = {e.key: e.value for e in catalog.entries}
    assert got == {"base.x": "X", "base.y": "Y", "other.y": "Own", "other.x": "X", "copy.x": "X", "copy.y": "Y"}
    assert yaml_rails.render(catalog) == data
    for entry in catalog.entries:
        if entry.key == "copy.y":
            entry.value = "Changed"
    out = yaml_rails.render(catalog)
    assert out.startswith(b"fr:\n  base: &b\n    x: X\n    y: Y\n  other:\n    <<: *b\n")
    assert {e.key: e.value for e in yaml_rails.parse(out, "fr").entries} == {**got, "copy.y": "Changed"}


def test_typed_scalars_keep_their_kind_when_edited() -> None:
    data = b"fr:\n  precision: 3\n  strip: false\n  order: [:day, :month]\n  empty:\n"
    catalog = yaml_rails.parse(data, "fr")
    values = {e.key: e for e in catalog.entries}
    values["precision"].value, values["strip"].value, values["order.0"].value = "2", "true", ":year"
    values["empty"].value = "rempli"
    assert (
        yaml_rails.render(catalog) == b"fr:\n  precision: 2\n  strip: true\n  order: [:year, :month]\n  empty: rempli\n"
    )
    values["precision"].value = "deux"
    assert b"precision: deux\n" in yaml_rails.render(catalog)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"fr:\n  a: !!binary aGk=\n", "Unsupported YAML tag"),
        (b"fr:\n  a: !ruby/object:Foo {x: 1}\n", "Unsupported YAML tag"),
        (b"fr:\n  ? [a, b]\n  : v\n", "key must be a string"),
    ],
)
def test_what_cannot_be_stored_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        yaml_rails.parse(data, "fr")


def test_over_long_line_is_refused_before_parsing() -> None:
    value = "Lorem ipsum, dolor sit amet. " * 4000
    with pytest.raises(FormatError, match="longer than 100,000 characters") as caught:
        yaml_rails.parse(f"fr:\n  ok: fine\n  k: {value}\n".encode(), "fr")
    assert caught.value.line == 3 and "'k'" in caught.value.message
    with pytest.raises(FormatError, match=r"Key '.*' is longer than 10,000 characters"):
        yaml_rails.parse(f"fr:\n  ? {'k' * 10_001}\n  : v\n".encode(), "fr")
    with pytest.raises(FormatError, match="Invalid YAML") as caught:  # implicit keys stop at 1024
        yaml_rails.parse(f"fr:\n  {'k' * 10_001}: v\n".encode(), "fr")
    assert caught.value.line == 2
    legal = "x" * 100_000
    assert yaml_rails.parse(f"fr:\n  k: {legal}\n".encode(), "fr").entries[0].value == legal


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
