"""The method-style API's reading methods: languages, categories, labels, translations.

Like the file export (`files/exports.py`), these read keys and translations together in one
query each: a compat read is "every string with its approved text", which spans both slices.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.compat import exporting, languages, numbering
from entri.compat import settings as compat_settings
from entri.compat.params import Params
from entri.compat.tokens import Grant
from entri.core.vocabularies import Status
from entri.projects.models import Project
from entri.translations.models import Translation


def approved_counts(session: Session, *, project_id: str) -> dict[str, int]:
    query = (
        select(Translation.language, func.count())
        .where(Translation.project_id == project_id, Translation.status == Status.APPROVED)
        .group_by(Translation.language)
    )
    return {language: int(n) for language, n in session.execute(query)}


def get_languages(session: Session, project: Project, grant: Grant, params: Params) -> list[dict[str, str]]:
    """Source first, then targets. "Translated" means approved: what getTranslations exports."""
    counts = approved_counts(session, project_id=project.id)
    total = project.key_count
    found = []
    for entry in languages.for_project(project.languages):
        done = counts.get(entry.code, 0)
        found.append(
            {
                "id": str(entry.id),
                "name": entry.name,
                "localized_name": entry.localized_name,
                "code": entry.code,
                "translated_percent": str(math.floor(100 * done / total) if total else 0),
                "translated_strings": str(done),
                "emoji": entry.emoji,
            }
        )
    return found


def get_categories(session: Session, project: Project, grant: Grant, params: Params) -> dict[str, dict[str, str]]:
    """Keyed by id; `strings` counts the strings directly in each category."""
    counts = numbering.direct_counts(session, project_id=project.id)
    return {
        str(c.number): {
            "id": str(c.number),
            "parent_id": str(c.parent),
            "name": c.name,
            "description": c.description,
            "strings": str(counts.get(c.namespace, 0)),
        }
        for c in numbering.categories(session, project_id=project.id)
    }


def get_labels(session: Session, project: Project, grant: Grant, params: Params) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for label in compat_settings.labels(project.settings):
        item: dict[str, Any] = {"label_name": label.name, "label_id": label.id, "type": label.type}
        if label.type == "select":
            item["options"] = [{"option_name": o.name, "option_value": o.value} for o in label.options]
        if label.default is not None:
            item["default_value"] = label.default
        elif label.type == "checkbox":
            item["default_value"] = 0
        found.append(item)
    return found


def get_translations(session: Session, project: Project, grant: Grant, params: Params) -> Any:
    language = languages.resolve(project.languages, params.values.get("translation_language"), "translation_language")
    format_id = exporting.format_of(params.values.get("format"))
    category_number = params.integer("category_id", maximum=numbering.MAX_NUMBER)
    string_number = params.integer("string_id", minimum=1, maximum=numbering.MAX_NUMBER)
    every = numbering.categories(session, project_id=project.id)
    namespaces = None
    if category_number:
        top = numbering.category(session, project_id=project.id, number=category_number)
        namespaces = numbering.namespaces_under(every, top)
    key_id = numbering.key_of(session, project_id=project.id, number=string_number).id if string_number else None
    rows = exporting.approved_rows(session, project=project, language=language, namespaces=namespaces, key_id=key_id)
    return exporting.render(
        session, project=project, language=language, format_id=format_id, rows=rows, categories=every
    )
