"""An AI batch job of 1,000 keys against the fake provider at 200 ms a request (issue 17:
≤ 10 s wall for the whole job).

A real `entri serve` (its job worker thread does the work) on a fresh SQLite file, or on a
scratch PostgreSQL database with `--db postgres`; the fake provider is `tests/ai/fake_llm.py`
(a real HTTP server speaking the OpenAI wire format) behind the official OpenAI SDK, answering
every request after `--latency` seconds. The keys' source texts are realistic UI strings
(bench/tm_corpus.py: labels, templates, sentences, placeholders of several dialects);
`--texts template` uses one template instead ("Welcome back, {name}: you have N new
messages"), a worst case for the memory: every AI value saved is a fuzzy match of every later
key. `--tm N` first fills the organization's memory with N approved en→fr translations of
variants of the first N keys' texts (a word changed, added or dropped), so their prompts carry
TM matches as in a project with history.

Measured: wall time from `POST …/translate/batch/start` to the job's final state (polled every
50 ms), server CPU (the serve process, all threads), provider requests, the most requests in
flight at once, tokens the job counted, and the `dryRun` estimate for the same batch.
`--concurrency N` sets the organization's `aiConcurrency` through its settings route first.

    /work/main/.venv/bin/python bench/ai_batch.py                 # SQLite, 1,000 keys, 200 ms
    /work/main/.venv/bin/python bench/ai_batch.py --db postgres
    /work/main/.venv/bin/python bench/ai_batch.py --tm 500 --out ai_batch_tm500.json

Results: bench/results/ai_batch[_postgres].json and a summary on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness import (
    DEFAULT_ENTRI,
    DEFAULT_PG,
    RESULTS,
    Server,
    checkout_info,
    cpu_seconds,
    machine_info,
    pg_backend_pids,
    scratch_database,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ai.fake_llm import fake_provider  # noqa: E402
from tm_corpus import Corpus  # noqa: E402

TARGET_S = 10.0
FINAL = {"succeeded", "partially_failed", "failed", "cancelled"}


@contextlib.contextmanager
def _database(kind: str, pg: str) -> Iterator[str | None]:
    if kind == "postgres":
        with scratch_database(pg, "ai") as url:
            yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        yield None


def _texts(kind: str, count: int) -> list[str]:
    if kind == "template":
        return [f"Welcome back, {{name}}: you have {n} new messages" for n in range(count)]
    return Corpus(seed=17).segments(count)


def _keys(client: Any, pid: str, prefix: str, texts: list[str]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(texts), 1000):
        body = {
            "keys": [
                {"key": f"{prefix}.{n:05}", "sourceValue": text}
                for n, text in enumerate(texts[start : start + 1000], start)
            ]
        }
        r = client.post(f"/api/projects/{pid}/keys/bulk", json=body)
        r.raise_for_status()
        ids += [k["_id"] for k in r.json()["keys"]]
    return ids


def _seed_memory(client: Any, pid: str, texts: list[str]) -> None:
    """Approved en→fr translations of variants of `texts` (captured into the memory by the write path)."""
    corpus = Corpus(seed=18)
    variants = list(dict.fromkeys(corpus.variant(text) for text in texts))
    for key_id, text in zip(_keys(client, pid, "history", variants), variants, strict=True):
        r = client.put(
            f"/api/projects/{pid}/keys/{key_id}/translations/fr", json={"value": f"FR {text}", "status": "approved"}
        )
        r.raise_for_status()


def _pg_cpu(database_url: str | None) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bench's database, by pid."""
    if not database_url:
        return {}
    plain = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    return {pid: cpu_seconds([pid]) for pid in pg_backend_pids(plain)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    src = Path(args.src).resolve()
    machine = machine_info()
    with fake_provider() as (url, behaviour), _database(args.db, args.pg) as database_url:
        behaviour.latency = args.latency
        env = {
            "OPENAI_API_KEY": "sk-bench-not-a-real-key",
            "OPENAI_BASE_URL": url + "/v1",
            "ENTRI_AI_PROVIDER": "openai",
            "ENTRI_AI_MODEL": "gpt-4o-mini",
        }
        with Server(src=src, entri=Path(args.entri), database_url=database_url, env=env) as server:
            client = server.client()
            pid = server.create_project(client, ["fr"])
            if args.concurrency:
                r = client.patch("/api/organizations/current", json={"settings": {"aiConcurrency": args.concurrency}})
                if r.status_code != 200:
                    raise SystemExit(f"cannot set aiConcurrency (organization settings): {r.text}")
            texts = _texts(args.texts, args.keys)
            if args.tm:
                _seed_memory(client, pid, texts[: args.tm])
            keys = _keys(client, pid, "screen", texts)
            # Warm-up: the first AI call of a process imports the SDK (0.7-1.5 s here); a server
            # pays that once, so the job is measured after one single translate.
            warm_started = time.monotonic()
            warm = client.post(f"/api/projects/{pid}/ai/translate", json={"keyId": keys[0], "targetLanguage": "fr"})
            warm.raise_for_status()
            warm_s = time.monotonic() - warm_started
            body = {"targetLanguages": ["fr"], "keyIds": keys}
            dry = client.post(f"/api/projects/{pid}/ai/translate/batch/start", json={**body, "dryRun": True})
            dry.raise_for_status()
            calls_before = len(behaviour.calls)
            cpu_before = cpu_seconds(server.app_pids())
            pg_before = _pg_cpu(database_url)
            started = time.monotonic()
            r = client.post(f"/api/projects/{pid}/ai/translate/batch/start", json=body)
            r.raise_for_status()
            job_id = r.json()["jobId"]
            first_call: float | None = None
            while True:
                state = client.get(f"/api/projects/{pid}/ai/jobs/{job_id}").json()
                if first_call is None and len(behaviour.calls) > calls_before:
                    first_call = time.monotonic() - started
                if state["status"] in FINAL:
                    break
                if time.monotonic() - started > args.timeout:
                    raise SystemExit(f"job not finished after {args.timeout} s: {state}")
                time.sleep(0.05)
            wall = time.monotonic() - started
            cpu = cpu_seconds(server.app_pids()) - cpu_before
            pg_after = _pg_cpu(database_url)
            pg_cpu = sum(after - pg_before.get(pid, 0.0) for pid, after in pg_after.items())
            calls = len(behaviour.calls) - calls_before
            sample = json.loads(json.loads(behaviour.calls[-1]["body"])["messages"][1]["content"])
    return {
        "bench": "ai_batch",
        "machine": machine,
        "checkout": checkout_info(src),
        "db": args.db,
        "keys": args.keys,
        "latency_s": args.latency,
        "texts": args.texts,
        "tm_entries": args.tm,
        "ai_concurrency": args.concurrency or 4,
        "wall_s": round(wall, 3),
        "target_s": TARGET_S,
        "met": wall <= TARGET_S and state["status"] == "succeeded",
        "server_cpu_s": round(cpu, 3),
        "postgres_cpu_s": round(pg_cpu, 3) if database_url else None,
        "warm_up_translate_s": round(warm_s, 3),
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "first_provider_call_s": round(first_call or 0.0, 3),
        "status": state["status"],
        "translated": state["translated"],
        "failed": state["failed"],
        "provider_requests": calls,
        "peak_requests_in_flight": behaviour.peak_in_flight,
        "floor_s": round(calls / max(1, behaviour.peak_in_flight) * args.latency, 3),
        "tokens_used": state["tokensUsed"],
        "dry_run": dry.json(),
        "prompt_has_tm": any("translationMemory" in s for s in sample["strings"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per provider request")
    parser.add_argument("--tm", type=int, default=0, help="approved en->fr translations seeded first")
    parser.add_argument("--texts", choices=("corpus", "template"), default="corpus")
    parser.add_argument("--concurrency", type=int, default=0, help="organization aiConcurrency (0: default 4)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--entri", default=str(DEFAULT_ENTRI))
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    result = run(args)
    name = args.out or ("ai_batch.json" if args.db == "sqlite" else f"ai_batch_{args.db}.json")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    pg = f" + PostgreSQL {result['postgres_cpu_s']:.2f} s" if result["postgres_cpu_s"] is not None else ""
    print(
        f"{result['keys']} keys ({result['texts']}), {result['latency_s'] * 1000:.0f} ms/request, {result['db']},"
        f" TM {result['tm_entries']}:"
        f" {result['wall_s']:.2f} s wall (target {TARGET_S:.0f} s, {'met' if result['met'] else 'NOT met'}),"
        f" server CPU {result['server_cpu_s']:.2f} s{pg},"
        f" {result['provider_requests']} requests, peak {result['peak_requests_in_flight']} in flight"
        f" (floor {result['floor_s']:.2f} s), first call after {result['first_provider_call_s']:.2f} s,"
        f" {result['status']} {result['translated']}/{result['keys']}, tokens {result['tokens_used']},"
        f" dry run estimate {result['dry_run']['estimatedTokens']}, warm-up {result['warm_up_translate_s']:.2f} s"
    )


if __name__ == "__main__":
    main()
