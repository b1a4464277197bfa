"""Laravel PHP arrays: restricted tokenizer, span patching, canonical layout, injection."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import php_array
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs, identifiers

CORPUS = corpus_params("php-array")


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    assert php_array.render(php_array.parse(data, language_of(path))) == data


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_semantic_round_trip(path: Path) -> None:
    language = language_of(path)
    catalog = php_array.parse(path.read_bytes(), language)
    assert catalog.entries
    assert php_array.parse(php_array.render(catalog), language) == catalog
    assert php_array.parse(php_array.render(catalog.without_memo()), language) == catalog


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_edit_rewrites_only_its_literal(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = php_array.parse(data, language)
    target = catalog.entries[len(catalog.entries) // 2]
    old = target.value
    target.value = "l'été \\ :count"
    out = php_array.render(catalog).decode()
    diff = [d for d in difflib.ndiff(data.decode().splitlines(), out.splitlines()) if d[:1] in "+-"]
    assert len(diff) == 2
    assert "'l\\'été \\\\ :count'" in diff[1]
    assert old is not None and out.count("'l\\'été \\\\ :count'") == 1
    assert php_array.parse(out.encode(), language).by_key()[("", target.key, None)].value == target.value


FIXTURE = r"""<?php
/**
 * Docblock stays.
 */
return array(
    // Plural pipes stay literal text
    'apples'  => ':count pomme|:count pommes',
    "welcome" => "Bonjour :name,\n\t\"là\" \x41\101\u{e9} \$5 \\",
    'quote'   => 'l\'été \n \\ fin',   # hash comment
    'nested'  => [
        'deep' => [ 'er' => 'profond', ],
        0 => 'zéro',
        7 => 'sept'
    ],
    /* block comment */
    'empty' => [],
    'blank' => '',
);
"""


def test_fixture_exact_values_and_identity() -> None:
    catalog = php_array.parse(FIXTURE.encode(), "fr")
    assert {e.key: e.value for e in catalog.entries} == {
        "apples": ":count pomme|:count pommes",
        "welcome": 'Bonjour :name,\n\t"là" AAé $5 \\',
        "quote": "l'été \\n \\ fin",
        "nested.deep.er": "profond",
        "nested.0": "zéro",
        "nested.7": "sept",
        "blank": "",
    }
    assert php_array.render(catalog) == FIXTURE.encode()


def test_fixture_canonical_bytes() -> None:
    catalog = php_array.parse(FIXTURE.encode(), "fr").without_memo()
    assert (
        php_array.render(catalog)
        == (
            "<?php\n\nreturn [\n"
            "    'apples' => ':count pomme|:count pommes',\n"
            "    'welcome' => 'Bonjour :name,\n\t\"là\" AAé $5 \\\\',\n"
            "    'quote' => 'l\\'été \\\\n \\\\ fin',\n"
            "    'nested' => [\n"
            "        'deep' => [\n"
            "            'er' => 'profond',\n"
            "        ],\n"
            "        '0' => 'zéro',\n"
            "        '7' => 'sept',\n"
            "    ],\n"
            "    'blank' => '',\n"
            "];\n"
        ).encode()
    )


def test_add_and_remove_keep_layout() -> None:
    catalog = php_array.parse(FIXTURE.encode(), "fr")
    catalog.entries = [e for e in catalog.entries if e.key != "quote"]
    catalog.entries.append(Entry(key="nested.deep.new", value="neuf"))
    catalog.entries.append(Entry(key="top", value="haut"))
    out = php_array.render(catalog)
    assert b"'quote'" not in out and b"# hash comment" not in out and b"/* block comment */" in out
    assert b"'new' => 'neuf'" in out
    parsed = php_array.parse(out, "fr")
    assert {e.key: e.value for e in parsed.entries} == {e.key: e.value for e in catalog.entries}


def test_new_keys_under_one_missing_parent_share_one_array() -> None:
    """PHP keeps only the last of two equal keys: two `'password' => [...]` blocks would lose
    all but the last new value in the real app. And an array without a trailing comma gets one
    comma, however many entries are added to it (two made the file unparseable)."""
    source = b"<?php\n\nreturn [\n    'a' => 'x',\n    'nested' => [\n        'b' => 'y'\n    ]\n];\n"
    catalog = php_array.parse(source, "fr")
    added = {"password.reset": "R", "password.sent": "S", "password.deep.x": "X", "nested.c": "C", "nested.d": "D"}
    catalog.entries += [Entry(key=k, value=v) for k, v in added.items()]
    out = php_array.render(catalog)
    assert out.count(b"'password' =>") == 1 and out.count(b"'deep' =>") == 1 and b",," not in out
    parsed = php_array.parse(out, "fr")
    assert {e.key: e.value for e in parsed.entries} == {"a": "x", "nested.b": "y", **added}


def test_plurals_render_as_laravel_pipes() -> None:
    catalog = Catalog(
        language="ru",
        entries=[
            Entry(key="books", plurals={"other": "книги", "one": "книга", "few": "книги", "many": "книг"}),
        ],
    )
    out = php_array.render(catalog)
    assert b"'books' => '\xd0\xba\xd0\xbd\xd0\xb8\xd0\xb3\xd0\xb0|" in out
    assert php_array.parse(out, "ru").entries[0].value == "книга|книги|книг|книги"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(keys=identifiers(separator=".")))
def test_property_round_trip(catalog: Catalog) -> None:
    parsed = php_array.parse(php_array.render(catalog), catalog.language)
    assert sorted(parsed.entries, key=lambda e: e.key) == sorted(catalog.entries, key=lambda e: e.key)
    assert parsed.language == catalog.language


@pytest.mark.parametrize(
    "source",
    [
        "<?php return ['a' => system('id')];",
        "<?php return ['a' => \"$x\"];",
        "<?php return ['a' => \"{$x}\"];",
        "<?php return ['a' => \"${x}\"];",
        "<?php return ['a' => __FILE__];",
        "<?php include 'evil.php'; return [];",
        "<?php return ['a' => 'b' . 'c'];",
        "<?php return ['a' => B];",
        "<?php return ['a' => 1.5];",
        "<?php return ['a' => 1];",
        "<?php return ['a' => <<<EOT\nx\nEOT\n];",
        "<?php return ['a' => 'b'] ; echo 1;",
        "<?php return ['a' => 'b', 'a' => 'c'];",
        "<?php return ['a' => 'b' 'c'];",
        "<?php return ['a' => 'unterminated];",
        "<?php /* unterminated return [];",
        "<?php return ['a' => \"\\xff\"];",
        "return [];",
        "<?php return " + "[" * 10_000 + "]" * 10_000 + ";",
    ],
)
def test_injection_and_unsupported_syntax_raise_format_error(source: str) -> None:
    with pytest.raises(FormatError) as info:
        php_array.parse(source.encode(), "en")
    if source.startswith("<?php return ['a' => system"):
        assert (info.value.line, info.value.column) == (1, 22)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet="<?php return[]()'\"\\$=>,;/#* \na0", max_size=80).map(str.encode))
def test_garbage_raises_only_format_error(data: bytes) -> None:
    try:
        catalog = php_array.parse(data, "en")
    except FormatError:
        return
    assert php_array.render(catalog) == data
