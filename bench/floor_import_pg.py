"""The import floor on PostgreSQL: the shared SQLite floor (`../shared/bench/floor_import.py`) done
with psycopg 3, so an import through the API on PostgreSQL has a floor measured on the same
database engine.

Same file (same generator and seed, see `floor_data.py`), same steps, same tables, same JSON
output fields: parse an N-key nested JSON file, flatten it, then in one transaction insert the
keys, read their ids back by name and insert one translation per key. The database is a fresh
scratch database created before the clock starts and dropped at the end; connecting and creating
the two tables are inside `insert_s`, as in the SQLite floor.

    python bench/floor_import_pg.py [N] [--url postgresql://postgres@127.0.0.1:5432] [--method executemany|copy]

`executemany` (default) mirrors the SQLite floor statement for statement (psycopg 3 pipelines
it); `copy` uses COPY FROM STDIN, the fastest way PostgreSQL can take rows. Beyond the shared
floor's fields it prints `cpu_s` (this process, timed part only) and `db_cpu_s` (its PostgreSQL
backend, read from /proc: the database runs on the same machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import uuid

import psycopg
from floor_data import make_tree, nested_bytes


def backend_cpu(pid: int) -> float:
    """utime + stime of a PostgreSQL backend on this machine (0 when /proc cannot see it)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scratch_name() -> str:
    return f"entri_floor_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keys", nargs="?", type=int, default=100_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--method", choices=("executemany", "copy"), default="executemany")
    args = parser.parse_args()

    blob = nested_bytes(make_tree(args.keys))
    name = scratch_name()
    with psycopg.connect(f"{args.url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        t0, cpu0 = time.perf_counter(), time.process_time()
        data = json.loads(blob)
        rows: list[tuple[str, str]] = []

        def walk(prefix: str, node: dict[str, object]) -> None:
            for k, v in node.items():
                if isinstance(v, dict):
                    walk(prefix + k + ".", v)
                else:
                    rows.append((prefix + k, str(v)))

        walk("", data)
        t1 = time.perf_counter()
        with psycopg.connect(f"{args.url}/{name}") as con:
            db_cpu0 = backend_cpu(con.info.backend_pid)
            con.execute(
                "create table keys(id bigint generated always as identity primary key, project_id int, name text,"
                " unique(project_id, name))"
            )
            con.execute(
                "create table tr(id bigint generated always as identity primary key, key_id bigint, lang text,"
                " value text, status text, unique(key_id, lang))"
            )
            with con.cursor() as cur:
                if args.method == "copy":
                    with cur.copy("copy keys(project_id, name) from stdin") as copy:
                        for key_name, _ in rows:
                            copy.write_row((1, key_name))
                else:
                    cur.executemany("insert into keys(project_id, name) values(1, %s)", ((r[0],) for r in rows))
                ids = dict(cur.execute("select name, id from keys where project_id = 1").fetchall())
                if args.method == "copy":
                    with cur.copy("copy tr(key_id, lang, value, status) from stdin") as copy:
                        for key_name, value in rows:
                            copy.write_row((ids[key_name], "en", value, "translated"))
                else:
                    cur.executemany(
                        "insert into tr(key_id, lang, value, status) values(%s, %s, %s, 'translated')",
                        ((ids[n], "en", v) for n, v in rows),
                    )
            con.commit()
            db_cpu = backend_cpu(con.info.backend_pid) - db_cpu0
        t2, cpu = time.perf_counter(), time.process_time() - cpu0
    finally:
        with psycopg.connect(f"{args.url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        json.dumps(
            {
                "keys": len(rows),
                "bytes": len(blob),
                "parse_s": round(t1 - t0, 3),
                "insert_s": round(t2 - t1, 3),
                "floor_s": round(t2 - t0, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "method": args.method,
                "cpu_s": round(cpu, 3),
                "db_cpu_s": round(db_cpu, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
