"""CSV: three header shapes, per-field quoting fidelity, plural rows, formula flag."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import csv_table
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs, texts

CORPUS = corpus_params("csv")


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    assert csv_table.render(csv_table.parse(data, language_of(path))) == data


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_semantic_round_trip(path: Path) -> None:
    language = language_of(path)
    catalog = csv_table.parse(path.read_bytes(), language)
    assert catalog.entries
    assert csv_table.parse(csv_table.render(catalog), language) == catalog
    assert csv_table.parse(csv_table.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_edit_changes_one_record(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = csv_table.parse(data, language)
    target = catalog.entries[len(catalog.entries) // 2]
    target.value = 'Édité, "cité"'
    out = csv_table.render(catalog)
    diff = [d for d in difflib.ndiff(data.decode().splitlines(), out.decode().splitlines()) if d[:1] in "+-"]
    assert len(diff) == 2 and '"Édité, ""cité"""' in diff[1]
    assert csv_table.parse(out, language).by_key()[("", target.key, target.context)].value == target.value


def test_corpus_shapes() -> None:
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "formats" / "csv"
    if not root.is_dir():
        pytest.skip("corpus absent")
    godot = (root / "godot-demo-projects__text.csv").read_bytes()
    assert csv_table.parse(godot, "ru").by_key()[("", "KEY_HELLO", None)].value == "Привет!"
    assert csv_table.parse(godot, "ja").by_key()[("", "KEY_PUSH", None)].value == "押す!"
    magento = csv_table.parse((root / "elasticsuite__core_fr_FR.csv").read_bytes(), "fr-FR")
    assert magento.by_key()[("", "[CONTAINER]", None)].value == "[CONTENEUR]"
    with pytest.raises(FormatError):
        csv_table.parse(godot, "de")


ENTRI = (
    "\ufeffkey;source;target;context;description\r\n"
    "greeting;Hello {0};Bonjour {0};;Shown on the home page\r\n"
    'apples#one;:count apple;":count pomme";fruit;\r\n'
    'apples#other;:count apples;":count pommes";fruit;\r\n'
    'multi;"Line\nTwo";"Ligne\nDeux";;\r\n'
    "empty;Empty;;;\r\n"
    "tab\t;x;y;;\r\n"
).encode()


def test_entri_shape_exact_values() -> None:
    catalog = csv_table.parse(ENTRI, "fr")
    assert catalog.entries == [
        Entry(key="greeting", value="Bonjour {0}", source="Hello {0}", description="Shown on the home page"),
        Entry(
            key="apples",
            context="fruit",
            plurals={"one": ":count pomme", "other": ":count pommes"},
            source_plurals={"one": ":count apple", "other": ":count apples"},
        ),
        Entry(key="multi", value="Ligne\nDeux", source="Line\nTwo"),
        Entry(key="empty", value="", source="Empty"),
        Entry(key="tab\t", value="y", source="x"),
    ]
    assert csv_table.render(catalog) == ENTRI
    catalog.entries[1].plurals = {"one": "une pomme", "other": ":count pommes"}
    out = csv_table.render(catalog)
    assert out == ENTRI.replace(b'";:count pomme";', b'";"une pomme";').replace(
        b'apples#one;:count apple;":count pomme"', b'apples#one;:count apple;"une pomme"'
    )


def test_entri_shape_canonical_bytes() -> None:
    catalog = csv_table.parse(ENTRI, "fr").without_memo()
    catalog.entries[1].source_plurals = None
    for entry in catalog.entries:
        entry.source = None
    assert csv_table.render(catalog) == (
        b"key,context,fr,description\r\n"
        b"greeting,,Bonjour {0},Shown on the home page\r\n"
        b"apples#one,fruit,:count pomme,\r\n"
        b"apples#other,fruit,:count pommes,\r\n"
        b'multi,,"Ligne\nDeux",\r\n'
        b"empty,,,\r\n"
        b"tab\t,,y,\r\n"
    )


def test_magento_module_column_is_context_and_bare_fields_stay_bare() -> None:
    data = b'"Save","Enregistrer","module","Magento_Catalog"\nSave,Sauver\n'
    catalog = csv_table.parse(data, "fr")
    assert [(e.key, e.value, e.context) for e in catalog.entries] == [
        ("Save", "Enregistrer", "Magento_Catalog"),
        ("Save", "Sauver", None),
    ]
    catalog.entries[1].value = "Sauvegarder"
    assert csv_table.render(catalog) == data.replace(b"Sauver", b"Sauvegarder")


def test_formula_escape_is_opt_in() -> None:
    catalog = Catalog(language="en", entries=[Entry(key="f", value='=HYPERLINK("x")'), Entry(key="-a", value="ok")])
    plain = csv_table.render(catalog)
    assert b'f,,"=HYPERLINK(""x"")"' in plain
    assert csv_table.parse(plain, "en") == catalog
    escaped = csv_table.render(catalog, escape_formulas=True)
    assert b'f,,"\'=HYPERLINK(""x"")"' in escaped and b"'-a,,ok" in escaped


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(contexts=True, descriptions=True, plurals=True))
def test_property_round_trip(catalog: Catalog) -> None:
    assert csv_table.parse(csv_table.render(catalog), catalog.language) == catalog


@settings(max_examples=100)
@given(st.lists(st.tuples(texts(min_size=1, max_size=10), texts(max_size=20)), max_size=6))
def test_property_memo_patch_keeps_unchanged_records(rows: list[tuple[str, str]]) -> None:
    catalog = Catalog(language="fr", entries=[Entry(key=k, value=v) for k, v in rows])
    data = csv_table.render(catalog)
    parsed = csv_table.parse(data, "fr")
    assert csv_table.render(parsed) == data


def test_enormous_field_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        csv_table.parse(b'"a","' + b"x" * 200_000 + b'"\n', "en")


@pytest.mark.parametrize("data", [b'"a","b\n', b'"a"x,"b"\n', b"a,b\x00\n", b"\xff\xfe\xfd"])
def test_malformed_is_a_format_error(data: bytes) -> None:
    with pytest.raises(FormatError):
        csv_table.parse(data, "en")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet='ab,;\t"\r\n#', max_size=60).map(str.encode))
def test_garbage_raises_only_format_error(data: bytes) -> None:
    try:
        catalog = csv_table.parse(data, "en")
    except FormatError:
        return
    assert csv_table.render(catalog) == data
