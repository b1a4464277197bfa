"""What each dialect extracts, normalized, and how formats map to dialects."""

from __future__ import annotations

import pytest

from entri.checks.dialects import DIALECTS, extract, infer_dialect

FORMATS = [
    ("json-flat", "auto"),
    ("json-nested", "auto"),
    ("json-clean", "auto"),
    ("yaml", "ruby"),
    ("android-xml", "android"),
    ("ios-strings", "ios"),
    ("ios-stringsdict", "ios"),
    ("xliff", "auto"),
    ("xliff2", "auto"),
    ("arb", "icu"),
    ("po", "python"),
    ("pot", "python"),
    ("mo", "python"),
    ("php-array", "laravel"),
    ("csv", "auto"),
    ("properties", "java"),
    (None, "auto"),
    ("something-new", "auto"),
]


@pytest.mark.parametrize(("format_id", "dialect"), FORMATS)
def test_infer_dialect(format_id: str | None, dialect: str) -> None:
    assert infer_dialect(format_id) == dialect
    assert dialect in DIALECTS


def test_every_format_of_the_registry_has_a_dialect() -> None:
    from entri.formats.registry import FORMATS as REGISTERED

    mapped = {format_id for format_id, _ in FORMATS if format_id}
    assert {info.id for info in REGISTERED.values()} <= mapped


EXTRACTIONS = [
    # dialect, text, named, ordered
    ("printf", "%s has %d files (%.2f%%), %-5d %lld", set(), ["%s", "%d", "%.2f", "%-5d", "%lld"]),
    ("printf", "%1$s has %2$d", {"%1$s", "%2$d"}, []),
    ("printf", "100%% sure, 50 % des gens", set(), []),
    ("python", "%(name)s and {name}, {0}, {name!r:>10}", {"%(name)s", "{name}", "{0}", "{name!r:>10}"}, []),
    ("python", "{} then {} and {{literal}} %s", set(), ["{}", "{}", "%s"]),
    ("python", "a {phrase with spaces} is no field", set(), []),
    ("icu", "{count, plural, one {# file in {folder}} other {# files}}", {"{count,plural}", "{folder}"}, []),
    ("icu", "{g, select, male {He} other {They}} on {d, date, short}", {"{g,select}", "{d,date}"}, []),
    ("icu", "Quoted '{name}' is text, l'homme {real}", {"{real}"}, []),
    ("icu", "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}", {"{n,selectordinal}"}, []),
    ("ios", "%@ has %lld items, %1$@ and %#@files@", {"%1$@", "%#@files@"}, ["%@", "%lld"]),
    ("android", "%1$s of %2$d%n100%%, %d", {"%1$s", "%2$d"}, ["%d"]),
    ("ruby", "Hello %{name}, %<count>d left", {"%{name}", "%<count>d"}, []),
    (
        "i18next",
        "{{name}}, {{- html}}, {{ val, number }} $t(common.ok)",
        {"{{name}}", "{{-html}}", "{{val,number}}", "$t(common.ok)"},
        [],
    ),
    ("laravel", "The :attribute, :Attribute and :ATTRIBUTE; time 10:30, http://x", {":attribute"}, []),
    ("java", "{0} has {1,number,integer} files; it''s '{2}' quoted", {"{0}", "{1,number}"}, []),
    ("java", "{0,choice,0#no files|1#one file|1<{0,number} files}", {"{0,choice}"}, []),
    (
        "auto",
        "{{a}} {b} %s %1$d %{c} $t(k) {0, number}",
        {"{{a}}", "{b}", "%1$d", "%{c}", "$t(k)", "{0,number}"},
        ["%s"],
    ),
    ("auto", "{n, plural, one {# {x}} other {#}} %s", {"{n,plural}", "{x}"}, ["%s"]),
]


@pytest.mark.parametrize(("dialect", "text", "named", "ordered"), EXTRACTIONS)
def test_extract(dialect: str, text: str, named: set[str], ordered: list[str]) -> None:
    found = extract(dialect, text)
    assert set(found.named) == named
    assert list(found.ordered) == ordered


PROSE = [
    "50 % des utilisateurs",
    "100% sure: it works; really?",
    "Note:this is fine, see http://example.com/a:b",
    "Save 20 % now!",
    "a < b and c > d",
    "It's {not a placeholder because of spaces}",
    "Ratio 3:2, time 10:30",
    "l'homme, aujourd'hui",
]


@pytest.mark.parametrize("text", PROSE)
def test_auto_finds_no_placeholder_in_ordinary_prose(text: str) -> None:
    assert not extract("auto", text)


def test_unknown_dialect_counts_as_auto() -> None:
    assert extract("klingon", "{name} %s") == extract("auto", "{name} %s")
