"""PO codec: corpus fidelity, hand-written fixtures, properties and hostile input."""
# ruff: noqa: RUF001  (Russian fixture text is intentionally Cyrillic)

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import gettext_plurals as gp
from entri.formats import po
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs
from tests.formats.test_gettext_plurals import FR_CLASSIC, OLD_BABEL_AR

FIXTURE = r"""# Russian translation.
msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\n"
"Language: ru\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<12 || n%100>14) ? 1 : n%10==0 || (n%10>=5 && n%10<=9) || "
"(n%100>=11 && n%100<=14)? 2 : 3);\n"

# Reviewed by Olga
#. Greeting on the start page
#: app/views.py:12 app/views.py:40
#, python-format
msgid "Hello, %(name)s!"
msgstr "Привет, %(name)s!"

#: app/models.py:7
#, fuzzy, c-format
#| msgid "%d file"
msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d файл"
msgstr[1] "%d файла"
msgstr[2] "%d файлов"
msgstr[3] "%d файла"

msgctxt "menu"
msgid "Open"
msgstr "Открыть"

msgid "Tab\there \"quoted\" back\\slash\nsecond line"
msgstr ""
"Таб\tздесь «цитата» обратная\\черта\n"
"вторая строка"

msgid "Untranslated"
msgstr ""

#~ msgid "Old"
#~ msgstr "Старое"
"""


def fixture_catalog() -> Catalog:
    return po.parse(FIXTURE.encode("utf-8"), "ru")


def test_fixture_parses_to_exact_entries() -> None:
    catalog = fixture_catalog()
    assert catalog.headers["Language"] == "ru"
    assert catalog.headers["Project-Id-Version"] == "demo 1.0"
    assert catalog.entries == [
        Entry(
            key="Hello, %(name)s!",
            value="Привет, %(name)s!",
            source="Hello, %(name)s!",
            description="Greeting on the start page",
            translator_comment="Reviewed by Olga",
            references=["app/views.py:12", "app/views.py:40"],
            flags=["python-format"],
        ),
        Entry(
            key="%d file",
            plurals={"one": "%d файл", "few": "%d файла", "many": "%d файлов", "other": "%d файла"},
            source="%d file",
            source_plurals={"one": "%d file", "other": "%d files"},
            references=["app/models.py:7"],
            flags=["fuzzy", "c-format"],
            state="untranslated",
        ),
        Entry(key="Open", value="Открыть", context="menu", source="Open"),
        Entry(
            key='Tab\there "quoted" back\\slash\nsecond line',
            value="Таб\tздесь «цитата» обратная\\черта\nвторая строка",
            source='Tab\there "quoted" back\\slash\nsecond line',
        ),
        Entry(key="Untranslated", source="Untranslated"),
    ]
    assert catalog.entries[1].extra["previous"] == ['#| msgid "%d file"\n']


def test_fixture_renders_byte_identical_and_edits_only_one_entry() -> None:
    catalog = fixture_catalog()
    assert po.render(catalog) == FIXTURE.encode("utf-8")
    catalog.entries[2].value = "Открыть…"
    catalog.entries[1].state = "translated"
    out = po.render(catalog).decode("utf-8")
    expected = FIXTURE.replace('msgstr "Открыть"', 'msgstr "Открыть…"').replace(
        '#, fuzzy, c-format\n#| msgid "%d file"\n', "#, c-format\n"
    )
    assert out == expected


def test_fixture_canonical_render_is_exact() -> None:
    catalog = fixture_catalog().without_memo()
    catalog.headers = {}
    out = po.render(catalog).decode("utf-8")
    assert out == (
        'msgid ""\n'
        'msgstr ""\n'
        '"Language: ru\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: {gp.language_plural_forms("ru")}\\n"\n'
        "\n"
        "# Reviewed by Olga\n"
        "#. Greeting on the start page\n"
        "#: app/views.py:12 app/views.py:40\n"
        "#, python-format\n"
        'msgid "Hello, %(name)s!"\n'
        'msgstr "Привет, %(name)s!"\n'
        "\n"
        "#: app/models.py:7\n"
        "#, fuzzy, c-format\n"
        'msgid "%d file"\n'
        'msgid_plural "%d files"\n'
        'msgstr[0] "%d файл"\n'
        'msgstr[1] "%d файла"\n'
        'msgstr[2] "%d файлов"\n'
        "\n"
        'msgctxt "menu"\n'
        'msgid "Open"\n'
        'msgstr "Открыть"\n'
        "\n"
        'msgid ""\n'
        '"Tab\\there \\"quoted\\" back\\\\slash\\n"\n'
        '"second line"\n'
        'msgstr ""\n'
        '"Таб\\tздесь «цитата» обратная\\\\черта\\n"\n'
        '"вторая строка"\n'
        "\n"
        'msgid "Untranslated"\n'
        'msgstr ""\n'
    )


