"""What other slices do, in the same transaction, when keys are deleted or move to another
namespace: the progress counters of `translations.counts` are kept per namespace and count the
translations a key deletion takes with it (docs/analytics.md).

This slice imports none of them (they sit above it). They register here, and the modules named
in `HOOK_MODULES` are imported on first use, as `core.events` loads its subscribers, so the
hooks run in every process that deletes or moves keys, whatever it imported before.

Contract for callers (`keys.service`): the key rows are locked (`FOR UPDATE`) before a hook
runs, and a hook runs before the keys are deleted or their namespace is changed.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

HOOK_MODULES: tuple[str, ...] = ("entri.translations.counts",)


@dataclass(frozen=True, slots=True)
class Move:
    key_id: str
    old_namespace: str
    new_namespace: str


class Removing(Protocol):
    def __call__(self, session: Session, *, project_id: str, key_ids: Sequence[str]) -> None: ...


class Moving(Protocol):
    def __call__(self, session: Session, *, project_id: str, moves: Sequence[Move]) -> None: ...


_removing: list[Removing] = []
_moving: list[Moving] = []
_loaded = False


def on_removing(hook: Removing) -> None:
    if hook not in _removing:
        _removing.append(hook)


def on_moving(hook: Moving) -> None:
    if hook not in _moving:
        _moving.append(hook)


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in HOOK_MODULES:
            importlib.import_module(name)
        _loaded = True


def removing(session: Session, *, project_id: str, key_ids: Sequence[str]) -> None:
    """Keys `key_ids` (locked) are about to be deleted."""
    _load()
    for hook in tuple(_removing):
        hook(session, project_id=project_id, key_ids=key_ids)


def moving(session: Session, *, project_id: str, moves: Sequence[Move]) -> None:
    """Keys (locked) are about to change namespace."""
    _load()
    for hook in tuple(_moving):
        hook(session, project_id=project_id, moves=moves)
