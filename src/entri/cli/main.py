"""`entri` / `nt3`: one command line, installed under both names (docs/cli.md).

Client commands (login, logout, init, push, diff, pull, translate, overwrite, status) talk to a
server through its public HTTP API only; server commands (serve, worker, migrate, admin) run
where the server runs. Every error ends as one line on stderr and an exit code (errors.py); with
`--json` stdout holds one JSON document and nothing else.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperGroup

from entri.cli import errors, server
from entri.cli.errors import EXIT_CODES_HELP, CliError
from entri.cli.output import Output, error_line

FOUND_MEANS_SOMETHING = frozenset({"push", "up", "diff"})
"""Commands where exit 2 means "changes or conflicts found": their usage errors exit 1."""


class Group(TyperGroup):
    """Runs a command and turns whatever it raises into one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(
                args=argv,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except UsageError as exc:
            command = exc.ctx.command.name if exc.ctx is not None and exc.ctx.command is not None else None
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            if exc.format_message():  # empty: the help was shown for a bare `nt3`
                error_line(f"{exc.format_message()}{hint}")
            code = errors.ERROR if command in FOUND_MEANS_SOMETHING else exc.exit_code
        except ClickException as exc:
            error_line(exc.format_message())
            code = exc.exit_code
        except CliError as exc:
            _fail(exc.message, argv)
            code = exc.code
        except KeyboardInterrupt:
            error_line("interrupted")
            code = 130
        except typer.Abort:
            error_line("aborted")
            code = errors.ERROR
        except Exception as exc:
            if os.environ.get("NT3_DEBUG"):
                raise
            _fail(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, argv)
            code = errors.ERROR
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, argv: list[str]) -> None:
    error_line(message)
    if "--json" in argv:
        sys.stdout.write(json.dumps({"success": False, "error": " ".join(message.split())}) + "\n")


