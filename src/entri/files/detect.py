"""The format of an uploaded file, from its name and content (the web app's import).

One extension can mean several formats (`.json` flat or nested, `.xlf` XLIFF 1.2 or 2.0,
`.xml` Android or not), so the content decides between them. The CLI has its own copy
(`cli/detect.py`): it imports nothing of the server.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

EXTENSIONS = {
    ".json": "json",
    ".arb": "arb",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".xml": "android-xml",
    ".strings": "ios-strings",
    ".stringsdict": "ios-stringsdict",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "pot",
    ".mo": "mo",
    ".php": "php-array",
    ".properties": "properties",
    ".csv": "csv",
}
_XLIFF2 = re.compile(r"<xliff[^>]*version=[\"']2")


def format_of(filename: str, data: bytes, known: frozenset[str] | tuple[str, ...]) -> str | None:
    """The format id of `filename` with content `data`, or None when it is not one of `known`."""
    kind = EXTENSIONS.get(PurePosixPath(filename).suffix.lower())
    if kind is None:
        return None
    if kind == "json":
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(parsed, dict):
            return None
        kind = "json-nested" if any(isinstance(v, dict) for v in parsed.values()) else "json-flat"
    elif kind == "xliff":
        head = data[:4096].decode("utf-8", errors="replace")
        kind = "xliff2" if _XLIFF2.search(head) else "xliff"
    return kind if kind in known else None
