"""Keys together with their texts: create a key with its source value, list keys with theirs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.db import refresh_statistics_after, retry_transient
from entri.core.pagination import PageParams
from entri.core.principal import Principal
from entri.core.vocabularies import Action, Source
from entri.keys import service as keys
from entri.keys.models import Key
from entri.projects.models import Project
from entri.translations import listing
from entri.translations import service as translations
from entri.translations.models import Translation

TABLES = ("keys", "translations")


@dataclass
class NewKey:
    """A key to create and, optionally, its text in the project's source language."""

    fields: keys.KeyFields
    source_value: str | None = None
    source_plurals: dict[str, str] | None = None


@retry_transient
def create_keys(session: Session, *, principal: Principal, project: Project, items: Sequence[NewKey]) -> list[Key]:
    """All or nothing: keys, tags and source values in one transaction."""
    for item in items:
        item.fields.is_plural = item.fields.is_plural or item.source_plurals is not None
    refs = keys.create(session, principal=principal, project=project, items=[i.fields for i in items])
    writes = [
        translations.Write(
            key=ref,
            language=project.source_language,
            value=item.source_value,
            plurals=item.source_plurals,
            source=Source.HUMAN,
        )
        for ref, item in zip(refs, items, strict=True)
        if item.source_value is not None or item.source_plurals is not None
    ]
    if writes:
        translations.write(session, project=project, writes=writes, actor=Actor.of(principal), action=Action.UPDATE)
    session.commit()
    refresh_statistics_after(session, rows=len(refs), tables=TABLES)
    return keys.loaded(session, refs)


def sources(session: Session, *, project: Project, key_list: Sequence[Key]) -> dict[str, Translation]:
    """Each key's source-language translation, by key id (the keys' `sourceValue`)."""
    return translations.values_for(session, key_ids=[k.id for k in key_list], language=project.source_language)


def list_keys(
    session: Session, *, project: Project, filters: keys.KeyFilters, params: PageParams
) -> tuple[list[Key], int]:
    """Keys with the filters that look at translations: `search` also matches translated text,
    `untranslated` keeps keys without a value in that language."""
    return keys.list_keys(
        session,
        project=project,
        filters=filters,
        params=params,
        value_matches=(
            listing.key_ids_matching(project_id=project.id, text=keys.like_pattern(filters.search))
            if filters.search
            else None
        ),
        translated=(
            listing.translated_key_ids(project_id=project.id, language=filters.untranslated)
            if filters.untranslated
            else None
        ),
    )