app = typer.Typer(
    cls=Group,
    help=f"Entri translation management: sync locale files with a server, or run one. {EXIT_CODES_HELP}",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
JSON = typer.Option(False, "--json", help="Print one JSON document and nothing else")
LANGUAGE = typer.Option(None, "-l", "--language", help="Only this language")


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


F = TypeVar("F", bound=Callable[..., None])


def command(name: str, *aliases: str, **kwargs: Any) -> Callable[[F], F]:
    """A command, also registered (hidden) under its aliases."""

    def register(fn: F) -> F:
        app.command(name, **kwargs)(fn)
        for alias in aliases:
            app.command(alias, hidden=True, **kwargs)(fn)
        return fn

    return register


@command("login", "auth")
def login(
    token: str | None = typer.Option(None, "-t", "--token", help="The API token (prompted, hidden, when left out)"),
    api_url: str | None = typer.Option(None, "-u", "--api-url", help="Server URL, saved as api_url"),
    local: bool = typer.Option(False, "-l", "--local", help="Save to ./.nt3.local.json instead of ~/.nt3/config.json"),
) -> None:
    """Save an API token (checked against the server). Alias: auth."""
    from entri.cli import account

    _exit(account.login(token=token, api_url=api_url, local=local, out=Output()))


@command("logout", "signout")
def logout(local: bool = typer.Option(False, "-l", "--local", help="Remove it from ./.nt3.local.json")) -> None:
    """Remove the saved token (not revoked on the server; api_url is kept). Alias: signout."""
    from entri.cli import account

    _exit(account.logout(local=local, out=Output()))


@command("init")
def init(
    yes: bool = typer.Option(False, "-y", "--yes", help="Ask nothing: take the flags and the files found"),
    project_id: str | None = typer.Option(None, "--project-id", help="The project to sync with"),
    create_project: str | None = typer.Option(None, "--create-project", help="Create a project with this name"),
    source_language: str | None = typer.Option(None, "--source-language", help="Default: the project's"),
    pattern: list[str] = typer.Option([], "-p", "--pattern", help="PATH[=FORMAT[@NAMESPACE]] (repeatable)"),
    update_translations: bool = typer.Option(False, "--update-translations", help="push always overwrites"),
    force: bool = typer.Option(False, "--force", help="Replace an existing .nt3.yml"),
    json_out: bool = JSON,
) -> None:
    """Write .nt3.yml, proposing patterns for the locale files found in this repository."""
    from entri.cli import init as init_cmd

    out = Output(json_mode=json_out)
    _exit(
        init_cmd.run(
            yes=yes,
            project_id=project_id,
            create_project=create_project,
            source_language=source_language,
            patterns=pattern,
            update_translations=update_translations,
            force=force,
            out=out,
        )
    )


@command("push", "up")
def push(
    overwrite: bool = typer.Option(False, "-o", "--overwrite", help="Replace existing values (not reviewed ones)"),
    force: bool = typer.Option(False, "--force", help="With --overwrite, replace reviewed and approved values too"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change, key by key; write nothing"),
    fail_on_conflict: bool = typer.Option(False, "--fail-on-conflict", help="Exit 2, pushing nothing, on a conflict"),
    fail_on_changes: bool = typer.Option(False, "--fail-on-changes", help="With --dry-run: exit 2 on any change"),
    language: str | None = LANGUAGE,
    json_out: bool = JSON,
) -> None:
    """Send the locale files matching .nt3.yml to the server. Alias: up. Exit 2: see --fail-on-*."""
    from entri.cli import push as push_cmd

    options = push_cmd.PushOptions(overwrite, force, dry_run, fail_on_conflict, fail_on_changes, language)
    _exit(push_cmd.run(options, Output(json_mode=json_out)))


@command("diff")
def diff(
    overwrite: bool = typer.Option(False, "-o", "--overwrite", help="Diff of a push --overwrite"),
    force: bool = typer.Option(False, "--force", help="Diff of a push --overwrite --force"),
    fail_on_changes: bool = typer.Option(False, "--fail-on-changes", help="Exit 2 when the push would change anything"),
    fail_on_conflict: bool = typer.Option(False, "--fail-on-conflict", help="Exit 2 on a conflict"),
    language: str | None = LANGUAGE,
    json_out: bool = JSON,
) -> None:
    """What `push` would change, key by key (push --dry-run)."""
    from entri.cli import push as push_cmd

    options = push_cmd.PushOptions(overwrite, force, True, fail_on_conflict, fail_on_changes, language)
    _exit(push_cmd.run(options, Output(json_mode=json_out)))


@command("pull", "down")
def pull(
    language: str | None = LANGUAGE,
    force: bool = typer.Option(False, "--force", help="Overwrite files changed locally since the last pull"),
    json_out: bool = JSON,
) -> None:
    """Export every target language (or one) into the pattern paths. Alias: down."""
    from entri.cli import pull as pull_cmd

    _exit(pull_cmd.run(language=language, force=force, out=Output(json_mode=json_out)))


@command("translate", "tr")
def translate(
    lang: list[str] = typer.Argument(None, help="Target languages (default: all)"),
    all_languages: bool = typer.Option(False, "-a", "--all", help="Every target language (the default)"),
    language: list[str] = typer.Option([], "-l", "--language", help="A target language (repeatable)"),
    provider: str | None = typer.Option(None, "--provider", help="anthropic | openai (| deepl): its first model"),
    model: str | None = typer.Option(None, "--model", help="A model id (GET /ai/status lists them)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Retranslate keys that have a value (not human ones)"),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Follow the job to its end (default) or just start it"),
    json_out: bool = JSON,
) -> None:
    """AI-translate untranslated keys (a server job per language); Ctrl-C cancels. Alias: tr."""
    from entri.cli import translate as translate_cmd

    languages = [] if all_languages else [*(lang or []), *language]
    _exit(
        translate_cmd.run(
            languages=languages,
            provider=provider,
            model=model,
            overwrite=overwrite,
            wait=wait,
            out=Output(json_mode=json_out),
        )
    )


@command("overwrite", "ow")
def overwrite(
    key: str | None = typer.Option(None, "-k", "--key"),
    value: str | None = typer.Option(None, "-v", "--value"),
    language: str | None = typer.Option(None, "-l", "--language"),
    namespace: str | None = typer.Option(None, "-n", "--namespace"),
    file: Path | None = typer.Option(None, "-f", "--file", help="A JSON array of {key, namespace?, language, value}"),
    json_out: bool = JSON,
) -> None:
    """Overwrite translations by key: inline, from --file, or a JSON array on stdin. Alias: ow."""
    from entri.cli import overwrite as overwrite_cmd

    _exit(
        overwrite_cmd.run(
            key=key, value=value, language=language, namespace=namespace, file=file, out=Output(json_mode=json_out)
        )
    )


@command("status")
def status(
    min_completion: int | None = typer.Option(
        None, "--min-completion", min=0, max=100, help="Exit 3 when a language is below this %"
    ),
    language: list[str] = typer.Option([], "-l", "--language", help="Only this language (repeatable)"),
    json_out: bool = JSON,
) -> None:
    """Token source, API URL, project and completion per language; a CI gate with --min-completion."""
    from entri.cli import status as status_cmd

    _exit(status_cmd.run(min_completion=min_completion, languages=language, out=Output(json_mode=json_out)))


app.command("serve")(server.serve)
app.command("worker")(server.worker)
app.command("migrate")(server.migrate)
app.command("version")(server.version)
app.add_typer(server.admin, name="admin")


if __name__ == "__main__":
    app()
