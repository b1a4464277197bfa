"""The events glossary changes publish (core/events.py; names and data in docs/activity.md).

Glossaries belong to the organization, so their events have no project. A term event names
its glossary too, so a reader of the trail knows where the term lives without a lookup.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from entri.core.actor import Actor
from entri.core.events import Event, publish
from entri.core.principal import Principal
from entri.glossary.models import Glossary, GlossaryTerm


def glossary_event(
    session: Session, principal: Principal, name: str, glossary: Glossary, data: dict[str, Any] | None = None
) -> None:
    """`glossary.created|updated|deleted|imported` in the caller's transaction."""
    extra = data or {}
    publish(
        session,
        [
            Event(
                name=name,
                organization_id=glossary.organization_id,
                actor=Actor.of(principal),
                target_type="glossary",
                target_id=glossary.id,
                data={"glossaryId": glossary.id, "name": glossary.name, **extra},
                count=int(extra.get("count", 1)),
            )
        ],
    )


def term_event(session: Session, principal: Principal, name: str, term: GlossaryTerm, glossary: Glossary) -> None:
    """`glossary.term_created|term_updated|term_deleted` in the caller's transaction."""
    publish(
        session,
        [
            Event(
                name=name,
                organization_id=glossary.organization_id,
                actor=Actor.of(principal),
                target_type="glossary_term",
                target_id=term.id,
                data={
                    "termId": term.id,
                    "term": term.term,
                    "partOfSpeech": term.part_of_speech,
                    "glossaryId": glossary.id,
                    "glossaryName": glossary.name,
                },
            )
        ],
    )
