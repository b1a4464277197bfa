"""Numbers for categories and strings (docs/compat.md, "One model").

A category is a namespace: its path of names joined with `/` (`Website/Header/Menu`); the
default namespace `""` is the root category `(default)`. A namespace whose parts are not all
non-empty (`/a`, `a//b`) is one root category named by the whole namespace. Every key has a
number (`string_id`) unique in its project, kept for as long as the key lives and never given
to another key afterwards (`compat_counters` keeps the highest number given).

Keys and namespaces made through the main API, an import or the CLI get their numbers the first
time the method-style API needs them (`sync`): numbers follow the listing order. Whether that is
needed is one read: every creation, deletion, rename or move of keys moves the project's
`keys_revision`, and `compat_counters.synced_revision` records the revision the last sync (or
compat write) left fully numbered. `sync` runs in a write transaction holding the project lock
(`keys.lock_for_keys`), like everything here that gives out numbers, so two writers never give
out the same one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from entri.compat.errors import CompatError
from entri.compat.models import CompatCategory, CompatCounter, CompatString
from entri.core.bulk import copy_rows, table_of
from entri.core.clock import utcnow
from entri.keys.models import Key
from entri.projects.models import Project

DEFAULT_CATEGORY = "(default)"
SEPARATOR = "/"
MAX_NUMBER = 2**31 - 1
"""The largest id a client may choose (`string_id`): a signed 32-bit integer, which every
client language holds."""


@dataclass(frozen=True, slots=True)
class Category:
    number: int
    parent: int
    name: str
    namespace: str
    description: str


def path_of(namespace: str) -> list[str]:
    """The category names from the root down to the one of `namespace`."""
    if namespace == "":
        return [DEFAULT_CATEGORY]
    parts = namespace.split(SEPARATOR)
    return parts if all(parts) else [namespace]


def categories(session: Session, *, project_id: str) -> list[Category]:
    query = select(
        CompatCategory.number,
        CompatCategory.parent_number,
        CompatCategory.name,
        CompatCategory.namespace,
        CompatCategory.description,
    ).where(CompatCategory.project_id == project_id)
    return [Category(*row) for row in session.execute(query.order_by(CompatCategory.number))]


def category(session: Session, *, project_id: str, number: int) -> Category:
    row = session.get(CompatCategory, (project_id, number))
    if row is None:
        raise CompatError(f"category_id: category {number} not found")
    return Category(row.number, row.parent_number, row.name, row.namespace, row.description)


def namespaces_under(all_categories: Iterable[Category], top: Category) -> list[str]:
    """The namespaces of `top` and every category below it."""
    children: dict[int, list[Category]] = {}
    for c in all_categories:
        children.setdefault(c.parent, []).append(c)
    found, todo = [], [top]
    while todo:
        current = todo.pop()
        found.append(current.namespace)
        todo += children.get(current.number, [])
    return found


def _counter(session: Session, project_id: str) -> CompatCounter:
    row = session.get(CompatCounter, project_id)
    if row is None:
        top_strings = session.scalar(select(func.max(CompatString.number)).where(CompatString.project_id == project_id))
        top_categories = session.scalar(
            select(func.max(CompatCategory.number)).where(CompatCategory.project_id == project_id)
        )
        row = CompatCounter(project_id=project_id, strings=int(top_strings or 0), categories=int(top_categories or 0))
        session.add(row)
        session.flush()
    return row


def next_category(session: Session, *, project_id: str) -> int:
    """The next category number, never one given before (the caller holds the project lock)."""
    counter = _counter(session, project_id)
    counter.categories += 1
    session.flush()
    return counter.categories


def take_strings(session: Session, *, project_id: str, count: int = 1) -> int:
    """The first of `count` new string numbers, never ones given before (project lock held)."""
    counter = _counter(session, project_id)
    first = counter.strings + 1
    counter.strings += count
    session.flush()
    return first


def chosen_string(session: Session, *, project_id: str, number: int) -> None:
    """A client chose `number`: later numbers follow it."""
    counter = _counter(session, project_id)
    counter.strings = max(counter.strings, number)
    session.flush()


def add_category(
    session: Session, *, project_id: str, parent: int, name: str, namespace: str, description: str = ""
) -> int:
    number = next_category(session, project_id=project_id)
    session.add(
        CompatCategory(
            project_id=project_id,
            number=number,
            parent_number=parent,
            name=name,
            namespace=namespace,
            description=description,
            created_at=utcnow(),
        )
    )
    session.flush()
    return number


def ensure_namespace(session: Session, *, project_id: str, namespace: str, known: dict[str, int]) -> int:
    """The number of `namespace`'s category, creating it and its parents as needed (`known`:
    namespace -> number, updated)."""
    if namespace in known:
        return known[namespace]
    names = path_of(namespace)
    parent = 0
    for depth in range(1, len(names) + 1):
        prefix = namespace if len(names) == 1 else SEPARATOR.join(names[:depth])
        if prefix not in known:
            known[prefix] = add_category(
                session, project_id=project_id, parent=parent, name=names[depth - 1], namespace=prefix
            )
        parent = known[prefix]
    return parent


def needs_sync(session: Session, *, project: Project) -> bool:
    """Whether some key or namespace may lack a number: keys were created, deleted, renamed or
    moved (`projects.keys_revision` moved) since the last `sync`. One primary-key read."""
    counter = session.get(CompatCounter, project.id)
    return counter is None or counter.synced_revision != project.keys_revision


def mark_synced(session: Session, *, project_id: str) -> None:
    """Every key and namespace has its number now (a sync, or a compat write that kept it so,
    under the project lock): record the project's current key revision."""
    revision = session.scalar(select(Project.keys_revision).where(Project.id == project_id))
    _counter(session, project_id).synced_revision = revision
    session.flush()


