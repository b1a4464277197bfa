"""`nt3 push` (`up`) and `nt3 diff`: send the repository's locale files to the import API.

Every file matching a pattern is pushed, source-language files first (so their keys exist when
the target files arrive); languages found on disk that the project lacks are added to it as
target languages. A dry run (`--dry-run`, `diff`) asks the server to run each import and roll
it back (`dryRun`), and prints what it would do key by key (docs/cli.md, "push").

Conflict policy: `--overwrite` replaces existing values but never a reviewed or approved one
(`protectReviewed`) unless `--force`; `--fail-on-conflict` checks every file first and pushes
nothing when a reviewed value would be replaced or kept back.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import FilePattern, ProjectConfig, credentials, load_project
from entri.cli.errors import CliError
from entri.cli.output import Output, shorten
from entri.cli.patterns import Found, discover, same_language

REVIEWED = ("reviewed", "approved")
CHANGES = ("created", "added", "updated")
MARKS = {"created": "+", "added": "+", "updated": "~", "conflict": "!", "skipped": "="}
IMPORT_TIMEOUT = 900.0


@dataclass(frozen=True)
class PushOptions:
    overwrite: bool = False
    force: bool = False
    dry_run: bool = False
    fail_on_conflict: bool = False
    fail_on_changes: bool = False
    language: str | None = None


@dataclass
class LocalFile:
    pattern: FilePattern
    found: Found


def local_files(config: ProjectConfig, root: Path, language: str | None) -> list[LocalFile]:
    """Every file of every pattern (or of one language), source-language files first."""
    files: list[LocalFile] = []
    seen: set[str] = set()
    for pattern in config.file_patterns:
        for found in discover(pattern, root, config.source_language):
            if found.path in seen or (language is not None and not same_language(found.language, language)):
                continue
            seen.add(found.path)
            files.append(LocalFile(pattern, found))
    files.sort(key=lambda f: not same_language(f.found.language, config.source_language))
    return files


def _content(data: bytes) -> dict[str, str]:
    """UTF-8 files go as text; anything else (UTF-16, Latin-1) as its exact bytes in base64."""
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:
            return {"content": text}
    except UnicodeDecodeError:
        pass
    return {"content": base64.b64encode(data).decode("ascii"), "contentEncoding": "base64"}


def import_file(
    api: Api, project_id: str, file: LocalFile, root: Path, *, overwrite: bool, protect: bool, dry_run: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "language": file.found.language,
        "format": file.pattern.format,
        **_content((root / file.found.path).read_bytes()),
        "overwrite": overwrite,
        "protectReviewed": protect,
        "dryRun": dry_run,
    }
    if file.found.namespace is not None:
        body["namespace"] = file.found.namespace
    result: dict[str, Any] = api.post(f"/api/projects/{project_id}/import", body, timeout=IMPORT_TIMEOUT)
    return result


def _entry(file: LocalFile) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": file.found.path, "language": file.found.language, "format": file.pattern.format}
    if file.found.namespace is not None:
        entry["namespace"] = file.found.namespace
    return entry


def is_conflict(item: dict[str, Any]) -> bool:
    """A reviewed or approved value that the push keeps back, or (with --force) replaces."""
    return item["action"] == "conflict" or (item["action"] == "updated" and item.get("oldStatus") in REVIEWED)


def _counts(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("imported", "created", "updated", "skipped", "conflicts", "warnings", "checks")
    return {k: result[k] for k in keep if k in result}


def run(options: PushOptions, out: Output) -> int:
    if options.fail_on_changes and not options.dry_run:
        raise CliError("--fail-on-changes needs --dry-run (or use `nt3 diff --fail-on-changes`)")
    root = Path.cwd()
    config = load_project()
    overwrite = options.overwrite or config.update_translations
    protect = overwrite and not options.force
    with Api(credentials()) as api:
        project = api.get(f"/api/projects/{config.project_id}")
        files = local_files(config, root, options.language)
        if not files:
            raise CliError(
                "no file on disk matches the file_patterns of .nt3.yml"
                + (f" for language '{options.language}'" if options.language else "")
            )
        known = [project["sourceLanguage"], *project["targetLanguages"]]
        missing = sorted(
            {f.found.language for f in files if not any(same_language(f.found.language, k) for k in known)}
        )
        if options.fail_on_conflict and not options.dry_run:
            found = _precheck(
                api, config.project_id, files, root, overwrite=overwrite, protect=protect, missing=missing
            )
            if found:
                for entry in found:
                    render_diff(out, entry)
                count = sum(len(e["changes"]) for e in found)
                out.line(f"Nothing pushed: {count} reviewed or approved value(s) would be replaced or kept back.")
                out.result(
                    {
                        "success": False,
                        "dryRun": False,
                        "projectId": config.project_id,
                        "languagesAdded": [],
                        "conflicts": count,
                        "files": found,
                        "errors": [],
                    }
                )
                return errors.FOUND
        added: list[str] = []
        if not options.dry_run:
            for language in missing:
                api.post(f"/api/projects/{config.project_id}/languages", {"language": language})
                added.append(language)
                out.line(f"Added target language {language} to the project")
        report, failed = _push_all(api, config.project_id, files, root, options, out, overwrite, protect, missing)
    items = [item for entry in report for item in entry.get("changes", [])]
    conflicts = (
        sum(1 for item in items if is_conflict(item))
        if options.dry_run
        else sum(int(e.get("conflicts", 0)) for e in report)
    )
    changes = sum(1 for item in items if item["action"] in CHANGES)
    out.result(
        {
            "success": not failed,
            "dryRun": options.dry_run,
            "projectId": config.project_id,
            "languagesAdded": added,
            **({"languagesToAdd": missing} if options.dry_run else {}),
            "files": report,
            "errors": [f"{e['path']}: {e['error']}" for e in report if "error" in e],
        }
    )
    if failed:
        return errors.ERROR
    if options.dry_run:
        out.line(f"Dry run: {changes} change(s), {conflicts} conflict(s); nothing was written.")
        if options.fail_on_changes and changes:
            return errors.FOUND
    elif conflicts:
        out.warn(f"{conflicts} reviewed or approved value(s) kept: push with --overwrite --force to replace them")
    if options.fail_on_conflict and conflicts:
        return errors.FOUND
    return errors.OK


def _precheck(
    api: Api, project_id: str, files: list[LocalFile], root: Path, *, overwrite: bool, protect: bool, missing: list[str]
) -> list[dict[str, Any]]:
    """The files whose push would touch a reviewed value, with those values, from a dry run of
    every file whose language the project has (a language it lacks has no values yet)."""
    found: list[dict[str, Any]] = []
    for file in files:
        if file.found.language in missing:
            continue
        result = import_file(api, project_id, file, root, overwrite=overwrite, protect=protect, dry_run=True)
        conflicts = [item for item in result.get("changes", []) if is_conflict(item)]
        if conflicts:
            found.append({**_entry(file), "changes": conflicts})
    return found


def _push_all(
    api: Api,
    project_id: str,
    files: list[LocalFile],
    root: Path,
    options: PushOptions,
    out: Output,
    overwrite: bool,
    protect: bool,
    missing: list[str],
) -> tuple[list[dict[str, Any]], bool]:
    report: list[dict[str, Any]] = []
    failed = False
    created_before: set[tuple[str, str]] = set()
    for file in files:
        entry = _entry(file)
        if options.dry_run and file.found.language in missing:
            entry["languageToAdd"] = True
            entry["changes"] = []
            out.line(f"{file.found.path} ({file.found.language}): language not in the project yet; a push adds it")
            report.append(entry)
            continue
        try:
            result = import_file(
                api, project_id, file, root, overwrite=overwrite, protect=protect, dry_run=options.dry_run
            )
        except CliError as exc:
            if exc.fatal:
                raise
            failed = True
            entry["error"] = exc.message
            out.warn(f"{file.found.path}: {exc.message}")
            report.append(entry)
            continue
        entry.update(_counts(result))
        if options.dry_run:
            entry["changes"] = _as_sequence(result.get("changes", []), created_before, entry)
            render_diff(out, entry)
        else:
            out.line(_summary_line(entry))
        for warning in result.get("warnings", [])[:5]:
            out.warn(f"{file.found.path}: {warning}")
        report.append(entry)
    return report, failed


def _as_sequence(
    items: list[dict[str, Any]], created_before: set[tuple[str, str]], entry: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each file's dry run sees the server as it is now, not after the files pushed before it:
    a key an earlier file would create is, for this one, a key that exists (`added`)."""
    for item in items:
        ident = (item["namespace"], item["key"])
        if item["action"] == "created":
            if ident in created_before:
                item["action"] = "added"
                entry["created"] = max(0, int(entry.get("created", 0)) - 1)
            created_before.add(ident)
    return items


