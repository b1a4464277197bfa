"""What an import does key by key: the reviewed values an overwrite leaves alone
(`protectReviewed`), and the per-key report of a dry run (`dryRun`).

A dry run is the real import, rolled back (writer.py): keys are created, values go through the
write path with its checks and status rules, and then nothing is committed. The report is read
off what the write path did, so it is exactly what the same import would do for real, given the
same data (docs/import-export.md, "Dry run").

Per key of the file, one item at most:
- `created`: the key is new (with its value, if the file gives one);
- `added`: the key existed without a value in this language;
- `updated`: its value or status changes (old -> new);
- `conflict`: a reviewed or approved value that differs from the file's, kept because the
  import protects reviewed values;
- `skipped`: a value that differs from the file's, kept because the import does not overwrite.
Keys whose value equals the file's, and entries without a value, are counted, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from entri.core.vocabularies import REVIEW_STATUSES
from entri.formats.catalog import Entry
from entri.keys.service import KeyRef
from entri.translations import listing
from entri.translations.changes import Change
from entri.translations.listing import StoredState
from entri.translations.service import Write

Ident = tuple[str, str]
Text = str | dict[str, str] | None


def _text(value: str | None, forms: dict[str, str] | None) -> Text:
    return forms if forms is not None else value


def _file_text(entry: Entry, is_plural: bool) -> Text:
    """The entry's value as the write path stores it (a plural key holds forms)."""
    if entry.plurals is not None:
        return entry.plurals
    if is_plural and entry.value is not None:
        return {"other": entry.value}
    return entry.value


def _write_text(write: Write) -> Text:
    if write.plurals is not None:
        return write.plurals
    if write.key.is_plural and write.value is not None:
        return {"other": write.value}
    return write.value


def _stored_text(state: StoredState) -> Text:
    return _text(state.value, state.plural_forms)


def _same(a: Text, b: Text) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return dict(a) == dict(b)
    return a == b


@dataclass
class Report:
    """The dry run's items, by key identity, in file order (a key met twice keeps its first
    place and its latest value)."""

    items: dict[Ident, dict[str, Any]] = field(default_factory=dict)

    def put(self, ident: Ident, action: str, *, old: Text = None, new: Text = None, **extra: Any) -> None:
        item = self.items.get(ident)
        if item is not None and item["action"] in ("created", "added"):
            item["new"] = new  # a later occurrence in the same file: the last value wins
            return
        self.items[ident] = {
            "key": ident[1],
            "namespace": ident[0],
            "action": action,
            "old": old,
            "new": new,
            "oldStatus": None,
            "newStatus": None,
            **extra,
        }

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.items.values())


@dataclass
class ChunkPlan:
    """One chunk's stored values (read only when needed) and the conflicts found in it."""

    states: dict[str, StoredState]
    conflicts: dict[str, Write] = field(default_factory=dict)
    """key id -> the write left out because it would replace a reviewed value."""


def read_states(session: Session, *, language: str, refs: list[KeyRef], fresh: set[str]) -> dict[str, StoredState]:
    """Stored values of the chunk's keys that existed before this import."""
    key_ids = sorted({ref.id for ref in refs if ref.id not in fresh})
    return listing.states(session, language=language, key_ids=key_ids) if key_ids else {}


def protect_reviewed(writes: list[Write], *, language: str, plan: ChunkPlan) -> list[Write]:
    """`writes` without those replacing a reviewed or approved value of `language`. One that
    would change the value is a conflict; one bringing the same value is dropped quietly, so a
    re-pushed file does not reset reviews (a file that says nothing of status would turn
    `approved` back into `translated`)."""
    kept: list[Write] = []
    for write in writes:
        state = plan.states.get(write.key.id) if write.language == language else None
        if state is None or state.status not in REVIEW_STATUSES:
            kept.append(write)
            continue
        plan.conflicts.pop(write.key.id, None)
        if not _same(_write_text(write), _stored_text(state)):
            plan.conflicts[write.key.id] = write
    return kept


def report_chunk(
    report: Report,
    *,
    chunk: list[tuple[Entry, Ident]],
    refs: dict[Ident, KeyRef],
    fresh: set[str],
    changes: list[Change],
    plan: ChunkPlan,
) -> None:
    """Add the chunk's keys to `report` from what the write path did (`changes`, this
    language's only) and what was stored before (`plan`)."""
    changed = {c.key_id: c for c in changes}
    latest: dict[Ident, Entry] = {}
    for entry, ident in chunk:
        latest[ident] = entry
    for ident, entry in latest.items():
        ref = refs[ident]
        change = changed.get(ref.id)
        state = plan.states.get(ref.id)
        if change is not None:
            new = _text(change.new_value, change.new_plurals)
            if ref.id in fresh:
                report.put(ident, "created", new=new, newStatus=change.new_status)
            elif change.old_status is None:
                report.put(ident, "added", new=new, newStatus=change.new_status)
            else:
                old = _text(change.old_value, change.old_plurals)
                report.put(ident, "updated", old=old, new=new, oldStatus=change.old_status, newStatus=change.new_status)
        elif ref.id in fresh:
            report.put(ident, "created")
        elif ref.id in plan.conflicts and state is not None:
            new = _file_text(entry, ref.is_plural)
            report.put(ident, "conflict", old=_stored_text(state), new=new, oldStatus=state.status)
        elif state is not None and (entry.value is not None or entry.plurals is not None):
            new = _file_text(entry, ref.is_plural)
            if not _same(new, _stored_text(state)):
                report.put(ident, "skipped", old=_stored_text(state), new=new, oldStatus=state.status)
