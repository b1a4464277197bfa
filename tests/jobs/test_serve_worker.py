"""`entri serve` runs a job worker thread beside the server (SQLite's default topology)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from entri.core.db import Database
from entri.jobs import service
from entri.organizations.models import Organization
from tests.cli.test_serve import serving
from tests.jobs.conftest import job_row, wait_for
from tests.jobs.handlers import COUNT_KIND

ROOT = Path(__file__).resolve().parents[2]


def test_serve_runs_jobs_in_process(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    env = {"ENTRI_JOBS_IMPORTS": "tests.jobs.handlers", "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    with serving(tmp_path / "data", **env):
        database = Database(f"sqlite:///{tmp_path / 'data' / 'entri.db'}")
        try:
            with database.session(write=True) as session:
                org_id = session.scalars(select(Organization.id)).one()
                job = service.enqueue(
                    session,
                    organization_id=org_id,
                    project_id=None,
                    kind=COUNT_KIND,
                    payload={"log": str(log), "delay": 0},
                    items=range(10),
                    created_by=None,
                )
                session.commit()
            wait_for(lambda: job_row(database, job.id).status == "succeeded", timeout=20)
        finally:
            database.engine.dispose()
    assert sorted(int(line.split()[0]) for line in log.read_text().splitlines()) == list(range(10))
