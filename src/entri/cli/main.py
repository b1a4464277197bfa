"""`entri` / `nt3` command line. This wave ships `serve`; the client commands come later."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.panel import Panel

from entri.core.config import get_settings

app = typer.Typer(help="Entri translation management system", no_args_is_help=True)
console = Console()


@app.command()
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

    from entri.core import crypto
    from entri.core.db import get_database
    from entri.core.migrate import upgrade
    from entri.jobs.registry import load_handler_modules
    from entri.jobs.worker import WorkerThreads
    from entri.organizations.bootstrap import bootstrap_if_empty

    settings = get_settings()
    database = get_database(settings.resolved_database_url())
    upgrade(database)
    crypto.server_key(settings)  # generated into the data dir on first start (docs/settings.md)
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


@app.command()
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

    from entri.core import crypto
    from entri.core.db import get_database
    from entri.core.migrate import upgrade
    from entri.jobs.registry import kinds, load_handler_modules
    from entri.jobs.worker import WorkerThreads

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    database = get_database(settings.resolved_database_url())
    upgrade(database)
    crypto.server_key(settings)
    load_handler_modules([settings.jobs_imports, *imports])
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    job_workers = WorkerThreads(database, settings, count=threads).start()
    console.print(f"Job worker running ({threads} thread(s)); kinds: {', '.join(kinds()) or 'none'}")
    while not stop.wait(1.0):
        pass
    job_workers.stop()


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    console.print(v("entri"))


if __name__ == "__main__":
    app()
