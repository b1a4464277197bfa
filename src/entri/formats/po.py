"""gettext PO codec (format id `po`).

Mapping (docs/api-decisions.md "PO", docs/formats/gettext.md): key = msgid, context = msgctxt, source = msgid
(plural: source_plurals one/other = msgid/msgid_plural), `#.` description, `# ` translator
comment, `#:` references, `#,` flags. An empty msgstr is "no translation" (value None), because
PO keeps untranslated units with empty targets. `fuzzy` keeps its value but sets state
`untranslated`, matching gettext's runtime (msgfmt does not compile fuzzy entries); rendering
an entry whose state is `untranslated` and that has text writes `#, fuzzy` back.

Byte-identical re-export: the memo keeps every entry's exact text plus all layout (header
comments, obsolete `#~` entries, blank lines); render writes unchanged entries verbatim and
re-writes only entries whose meaning changed, in msgcat's canonical layout.
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from dataclasses import dataclass, field

from entri.formats import gettext_plurals as gp
from entri.formats.catalog import Catalog, Entry, FormatError
from entri.formats.gettext_po import RawEntry, comment_lines, po_string, reference_lines, split
from entri.formats.text import Decoded, decode

_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]{1,40})")
_DONE_STATES = ("translated", "reviewed", "approved")
Identity = tuple[str | None, str]


@dataclass
class _Unit:
    identity: Identity
    text: str
    snapshot: Entry


@dataclass
class PoMemo:
    decoded: Decoded
    segments: list[str | _Unit]
    header_text: str | None
    header_comments: str
    headers: dict[str, str]
    language: str
    previous: dict[Identity, list[str]] = field(default_factory=dict)


def _decode(data: bytes) -> Decoded:
    match = _CHARSET.search(data[:65536])
    charset = match.group(1).decode("ascii") if match else "utf-8"
    if charset.upper() == "CHARSET":
        charset = "utf-8"
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        raise FormatError(f"Unknown charset '{charset}' in Content-Type header") from None
    return decode(data, default=charset)


def header_fields(msgstr: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in msgstr.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers[name.strip()] = value.strip()
    return headers


def snapshot_entry(entry: Entry) -> Entry:
    copy = entry.bare()
    copy.references = list(entry.references)
    copy.flags = list(entry.flags)
    copy.plurals = dict(entry.plurals) if entry.plurals is not None else None
    copy.source_plurals = dict(entry.source_plurals) if entry.source_plurals is not None else None
    return copy


def forms_for(headers: dict[str, str], language: str) -> gp.PluralForms:
    """The file's own plural rule when it has a usable one, else the language's (babel)."""
    header = headers.get("Plural-Forms")
    if header is None or gp.is_template(header):
        header = gp.language_plural_forms(language)
    return gp.plural_forms(header, language)


def to_entry(raw: RawEntry, headers: dict[str, str], language: str, template: bool) -> Entry:
    """Map one decoded PO message onto the shared model (also used by the mo codec)."""
    msgid = raw.msgid or ""
    entry = Entry(key=msgid, context=raw.msgctxt, source=msgid)
    if raw.extracted:
        entry.description = "\n".join(raw.extracted)
    if raw.translator:
        entry.translator_comment = "\n".join(raw.translator)
    entry.references = raw.references
    entry.flags = raw.flags
    if "fuzzy" in raw.flags:
        entry.state = "untranslated"
    if raw.msgid_plural is not None:
        entry.source_plurals = {"one": msgid, "other": raw.msgid_plural}
        count = max(raw.msgstr_plural) + 1
        forms = [raw.msgstr_plural.get(i, "") for i in range(count)]
        if any(forms) and not template:
            plurals, leftover = gp.forms_to_plurals(forms, forms_for(headers, language))
            entry.plurals = plurals
            if leftover:
                entry.extra["unmapped_forms"] = leftover
    elif raw.msgstr and not template:
        entry.value = raw.msgstr
    if raw.previous:
        entry.extra["previous"] = raw.previous
    return entry


def parse_text(data: bytes, language: str, *, template: bool) -> Catalog:
    decoded = _decode(data)
    segments = split(decoded.text)
    catalog = Catalog(language=language)
    memo = PoMemo(decoded, [], None, "", {}, language)
    seen: set[Identity] = set()
    extra_forms = 0
    for segment in segments:
        if isinstance(segment, str):
            memo.segments.append(segment)
            continue
        if segment.msgid == "" and segment.msgctxt is None and memo.header_text is None and not seen:
            catalog.headers = header_fields(segment.msgstr or "")
            memo.header_text = segment.text
            memo.header_comments = segment.text[: segment.text.find("msgid")] if segment.text else ""
            memo.headers = dict(catalog.headers)
            plural = catalog.headers.get("Plural-Forms")
            if plural is not None and not gp.is_template(plural):
                try:
                    gp.plural_forms(plural, language)
                except FormatError as exc:
                    raise FormatError(exc.message, line=segment.line) from None
            memo.segments.append(_Unit((None, ""), segment.text, Entry(key="")))
            continue
        identity = (segment.msgctxt, segment.msgid or "")
        if identity in seen:
            raise FormatError(f"Duplicate message definition {segment.msgid!r}", line=segment.line)
        seen.add(identity)
        try:
            entry = to_entry(segment, catalog.headers, language, template)
        except FormatError as exc:
            raise FormatError(exc.message, line=exc.line or segment.line) from None
        catalog.entries.append(entry)
        if "unmapped_forms" in entry.extra:
            extra_forms += 1
        memo.segments.append(_Unit(identity, segment.text, snapshot_entry(entry)))
        if segment.previous:
            memo.previous[identity] = segment.previous
    if extra_forms:
        catalog.warnings.append(
            f"{extra_forms} message(s) have more msgstr[n] forms than the Plural-Forms header allows: "
            "the extra forms are kept in the file but not imported"
        )
    catalog.memo = memo
    return catalog


def parse(data: bytes, language: str) -> Catalog:
    return parse_text(data, language, template=False)


def _same_language(a: str, b: str) -> bool:
    return a.replace("_", "-").lower() == b.replace("_", "-").lower()


def canonical_headers(catalog: Catalog, *, template: bool) -> dict[str, str]:
    """Headers as exported: the catalog's own, plus what the PO mapping requires (docs/api-decisions.md, "PO")."""
    headers = dict(catalog.headers)
    if not template and not _same_language(headers.get("Language", ""), catalog.language):
        headers["Language"] = catalog.language.replace("-", "_")
    headers.setdefault("MIME-Version", "1.0")
    if "charset=utf-8" not in headers.get("Content-Type", "").lower():
        headers["Content-Type"] = "text/plain; charset=UTF-8"
    headers.setdefault("Content-Transfer-Encoding", "8bit")
    plural = headers.get("Plural-Forms")
    if not template and (plural is None or gp.is_template(plural)):
        headers["Plural-Forms"] = gp.language_plural_forms(catalog.language)
    return headers


