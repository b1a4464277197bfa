"""Reading a language model's reply: JSON `{"translations": [{"id", "text" | "forms",
"confidence"?, "alternatives"?}]}`, possibly wrapped in a Markdown fence or prose.

Models drop, repeat and invent ids (weblate #17825: 10 strings in, 9 out). Every asked id is
accounted for: answered once, or listed in `problems` (missing, repeated, malformed) so the
caller retries it singly. Ids nobody asked for are ignored and reported.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from entri.ai.types import Reply, Translated, Usage

MAX_ALTERNATIVES = 3


def parse(raw: str, asked: Sequence[str], *, model: str, usage: Usage) -> Reply:
    """The reply to a request for the ids `asked`."""
    reply = Reply(model=model, usage=usage)
    data = _json_object(raw)
    entries = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        reply.problems = {i: "the reply held no translations list" for i in asked}
        return reply
    wanted = set(asked)
    seen: dict[str, int] = {}
    for entry in entries:
        if isinstance(entry, dict) and str(entry.get("id")) in wanted:
            seen[str(entry["id"])] = seen.get(str(entry["id"]), 0) + 1
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        item_id = str(entry.get("id"))
        if item_id not in wanted or seen.get(item_id, 0) > 1:
            continue
        translated = _translated(entry)
        if translated is None:
            reply.problems[item_id] = "the reply's entry for this string is malformed"
        else:
            reply.texts[item_id] = translated
    for item_id in asked:
        if seen.get(item_id, 0) > 1:
            reply.problems[item_id] = "the reply answered this string more than once"
        elif item_id not in reply.texts and item_id not in reply.problems:
            reply.problems[item_id] = "the reply left this string out"
    return reply


def _json_object(raw: str) -> Any:
    text = raw.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    try:
        return json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except ValueError:
                return None
    return None


def _confidence(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, min(100, round(value)))


def _translated(entry: dict[str, Any]) -> Translated | None:
    text, forms = entry.get("text"), entry.get("forms")
    if forms is not None:
        if (
            not isinstance(forms, dict)
            or not forms
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in forms.items())
        ):
            return None
        forms = dict(forms)
        text = forms.get("other", next(iter(forms.values())))
    elif not isinstance(text, str):
        return None
    alternatives: list[tuple[str, int | None]] = []
    for alt in entry.get("alternatives") or []:
        if isinstance(alt, dict) and isinstance(alt.get("text"), str):
            alternatives.append((alt["text"], _confidence(alt.get("confidence"))))
        elif isinstance(alt, str):
            alternatives.append((alt, None))
    return Translated(text, forms, _confidence(entry.get("confidence")), tuple(alternatives[:MAX_ALTERNATIVES]))
