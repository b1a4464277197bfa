"""`nt3 translate` (`tr`): AI-translate the untranslated keys of each language as a server job.

One batch job per language (`POST .../ai/translate/batch/start`, no key list: every untranslated
key). With `--wait` (the default) its progress is followed on the job's Server-Sent Events: a Rich
bar on a terminal, a line per update in CI. Ctrl-C cancels the job on the server. Failed keys are
listed (from the job's items) and make the command exit 1. Re-running is safe: translated keys are
skipped by the server (docs/cli.md, "translate").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import credentials, load_project
from entri.cli.errors import CliError
from entri.cli.output import Output, error_line
from entri.cli.patterns import same_language

FAILED_LISTED = 50
PLAIN_EVERY_SECONDS = 5.0


def _languages(project: dict[str, Any], wanted: list[str]) -> list[str]:
    targets: list[str] = list(project["targetLanguages"])
    if not wanted:
        return targets
    chosen: list[str] = []
    for code in wanted:
        match = [t for t in targets if same_language(t, code)]
        if not match:
            raise CliError(f"'{code}' is not a target language of the project ({', '.join(targets) or 'none'})")
        chosen.extend(m for m in match if m not in chosen)
    return chosen


def _model(api: Api, project_id: str, provider: str | None, model: str | None) -> str | None:
    if model is not None or provider is None:
        return model
    status = api.get(f"/api/projects/{project_id}/ai/status")
    models = [m["id"] for m in status.get("availableModels", []) if m.get("provider") == provider]
    if not models:
        available = ", ".join(status.get("availableProviders", [])) or "none"
        raise CliError(f"provider '{provider}' is not configured on the server (available: {available})")
    return str(models[0])


class _Progress:
    """A Rich bar per language on a terminal, else a plain line at most every 5 s."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.last_line = 0.0

    @contextmanager
    def language(self, language: str, total: int) -> Iterator[None]:
        if self.out.fancy:
            with Progress(
                TextColumn(f"[bold]{language}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed"),
                TimeElapsedColumn(),
                console=self.out.console,
            ) as bar:
                self.bar, self.task = bar, bar.add_task(language, total=total, failed=0)
                yield
            self.bar = self.task = None
        else:
            self.out.line(f"{language}: translating {total} key(s)")
            self.last_line = time.monotonic()
            yield

    def update(self, language: str, state: dict[str, Any]) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=state["processed"], total=state["total"], failed=state["failed"])
        elif time.monotonic() - self.last_line >= PLAIN_EVERY_SECONDS:
            self.out.line(f"{language}: {state['processed']}/{state['total']} processed, {state['failed']} failed")
            self.last_line = time.monotonic()


def _follow(api: Api, project_id: str, job_id: str, language: str, progress: _Progress) -> dict[str, Any]:
    """The job's final state, following its stream; Ctrl-C cancels it on the server."""
    base = f"/api/projects/{project_id}/ai"
    final: dict[str, Any] | None = None
    try:
        for event, data in api.events(f"{base}/translate/batch/stream/{job_id}"):
            progress.update(language, data)
            if event in ("done", "cancelled", "error"):
                final = data
                break
    except KeyboardInterrupt:
        state = api.post(f"{base}/translate/batch/cancel/{job_id}")
        raise CliError(
            f"interrupted: job {job_id} cancelled on the server ({state['processed']}/{state['total']} processed; "
            "translated keys are kept, run translate again to continue)",
            code=130,
        ) from None
    if final is None:  # the stream ended without a final event (a proxy cut it): ask once more
        final = api.get(f"{base}/jobs/{job_id}")
    return final


def _failed_keys(api: Api, project_id: str, job_id: str) -> list[dict[str, Any]]:
    """The failed items (at most 50) with their key names and reasons."""
    page = api.get(
        f"/api/projects/{project_id}/jobs/{job_id}/items", params={"state": "failed", "limit": FAILED_LISTED}
    )
    failed: list[dict[str, Any]] = []
    for item in page["data"]:
        key_id = (item.get("payload") or {}).get("keyId")
        name = key_id
        try:
            key = api.get(f"/api/projects/{project_id}/keys/{key_id}")
            name = f"{key['namespace']}:{key['key']}" if key.get("namespace") else key["key"]
        except CliError:
            pass
        failed.append(
            {"key": name, "keyId": key_id, "language": item["payload"].get("language"), "reason": item.get("reason")}
        )
    return failed


def run(
    *, languages: list[str], provider: str | None, model: str | None, overwrite: bool, wait: bool, out: Output
) -> int:
    config = load_project()
    results: list[dict[str, Any]] = []
    with Api(credentials()) as api:
        project = api.get(f"/api/projects/{config.project_id}")
        chosen = _languages(project, languages)
        if not chosen:
            raise CliError("the project has no target language to translate into")
        chosen_model = _model(api, config.project_id, provider, model)
        progress = _Progress(out)
        for language in chosen:
            body: dict[str, Any] = {"targetLanguages": [language], "overwrite": overwrite}
            if chosen_model:
                body["model"] = chosen_model
            started = api.post(f"/api/projects/{config.project_id}/ai/translate/batch/start", body)
            job_id, total = started["jobId"], int(started.get("total", 0))
            result: dict[str, Any] = {"language": language, "jobId": job_id, "total": total}
            if not wait:
                out.line(f"{language}: job {job_id} started ({total} key(s))")
                results.append(result)
                continue
            with progress.language(language, total):
                final = _follow(api, config.project_id, job_id, language, progress)
            result.update({k: final.get(k) for k in ("status", "processed", "translated", "failed", "skipped")})
            if final.get("failed"):
                result["failedKeys"] = _failed_keys(api, config.project_id, job_id)
            results.append(result)
            out.line(
                f"{language}: {final.get('translated', 0)} translated, {final.get('skipped', 0)} skipped, "
                f"{final.get('failed', 0)} failed ({final.get('status')})"
            )
            for item in result.get("failedKeys", []):
                out.line(f"  failed: {item['key']}: {item['reason']}", style="red")
            if final.get("failed", 0) > len(result.get("failedKeys", [])):
                out.line(f"  ... and {final['failed'] - len(result['failedKeys'])} more")
    failed = any(r.get("failed") for r in results) or any(r.get("status") in ("failed", "cancelled") for r in results)
    out.result({"success": not failed, "languages": results})
    if failed:
        keys = [item["key"] for r in results for item in r.get("failedKeys", [])]
        shown = ", ".join(str(k) for k in keys[:10]) + (" ..." if len(keys) > 10 else "")
        count = sum(int(r.get("failed") or 0) for r in results)
        error_line(f"{count} key(s) failed to translate: {shown}" if count else "a translation job did not finish")
        return errors.ERROR
    return errors.OK
