"""The editor's view of a page of keys: what the templates show, read through the services.

Paging and filtering are `translations.listing.list_for_language` (the API's listing, cut from
the key index first, anchored on deep pages), on the first language shown; the other languages
and the source text are one `values_for` read each for the page's 50 keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from entri.formats.plurals import cldr_categories
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations import listing, quality
from entri.translations import service as translations
from entri.translations.models import Translation

PAGE_SIZE = 50


@dataclass(slots=True)
class Cell:
    """One key in one language, as the editor shows and edits it."""

    key_id: str
    language: str
    plural: bool
    key_name: str = ""
    value: str | None = None
    forms: dict[str, str] = field(default_factory=dict)
    status: str = "untranslated"
    version: int = 0
    checks: list[dict[str, str]] = field(default_factory=list)
    categories: tuple[str, ...] = ()

    @property
    def failing(self) -> bool:
        return bool(self.checks)

    @property
    def needs_work(self) -> bool:
        """Where "save and next" stops: untranslated or failing a check."""
        return self.status == "untranslated" or self.failing


@dataclass(slots=True)
class Row:
    key: Key
    source: Cell
    source_spans: list[tuple[int, int]]
    cells: list[Cell]


@dataclass(slots=True)
class Filters:
    search: str | None = None
    namespace: str | None = None
    status: str | None = None
    check: str | None = None

    def query(self) -> dict[str, str]:
        found = {"q": self.search, "ns": self.namespace, "status": self.status, "check": self.check}
        return {k: v for k, v in found.items() if v is not None and v != ""}


def cell_of(key: Key, language: str, row: Translation | None) -> Cell:
    cell = Cell(key_id=key.id, language=language, plural=key.is_plural, key_name=key.name)
    if key.is_plural:
        cell.categories = cldr_categories(language)
    if row is not None:
        cell.value = row.value
        cell.forms = dict(row.plural_forms or {})
        cell.status = row.status
        cell.version = row.version
        cell.checks = list(row.checks or [])
    return cell


def one_cell(session: Session, *, project: Project, key: Key, language: str) -> Cell:
    return cell_of(key, language, translations.current(session, key_id=key.id, language=language))


def page_of(
    session: Session, *, project: Project, languages: Sequence[str], filters: Filters, page: int
) -> tuple[list[Row], int]:
    """One page of rows (keys by `languages`) and the number of keys the filters keep."""
    rows, total = listing.list_for_language(
        session,
        project=project,
        language=languages[0],
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        status=filters.status or None,
        check=filters.check or None,
        namespace=filters.namespace,
        search=filters.search or None,
    )
    key_ids = [r[0] for r in rows]
    found = keys.keys_by_id(session, project_id=project.id, key_ids=key_ids)
    values: dict[str, dict[str, Translation]] = {
        lang: translations.values_for(session, key_ids=key_ids, language=lang)
        for lang in dict.fromkeys([project.source_language, *languages])
    }
    out: list[Row] = []
    for key_id in key_ids:
        key = found.get(key_id)
        if key is None:  # deleted between the two reads
            continue
        source = cell_of(key, project.source_language, values[project.source_language].get(key_id))
        text = source.value or source.forms.get("other") or ""
        out.append(
            Row(
                key=key,
                source=source,
                source_spans=quality.placeholder_spans(project, key.origin_format, text),
                cells=[cell_of(key, lang, values[lang].get(key_id)) for lang in languages],
            )
        )
    return out, total


def source_text(cell: Cell) -> str:
    return cell.value or cell.forms.get("other") or ""


def history_items(session: Session, *, key_id: str, language: str) -> list[dict[str, Any]]:
    return [
        {
            "id": h.id,
            "version": h.version,
            "action": h.action,
            "value": h.new_value if h.new_plural_forms is None else h.new_plural_forms.get("other"),
            "status": h.new_status,
            "by": h.changed_by_name,
            "at": h.created_at,
        }
        for h in translations.history(session, key_id=key_id, language=language)
    ]