def test_gnome_arabic_order_differs_from_old_babel_and_both_map_to_cldr() -> None:
    forms = "\n".join(f'msgstr[{i}] "f{i}"' for i in range(6))
    body = f'msgid "%d day"\nmsgid_plural "%d days"\n{forms}\n'
    gnome = (
        'msgid ""\nmsgstr "Plural-Forms: nplurals=6; plural= n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
        'n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;\\n"\n\n'
    )
    babel = f'msgid ""\nmsgstr "Plural-Forms: {OLD_BABEL_AR}\\n"\n\n'
    assert po.parse((gnome + body).encode(), "ar").entries[0].plurals == {
        "zero": "f0",
        "one": "f1",
        "two": "f2",
        "few": "f3",
        "many": "f4",
        "other": "f5",
    }
    assert po.parse((babel + body).encode(), "ar").entries[0].plurals == {
        "zero": "f0",
        "one": "f1",
        "two": "f2",
        "few": "f3",
        "many": "f5",
        "other": "f4",
    }


def test_french_many_has_no_index_in_the_classic_header_and_is_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalog = Catalog(
        "fr",
        [Entry(key="%d file", plurals={"one": "%d fichier", "many": "%d de", "other": "%d f"})],
        headers={"Plural-Forms": FR_CLASSIC},
    )
    with caplog.at_level(logging.WARNING):
        out = po.render(catalog)
    assert "many" in caplog.text
    assert po.parse(out, "fr").entries[0].plurals == {"one": "%d fichier", "other": "%d f"}


def test_japanese_single_form() -> None:
    catalog = Catalog("ja", [Entry(key="%d file", plurals={"other": "%d ファイル"})])
    out = po.render(catalog).decode()
    assert 'msgstr[0] "%d ファイル"' in out and "msgstr[1]" not in out
    assert po.parse(out.encode(), "ja").entries[0].plurals == {"other": "%d ファイル"}


def test_legacy_charset_and_crlf_round_trip_byte_identical() -> None:
    text = (
        'msgid ""\r\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\r\n\r\n'
        'msgid "caf\u00e9"\r\nmsgstr "caf\u00e9 cr\u00e8me"\r\n'
    )
    data = text.encode("latin-1")
    catalog = po.parse(data, "fr")
    assert catalog.entries[0].value == "café crème"
    assert po.render(catalog) == data
    catalog.entries[0].value = "thé"
    assert po.render(catalog) == data.replace("café crème".encode("latin-1"), "thé".encode("latin-1"))


def test_deleted_and_added_entries() -> None:
    catalog = fixture_catalog()
    del catalog.entries[2]
    catalog.entries.append(Entry(key="New", value="Новое", source="New"))
    out = po.render(catalog).decode()
    assert 'msgctxt "menu"' not in out
    assert 'msgid "New"\nmsgstr "Новое"\n\n#~ msgid "Old"' in out
    assert po.parse(out.encode(), "ru").entries == catalog.entries


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('msgid "a"\nmsgstr "b\\q"\n', 2),
        ('msgid "a"\nmsgstr "b\n', 2),
        ('msgid "a"\nfoo "b"\n', 2),
        ('msgid "a"\n', 1),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4),
        ('msgid "a"\nmsgid_plural "b"\nmsgstr "c"\n', 1),
        ('msgid "a"\nmsgstr[999] "c"\n', 2),
        ('"orphan"\n', 1),
    ],
)
def test_syntax_errors_carry_a_line(text: str, line: int) -> None:
    with pytest.raises(FormatError) as info:
        po.parse(text.encode(), "en")
    assert info.value.line == line


def test_malicious_plural_forms_header_is_rejected_without_eval() -> None:
    for expression in ("n/0", "__import__('os').system('x')", "(" * 300 + "n" + ")" * 300, "n" * 5000):
        data = f'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural={expression};\\n"\n'.encode()
        with pytest.raises(FormatError):
            po.parse(data, "en")


