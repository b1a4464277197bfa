"""Glossary files: CSV and TBX-Basic, read into `TermInput`s and written from stored terms
(decisions.md 8; docs/glossary.md, "Formats").

Readers raise `BadRequest` listing every problem they find (with its line or entry); they never
skip a row they cannot read. The service then validates the terms themselves, all or nothing.
TBX goes through the shared safe XML parser (`formats/xml_safe.py`): no entity expansion, no
DTD, no network.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from entri.core.errors import MAX_PROBLEMS, BadRequest
from entri.core.languages import InvalidLanguage, normalize_language
from entri.formats.catalog import FormatError
from entri.formats.xml_safe import Node, escape_attr, escape_text, parse, text_value
from entri.glossary.models import Glossary, GlossaryTerm
from entri.glossary.service import visible_translations
from entri.glossary.validation import TermInput

FIXED_COLUMNS = ("term", "description", "partOfSpeech", "caseSensitive", "doNotTranslate", "forbidden")
_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})
Items = list[tuple[str, TermInput]]


def _flag(value: str, column: str, where: str, problems: list[str]) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered not in _FALSE:
        problems.append(f"{where}: {column} must be true or false, not '{value}'")
    return False


# --- CSV ----------------------------------------------------------------------------------


def read_csv(content: str) -> Items:
    """Rows of `term,description,partOfSpeech,caseSensitive,doNotTranslate,forbidden,<lang>…`
    after a header row (column names case-insensitive; only `term` is required; empty cells
    are absent values; blank lines are skipped)."""
    reader = csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise BadRequest("CSV: the file is empty; it needs a header row (term,description,…,<language>…)")
        columns, problems = _header(header)
        items: Items = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {reader.line_num}"
            if len(row) > len(columns):
                problems.append(f"{where}: {len(row)} cells, but the header has {len(columns)} columns")
                continue
            cells = dict(zip(columns, row, strict=False))
            case_sensitive, do_not_translate, forbidden = (
                _flag(cells.get(c, ""), c, where, problems) for c in FIXED_COLUMNS[3:]
            )
            item = TermInput(
                term=cells.get("term", ""),
                description=cells.get("description") or None,
                part_of_speech=cells.get("partOfSpeech") or None,
                case_sensitive=case_sensitive,
                do_not_translate=do_not_translate,
                forbidden=forbidden,
                translations={c: v for c, v in cells.items() if c not in FIXED_COLUMNS and v.strip()},
            )
            items.append((where, item))
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        raise BadRequest(f"CSV: line {reader.line_num}: {exc}") from None
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])
    return items


def _header(header: Sequence[str]) -> tuple[list[str], list[str]]:
    known = {c.lower(): c for c in FIXED_COLUMNS}
    columns: list[str] = []
    problems: list[str] = []
    for raw in header:
        name = raw.strip()
        column = known.get(name.lower())
        if column is None:
            try:
                column = normalize_language(name)
            except InvalidLanguage:
                problems.append(
                    f"CSV header: '{name}' is neither a column ({', '.join(FIXED_COLUMNS)}) nor a language code"
                )
                column = name
        if column in columns:
            problems.append(f"CSV header: column '{name}' appears twice")
        columns.append(column)
    if "term" not in columns:
        problems.append("CSV header: the 'term' column is missing")
    if problems:
        raise BadRequest(problems)
    return columns, problems


def write_csv(glossary: Glossary, terms: Sequence[GlossaryTerm]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    languages = list(glossary.target_languages)
    writer.writerow([*FIXED_COLUMNS, *languages])
    for t in terms:
        shown = visible_translations(t.translations, languages)
        flags = ["true" if f else "false" for f in (t.case_sensitive, t.do_not_translate, t.forbidden)]
        writer.writerow(
            [t.term, t.description or "", t.part_of_speech or "", *flags, *(shown.get(lang, "") for lang in languages)]
        )
    return out.getvalue()


# --- TBX-Basic ----------------------------------------------------------------------------

ENTRIES = ("termEntry", "conceptEntry")
LANGUAGE_SECTIONS = ("langSec", "langSet")
TERM_SECTIONS = ("termSec", "tig", "ntig")
FORBIDDEN_STATUSES = frozenset({"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"})


def _children(node: Node, names: Sequence[str]) -> list[Node]:
    return [c for c in node.children if c.local in names]


def _typed(node: Node, element: str, kind: str) -> Node | None:
    """The first `<element type="kind">` anywhere under `node`."""
    return next((n for n in node.iter() if n.local == element and n.attrs.get("type") == kind), None)


def read_tbx(content: str, source_language: str, targets: Sequence[str] = ()) -> Items:
    """TBX-Basic entries (`termEntry`/`conceptEntry` → `langSec`/`langSet` with `xml:lang` →
    `termSec`/`tig` → `term`). Each term of the source language becomes a term; the other
    languages give its translations, one term each. A regional variant of the source language
    that is not a target (`en-US` in an `en` glossary) counts as the source language."""
    try:
        document = parse(content.encode("utf-8"))
    except FormatError as exc:
        raise BadRequest(f"TBX: {exc}") from None
    items: Items = []
    problems: list[str] = []
    entries = [n for n in document.root.iter() if n.local in ENTRIES]
    if not entries:
        problems.append("TBX: no termEntry (or conceptEntry) element found")
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}" + (f" (id '{entry.attrs['id']}')" if "id" in entry.attrs else "")
        sources: list[Node] = []
        translations: dict[str, str] = {}
        for section in _children(entry, LANGUAGE_SECTIONS):
            raw = section.attrs.get("xml:lang") or section.attrs.get("lang") or ""
            try:
                language = normalize_language(raw)
            except InvalidLanguage as exc:
                problems.append(f"{where}: langSec xml:lang {exc}")
                continue
            terms = [t for s in _children(section, TERM_SECTIONS) for t in s.children if t.local == "term"]
            if language == source_language or (
                language.split("-")[0] == source_language.split("-")[0] and language not in targets
            ):
                sources += [s for s in _children(section, TERM_SECTIONS) if s.first("term") is not None]
            elif len(terms) > 1:
                problems.append(
                    f"{where}: {len(terms)} terms in '{language}'; a glossary term keeps one translation per language"
                )
            elif terms:
                if language in translations:
                    problems.append(f"{where}: two language sections for '{language}'")
                translations[language] = text_value(document, terms[0])
        if not sources:
            problems.append(f"{where}: no term in the glossary's source language '{source_language}'")
        definition = _typed(entry, "descrip", "definition")
        for term_section in sources:
            term = term_section.first("term")
            assert term is not None
            part = _typed(term_section, "termNote", "partOfSpeech")
            status = _typed(term_section, "termNote", "administrativeStatus")
            case_note, keep_note = (_typed(term_section, "termNote", k) for k in ("caseSensitive", "doNotTranslate"))
            item = TermInput(
                term=text_value(document, term),
                description=text_value(document, definition) if definition is not None else None,
                part_of_speech=text_value(document, part) if part is not None else None,
                case_sensitive=case_note is not None
                and _flag(text_value(document, case_note), "caseSensitive", where, problems),
                do_not_translate=keep_note is not None
                and _flag(text_value(document, keep_note), "doNotTranslate", where, problems),
                forbidden=status is not None and text_value(document, status).strip() in FORBIDDEN_STATUSES,
                translations=translations,
            )
            items.append((where, item))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise BadRequest(problems[:MAX_PROBLEMS])
    return items


def write_tbx(glossary: Glossary, terms: Sequence[GlossaryTerm]) -> str:
    """TBX-Basic, one `termEntry` per term: the source term carries part of speech, the
    administrative status (`deprecatedTerm-admn-sts` for forbidden terms) and, when true,
    Entri's `caseSensitive` and `doNotTranslate` term notes."""
    source = glossary.source_language
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<tbx type="TBX-Basic" style="dca" xml:lang="{escape_attr(source)}" xmlns="urn:iso:std:iso:30042:ed-2">',
        "  <tbxHeader>",
        f"    <fileDesc><sourceDesc><p>{escape_text(glossary.name)}</p></sourceDesc></fileDesc>",
        "  </tbxHeader>",
        "  <text>",
        "    <body>",
    ]
    for t in terms:
        status = "deprecatedTerm-admn-sts" if t.forbidden else "preferredTerm-admn-sts"
        lines.append(f'      <termEntry id="{escape_attr(t.id)}">')
        if t.description:
            lines.append(f'        <descrip type="definition">{escape_text(t.description)}</descrip>')
        notes = [f'<termNote type="administrativeStatus">{status}</termNote>']
        if t.part_of_speech:
            notes.insert(0, f'<termNote type="partOfSpeech">{escape_text(t.part_of_speech)}</termNote>')
        notes += [
            f'<termNote type="{name}">true</termNote>'
            for name, on in (("caseSensitive", t.case_sensitive), ("doNotTranslate", t.do_not_translate))
            if on
        ]
        lines.append(f'        <langSec xml:lang="{escape_attr(source)}">')
        lines.append(f"          <termSec><term>{escape_text(t.term)}</term>{''.join(notes)}</termSec>")
        lines.append("        </langSec>")
        for language, text in visible_translations(t.translations, glossary.target_languages).items():
            note = '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>' if t.forbidden else ""
            lines.append(f'        <langSec xml:lang="{escape_attr(language)}">')
            lines.append(f"          <termSec><term>{escape_text(text)}</term>{note}</termSec>")
            lines.append("        </langSec>")
        lines.append("      </termEntry>")
    lines += ["    </body>", "  </text>", "</tbx>", ""]
    return "\n".join(lines)
