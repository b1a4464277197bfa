"""The last imported file per (project, language, namespace, format).

Export uses it as the layout to patch values into, so a file that went in comes back with
its comments, order, indentation and untranslatable parts intact (see docs/import-export.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from entri.core.clock import utcnow
from entri.core.db import Base
from entri.core.types import UTCDateTime


class FileTemplate(Base):
    __tablename__ = "file_templates"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(35), primary_key=True)
    namespace: Mapped[str] = mapped_column(String(255), primary_key=True)
    format: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