def sync(session: Session, *, project: Project) -> None:
    """Give every namespace a category and every key a number (caller holds the project lock)."""
    known = {
        ns: number
        for ns, number in session.execute(
            select(CompatCategory.namespace, CompatCategory.number).where(CompatCategory.project_id == project.id)
        )
    }
    used = session.scalars(select(Key.namespace).where(Key.project_id == project.id).distinct())
    for namespace in sorted(set(used) - set(known)):
        ensure_namespace(session, project_id=project.id, namespace=namespace, known=known)
    unnumbered = session.scalars(
        select(Key.id)
        .where(Key.project_id == project.id)
        .where(~Key.id.in_(select(CompatString.key_id).where(CompatString.project_id == project.id)))
        .order_by(Key.namespace, Key.sort_name, Key.id)
    ).all()
    if unnumbered:
        start = take_strings(session, project_id=project.id, count=len(unnumbered))
        rows = ((project.id, start + i, key_id) for i, key_id in enumerate(unnumbered))
        copy_rows(session, table_of(CompatString.__table__), ("project_id", "number", "key_id"), rows)
    mark_synced(session, project_id=project.id)


def number_key(session: Session, *, project_id: str, key_id: str, number: int | None = None) -> int:
    """Give a new key its number: `number` if the client chose one (free, checked by the
    caller), else the next never given."""
    if number is None:
        chosen = take_strings(session, project_id=project_id)
    else:
        chosen = number
        chosen_string(session, project_id=project_id, number=number)
    session.add(CompatString(project_id=project_id, number=chosen, key_id=key_id))
    session.flush()
    return chosen


def string_taken(session: Session, *, project_id: str, number: int) -> bool:
    return session.get(CompatString, (project_id, number)) is not None


def key_of(session: Session, *, project_id: str, number: int) -> Key:
    key_id = session.scalar(
        select(CompatString.key_id).where(CompatString.project_id == project_id, CompatString.number == number)
    )
    key = session.get(Key, key_id) if key_id is not None else None
    if key is None:
        raise CompatError(f"string_id: string {number} not found")
    return key


def numbers_of(session: Session, *, key_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(key_ids), 500):
        query = select(CompatString.key_id, CompatString.number).where(
            CompatString.key_id.in_(key_ids[start : start + 500])
        )
        found.update({key_id: int(number) for key_id, number in session.execute(query)})
    return found


def direct_counts(session: Session, *, project_id: str) -> dict[str, int]:
    """Keys per namespace."""
    query = select(Key.namespace, func.count()).where(Key.project_id == project_id).group_by(Key.namespace)
    return {namespace: int(n) for namespace, n in session.execute(query)}


def category_numbers(session: Session, *, project_id: str, namespaces: Iterable[str]) -> dict[str, int]:
    """`{namespace: category number}` for those of `namespaces` that have a category."""
    wanted = sorted(set(namespaces))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        query = select(CompatCategory.namespace, CompatCategory.number).where(
            CompatCategory.project_id == project_id, CompatCategory.namespace.in_(wanted[start : start + 500])
        )
        found.update({namespace: int(number) for namespace, number in session.execute(query)})
    return found
