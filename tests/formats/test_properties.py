"""Java properties: javaproperties fidelity, encoding detection, descriptions, canonical form."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import properties
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs, identifiers, texts

CORPUS = corpus_params("properties")


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    assert properties.render(properties.parse(data, language_of(path))) == data


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_semantic_round_trip(path: Path) -> None:
    language = language_of(path)
    catalog = properties.parse(path.read_bytes(), language)
    assert catalog.entries
    assert properties.parse(properties.render(catalog), language) == catalog
    assert properties.parse(properties.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_edit_rewrites_one_line_in_the_file_style(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = properties.parse(data, language)
    target = catalog.entries[len(catalog.entries) // 2]
    target.value = "édité ₽ {0}"
    out = properties.render(catalog)
    encoding = "utf-8" if b"\xd0" in data else "latin-1"
    diff = [
        d for d in difflib.ndiff(data.decode(encoding).splitlines(), out.decode(encoding).splitlines()) if d[:1] in "+-"
    ]
    assert len(diff) == 2
    if encoding == "utf-8":
        assert diff[1].endswith("=édité ₽ {0}")
    else:
        assert diff[1].endswith("=\\u00e9dit\\u00e9 \\u20bd {0}")
    assert properties.parse(out, language).by_key()[("", target.key, None)].value == "édité ₽ {0}"


def test_corpus_encodings_and_descriptions() -> None:
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "formats" / "properties"
    if not root.is_dir():
        pytest.skip("corpus absent")
    petclinic = properties.parse((root / "spring-petclinic__messages_ru.properties").read_bytes(), "ru")
    assert petclinic.by_key()[("", "welcome", None)].value == "Добро пожаловать"
    pt = properties.parse((root / "spring-security__messages_pt_PT.properties").read_bytes(), "pt-PT")
    first = pt.entries[0]
    assert first.description == "Spring Security Portuguese Resource Bundle\nAuthor: José Santos"
    assert pt.by_key()[("", "AbstractLdapAuthenticationProvider.emptyPassword", None)].value == (
        "Credenciais inválidas"
    )


FIXTURE = (
    b"# Header comment\n"
    b"\n"
    b"! bang comment about greeting\n"
    b"# second line\n"
    b"greeting   =   Bonjour {0}, l''utilisateur\n"
    b"multi = premi\\u00e8re \\\n"
    b"        ligne\\nsuite\n"
    b"key\\ with\\ spaces : valeur\\tavec tab\n"
    b"latin = caf\xe9\n"
    b"empty=\n"
    b"cyr = \\u041f\\u0440\\u0438\\u0432\\u0435\\u0442\n"
)


def test_fixture_exact_values() -> None:
    catalog = properties.parse(FIXTURE, "fr")
    assert [(e.key, e.value, e.description) for e in catalog.entries] == [
        ("greeting", "Bonjour {0}, l''utilisateur", "bang comment about greeting\nsecond line"),
        ("multi", "première ligne\nsuite", None),
        ("key with spaces", "valeur\tavec tab", None),
        ("latin", "café", None),
        ("empty", "", None),
        ("cyr", "Привет", None),
    ]
    assert properties.render(catalog) == FIXTURE
    catalog.entries[3].value = "café ☕"
    assert b"latin=caf\xe9 \\u2615\n" in properties.render(catalog)


def test_fixture_canonical_bytes() -> None:
    catalog = properties.parse(FIXTURE, "fr").without_memo()
    assert properties.render(catalog) == (
        b"# bang comment about greeting\n"
        b"# second line\n"
        b"greeting=Bonjour {0}, l''utilisateur\n"
        b"multi=premi\\u00e8re ligne\\nsuite\n"
        b"key\\ with\\ spaces=valeur\\tavec tab\n"
        b"latin=caf\\u00e9\n"
        b"empty=\n"
        b"cyr=\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442\n"
    )


def test_description_with_backslash_u_and_astral_round_trips() -> None:
    catalog = Catalog(
        language="fr",
        entries=[
            Entry(key="k", value="v", description="C:\\u0041 \\ é 😀 \\\\u0041"),
        ],
    )
    out = properties.render(catalog)
    assert out.isascii()
    assert properties.parse(out, "fr") == catalog


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(keys=identifiers(separator="."), descriptions=True))
def test_property_round_trip(catalog: Catalog) -> None:
    assert properties.parse(properties.render(catalog), catalog.language) == catalog


@settings(max_examples=100)
@given(st.dictionaries(texts(max_size=10), texts(max_size=20), max_size=5))
def test_property_any_key_text(values: dict[str, str]) -> None:
    catalog = Catalog(language="fr", entries=[Entry(key=k, value=v) for k, v in values.items()])
    assert properties.parse(properties.render(catalog), "fr") == catalog


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_raises_only_format_error(data: bytes) -> None:
    try:
        catalog = properties.parse(data, "en")
    except FormatError:
        return
    assert properties.render(catalog) == data


def test_invalid_unicode_escape_is_a_format_error() -> None:
    with pytest.raises(FormatError) as info:
        properties.parse(b"a=ok\nb=bad \\u12G4\n", "en")
    assert info.value.line == 2
