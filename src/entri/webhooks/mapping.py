"""Which delivery events a domain event becomes, and with what `data` (docs/webhooks.md,
"Events"). Pure functions: the subscriber (`subscriber.py`) does the reading and writing.

- `translation.updated`, `.overwritten`, `.reverted` with a non-empty new value →
  `translation.completed` `{keyId, key, namespace, language, value, status, source, projectId}`
  (`pluralForms` too for a plural key);
- `translation.status_changed` → the same name, with `previousStatus`;
- `key.created`, `key.deleted` → the same names, `{keyId, key, namespace, projectId}`;
- `import.completed`, `export.completed`, `ai.job.finished` → the same names, their data plus
  `projectId`.

A summary event (`count` > 1: the write path's one event per action and language for a write of
more than 100 values) becomes ONE delivery of the mapped name with the summary's counts and
`"bulk": true`, never one delivery per value ("Bulk writes do not flood receivers").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from entri.core.events import Event

VALUE_EVENTS = frozenset({"translation.updated", "translation.overwritten", "translation.reverted"})
STATUS_EVENT = "translation.status_changed"
KEY_EVENTS = frozenset({"key.created", "key.deleted"})
PASS_THROUGH = frozenset({"import.completed", "export.completed", "ai.job.finished"})
SOURCES = VALUE_EVENTS | KEY_EVENTS | PASS_THROUGH | {STATUS_EVENT}
"""Domain events that can become deliveries; anything else is not looked at."""
COMPLETION_SUMMARIES = frozenset({"import.completed", "ai.job.finished", "tm.filled"})
"""Summaries of bulk writers that publish no per-value events (they write with
`announce=False`): after one, a language may have become complete."""
LOOKED_AT = SOURCES | COMPLETION_SUMMARIES
"""Every domain event the subscriber reads; a publish of none of these costs nothing."""
COMPLETED = "translation.completed"
LANGUAGE_COMPLETED = "language.completed"
TRANSLATED = frozenset({"translated", "reviewed", "approved"})


def _has_value(data: Mapping[str, Any]) -> bool:
    return bool(data.get("value")) or bool(data.get("plurals"))


def delivery_name(event: Event) -> str | None:
    """The delivery event `event` becomes, or None."""
    if event.name in VALUE_EVENTS:
        return COMPLETED if event.count > 1 or _has_value(event.data) else None
    if event.name in SOURCES:
        return event.name
    return None


def is_bulk(event: Event) -> bool:
    """A summary standing for many values or keys (a pass-through summary such as
    `import.completed` also has a count, and is delivered as it is)."""
    return event.count > 1 and event.name not in PASS_THROUGH


def needs_key_name(event: Event) -> bool:
    """A per-value or per-key delivery names its key; the domain event may not carry it."""
    if is_bulk(event) or not (event.name in VALUE_EVENTS or event.name in KEY_EVENTS or event.name == STATUS_EVENT):
        return False
    return not isinstance(event.data.get("key"), str)


def key_id_of(event: Event) -> str | None:
    value = event.data.get("keyId", event.target_id)
    return value if isinstance(value, str) else None


def data_of(event: Event, names: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """The `data` of the delivery for `event`; `names` = key id → (name, namespace)."""
    data = event.data
    if is_bulk(event):
        return {**data, "projectId": event.project_id, "bulk": True}
    if event.name in PASS_THROUGH:
        return {**data, "projectId": event.project_id}
    key_id = key_id_of(event)
    name, namespace = names.get(key_id or "", (data.get("key"), data.get("namespace", "")))
    if event.name in KEY_EVENTS:
        return {"keyId": key_id, "key": name, "namespace": namespace, "projectId": event.project_id}
    out: dict[str, Any] = {
        "keyId": key_id,
        "key": name,
        "namespace": namespace,
        "language": data.get("language", event.language),
        "value": data.get("value"),
    }
    if data.get("plurals") is not None:
        out["pluralForms"] = data["plurals"]
    out["status"] = data.get("status")
    if event.name == STATUS_EVENT:
        out["previousStatus"] = data.get("previousStatus")
    out["source"] = data.get("source", event.source)
    out["projectId"] = event.project_id
    return out


def language_of(event: Event) -> str | None:
    value = event.language or event.data.get("language")
    return value if isinstance(value, str) else None


Effect = tuple[str, list[str] | None]


def completion_effects(event: Event) -> list[Effect]:
    """What `event` means for `language.completed`, as (kind, languages) pairs:

    - `("up", [language])`: a value moved into a translated status (so the language was below
      100 % just before): count it, and fire if it is complete now;
    - `("maybe", languages or None)`: a bulk writer's summary after which a language may be
      complete (None: every target language): fire only for a language not marked complete;
    - `("down", languages or None)`: a value left the translated statuses, or keys were added:
      the language is not complete any more, forget its mark.
    """
    if event.name in KEY_EVENTS:
        return [("down", None)] if event.name == "key.created" else []
    language = language_of(event)
    if event.name in COMPLETION_SUMMARIES:
        many = event.data.get("languages") or event.data.get("targetLanguages")
        languages = list(many) if isinstance(many, list) and all(isinstance(x, str) for x in many) else None
        if languages is None and language:
            languages = [language]
        created = event.data.get("created")
        # An import that created keys made every other language incomplete.
        down: list[Effect] = [("down", None)] if event.name == "import.completed" and created else []
        return [*down, ("maybe", languages)]
    if language is None or not (event.name in VALUE_EVENTS or event.name == STATUS_EVENT):
        return []
    if is_bulk(event):
        newly = event.data.get("newlyTranslated")
        if isinstance(newly, int):
            return [("up", [language])] if newly > 0 else []
        return [("maybe", [language])]
    now_translated = event.data.get("status") in TRANSLATED
    was_translated = event.data.get("previousStatus") in TRANSLATED
    if now_translated and not was_translated:
        return [("up", [language])]
    if was_translated and not now_translated:
        return [("down", [language])]
    return []
