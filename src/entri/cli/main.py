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
) -> None:
    """Migrate the database, bootstrap it if empty, and serve the API and web app."""
    import uvicorn

    from entri.core.db import get_database
    from entri.core.migrate import upgrade
    from entri.organizations.bootstrap import bootstrap_if_empty

    settings = get_settings()
    database = get_database(settings.resolved_database_url())
    upgrade(database)
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
    uvicorn.run(
        "entri.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info", access_log=False
    )


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    console.print(v("entri"))


if __name__ == "__main__":
    app()
