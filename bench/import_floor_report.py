"""Floors and per-step summaries of bench/import_floor.py, and its table.

Two kinds of ratio, because the machine is shared: wall-clock seconds against the floor's
seconds (what a user waits), and CPU seconds against the floor's CPU seconds. While other jobs
load the two cores, wall time stretches by whatever the scheduler gives away (3-6x was seen
with a load average of 10), CPU time much less, so the CPU ratio is the one to compare
between runs; the wall ratio also gets a floor re-run right before each step ("adjacent").
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from harness import generator_cpu, run_floor


def measure_floor(runs: int, script: Path, keys: int, *extra: str) -> dict[str, Any]:
    """Run a floor `runs` times and keep the run with the median wall time (all runs recorded).

    CPU: the PostgreSQL floor reports its own (`cpu_s`, `db_cpu_s`, timed part only); for the
    shared SQLite floor it is the process's CPU minus that of a process that only builds the
    file, each the median of `runs` runs."""
    results = sorted((run_floor(script, keys, *extra) for _ in range(runs)), key=lambda r: r["floor_s"])
    chosen = dict(results[len(results) // 2])
    chosen["all_floor_s"] = [r["floor_s"] for r in results]
    if "cpu_s" in chosen:
        chosen["cpu_s"] = round(statistics.median(r["cpu_s"] for r in results), 3)
        chosen["db_cpu_s"] = round(statistics.median(r["db_cpu_s"] for r in results), 3)
    else:
        process = statistics.median(r["process_cpu_s"] for r in results)
        generating = statistics.median(generator_cpu(keys) for _ in range(runs))
        chosen["cpu_s"] = round(process - generating, 3)
        chosen["cpu_s_method"] = "process CPU minus a generate-only process's CPU (medians)"
    return chosen


def total_cpu(figures: dict[str, Any], app_field: str) -> float:
    return float(figures.get(app_field, 0.0)) + float(figures.get("db_cpu_s", 0.0))


def summarize(runs: list[dict[str, dict[str, Any]]], floor: dict[str, Any]) -> dict[str, Any]:
    """Per step: the median over repeated runs (each on a fresh server) of every figure, and the
    ratios to the floor; the response and DB counts of the first run (differing runs are flagged)."""
    summary: dict[str, Any] = {}
    for name in runs[0]:
        done = [r[name] for r in runs if name in r]
        first = done[0]
        step: dict[str, Any] = {k: first[k] for k in ("language", "overwrite", "body_mib", "status")}
        for field in ("seconds", "server_cpu_s", "db_cpu_s", "idle_rss_mib", "peak_rss_mib", "growth_mib"):
            if field in first:
                step[field] = round(statistics.median(d[field] for d in done), 3)
        step["all_seconds"] = [d["seconds"] for d in done]
        step["all_server_cpu_s"] = [d["server_cpu_s"] for d in done]
        step["ratio_to_floor"] = round(step["seconds"] / floor["floor_s"], 2)
        if all("ratio_to_adjacent_floor" in d for d in done):
            step["ratio_to_adjacent_floor"] = round(statistics.median(d["ratio_to_adjacent_floor"] for d in done), 2)
            step["all_ratios_to_adjacent_floor"] = [d["ratio_to_adjacent_floor"] for d in done]
        step["cpu_ratio_to_floor"] = round(total_cpu(step, "server_cpu_s") / total_cpu(floor, "cpu_s"), 2)
        if "db_cpu_s" in step and floor.get("db_cpu_s"):
            step["app_cpu_ratio_to_floor"] = round(step["server_cpu_s"] / floor["cpu_s"], 2)
            step["db_cpu_ratio_to_floor"] = round(step["db_cpu_s"] / floor["db_cpu_s"], 2)
        step["growth_vs_floor_peak"] = round(step["growth_mib"] / floor["peak_rss_mb"], 2)
        for field in ("response", "history_rows_added", "versions_bumped", "server_died"):
            if field in first:
                step[field] = first[field]
        if any(d.get("response") != first.get("response") or d["status"] != first["status"] for d in done):
            step["responses_differ_between_runs"] = [d.get("response") for d in done]
        summary[name] = step
    return summary


def pace(big: dict[str, Any], big_keys: int, ref: dict[str, Any], ref_keys: int) -> dict[str, Any]:
    return {
        "reference_keys": ref_keys,
        "reference_seconds": ref["seconds"],
        "reference_server_cpu_s": ref["server_cpu_s"],
        "reference_us_per_key": round(ref["seconds"] / ref_keys * 1e6, 1),
        "us_per_key": round(big["seconds"] / big_keys * 1e6, 1),
        "pace_ratio": round((big["seconds"] / big_keys) / (ref["seconds"] / ref_keys), 2),
        "cpu_pace_ratio": round((big["server_cpu_s"] / big_keys) / (ref["server_cpu_s"] / ref_keys), 2),
        "reference_peak_rss_mib": ref["peak_rss_mib"],
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"\n{report['checkout']['commit'][:10]} ({report['checkout']['src']}), {report['database']}, "
          f"{report['keys']} keys {report['format']} ({report['file_mib']} MiB), "
          f"{len(report['runs'])} run(s), load {report['machine']['loadavg_at_start']} -> {report['loadavg_at_end']}")
    for name, f in report["floors"].items():
        db = f" + db {f['db_cpu_s']:.2f}" if "db_cpu_s" in f else ""
        print(f"  floor {name:<14} {f['floor_s']:>6.2f} s wall (parse {f['parse_s']:.2f}, insert {f['insert_s']:.2f};"
              f" runs {f['all_floor_s']}), CPU {f['cpu_s']:.2f}{db} s, peak RSS {f['peak_rss_mb']:.0f} MiB")
    print(f"\n  {'step':<8} {'http':>4} {'wall s':>7} {'x floor':>7} {'x adj':>6} {'cpu s':>6} {'db cpu':>6}"
          f" {'x fl cpu':>8} {'idle MiB':>8} {'peak MiB':>8} {'growth':>6} {'x fl pk':>7} {'hist+':>7}  response")
    for name, s in report["steps"].items():
        resp = s.get("response")
        short = {k: resp[k] for k in ("imported", "created", "updated", "skipped") if k in resp} \
            if isinstance(resp, dict) else str(resp)[:200]
        print(f"  {name:<8} {s['status']:>4} {s['seconds']:>7.2f} {s['ratio_to_floor']:>7.2f}"
              f" {s.get('ratio_to_adjacent_floor', '-'):>6} {s['server_cpu_s']:>6.2f} {s.get('db_cpu_s', '-'):>6}"
              f" {s['cpu_ratio_to_floor']:>8.2f} {s['idle_rss_mib']:>8.0f} {s['peak_rss_mib']:>8.0f}"
              f" {s['growth_mib']:>6.0f} {s['growth_vs_floor_peak']:>7.2f}"
              f" {s.get('history_rows_added', '-'):>7}  {short}")
    if "pace" in report:
        p = report["pace"]
        print(f"\n  pace: {p['us_per_key']} us/key vs {p['reference_us_per_key']} us/key at {p['reference_keys']} keys"
              f" (wall x{p['pace_ratio']}, CPU x{p['cpu_pace_ratio']})")
