"""Store and fetch the original bytes of imported files (see models.FileTemplate)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from entri.core.clock import utcnow
from entri.files.models import FileTemplate


def save_template(
    session: Session, *, project_id: str, language: str, namespace: str, format_id: str, data: bytes
) -> None:
    row = session.get(FileTemplate, (project_id, language, namespace, format_id))
    if row is None:
        session.add(
            FileTemplate(project_id=project_id, language=language, namespace=namespace, format=format_id, content=data)
        )
    else:
        row.content, row.updated_at = data, utcnow()


def load_template(session: Session, *, project_id: str, language: str, namespace: str, format_id: str) -> bytes | None:
    row = session.get(FileTemplate, (project_id, language, namespace, format_id))
    return row.content if row is not None else None
