"""Import/export cost on big files, against the floor of doing the same work by hand.

Files (generated, deterministic): a 100k-key json-nested file and a 20k-entry PO file.
Each measurement runs in a fresh child process on a fresh SQLite database, so timings and peak
memory (VmHWM minus the RSS before the measured step) do not bleed into each other:

- floor:   `json.loads` + flatten + bulk INSERT of the same rows (keys, translations, history)
           with plain SQLAlchemy Core: the least any importer must do.
- import:  POST /api/projects/:id/import through the real ASGI app (JSON body, validation,
           codec, key creation, write path, history, stored template).
- export:  GET /api/projects/:id/export/:lang, with and without the stored file template.

    python bench/import_export.py [--keys 100000] [--po-entries 20000]

Results go to bench/results/import_export.json. Targets: import <= 3x floor, export of 100k
keys <= 1 s, peak memory <= 5x file size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Linux resets VmHWM to the current RSS when 5 is written to clear_refs."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def make_nested(keys: int) -> bytes:
    sections, per = max(1, keys // 100), 100
    doc: dict[str, Any] = {}
    n = 0
    for s in range(sections):
        section: dict[str, Any] = {}
        for k in range(per):
            if n >= keys:
                break
            section[f"key{k}"] = f"Текст номер {n}, {{{{name}}}}, и ещё немного слов"
            n += 1
        doc[f"section{s}"] = section
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def make_po(entries: int) -> bytes:
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Language: ru\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"',
        "",
    ]
    for i in range(entries):
        lines += [
            f"#: src/module{i % 50}.c:{i}",
            f'msgid "Message number {i} for %s"',
            f'msgstr "Сообщение номер {i} для %s"',
            "",
        ]
    return "\n".join(lines).encode()


# ---------------------------------------------------------------- children (one step each)


def child_floor(db_path: str, file_path: str) -> dict[str, Any]:
    from sqlalchemy import insert

    import entri.core.models_registry  # noqa: F401
    from entri.core.clock import utcnow
    from entri.core.db import Database
    from entri.core.ids import new_id
    from entri.core.migrate import upgrade
    from entri.keys.models import Key
    from entri.keys.service import name_hash
    from entri.translations.models import Translation, TranslationHistory

    db = Database(f"sqlite:///{db_path}")
    upgrade(db)
    with db.session(write=True) as s:
        from entri.organizations.bootstrap import bootstrap_if_empty
        from entri.projects.models import Project

        boot = bootstrap_if_empty(s, org_name="floor", email="f@x.y", password="pw")
        assert boot is not None
        project = Project(
            id=new_id("proj"),
            organization_id=boot.organization_id,
            name="floor",
            source_language="en",
            target_languages=["ru"],
            settings={},
        )
        s.add(project)
        s.commit()
        pid = project.id
    data = Path(file_path).read_bytes()
    import gc

    gc.disable()  # same advantage the importer takes (core/gcpause.py), so the floor stays a floor
    reset_peak()
    base = rss_kib()
    started = time.perf_counter()
    flat: list[tuple[str, str]] = []

    def walk(prefix: str, node: Any) -> None:
        for k, v in node.items():
            path = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(path, v)
            else:
                flat.append((path, v))

    walk("", json.loads(data))
    now = utcnow()
    keys, rows, history = [], [], []
    for name, value in flat:
        kid, tid = new_id("key"), new_id("tr")
        keys.append(
            {
                "id": kid,
                "project_id": pid,
                "namespace": "",
                "name": name,
                "name_hash": name_hash(name),
                "sort_name": name[:128],
                "is_plural": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        rows.append(
            {
                "id": tid,
                "key_id": kid,
                "project_id": pid,
                "language": "ru",
                "value": value,
                "status": "translated",
                "source": "import",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        history.append(
            {
                "id": new_id("hist"),
                "translation_id": tid,
                "key_id": kid,
                "project_id": pid,
                "language": "ru",
                "version": 1,
                "action": "import",
                "new_value": value,
                "new_status": "translated",
                "source": "import",
                "created_at": now,
            }
        )
    with db.session(write=True) as s:
        for table, values in ((Key, keys), (Translation, rows), (TranslationHistory, history)):
            for i in range(0, len(values), 5000):
                s.execute(insert(table), values[i : i + 5000])
        s.commit()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "peak_mib": round((rss_kib("VmHWM") - base) / 1024, 1), "rows": len(flat)}


def _app(db_path: str) -> tuple[Any, dict[str, str], str]:
    from fastapi.testclient import TestClient

    from entri.app import create_app
    from entri.core.config import Settings
    from entri.core.db import Database
    from entri.core.migrate import upgrade
    from entri.organizations.bootstrap import bootstrap_if_empty

    db = Database(f"sqlite:///{db_path}")
    upgrade(db)
    with db.session(write=True) as s:
        boot = bootstrap_if_empty(s, org_name="bench", email="b@x.y", password="pw")
    settings = Settings(data_dir=Path(db_path).parent, max_body_bytes=200 * 1024 * 1024, rate_limit_enabled=False)
    client = TestClient(create_app(db, settings))
    if boot is not None:
        token = boot.token
        Path(db_path + ".token").write_text(token)
    else:
        token = Path(db_path + ".token").read_text()
    headers = {"X-API-Key": token}
    projects = client.get("/api/projects", headers=headers).json()["data"]
    if projects:
        pid = projects[0]["_id"]
    else:
        pid = client.post(
            "/api/projects", json={"name": "bench", "sourceLanguage": "en", "targetLanguages": ["ru"]}, headers=headers
        ).json()["_id"]
    return client, headers, pid


def child_import(db_path: str, file_path: str, fmt: str) -> dict[str, Any]:
    client, headers, pid = _app(db_path)
    body = {"language": "ru", "format": fmt, "content": Path(file_path).read_text(encoding="utf-8")}
    reset_peak()
    base = rss_kib()
    started = time.perf_counter()
    response = client.post(f"/api/projects/{pid}/import", json=body, headers=headers)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    return {
        "seconds": round(seconds, 3),
        "peak_mib": round((rss_kib("VmHWM") - base) / 1024, 1),
        "response": response.json(),
    }


def child_export(db_path: str, fmt: str, drop_template: bool) -> dict[str, Any]:
    client, headers, pid = _app(db_path)
    if drop_template:
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{db_path}")
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM file_templates"))
    url = f"/api/projects/{pid}/export/ru?format={fmt}"
    reset_peak()
    base = rss_kib()
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    # A running server exports again and again: the second request shows the steady state
    # (the first pays for cold page caches and first use of the codec's code paths).
    started = time.perf_counter()
    client.get(url, headers=headers).raise_for_status()
    warm = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "seconds_warm": round(warm, 3),
        "peak_mib": round((rss_kib("VmHWM") - base) / 1024, 1),
        "bytes": len(response.content),
        "total_keys": int(response.headers["x-total-keys"]),
    }


def run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--po-entries", type=int, default=20_000)
    parser.add_argument("--out", default=str(RESULTS / "import_export.json"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {"floor": child_floor, "import": child_import}.get(kind)
        if kind == "export":
            print(json.dumps(child_export(rest[0], rest[1], rest[2] == "drop")))
        else:
            assert result is not None
            print(json.dumps(result(*rest)))
        return

    work = Path(tempfile.mkdtemp(prefix="entri-bench-io-"))
    nested, po = work / "ru.json", work / "ru.po"
    nested.write_bytes(make_nested(args.keys))
    po.write_bytes(make_po(args.po_entries))
    report: dict[str, Any] = {
        "benchmark": "import_export",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "database": "sqlite",
    }
    for label, path, fmt in (("json_nested_100k", nested, "json-nested"), ("po_20k", po, "po")):
        size_mib = path.stat().st_size / 2**20
        entry: dict[str, Any] = {"file_mib": round(size_mib, 2)}
        if fmt == "json-nested":
            entry["floor"] = run_child("floor", str(work / f"{label}-floor.db"), str(path))
        db = str(work / f"{label}.db")
        entry["import"] = run_child("import", db, str(path), fmt)
        entry["export_with_template"] = run_child("export", db, fmt, "keep")
        entry["export_canonical"] = run_child("export", db, fmt, "drop")
        if "floor" in entry:
            entry["import_vs_floor"] = round(entry["import"]["seconds"] / entry["floor"]["seconds"], 2)
        entry["import_peak_vs_file"] = round(entry["import"]["peak_mib"] / size_mib, 2)
        report[label] = entry
        print(label, json.dumps(entry, indent=2), flush=True)
    report["targets"] = {"import_vs_floor": 3, "export_100k_seconds": 1, "peak_memory_vs_file": 5}
    RESULTS.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
