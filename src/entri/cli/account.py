"""`nt3 login` (`auth`) and `nt3 logout` (`signout`): the token in `~/.nt3/config.json` or, with
`--local`, `./.nt3.local.json` (both mode 0600). Logout removes only the token, keeps `api_url`,
and does not revoke the token on the server (entri-api.md §6.1)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import (
    LOCAL_FILE,
    TOKEN_ENV,
    Credentials,
    check_token_shape,
    credentials,
    display,
    global_file,
    local_file,
    read_json,
    write_private_json,
)
from entri.cli.errors import CliError
from entri.cli.output import Output


def login(*, token: str | None, api_url: str | None, local: bool, out: Output) -> int:
    if token is None:
        # Piped (`echo "$TOKEN" | nt3 login`): one line, no prompt; a terminal: hidden input.
        if sys.stdin.isatty():
            token = typer.prompt("API token (entri_…)", hide_input=True)
        else:
            token = sys.stdin.readline().strip()
            if not token:
                raise CliError("no token: give -t TOKEN, or pipe it on stdin")
    token = check_token_shape(token)
    url = (api_url or credentials().api_url).rstrip("/")
    who = None
    try:
        with Api(Credentials(token, "flag", "--token", url, "flag")) as api:
            me = api.get("/api/auth/me")
            who = me.get("email") or me.get("name")
    except CliError as exc:
        if exc.status is not None:
            raise CliError(f"not saved: {exc.message}") from None
        out.warn(f"could not check the token ({exc.message}); saving it anyway")
    path = local_file() if local else global_file()
    data = read_json(path)
    data["token"] = token
    if api_url:
        data["api_url"] = url
    write_private_json(path, data)
    out.line(f"Logged in{f' as {who}' if who else ''} to {url}; token saved to {display(path)} (mode 600)")
    if local and not _ignored(Path.cwd() / ".gitignore", LOCAL_FILE):
        out.line(f"Remember to git-ignore {LOCAL_FILE}: it holds your token (echo {LOCAL_FILE} >> .gitignore)")
    env = next((name for name in TOKEN_ENV if os.environ.get(name)), None)
    if env:
        out.warn(f"{env} is set and takes precedence over the saved token")
    return errors.OK


def _ignored(gitignore: Path, name: str) -> bool:
    try:
        lines = gitignore.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    return any(line.strip().lstrip("/") == name for line in lines)


def logout(*, local: bool, out: Output) -> int:
    path = local_file() if local else global_file()
    data = read_json(path)
    if not data.get("token"):
        out.line(f"Not logged in: no token in {display(path)}")
        return errors.OK
    del data["token"]
    write_private_json(path, data)
    out.line(f"Token removed from {display(path)} (it stays valid on the server; revoke it there if it leaked)")
    return errors.OK