def header_block(headers: dict[str, str], comments: str, *, template: bool) -> str:
    body = "".join(f"{name}: {value}\n" for name, value in headers.items())
    fuzzy = "#, fuzzy\n" if template and "#, fuzzy" not in comments else ""
    return comments + fuzzy + 'msgid ""\n' + po_string("msgstr", body, wrap=False)


def _flags(entry: Entry) -> list[str]:
    """The `#,` flags as written: `fuzzy` follows `state` when the state says something."""
    flags = list(entry.flags)
    has_text = entry.value is not None or bool(entry.plurals)
    if entry.state == "untranslated" and has_text and "fuzzy" not in flags:
        flags.insert(0, "fuzzy")
    elif entry.state in _DONE_STATES and "fuzzy" in flags:
        flags.remove("fuzzy")
    return flags


def _is_plural(entry: Entry) -> bool:
    return entry.plurals is not None or entry.source_plurals is not None


def _plural_source(entry: Entry) -> str:
    return (entry.source_plurals or {}).get("other", entry.key)


def _msgstrs(entry: Entry, forms: gp.PluralForms | None, *, template: bool, warn: bool = True) -> list[str]:
    """The msgstr texts as written (`msgstr[i]` in index order for a plural entry)."""
    if not _is_plural(entry):
        return ["" if template or entry.value is None else entry.value]
    if template or forms is None:
        return ["", ""]
    if not warn:
        return gp.forms_texts(entry.plurals, forms)
    return gp.plurals_to_forms(entry.plurals, forms, f"entry {entry.key!r}")


Signature = tuple[object, ...]


def signature(entry: Entry, forms: gp.PluralForms | None, *, template: bool) -> Signature:
    """Everything `render_entry` writes for an entry, as data.

    Two entries with the same signature render to the same PO text up to layout, so the memo
    may write the original text. Fields PO cannot carry (namespace, `source` of a singular
    entry, `value` of a plural one, reviewed vs translated) do not count, and plural forms
    compare by gettext index, so dict order and forms no index can carry do not either.
    """
    plural = _plural_source(entry) if _is_plural(entry) else None
    texts = _msgstrs(entry, forms, template=template, warn=False)
    return (
        entry.translator_comment,
        entry.description,
        tuple(entry.references),
        tuple(_flags(entry)),
        entry.context,
        entry.key,
        plural,
        tuple(texts),
    )


