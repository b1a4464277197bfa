"""getTranslations' formats: `json` (0) is the result array itself; the other eight are files
rendered by the same codecs as the main export, returned as text in `result`
(docs/compat.md, "getTranslations").

Only approved translations are exported (an approved translation is what goes into files, in
the vendor's model); untranslated strings are left out. Formats without a place for the
category (every one but `php-array`, nested by category, and `po` and `csv`, whose context is
the category path) refuse a selection where one `string_key` is in two categories, instead of
letting one silently win: pass `category_id` to export one category at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from entri.compat import numbering
from entri.compat import settings as compat_settings
from entri.compat.errors import CompatError
from entri.compat.models import CompatString
from entri.core.vocabularies import Status
from entri.formats import FormatError, get_format
from entri.formats.catalog import Catalog, Entry
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations.models import Translation

FORMATS = ("json", "xml-android", "ios-strings", "json-clean", "php-array", "arb", "csv", "po", "properties")
"""By number: the position (0-8), as on the vendor's page."""
CODECS = {
    "xml-android": "android-xml",
    "ios-strings": "ios-strings",
    "json-clean": "json-clean",
    "php-array": "php-array",
    "arb": "arb",
    "csv": "csv",
    "po": "po",
    "properties": "properties",
}
CATEGORY_AWARE = frozenset({"json", "php-array", "csv", "po"})


@dataclass(frozen=True, slots=True)
class Row:
    key_id: str
    name: str
    namespace: str
    context: str | None
    value: str
    number: int


def format_of(raw: Any) -> str:
    """A format by name or number; `json` when absent."""
    if raw is None or raw == "":
        return "json"
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    if text is not None and text.isdigit() and int(text) < len(FORMATS):
        return FORMATS[int(text)]
    if text is not None and text.lower() in FORMATS:
        return text.lower()
    listed = ", ".join(f"{name} ({i})" for i, name in enumerate(FORMATS))
    raise CompatError(f"format must be one of {listed}")


def approved_rows(
    session: Session, *, project: Project, language: str, namespaces: Sequence[str] | None, key_id: str | None
) -> list[Row]:
    query = (
        select(Key.id, Key.name, Key.namespace, Key.description, Translation.value, CompatString.number)
        .join(Translation, (Translation.key_id == Key.id) & (Translation.language == language))
        .join(CompatString, CompatString.key_id == Key.id)
        .where(Key.project_id == project.id, Translation.status == Status.APPROVED, Translation.value.is_not(None))
        .order_by(Key.namespace, Key.sort_name, Key.id)
    )
    if key_id is not None:
        query = query.where(Key.id == key_id)
    if namespaces is None:
        return [Row(r[0], r[1], r[2], r[3], r[4] or "", r[5]) for r in session.execute(query)]
    found: list[Row] = []
    wanted = list(namespaces)
    for start in range(0, len(wanted), 500):
        found += [
            Row(r[0], r[1], r[2], r[3], r[4] or "", r[5])
            for r in session.execute(query.where(Key.namespace.in_(wanted[start : start + 500])))
        ]
    found.sort(key=lambda r: (r.namespace, r.name[:128], r.key_id))
    return found


def render(
    session: Session,
    *,
    project: Project,
    language: str,
    format_id: str,
    rows: list[Row],
    categories: list[numbering.Category],
) -> Any:
    numbers = {c.namespace: c.number for c in categories}
    if format_id == "json":
        labels = compat_settings.labels(project.settings)
        tags = keys.tags_of(session, key_ids=[r.key_id for r in rows]) if labels else {}
        return [
            {
                "string_id": str(r.number),
                "string_key": r.name,
                "category_id": str(numbers.get(r.namespace, 0)),
                "translation": r.value,
                "string_context": r.context or "",
                "labels": [{"name": label.name, "value": label.value_in(tags.get(r.key_id, []))} for label in labels],
            }
            for r in rows
        ]
    if format_id not in CATEGORY_AWARE:
        _require_distinct(rows, numbers)
    entries = [_entry(format_id, r) for r in rows]
    catalog = Catalog(language=language, entries=entries, source_language=project.source_language)
    if format_id == "arb":
        catalog.headers["@@locale"] = language.replace("-", "_")
    try:
        return get_format(CODECS[format_id]).codec().render(catalog).decode("utf-8")
    except FormatError as exc:
        raise CompatError(f"format: cannot write these translations as {format_id}: {exc}") from None


def _entry(format_id: str, row: Row) -> Entry:
    if format_id == "php-array":
        path = [] if row.namespace == "" else numbering.path_of(row.namespace)
        return Entry(key=".".join([*path, row.name]), value=row.value, description=row.context)
    if format_id in ("po", "csv"):
        return Entry(key=row.name, value=row.value, context=row.namespace or None, description=row.context)
    return Entry(key=row.name, value=row.value, description=row.context)


def _require_distinct(rows: list[Row], numbers: dict[str, int]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        other = seen.setdefault(row.name, row.namespace)
        if other != row.namespace:
            raise CompatError(
                f"string_key '{row.name}' is in categories {numbers.get(other, 0)} and "
                f"{numbers.get(row.namespace, 0)}; this format has no place for categories: "
                "pass category_id to export one category at a time"
            )