def _summary_line(entry: dict[str, Any]) -> str:
    parts = [f"{entry.get(k, 0)} {k}" for k in ("imported", "created", "updated", "skipped")]
    if entry.get("conflicts"):
        parts.append(f"{entry['conflicts']} conflicts kept")
    return f"{entry['path']} ({entry['language']}, {entry['format']}): " + ", ".join(parts)


def render_diff(out: Output, entry: dict[str, Any]) -> None:
    items = entry.get("changes", [])
    counts = {action: sum(1 for i in items if i["action"] == action) for action in MARKS}
    summary = ", ".join(f"{n} {action}" for action, n in counts.items() if n) or "no changes"
    out.line(f"--- {entry['path']} ({entry['language']}, {entry['format']}): {summary}", style="bold")
    styles = {"+": "green", "~": "yellow", "!": "red", "=": "dim"}
    for item in items:
        mark = MARKS[item["action"]]
        name = f"{item['namespace']}:{item['key']}" if item["namespace"] else item["key"]
        if item["action"] in ("created", "added"):
            text = f"{mark} {name}: {shorten(item.get('new'))}"
        elif item["action"] == "updated":
            reviewed = f"  (was {item['oldStatus']})" if item.get("oldStatus") in REVIEWED else ""
            text = f"{mark} {name}: {shorten(item.get('old'), 80)} -> {shorten(item.get('new'), 80)}{reviewed}"
        elif item["action"] == "conflict":
            text = (
                f"{mark} {name}: {item.get('oldStatus')} {shorten(item.get('old'), 80)} kept, file has "
                f"{shorten(item.get('new'), 80)} (--force replaces it)"
            )
        else:
            text = (
                f"{mark} {name}: server {shorten(item.get('old'), 80)}, file {shorten(item.get('new'), 80)} "
                "(not pushed without --overwrite)"
            )
        out.line(text, style=styles[mark])