def render_entry(entry: Entry, forms: gp.PluralForms | None, previous: list[str], *, template: bool) -> str:
    if entry.key == "" and entry.context is None:
        raise FormatError("An entry with an empty key and no context would be read as the PO header")
    out: list[str] = []
    if entry.translator_comment is not None:
        out.append(comment_lines("#", entry.translator_comment))
    if entry.description is not None:
        out.append(comment_lines("#.", entry.description))
    if entry.references:
        out.append(reference_lines(entry.references))
    flags = _flags(entry)
    if flags:
        out.append("#, " + ", ".join(flags) + "\n")
    if "fuzzy" in flags:
        out.extend(previous)
    wrap = "no-wrap" not in flags
    if entry.context is not None:
        out.append(po_string("msgctxt", entry.context, wrap=wrap))
    out.append(po_string("msgid", entry.key, wrap=wrap))
    texts = _msgstrs(entry, forms, template=template)
    if _is_plural(entry):
        out.append(po_string("msgid_plural", _plural_source(entry), wrap=wrap))
        out.extend(po_string(f"msgstr[{i}]", text, wrap=wrap) for i, text in enumerate(texts))
    else:
        out.append(po_string("msgstr", texts[0], wrap=wrap))
    return "".join(out)


def _forms(headers: dict[str, str], language: str, template: bool) -> gp.PluralForms | None:
    return None if template else forms_for(headers, language)


def _canonical(catalog: Catalog, template: bool) -> str:
    headers = canonical_headers(catalog, template=template)
    forms = _forms(headers, catalog.language, template)
    parts = [header_block(headers, "", template=template)]
    for entry in catalog.entries:
        previous = entry.extra.get("previous", [])
        parts.append("\n" + render_entry(entry, forms, previous, template=template))
    return "".join(parts)


def _patched(catalog: Catalog, memo: PoMemo, template: bool) -> str:
    pending: dict[Identity, deque[Entry]] = {}
    for entry in catalog.entries:
        pending.setdefault((entry.context, entry.key), deque()).append(entry)
    headers_changed = catalog.headers != memo.headers
    headers = canonical_headers(catalog, template=template) if headers_changed else catalog.headers
    forms = _forms(headers, catalog.language, template)
    # Snapshots read their plural forms with the rule the file had when parsed.
    parsed_forms = _forms(memo.headers, memo.language, template) if headers_changed else forms
    out: list[str] = []
    insert_at = 0
    drop_blank = False
    for segment in memo.segments:
        if isinstance(segment, str):
            if not (drop_blank and not segment.strip()):
                out.append(segment)
            drop_blank = False
            continue
        if segment.identity == (None, "") and segment.snapshot.key == "":
            if headers_changed:
                out.append(header_block(headers, memo.header_comments, template=template))
            else:
                out.append(segment.text)
            insert_at = len(out)
            continue
        queue = pending.get(segment.identity)
        if not queue:
            drop_blank = True
            continue
        entry = queue.popleft()
        if entry == segment.snapshot or signature(entry, forms, template=template) == signature(
            segment.snapshot, parsed_forms, template=template
        ):
            out.append(segment.text)
        else:
            previous = memo.previous.get(segment.identity, [])
            out.append(render_entry(entry, forms, previous, template=template))
        insert_at = len(out)
    added = [e for queue in pending.values() for e in queue]
    if added:
        order = {id(e): i for i, e in enumerate(catalog.entries)}
        added.sort(key=lambda e: order[id(e)])
        if out[:insert_at] and not out[insert_at - 1].endswith("\n"):
            out[insert_at - 1] += "\n"
        new = "".join("\n" + render_entry(e, forms, [], template=template) for e in added)
        out.insert(insert_at, new)
    if memo.header_text is None and headers_changed:
        out.insert(0, header_block(headers, "", template=template) + "\n")
    return "".join(out)


def render_text(catalog: Catalog, *, template: bool) -> bytes:
    memo = catalog.memo
    if isinstance(memo, PoMemo) and memo.language == catalog.language:
        text = _patched(catalog, memo, template)
        try:
            return memo.decoded.encode(text)
        except UnicodeEncodeError as exc:
            raise FormatError(f"Text not representable in the file's charset: {exc.reason}") from None
    return _canonical(catalog, template).encode("utf-8")


def render(catalog: Catalog) -> bytes:
    return render_text(catalog, template=False)
