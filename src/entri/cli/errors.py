"""Exit codes and the one error type the client commands raise (docs/cli.md, "Exit codes").

Every failure reaches the user as one line on stderr (`error: ...`), never a traceback; the
code tells a CI step what happened.
"""

from __future__ import annotations

OK = 0
ERROR = 1
"""Anything went wrong: a file failed, the server refused, the token is bad, no .nt3.yml..."""
FOUND = 2
"""Changes or conflicts found where the caller asked to fail on them (`--fail-on-changes`,
`--fail-on-conflict`). Typer's usage errors also exit 2, except in the commands where 2 means
this (push, diff): there a usage error exits 1."""
GATE = 3
"""`status --min-completion`: a language is below the threshold."""

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 error (one line on stderr); 2 changes or conflicts found where asked "
    "(--dry-run --fail-on-changes, --fail-on-conflict), or a usage error of another command; "
    "3 status --min-completion not met."
)


class CliError(Exception):
    """A failure to report in one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = ERROR, *, fatal: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())
        self.code = code
        self.status = status
        """The HTTP status the server answered, if it answered."""
        self.fatal = fatal
        """Nothing else can work either (no server, a refused token): stop, don't go on to the
        next file."""
