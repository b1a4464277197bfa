"""What quality checks cost: a project-wide re-check, and an import with checks on vs off.

In one process, on a fresh SQLite database, through the real ASGI app (in-process client):

- `en`: import the floor's 100k-key json-nested file as the source language;
- `fr on`: import a translation of it (every value different, same `{name}` placeholder, one
  value in ten with the placeholder lost, so checks find something to store);
- `recheck`: `PATCH /api/projects/:id` with new check severities: every one of the 100k `fr`
  and 100k `en` translations is re-checked in that request (target: 100k translations ≤ 5 s);
- `fr off`: the same `fr` import into a second project whose checks are all switched off.

CPU seconds of this process (the app runs in it) are compared with the import floor
(`../shared/bench/floor_import.py`, CPU of its timed part) measured in the same run. Target of
the issue: an import with checks on ≤ 4x the floor.

    .venv/bin/python bench/checks.py [--keys 100000]

Results: bench/results/checks.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from floor_data import make_tree, nested_bytes
from harness import RESULTS, SHARED_FLOOR, checkout_info, machine_info
from import_floor_report import measure_floor

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from entri.app import create_app  # noqa: E402
from entri.checks.registry import all_checks  # noqa: E402
from entri.core.config import Settings  # noqa: E402
from entri.core.db import Database  # noqa: E402
from entri.core.migrate import upgrade  # noqa: E402
from entri.core.permissions import Role  # noqa: E402
from entri.organizations import service as orgs  # noqa: E402
from entri.tokens import service as tokens  # noqa: E402


def translated(tree: dict[str, Any]) -> dict[str, Any]:
    """Every value changed (words reversed), `{name}` kept, except every tenth value loses it."""
    out: dict[str, Any] = {}
    n = 0
    for ns, groups in tree.items():
        out[ns] = {}
        for grp, keys in groups.items():
            out[ns][grp] = {}
            for key, value in keys.items():
                words = value.removesuffix(" {name}").split(" ")
                text = " ".join(reversed(words))
                out[ns][grp][key] = text if n % 10 == 0 else text + " {name}"
                n += 1
    return out


class Timed:
    def __init__(self) -> None:
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    def done(self) -> dict[str, float]:
        return {
            "cpu_s": round(time.process_time() - self.cpu, 3),
            "wall_s": round(time.perf_counter() - self.wall, 3),
        }


def fresh_app() -> tuple[TestClient, dict[str, str]]:
    """The app on a new SQLite database with one organization and an admin token."""
    tmp = Path(tempfile.mkdtemp(prefix="entri-bench-checks-"))
    db = Database(f"sqlite:///{tmp / 'entri.db'}")
    upgrade(db)
    with db.session(write=True) as session:
        org = orgs.create_organization(session, name="Bench")
        user = orgs.create_user(session, email="bench@example.test", name="Bench", password="bench password 1")
        orgs.add_member(session, organization_id=org.id, user_id=user.id, role=Role.OWNER)
        token = tokens.issue_token(session, organization_id=org.id, name="bench", role="admin", created_by=user.id)
        session.commit()
    client = TestClient(
        create_app(db, Settings(data_dir=tmp, max_body_bytes=512 * 1024 * 1024, rate_limit_enabled=False))
    )
    return client, {"X-API-Key": token.value}


def project(client: TestClient, headers: dict[str, str], name: str, settings: dict[str, Any] | None = None) -> str:
    body = {"name": name, "sourceLanguage": "en", "targetLanguages": ["fr"]}
    pid: str = client.post("/api/projects", json=body, headers=headers).json()["_id"]
    if settings is not None:
        r = client.patch(f"/api/projects/{pid}", json={"settings": settings}, headers=headers)
        assert r.status_code == 200, r.text
    return pid


def imported(client: TestClient, headers: dict[str, str], pid: str, language: str, content: str) -> dict[str, Any]:
    timer = Timed()
    r = client.post(
        f"/api/projects/{pid}/import",
        json={"language": language, "format": "json-nested", "content": content},
        headers=headers,
    )
    assert r.status_code == 200, r.text[:500]
    return {**timer.done(), "response": r.json()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--floor-runs", type=int, default=3)
    args = parser.parse_args()

    floor = measure_floor(args.floor_runs, SHARED_FLOOR, args.keys)
    tree = make_tree(args.keys)
    en = nested_bytes(tree).decode()
    fr = nested_bytes(translated(tree)).decode()

    steps: dict[str, Any] = {}
    # Each project on a fresh database, so the second import does not pay for the first's rows.
    client, headers = fresh_app()
    on = project(client, headers, "checks on")
    steps["en"] = imported(client, headers, on, "en", en)
    steps["fr on"] = imported(client, headers, on, "fr", fr)
    timer = Timed()
    severities = {"placeholders": "warning", "unchanged": "off", "punctuation": "error"}
    r = client.patch(f"/api/projects/{on}", json={"settings": {"checks": {"severities": severities}}}, headers=headers)
    assert r.status_code == 200, r.text
    steps["recheck"] = {**timer.done(), "translations": 2 * args.keys}
    failing = client.get(f"/api/projects/{on}/checks?limit=1", headers=headers).json()["meta"]["total"]
    steps["recheck"]["failing_after"] = failing

    client, headers = fresh_app()
    off = project(client, headers, "checks off", {"checks": {"severities": {c: "off" for c in all_checks()}}})
    imported(client, headers, off, "en", en)
    steps["fr off"] = imported(client, headers, off, "fr", fr)

    floor_cpu = float(floor["cpu_s"])
    for step in steps.values():
        step["x_floor_cpu"] = round(step["cpu_s"] / floor_cpu, 2)
    result = {
        "benchmark": "checks",
        **machine_info(),
        **checkout_info(ROOT / "src"),
        "keys": args.keys,
        "floor": floor,
        "steps": steps,
        "checks_cost_per_value_us": round((steps["fr on"]["cpu_s"] - steps["fr off"]["cpu_s"]) / args.keys * 1e6, 1),
        "targets": {"recheck_100k_s": 5.0, "import_with_checks_x_floor": 4.0},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "checks.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"floor: {floor['floor_s']} s wall, {floor_cpu} s CPU ({args.keys} keys)")
    print(f"{'step':10} {'cpu s':>7} {'wall s':>7} {'x floor cpu':>12}  notes")
    for name, step in steps.items():
        notes = step.get("response", {}).get("checks") if "response" in step else f"failing after: {failing}"
        print(f"{name:10} {step['cpu_s']:7.2f} {step['wall_s']:7.2f} {step['x_floor_cpu']:12.2f}  {notes}")
    print(f"checks cost per imported value: {result['checks_cost_per_value_us']} µs CPU")
    print(f"written: {RESULTS / 'checks.json'}")


if __name__ == "__main__":
    main()
