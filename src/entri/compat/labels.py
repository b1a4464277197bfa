"""`labels` of `createString` in every shape clients send, resolved to key tags.

Accepted (docs/compat.md, "Labels"):
- a form map, `labels[<label_id>]=<value>` (also as query parameters or multipart fields);
- a JSON list, `labels=[{"label_id": "…", "label_value": "1"}]` (a JSON string in a form or
  query, or a real list in a JSON body); PHP's `http_build_query` of that list,
  `labels[0][label_id]=…&labels[0][label_value]=…`, is read the same way;
- a JSON map, `labels={"<label_id>": "<value>"}` (likewise).

Labels not given take their default; a checkbox that is on and a select or input with a value
become key tags (`settings.Label.tag_for`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from entri.compat.errors import CompatError
from entri.compat.settings import Label
from entri.core.text import storable

_FORM_MAP = re.compile(r"^labels\[([^\[\]]*)\]$")
_FORM_LIST = re.compile(r"^labels\[(\d{1,4})\]\[(label_id|label_value)\]$")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
SHAPES = 'a list of {"label_id", "label_value"} objects or an object {label_id: value}'


def _shown(label_id: object) -> str:
    text = str(label_id)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """label id -> raw value, from whichever shapes the request used (later shapes win)."""
    found: dict[str, Any] = {}
    raw = values.get("labels")
    if isinstance(raw, str) and raw.strip():
        try:
            raw = json.loads(raw)
        except ValueError:
            raise CompatError(f"labels must be JSON: {SHAPES}") from None
    if isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict) or "label_id" not in item or "label_value" not in item:
                raise CompatError(f"labels: each item must be an object with label_id and label_value ({SHAPES})")
            found[str(item["label_id"])] = item["label_value"]
    elif isinstance(raw, dict):
        found.update({str(k): v for k, v in raw.items()})
    elif raw not in (None, ""):
        raise CompatError(f"labels must be {SHAPES}")
    listed: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if (item := _FORM_LIST.match(name)) is not None:
            listed.setdefault(item.group(1), {})[item.group(2)] = value
        elif (pair := _FORM_MAP.match(name)) is not None:
            found[pair.group(1)] = value
    for index, item in sorted(listed.items(), key=lambda kv: int(kv[0])):
        if set(item) != {"label_id", "label_value"}:
            raise CompatError(f"labels[{index}] needs both label_id and label_value")
        found[str(item["label_id"])] = item["label_value"]
    return found


def _checkbox(label: Label, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return 1 if value.strip().lower() in ("1", "true") else 0
    raise CompatError(f"labels: label {label.name!r} is a checkbox; its value must be 0 or 1")


def _text(label: Label, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise CompatError(f"labels: the value of label {label.name!r} must be a string")
    text = str(value)
    if label.type == "select":
        options = [o.value for o in label.options]
        if text not in options and text != "":
            raise CompatError(
                f"labels: {_shown(text)} is not an option of label {label.name!r} (options: {', '.join(options)})"
            )
    elif len(text) > label.max_value or _CONTROL.search(text) or not storable(text):
        raise CompatError(
            f"labels: the value of label {label.name!r} must be at most {label.max_value} characters "
            "without control characters"
        )
    return text


def tags(labels: list[Label], values: Mapping[str, Any]) -> list[str]:
    """The key tags for a new string: given values, else defaults."""
    chosen = given(values)
    by_id = {label.id: label for label in labels}
    unknown = [label_id for label_id in chosen if label_id not in by_id]
    if unknown:
        raise CompatError(f"labels: unknown label_id {_shown(unknown[0])} (getLabels lists the project's labels)")
    found: list[str] = []
    for label in labels:
        value = chosen.get(label.id, label.default)
        if value is None:
            continue
        resolved: str | int = _checkbox(label, value) if label.type == "checkbox" else _text(label, value)
        tag = label.tag_for(resolved)
        if tag is not None:
            found.append(tag)
    return found
