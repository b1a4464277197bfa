"""Server-side commands: `serve`, `worker`, `migrate`, `admin create-user | create-token |
reset-password`. They run where the server runs and use its database directly (ENTRI_* settings);
their imports are inside the functions so the client commands start without loading the server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel

from entri.cli.errors import CliError

console = Console(highlight=False)
admin = typer.Typer(help="Administer users and tokens on this server's database", no_args_is_help=True)


def _database() -> Any:
    """The migrated database; also makes sure the server key exists (generated into the data dir
    on first start, docs/settings.md), so every process of a deployment reads the same one."""
    from entri.core import crypto
    from entri.core.config import get_settings
    from entri.core.db import get_database
    from entri.core.migrate import upgrade

    settings = get_settings()
    database = get_database(settings.resolved_database_url())
    upgrade(database)
    crypto.server_key(settings)
    return database


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind"),
    port: int = typer.Option(8080, help="Port to listen on"),
    workers: int = typer.Option(1, help="Uvicorn worker processes"),
    no_worker: bool = typer.Option(
        False, "--no-worker", help="Run no background-job worker in this process (run `entri worker` instead)"
    ),
) -> None:
    """Migrate the database, bootstrap it if empty, and serve the API and web app.

    Unless `--no-worker`, a background-job worker thread runs beside the server (docs/jobs.md)."""
    import uvicorn

    from entri.core.config import get_settings
    from entri.jobs.registry import load_handler_modules
    from entri.jobs.worker import WorkerThreads
    from entri.organizations.bootstrap import bootstrap_if_empty

    settings = get_settings()
    database = _database()
    with database.session(write=True) as session:
        created = bootstrap_if_empty(
            session, org_name=settings.org_name, email=settings.admin_email, password=settings.admin_password
        )
    if created is not None:
        lines = [
            f"Admin login:  {created.email}",
            f"Password:     {created.password}"
            + ("  (generated; set ENTRI_ADMIN_PASSWORD to choose)" if created.password_generated else ""),
            f"API token:    {created.token}",
            "",
            "These are shown once. Store the token now: only its hash is kept.",
        ]
        console.print(Panel("\n".join(lines), title="Entri is ready", border_style="green"))
    console.print(f"Serving on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    job_workers = None
    if not no_worker:
        load_handler_modules([settings.jobs_imports])
        job_workers = WorkerThreads(database, settings, count=1).start()
    try:
        uvicorn.run(
            "entri.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
        )
    finally:
        if job_workers is not None:
            job_workers.stop()


def worker(
    threads: int = typer.Option(1, "--threads", min=1, help="Jobs run at once by this process (one per thread)"),
    imports: list[str] = typer.Option(
        [], "--import", help="Extra module that registers job handlers (repeatable; also ENTRI_JOBS_IMPORTS)"
    ),
) -> None:
    """Run background jobs (docs/jobs.md): any number of these against one PostgreSQL, beside
    `entri serve --no-worker` or not. Stops on SIGINT/SIGTERM after the current batch."""
    import logging
    import signal
    import threading

    from entri.core.config import get_settings
    from entri.jobs.registry import kinds, load_handler_modules
    from entri.jobs.worker import WorkerThreads

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    database = _database()
    load_handler_modules([settings.jobs_imports, *imports])
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    job_workers = WorkerThreads(database, settings, count=threads).start()
    console.print(f"Job worker running ({threads} thread(s)); kinds: {', '.join(kinds()) or 'none'}")
    while not stop.wait(1.0):
        pass
    job_workers.stop()


def migrate() -> None:
    """Bring the database schema up to date (serve and worker do it too on start)."""
    from sqlalchemy import text

    database = _database()
    with database.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    console.print(f"Database is at revision {revision}")


def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    console.print(v("entri"))


def _organization(session: Any, organization_id: str | None) -> str:
    from sqlalchemy import select

    from entri.organizations.models import Organization

    ids = list(session.scalars(select(Organization.id).order_by(Organization.created_at).limit(2)))
    if organization_id:
        if session.get(Organization, organization_id) is None:
            raise CliError(f"no organization {organization_id}")
        return organization_id
    if len(ids) != 1:
        raise CliError(
            "several organizations on this server: name one with --organization"
            if ids
            else "no organization yet: run `entri serve` once to bootstrap"
        )
    return str(ids[0])


def _password(password: str | None) -> str:
    from entri.organizations.invitations import MIN_PASSWORD_LENGTH

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CliError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    return password


@admin.command("create-user")
def create_user(
    email: str = typer.Option(..., "--email", help="The user's e-mail address (their login)"),
    name: str = typer.Option("", "--name", help="Display name (default: the part before @)"),
    role: str = typer.Option("developer", "--role", help="owner | admin | developer | translator | reviewer | viewer"),
    password: str | None = typer.Option(None, "--password", help="Prompted (hidden) when left out"),
    organization: str | None = typer.Option(None, "--organization", help="Organization id (default: the only one)"),
) -> None:
    """Create a user and make them a member of the organization."""
    from entri.core.permissions import Role
    from entri.organizations import service as orgs

    try:
        member_role = Role(role)
    except ValueError:
        raise CliError(f"role must be one of {', '.join(r.value for r in Role)}") from None
    secret = _password(password)
    with _database().session(write=True) as session:
        org_id = _organization(session, organization)
        user = orgs.create_user(session, email=email, name=name or email.split("@")[0], password=secret)
        orgs.add_member(session, organization_id=org_id, user_id=user.id, role=member_role)
        session.commit()
        console.print(f"Created {user.email} ({user.id}), {member_role.value} of {org_id}")


@admin.command("create-token")
def create_token(
    email: str = typer.Option(..., "--email", help="The member the token acts for"),
    name: str = typer.Option("CLI token", "--name"),
    role: str | None = typer.Option(
        None, "--role", help="admin | developer | translator | reviewer | viewer (default: the member's, owner: admin)"
    ),
    project: str | None = typer.Option(None, "--project", help="Limit the token to one project"),
    scopes: list[str] = typer.Option([], "--scope", help="e.g. translations:read (repeatable; none = all)"),
    expires_days: int | None = typer.Option(None, "--expires-days", min=1),
    organization: str | None = typer.Option(None, "--organization", help="Organization id (default: the only one)"),
) -> None:
    """Create an API token and print it once (only its hash is kept)."""
    from entri.core.clock import utcnow
    from entri.core.permissions import RANK, Role
    from entri.organizations import service as orgs
    from entri.tokens import service as tokens

    with _database().session(write=True) as session:
        org_id = _organization(session, organization)
        user = orgs.find_user_by_email(session, email=email)
        membership = orgs.membership_of(session, organization_id=org_id, user_id=user.id) if user else None
        if user is None or membership is None:
            raise CliError(f"{email} is not a member of {org_id}")
        role = role or (Role.ADMIN.value if membership.role == Role.OWNER.value else membership.role)
        if role not in {r.value for r in Role} or RANK[Role(role)] > RANK[Role(membership.role)]:
            raise CliError(f"role must be a role at most the member's own ({membership.role})")
        expires = utcnow() + timedelta(days=expires_days) if expires_days else None
        issued = tokens.issue_token(
            session,
            organization_id=org_id,
            name=name,
            role=role,
            created_by=user.id,
            project_id=project,
            scopes=scopes,
            expires_at=expires,
        )
        session.commit()
        print(issued.value)


@admin.command("reset-password")
def reset_password(
    email: str = typer.Option(..., "--email"),
    password: str | None = typer.Option(None, "--password", help="Prompted (hidden) when left out"),
) -> None:
    """Set a new password for a user and sign them out of every browser."""
    from entri.auth import service as auth
    from entri.organizations import service as orgs

    secret = _password(password)
    with _database().session(write=True) as session:
        user = orgs.set_password(session, email=email, password=secret)
        ended = auth.end_sessions(session, user_id=user.id)
        session.commit()
    console.print(f"Password of {user.email} changed; {ended} session(s) ended")
