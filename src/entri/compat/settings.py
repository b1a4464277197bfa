"""The project setting `compat` (docs/compat.md, "Project settings"): the method-style API's
switches for its dangerous methods, the project's labels and its webhook URL. Pure: the
projects service validates a settings PATCH with `problems` (and the webhook URL's addresses
with the webhook SSRF guard), the API reads with `switch_on`, `labels` and `webhook_url`.

```json
{"compat": {
  "allowDeleteString": true,
  "webhookUrl": "https://example.com/l10n/webhook",
  "labels": [
    {"name": "Platform", "type": "select", "default": "ios",
     "options": [{"name": "iOS", "value": "ios"}, {"name": "Android", "value": "android"}]},
    {"name": "Reviewed by legal", "type": "checkbox", "default": 0},
    {"name": "Screen", "type": "input", "id": "3975342df1406e0c53af446255104472"}
  ]}}
```

A label's value on a string is a key tag (docs/compat.md, "Labels"): a checkbox that is on is
the tag `<name>`, a select or input value is the tag `<name>:<value>`. Tags are at most 100
characters, hence the limits below. A label's id is the MD5 of its name unless `id` gives one
(32 lowercase hex digits), so a team keeps the ids its scripts already use.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

DANGEROUS_METHODS = ("deleteString", "updateTranslation", "disapproveAllTranslations", "deleteAllSuggestions")
SWITCHES = {method: "allow" + method[0].upper() + method[1:] for method in DANGEROUS_METHODS}
"""Method name -> its switch in `settings.compat` (`allowDeleteString`, ...); all off by default."""
LABEL_TYPES = ("checkbox", "select", "input")
MAX_LABELS = 50
MAX_LABEL_NAME = 50
MAX_OPTIONS = 100
MAX_TAG = 100
"""keys/rules.py MAX_TAG: a value must fit in a tag with its label's name and a colon."""
MAX_WEBHOOK_URL = 2000
"""webhooks/rules.py MAX_URL: the compat webhook is sent by the same outbox and guard."""
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
_HTTP_URL = re.compile(r"\Ahttps?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)
_UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    name: str
    type: str
    options: tuple[Option, ...] = ()
    default: str | int | None = None

    @property
    def max_value(self) -> int:
        """The longest value a select or input label can hold in a tag."""
        return MAX_TAG - len(self.name) - 1

    def tag_for(self, value: str | int) -> str | None:
        """The key tag that stores `value` (already validated); None for a checkbox that is off."""
        if self.type == "checkbox":
            return self.name if value == 1 else None
        return f"{self.name}:{value}" if value != "" else None

    def value_in(self, tags: list[str]) -> str:
        """This label's value on a key with `tags`, as the API shows it (a string)."""
        if self.type == "checkbox":
            return "1" if self.name in tags else "0"
        prefix = self.name + ":"
        return next((tag[len(prefix) :] for tag in tags if tag.startswith(prefix)), "")


def label_id(name: str) -> str:
    return hashlib.md5(name.encode("utf-8")).hexdigest()


def switch_on(settings: dict[str, Any] | None, method: str) -> bool:
    compat = (settings or {}).get("compat") or {}
    return isinstance(compat, dict) and compat.get(SWITCHES[method]) is True


def webhook_url(settings: dict[str, Any] | None) -> str | None:
    """The compat webhook's URL, exactly as set (it is the signature's key), or None."""
    compat = (settings or {}).get("compat") or {}
    url = compat.get("webhookUrl") if isinstance(compat, dict) else None
    return url if isinstance(url, str) and url else None


def new_webhook_url(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str | None:
    """The webhook URL `new` sets, when it differs from `old`'s (what a settings PATCH must check)."""
    url = webhook_url(new)
    return url if url is not None and url != webhook_url(old) else None


def labels(settings: dict[str, Any] | None) -> list[Label]:
    """The project's labels, as stored (validated when they were set)."""
    compat = (settings or {}).get("compat") or {}
    raw = compat.get("labels") if isinstance(compat, dict) else None
    found: list[Label] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        options = tuple(Option(str(o["name"]), str(o["value"])) for o in item.get("options") or [])
        found.append(
            Label(
                id=str(item.get("id") or label_id(str(item["name"]))),
                name=str(item["name"]),
                type=str(item["type"]),
                options=options,
                default=item.get("default"),
            )
        )
    return found


def problems(value: object, where: str = "settings.compat") -> list[str]:
    """Everything wrong with a `settings.compat` object; empty when it can be stored."""
    if not isinstance(value, dict):
        return [f"{where} must be an object"]
    found: list[str] = []
    allowed = {*SWITCHES.values(), "labels", "webhookUrl"}
    found += [
        f"{where}: unknown field '{name}' (allowed: {', '.join(sorted(allowed))})"
        for name in value
        if name not in allowed
    ]
    found += [
        f"{where}.{switch} must be true or false"
        for switch in SWITCHES.values()
        if switch in value and not isinstance(value[switch], bool)
    ]
    if "labels" in value:
        found += _labels_problems(value["labels"], f"{where}.labels")
    if "webhookUrl" in value:
        found += _webhook_problems(value["webhookUrl"], f"{where}.webhookUrl")
    return found


def _webhook_problems(value: object, where: str) -> list[str]:
    """The URL's shape; its host's addresses are checked by the caller (the SSRF guard)."""
    if value == "":
        return []  # no webhook, like null
    if not isinstance(value, str) or not _HTTP_URL.match(value):
        return [f"{where} must be an http:// or https:// URL (or null: no webhook)"]
    if len(value) > MAX_WEBHOOK_URL:
        return [f"{where} must be at most {MAX_WEBHOOK_URL} characters"]
    return []


def _labels_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where} must be a list"]
    if len(value) > MAX_LABELS:
        return [f"{where}: at most {MAX_LABELS} labels"]
    found: list[str] = []
    names: set[str] = set()
    ids: set[str] = set()
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            found.append(f"{at} must be an object")
            continue
        found += _label_problems(item, at)
        name, given = item.get("name"), item.get("id")
        if isinstance(name, str):
            ident = given if isinstance(given, str) else label_id(name)
            if name in names:
                found.append(f"{at}: the name '{name}' is used by another label")
            if ident in ids:
                found.append(f"{at}: the id '{ident}' is used by another label")
            names.add(name)
            ids.add(ident)
    return found


def _label_problems(item: dict[str, Any], at: str) -> list[str]:
    unknown = set(item) - {"id", "name", "type", "options", "default"}
    if unknown:
        return [f"{at}: unknown field '{n}' (allowed: id, name, type, options, default)" for n in sorted(unknown)]
    name, kind = item.get("name"), item.get("type")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_LABEL_NAME or ":" in name or _UNSTORABLE.search(name):
        return [f"{at}.name must be 1-{MAX_LABEL_NAME} characters without ':' or control characters"]
    if name != name.strip():
        return [f"{at}.name must not start or end with a space"]
    if kind not in LABEL_TYPES:
        return [f"{at}.type must be one of {', '.join(LABEL_TYPES)}"]
    found: list[str] = []
    if "id" in item and (not isinstance(item["id"], str) or not _HEX_ID.match(item["id"])):
        found.append(f"{at}.id must be 32 lowercase hexadecimal digits (an MD5)")
    room = MAX_TAG - len(name) - 1
    options = item.get("options")
    if kind == "select":
        found += _options_problems(options, f"{at}.options", room)
    elif options is not None:
        found.append(f"{at}.options: only a select label has options")
    default = item.get("default")
    if default is None:
        return found
    if kind == "checkbox" and (isinstance(default, bool) or default not in (0, 1)):
        found.append(f"{at}.default must be 0 or 1 for a checkbox")
    elif kind == "select" and isinstance(options, list):
        values = [o.get("value") for o in options if isinstance(o, dict)]
        if default not in values:
            found.append(f"{at}.default must be the value of one of its options")
    elif kind == "input" and (not isinstance(default, str) or len(default) > room or _UNSTORABLE.search(default)):
        found.append(
            f"{at}.default must be text of at most {room} characters (a tag holds the name, ':' and the value)"
        )
    return found


def _options_problems(options: object, at: str, room: int) -> list[str]:
    if not isinstance(options, list) or not 0 < len(options) <= MAX_OPTIONS:
        return [f"{at} must be a list of 1-{MAX_OPTIONS} options"]
    found: list[str] = []
    values: set[str] = set()
    for j, option in enumerate(options):
        if not isinstance(option, dict) or set(option) != {"name", "value"}:
            found.append(f"{at}[{j}] must be an object with 'name' and 'value'")
            continue
        name, value = option["name"], option["value"]
        if not isinstance(name, str) or not 0 < len(name) <= MAX_TAG or _UNSTORABLE.search(name):
            found.append(f"{at}[{j}].name must be 1-{MAX_TAG} characters")
        if not isinstance(value, str) or not 0 < len(value) <= room or _UNSTORABLE.search(value):
            found.append(f"{at}[{j}].value must be 1-{room} characters (a tag holds the name, ':' and the value)")
        elif value in values:
            found.append(f"{at}[{j}].value '{value}' is used by another option")
        else:
            values.add(value)
    return found
