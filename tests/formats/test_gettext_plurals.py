"""Plural-Forms evaluation (no eval, bounded) and the per-file index -> CLDR mapping (formats.md §1)."""

from __future__ import annotations

import contextlib
import gettext
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entri.formats import gettext_plurals as gp
from entri.formats.catalog import FormatError
from entri.formats.plurals import cldr_categories

GNOME_AR = (
    "nplurals=6; plural= n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)
OLD_BABEL_AR = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"
)
"""Babel before 2.18 (and files made with it): index 4 is `other` (100, 101, 102), 5 is `many`."""
FR_CLASSIC = "nplurals=2; plural=(n > 1);"
"""What GNU gettext and most fr.po files declare; CLDR 42+ also has `many` (1000000)."""
TRANSIFEX_RU = (
    "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 "
    ": n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);"
)
TRANSMISSION_PL = (
    "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : n!=1 && "
    "(n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);"
)


@pytest.mark.parametrize(
    ("header", "language", "expected"),
    [
        (GNOME_AR, "ar", ("zero", "one", "two", "few", "many", "other")),
        (OLD_BABEL_AR, "ar", ("zero", "one", "two", "few", "other", "many")),
        (TRANSIFEX_RU, "ru", ("one", "few", "many", "other")),
        (
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
            "ru",
            ("one", "few", "many"),
        ),
        (TRANSMISSION_PL, "pl", ("one", "few", "many", "other")),
        (FR_CLASSIC, "fr", ("one", "other")),
        (gp.language_plural_forms("ja"), "ja", ("other",)),
        ("nplurals=2; plural=(n != 1);", "en", ("one", "other")),
    ],
    ids=["gnome-ar", "old-babel-ar", "transifex-ru", "ru", "transmission-pl", "fr", "ja", "en"],
)
def test_index_to_category_is_computed_per_file(header: str, language: str, expected: tuple[str, ...]) -> None:
    forms = gp.plural_forms(header, language)
    assert forms.index_to_category == expected
    assert forms.warnings == ()


@pytest.mark.parametrize("language", ["ar", "ru", "pl", "fr", "pt-BR", "ja", "cy", "ga", "sl", "lt", "he", "zh-Hans"])
def test_babel_header_maps_each_index_to_a_distinct_cldr_category(language: str) -> None:
    """Whatever babel release is installed, the header we write for a language reads back cleanly."""
    forms = gp.plural_forms(gp.language_plural_forms(language), language)
    assert forms.warnings == ()
    assert len(set(forms.index_to_category)) == forms.nplurals
    assert set(forms.index_to_category) <= set(cldr_categories(language))


def test_two_indexes_on_one_category_warn_and_keep_the_second_aside() -> None:
    forms = gp.plural_forms("nplurals=2; plural=(n != 1);", "ja")
    assert forms.index_to_category == ("other", "other")
    assert forms.warnings
    plurals, leftover = gp.forms_to_plurals(["a", "b"], forms)
    assert plurals == {"other": "a"}
    assert leftover == {1: "b"}


@pytest.mark.parametrize(
    "header", [GNOME_AR, OLD_BABEL_AR, TRANSIFEX_RU, TRANSMISSION_PL, gp.language_plural_forms("ar")]
)
def test_evaluator_agrees_with_gettext(header: str) -> None:
    expression = header.split("plural=", 1)[1].rstrip(";")
    ours = gp.compile_expression(expression)
    reference = gettext.c2py(expression)
    assert [ours(n) for n in range(300)] == [reference(n) for n in range(300)]


def test_c_operator_precedence_and_integer_division() -> None:
    expr = gp.compile_expression("n > 1 && n - 1 * 2 || !n ? 7 / 2 : n % 3 == 1 ? 1 : 2")
    assert expr(0) == 3  # !0 is true -> 7/2 truncates
    assert expr(5) == 3  # 5 - 2 > 0
    assert expr(2) == 2  # 2 - 2 == 0 -> 2 % 3 == 2
    assert expr(1) == 1


@pytest.mark.parametrize(
    "expression",
    [
        "n/0",
        "n%(n-n)",
        "__import__('os').system('true')",
        "n ** 2",
        "n if n else 1",
        "n; import os",
        "lambda: 0",
        "(" * 200 + "n" + ")" * 200,
        "!" * 200 + "n",
        "n+" * 600 + "n",
        "1e3",
        "n ? 1",
        "",
        "n == 1 ? 0 : 1)",
    ],
    ids=lambda e: e[:20],
)
def test_hostile_expressions_are_format_errors(expression: str) -> None:
    with pytest.raises(FormatError):
        gp.plural_forms(f"nplurals=2; plural={expression};", "en")


@pytest.mark.parametrize(
    "header",
    ["nplurals=0; plural=0;", "nplurals=999; plural=n;", "plural=n;", "nplurals=x; plural=n;"],
)
def test_malformed_headers_are_format_errors(header: str) -> None:
    with pytest.raises(FormatError):
        gp.plural_forms(header, "en")


def test_template_header_is_recognised() -> None:
    assert gp.is_template("nplurals=INTEGER; plural=EXPRESSION;")
    assert not gp.is_template(TRANSIFEX_RU)


def test_forms_without_index_are_reported_and_dropped(caplog: pytest.LogCaptureFixture) -> None:
    forms = gp.plural_forms(FR_CLASSIC, "fr")
    plurals = {"one": "un", "many": "millions", "other": "autres"}
    assert gp.unexportable_forms(plurals, forms) == ["many"]
    with caplog.at_level(logging.WARNING):
        assert gp.plurals_to_forms(plurals, forms, "entry 'x'") == ["un", "autres"]
    assert "many" in caplog.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("n0123456789 ()?:!=<>&|+-*/%;xe_.'\"")), max_size=80))
def test_arbitrary_expressions_never_raise_anything_but_format_error(expression: str) -> None:
    with contextlib.suppress(FormatError):
        gp.plural_forms(f"nplurals=3; plural={expression};", "ru")
