"""Compiled gettext MO codec (format id `mo`, binary; the API transports it as base64).

An MO file holds values only: comments, references, flags, obsolete and fuzzy entries are gone
(msgfmt does not compile fuzzy or untranslated entries), so an import yields keys (msgid),
contexts, values and plural forms, in the file's sorted order.

Both directions are written here rather than with polib: the reader must check every offset
against the file size before slicing (polib seeks and reads whatever a hostile header says),
and polib's writer drops an empty msgctxt and concatenates bytes quadratically. The output is
what msgfmt writes (little-endian, revision 0, no hash table, originals sorted by bytes), which
stdlib `gettext.GNUTranslations` and GNU libintl read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from entri.formats import gettext_plurals as gp
from entri.formats.catalog import Catalog, Entry, FormatError
from entri.formats.gettext_po import RawEntry
from entri.formats.po import canonical_headers, forms_for, header_fields, snapshot_entry, to_entry

MAGIC_LE = b"\xde\x12\x04\x95"
MAGIC_BE = b"\x95\x04\x12\xde"
HEADER_SIZE = 28
MAX_ENTRIES = 1_000_000
_DONE_STATES = ("translated", "reviewed", "approved")


@dataclass
class MoMemo:
    data: bytes
    snapshot: Catalog


def _table(data: bytes, order: str, offset: int, count: int, name: str) -> list[tuple[int, int]]:
    if offset + 8 * count > len(data):
        raise FormatError(f"MO {name} table (offset {offset}, {count} entries) exceeds the file")
    values = struct.unpack_from(f"{order}{2 * count}I", data, offset)
    pairs = list(zip(values[0::2], values[1::2], strict=True))
    for index, (length, start) in enumerate(pairs):
        if start + length > len(data):
            raise FormatError(f"MO {name} string {index} (offset {start}, length {length}) exceeds the file")
    return pairs


def _strings(data: bytes) -> list[tuple[bytes, bytes]]:
    if len(data) < HEADER_SIZE:
        raise FormatError("Not an MO file: shorter than the 28-byte header")
    magic = data[:4]
    if magic == MAGIC_LE:
        order = "<"
    elif magic == MAGIC_BE:
        order = ">"
    else:
        raise FormatError("Not an MO file: bad magic number")
    revision, count, originals, translations, _hsize, _hoffset = struct.unpack_from(f"{order}6I", data, 4)
    if revision >> 16 not in (0, 1):
        raise FormatError(f"Unsupported MO major revision {revision >> 16}")
    if count > MAX_ENTRIES:
        raise FormatError(f"MO file declares {count} strings; the limit is {MAX_ENTRIES}")
    ids = _table(data, order, originals, count, "original")
    strs = _table(data, order, translations, count, "translation")
    return [(data[o : o + n], data[t : t + m]) for (n, o), (m, t) in zip(ids, strs, strict=True)]


def _charset(pairs: list[tuple[bytes, bytes]]) -> str:
    for msgid, msgstr in pairs:
        if msgid == b"":
            for line in msgstr.split(b"\n"):
                if line.lower().startswith(b"content-type:") and b"charset=" in line:
                    name = line.split(b"charset=", 1)[1].strip().decode("ascii", "replace")
                    return "utf-8" if name.upper() == "CHARSET" else name
    return "utf-8"


def parse(data: bytes, language: str) -> Catalog:
    pairs = _strings(data)
    charset = _charset(pairs)
    try:
        decoded = [(i.decode(charset), s.decode(charset)) for i, s in pairs]
    except (LookupError, UnicodeDecodeError) as exc:
        raise FormatError(f"MO strings are not valid {charset}: {exc}") from None
    catalog = Catalog(language=language)
    for msgid, msgstr in decoded:
        if msgid == "":
            catalog.headers = header_fields(msgstr)
            header = catalog.headers.get("Plural-Forms")
            if header is not None and not gp.is_template(header):
                gp.plural_forms(header, language)
    for msgid, msgstr in decoded:
        if msgid == "":
            continue
        raw = RawEntry(line=0, text="")
        if "\x04" in msgid:
            raw.msgctxt, msgid = msgid.split("\x04", 1)
        if "\x00" in msgid:
            msgid, raw.msgid_plural = msgid.split("\x00", 1)
            raw.msgstr_plural = dict(enumerate(msgstr.split("\x00")))
        else:
            raw.msgstr = msgstr
        raw.msgid = msgid
        catalog.entries.append(to_entry(raw, catalog.headers, language, template=False))
    entries = [snapshot_entry(e) for e in catalog.entries]
    catalog.memo = MoMemo(data, Catalog(catalog.language, entries, None, dict(catalog.headers)))
    return catalog


def _check(text: str, what: str, forbidden: str) -> str:
    for char in forbidden:
        if char in text:
            raise FormatError(f"{what} {text[:40]!r} contains {char!r}, which MO uses as a separator")
    return text


def _compiled(entry: Entry, forms: gp.PluralForms) -> tuple[str, str] | None:
    """(original, translation) as msgfmt stores them, or None when msgfmt would skip it."""
    fuzzy = entry.state == "untranslated" or ("fuzzy" in entry.flags and entry.state not in _DONE_STATES)
    if fuzzy:
        return None
    original = _check(entry.key, "Key", "\x00\x04")
    if entry.context is not None:
        original = _check(entry.context, "Context", "\x00\x04") + "\x04" + original
    if entry.plurals is not None or entry.source_plurals is not None:
        texts = gp.plurals_to_forms(entry.plurals, forms, f"entry {entry.key!r}")
        if not any(texts):
            return None
        plural_source = (entry.source_plurals or {}).get("other", entry.key)
        return original + "\x00" + plural_source, "\x00".join(texts)
    if not entry.value:
        return None
    return original, _check(entry.value, "Value", "\x00")


def _compile_all(entries: list[Entry], forms: gp.PluralForms) -> dict[bytes, bytes]:
    compiled: dict[bytes, bytes] = {}
    for entry in entries:
        pair = _compiled(entry, forms)
        if pair is not None:
            compiled[pair[0].encode("utf-8")] = pair[1].encode("utf-8")
    return compiled


def render(catalog: Catalog) -> bytes:
    memo = catalog.memo
    if isinstance(memo, MoMemo) and memo.snapshot == catalog:
        return memo.data
    headers = canonical_headers(catalog, template=False)
    forms = forms_for(headers, catalog.language)
    compiled = _compile_all(catalog.entries, forms)
    if (
        isinstance(memo, MoMemo)
        and (memo.snapshot.language, memo.snapshot.headers) == (catalog.language, catalog.headers)
        and _compile_all(memo.snapshot.entries, forms) == compiled
    ):
        # Same strings compiled (entry order, plural dict order, a plural entry's `value`,
        # `source` never reach an MO): the original bytes, hash table and all.
        return memo.data
    compiled[b""] = "".join(f"{k}: {v}\n" for k, v in headers.items()).encode("utf-8")
    keys = sorted(compiled)
    count = len(keys)
    originals = HEADER_SIZE
    translations = originals + 8 * count
    cursor = translations + 8 * count
    table_ids: list[int] = []
    table_strs: list[int] = []
    blobs: list[bytes] = []
    for key in keys:
        table_ids += [len(key), cursor]
        blobs.append(key + b"\x00")
        cursor += len(key) + 1
    for key in keys:
        value = compiled[key]
        table_strs += [len(value), cursor]
        blobs.append(value + b"\x00")
        cursor += len(value) + 1
    head = struct.pack("<4s6I", MAGIC_LE, 0, count, originals, translations, 0, translations + 8 * count)
    tables = struct.pack(f"<{4 * count}I", *table_ids, *table_strs)
    return head + tables + b"".join(blobs)
