"""What the client commands print: Rich on a terminal, plain lines in CI (`CI=true`) or when
stdout is not a terminal, and nothing but one JSON document on stdout with `--json`.

Errors and warnings go to stderr, one line each, in every mode.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console


def plain_terminal() -> bool:
    """CI, or stdout is a pipe or a file: no colours, no progress bars, one line per event."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes") or not sys.stdout.isatty()


class Output:
    def __init__(self, *, json_mode: bool = False) -> None:
        self.json = json_mode
        self.plain = json_mode or plain_terminal()
        self.console = Console(highlight=False, soft_wrap=True)

    @property
    def fancy(self) -> bool:
        """Progress bars and colours allowed."""
        return not self.plain

    def line(self, text: str, style: str | None = None) -> None:
        """A line for humans (silent with --json)."""
        if self.json:
            return
        if self.plain:
            print(text, flush=True)
        else:
            self.console.print(text, style=style, markup=False)

    def result(self, data: Any) -> None:
        """The one JSON document of --json."""
        if self.json:
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            sys.stdout.flush()

    def warn(self, text: str) -> None:
        print(f"warning: {' '.join(text.split())}", file=sys.stderr, flush=True)


def error_line(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def shorten(value: Any, width: int = 120) -> str:
    """A value for a one-line diff: JSON-quoted, newlines escaped, cut to `width`."""
    if value is None:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"
