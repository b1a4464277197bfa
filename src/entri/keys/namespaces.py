"""Key counts and namespaces by key, for the progress figures (docs/analytics.md): what the
analytics and the translations' progress journals ask of this slice."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.keys.models import Key
from entri.projects.models import Project


def namespaces_of(session: Session, *, project_id: str, key_ids: Sequence[str]) -> dict[str, str]:
    """The namespace of each key, by id: one scan of the project's keys for big sets."""
    if len(key_ids) >= 20_000:
        wanted = set(key_ids)
        return {k: ns for k, ns in all_namespaces(session, project_id=project_id).items() if k in wanted}
    found: dict[str, str] = {}
    ids = list(key_ids)
    conn = session.connection()  # Core rows: this runs after every translation write
    for start in range(0, len(ids), 900):
        query = select(Key.id, Key.namespace).where(Key.id.in_(ids[start : start + 900]))
        found.update({k: ns for k, ns in conn.execute(query).all()})
    return found


def all_namespaces(session: Session, *, project_id: str) -> dict[str, str]:
    """The namespace of every key of a project, by id."""
    query = select(Key.id, Key.namespace).where(Key.project_id == project_id)
    return {k: ns for k, ns in session.connection().execute(query).all()}


_namespace_counts: OrderedDict[str, tuple[int, dict[str, int]]] = OrderedDict()
_namespace_counts_lock = threading.Lock()


def namespace_counts(session: Session, *, project: Project) -> dict[str, int]:
    """Keys per namespace. Counting 100k keys on the listing index costs 15-50 ms, so the
    counts are kept per project and `keys_revision` (bumped by every create, delete and
    rename), for the 256 projects asked last, as the listing keeps its page anchors."""
    with _namespace_counts_lock:
        cached = _namespace_counts.get(project.id)
        if cached is not None and cached[0] == project.keys_revision:
            _namespace_counts.move_to_end(project.id)
            return dict(cached[1])
    query = select(Key.namespace, func.count()).where(Key.project_id == project.id).group_by(Key.namespace)
    found = {ns: int(n) for ns, n in session.connection().execute(query).all()}
    with _namespace_counts_lock:
        _namespace_counts[project.id] = (project.keys_revision, found)
        while len(_namespace_counts) > 256:
            _namespace_counts.popitem(last=False)
    return dict(found)
