"""MO codec: compiled from the PO corpus with polib, checked against stdlib gettext; hostile input."""

from __future__ import annotations

import contextlib
import gettext
import io
import struct
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entri.formats import gettext_plurals as gp
from entri.formats import mo, po
from entri.formats.catalog import Catalog, Entry, FormatError
from tests.formats.corpus import corpus_params, language_of
from tests.formats.strategies import catalogs


def fixture() -> Catalog:
    return Catalog(
        "ru",
        [
            Entry(key="Hello, %(name)s!", value="Привет, %(name)s!"),
            Entry(key="Open", context="menu", value="Открыть"),
            Entry(
                key="%d file",
                plurals={"one": "%d файл", "few": "%d файла", "many": "%d файлов"},
                source_plurals={"one": "%d file", "other": "%d files"},
            ),
            Entry(key="Draft", value="Черновик", state="untranslated"),  # fuzzy: not compiled
            Entry(key="Empty", value=""),  # gettext treats "" as missing
        ],
        headers={"Language": "ru"},
    )


def test_fixture_matches_polib_bytes_and_stdlib_reads_it() -> None:
    data = mo.render(fixture())
    pofile = polib.POFile()
    pofile.metadata = {
        "Language": "ru",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": gp.language_plural_forms("ru"),  # what the codec writes for a file without one
    }
    pofile.append(polib.POEntry(msgid="Hello, %(name)s!", msgstr="Привет, %(name)s!"))
    pofile.append(polib.POEntry(msgctxt="menu", msgid="Open", msgstr="Открыть"))
    pofile.append(
        polib.POEntry(
            msgid="%d file", msgid_plural="%d files", msgstr_plural={0: "%d файл", 1: "%d файла", 2: "%d файлов"}
        )
    )
    assert data == pofile.to_binary()
    reader = gettext.GNUTranslations(io.BytesIO(data))
    assert reader.gettext("Hello, %(name)s!") == "Привет, %(name)s!"
    assert reader.pgettext("menu", "Open") == "Открыть"
    assert [reader.ngettext("%d file", "%d files", n) for n in (1, 3, 5, 21)] == [
        "%d файл",
        "%d файла",
        "%d файлов",
        "%d файл",
    ]
    assert reader.gettext("Draft") == "Draft"
    parsed = mo.parse(data, "ru")
    assert [(e.key, e.context, e.value, e.plurals) for e in parsed.entries] == [
        ("%d file", None, None, {"one": "%d файл", "few": "%d файла", "many": "%d файлов"}),
        ("Hello, %(name)s!", None, "Привет, %(name)s!", None),
        ("Open", "menu", "Открыть", None),
    ]
    assert mo.render(parsed) == data


def _big_endian(data: bytes) -> bytes:
    """Re-encode a little-endian MO as big-endian (what a PowerPC msgfmt wrote)."""
    _, rev, n, orig, trans, hsize, hoff = struct.unpack_from("<4s6I", data)
    tables = struct.unpack_from(f"<{4 * n}I", data, orig)
    head = struct.pack(">I6I", 0x950412DE, rev, n, orig, trans, hsize, hoff)
    return head + struct.pack(f">{4 * n}I", *tables) + data[orig + 16 * n :]


def test_big_endian_is_read() -> None:
    data = mo.render(fixture())
    assert mo.parse(_big_endian(data), "ru").entries == mo.parse(data, "ru").entries


@pytest.mark.parametrize("path", corpus_params("po"))
def test_corpus_compiled_with_polib(path: Path) -> None:
    language = language_of(path)
    source = polib.pofile(path.read_text("utf-8"))
    data = source.to_binary()
    catalog = mo.parse(data, language)
    assert mo.render(catalog) == data
    # Same values as the PO codec reads for every compiled (translated, non-fuzzy) entry.
    from_po = {(e.context, e.key): e for e in po.parse(path.read_bytes(), language).entries}
    for entry in catalog.entries:
        original = from_po[(entry.context, entry.key)]
        assert (entry.value, entry.plurals) == (original.value, original.plurals)
    assert len(catalog.entries) == len(source.translated_entries())
    # Canonical export reads the same through stdlib gettext and back through the codec.
    out = mo.render(catalog.without_memo())
    assert mo.parse(out, language).entries == catalog.entries
    before, after = (gettext.GNUTranslations(io.BytesIO(b)) for b in (data, out))
    for unit in source.translated_entries():
        for n in (0, 1, 2, 5, 11, 21, 101):
            if unit.msgid_plural:
                args = (unit.msgid, unit.msgid_plural, n)
                if unit.msgctxt:
                    assert before.npgettext(unit.msgctxt, *args) == after.npgettext(unit.msgctxt, *args)
                else:
                    assert before.ngettext(*args) == after.ngettext(*args)
            elif unit.msgctxt:
                assert before.pgettext(unit.msgctxt, unit.msgid) == after.pgettext(unit.msgctxt, unit.msgid)
            else:
                assert before.gettext(unit.msgid) == after.gettext(unit.msgid)


def _valid() -> bytes:
    return mo.render(fixture())


@pytest.mark.parametrize("size", [0, 3, 4, 27, 28, 40, 60, 100])
def test_truncated_files(size: int) -> None:
    with pytest.raises(FormatError):
        mo.parse(_valid()[:size], "ru")


def test_every_truncation_is_a_format_error_or_a_catalog() -> None:
    data = _valid()
    for size in range(len(data)):
        with contextlib.suppress(FormatError):
            mo.parse(data[:size], "ru")


@pytest.mark.parametrize(
    ("offset", "value"),
    [(8, 0xFFFFFFFF), (8, 1_000_000), (12, 0xFFFFFFF0), (16, 0xFFFFFFF0), (28, 0xFFFFFF), (32, 0xFFFFFFF0)],
    ids=["huge-n", "big-n", "orig-table", "trans-table", "string-length", "string-offset"],
)
def test_lying_header_and_tables(offset: int, value: int) -> None:
    data = bytearray(_valid())
    struct.pack_into("<I", data, offset, value)
    with pytest.raises(FormatError):
        mo.parse(bytes(data), "ru")


def test_bad_magic_and_revision() -> None:
    with pytest.raises(FormatError):
        mo.parse(b"\x00" * 64, "ru")
    data = bytearray(_valid())
    struct.pack_into("<I", data, 4, 7 << 16)
    with pytest.raises(FormatError):
        mo.parse(bytes(data), "ru")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_garbage_raises_only_format_error(tail: bytes, big: bool) -> None:
    magic = mo.MAGIC_BE if big else mo.MAGIC_LE
    for data in (tail, magic + tail):
        with contextlib.suppress(FormatError):
            mo.parse(data, "ru")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(plurals=True, contexts=True))
def test_property_round_trip(catalog: Catalog) -> None:
    """MO keeps non-empty values, contexts and plural forms, sorted by original bytes."""
    forms = po.forms_for({}, catalog.language)
    expected = []
    for entry in catalog.entries:
        if entry.plurals is not None:
            plurals = {c: t for c, t in entry.plurals.items() if c in forms.index_to_category}
            if not any(plurals.values()):
                continue
            entry = replace(entry, plurals=plurals, source_plurals={"one": entry.key, "other": entry.key})
        elif not entry.value:
            continue
        expected.append(replace(entry, source=entry.key))
    expected.sort(key=lambda e: (("" if e.context is None else e.context + "\x04") + e.key).encode())
    parsed = mo.parse(mo.render(catalog), catalog.language)
    assert parsed.entries == expected