def test_unknown_charset_and_bad_bytes() -> None:
    with pytest.raises(FormatError):
        po.parse(b'msgid ""\nmsgstr "Content-Type: text/plain; charset=NOPE-9\\n"\n', "en")
    with pytest.raises(FormatError):
        po.parse(b'msgid "\xff\xfe\xfa"\nmsgstr ""\n', "en")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_raise_only_format_error(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        po.parse(data, "ru")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "\\",
                "\n",
                "#",
                "~",
                "|",
                ".",
                ",",
                ":",
                " ",
                "n",
                "msgid ",
                "msgstr ",
                "msgctxt ",
                "msgid_plural ",
                "msgstr[1] ",
                "msgstr[0] ",
                "x",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_po_shaped_garbage_raises_only_format_error(text: str) -> None:
    try:
        catalog = po.parse(text.encode(), "ru")
    except FormatError:
        return
    assert po.render(catalog) == text.encode()


# --- corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", corpus_params("po"))
def test_corpus_byte_identical_and_semantic(path: Path) -> None:
    data = path.read_bytes()
    language = language_of(path)
    catalog = po.parse(data, language)
    assert po.render(catalog) == data
    assert po.parse(po.render(catalog), language) == catalog
    canonical = po.parse(po.render(catalog.without_memo()), language)
    assert canonical == catalog


@pytest.mark.parametrize("path", corpus_params("po"))
def test_corpus_agrees_with_polib(path: Path) -> None:
    """polib is an independent reader: every msgid/msgctxt/msgstr/flag/reference must agree."""
    catalog = po.parse(path.read_bytes(), language_of(path))
    ours = {(e.context, e.key): e for e in catalog.entries}
    theirs = [e for e in polib.pofile(path.read_text("utf-8")) if not e.obsolete]
    assert len(theirs) == len(ours)
    for unit in theirs:
        entry = ours[(unit.msgctxt, unit.msgid)]
        assert entry.flags == unit.flags
        assert entry.references == [f"{f}:{n}" if n else f for f, n in unit.occurrences]
        if unit.msgid_plural:
            forms = [unit.msgstr_plural[i] for i in sorted(unit.msgstr_plural)]
            assert entry.source_plurals == {"one": unit.msgid, "other": unit.msgid_plural}
            kept = [*(entry.plurals or {}).values(), *entry.extra.get("unmapped_forms", {}).values()]
            assert sorted(kept) == (sorted(forms) if any(forms) else [])
        else:
            assert entry.value == (unit.msgstr or None)


@pytest.mark.parametrize(
    ("name", "language", "categories"),
    [
        ("django-debug-toolbar__ru_django.po", "ru", ("one", "few", "many", "other")),  # Transifex 4
        ("gnome-calculator__ru.po", "ru", ("one", "few", "many")),
        ("gnome-calculator__ar.po", "ar", ("zero", "one", "two", "few", "many", "other")),
        ("transmission__pl.po", "pl", ("one", "few", "many", "other")),  # nplurals=4
    ],
)
def test_corpus_plural_categories(name: str, language: str, categories: tuple[str, ...]) -> None:
    from tests.formats.corpus import CORPUS

    path = CORPUS / "po" / name
    if not path.exists():
        pytest.skip("corpus absent")
    found = {tuple(e.plurals) for e in po.parse(path.read_bytes(), language).entries if e.plurals}
    assert found == {categories}


# --- properties -----------------------------------------------------------------------------


def _normalized(catalog: Catalog) -> list[Entry]:
    """What canonical PO can carry: msgid is the key, "" is "no translation", no ru `other`."""
    forms = po.forms_for({}, catalog.language)
    out = []
    for entry in catalog.entries:
        entry = replace(entry, source=entry.key, value=entry.value or None)
        if entry.plurals is not None:
            plurals = {c: t for c, t in entry.plurals.items() if c in forms.index_to_category}
            entry = replace(
                entry,
                plurals=plurals if any(plurals.values()) else None,
                source_plurals={"one": entry.key, "other": entry.key},
            )
        out.append(entry)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(plurals=True, contexts=True, descriptions=True))
def test_property_round_trip(catalog: Catalog) -> None:
    parsed = po.parse(po.render(catalog), catalog.language)
    assert parsed.entries == _normalized(catalog)
    assert parsed.headers["Plural-Forms"] == gp.language_plural_forms(catalog.language)
    assert po.parse(po.render(parsed), catalog.language) == parsed
