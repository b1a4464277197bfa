"""`nt3 pull` (`down`): export every target language (or one) into the pattern paths.

Each file is written atomically (a temporary file renamed over it), folders are created, and
the report says which files changed and which did not. `.nt3/state.json` remembers each file's
bytes and ETag: the next pull sends `If-None-Match` and skips what the server answers 304 for,
and refuses to overwrite a file changed locally since it was pulled unless `--force`
(docs/cli.md, "pull").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import FilePattern, ProjectConfig, credentials, load_project
from entri.cli.errors import CliError
from entri.cli.output import Output
from entri.cli.patterns import discover, expand, same_language
from entri.cli.state import Pulled, State, atomic_write, digest


@dataclass(frozen=True)
class Target:
    pattern: FilePattern
    path: str
    language: str
    namespace: str | None
    params: dict[str, str]


def _namespaces(pattern: FilePattern, root: Path, source_language: str) -> list[str | None]:
    """A `{namespace}` pattern's namespaces are the ones its files on disk have."""
    if "{namespace}" not in pattern.path:
        return [pattern.namespace]
    found = sorted({f.namespace for f in discover(pattern, root, source_language) if f.namespace})
    return list[str | None](found)


def targets(config: ProjectConfig, project: dict[str, Any], root: Path, language: str | None) -> list[Target]:
    """Every (pattern, language, namespace) to export, with its path on disk. A pattern without
    a namespace exports the default namespace only when another pattern names one (else every
    key: an XLIFF file may carry several namespaces of its own)."""
    languages = list(project["targetLanguages"])
    if language is not None:
        known = [project["sourceLanguage"], *languages]
        match = [k for k in known if same_language(k, language)]
        if not match:
            raise CliError(f"'{language}' is not a language of project {config.project_id} ({', '.join(known)})")
        languages = match
    any_namespace = any(p.namespace or "{namespace}" in p.path for p in config.file_patterns)
    out: list[Target] = []
    for pattern in config.file_patterns:
        on_disk = discover(pattern, root, config.source_language)
        underscore = any("_" in f.disk_language for f in on_disk)
        spelled = {f.language.lower(): f.disk_language for f in on_disk if f.disk_language}
        for namespace in _namespaces(pattern, root, config.source_language):
            for lang in languages:
                path = expand(
                    pattern,
                    language=lang,
                    source_language=project["sourceLanguage"],
                    namespace=namespace,
                    disk=spelled.get(lang.lower()),
                    underscore=underscore,
                )
                params = {"format": pattern.format}
                if namespace is not None:
                    params["namespace"] = namespace
                elif any_namespace:
                    params["namespace"] = ""
                out.append(Target(pattern, path, lang, namespace, params))
    return out


def _request(target: Target) -> str:
    return json.dumps([target.language, target.params], sort_keys=True)


def run(*, language: str | None, force: bool, out: Output) -> int:
    root = Path.cwd()
    config = load_project()
    state = State(root)
    report: list[dict[str, Any]] = []
    failed = False
    with Api(credentials()) as api:
        project = api.get(f"/api/projects/{config.project_id}")
        try:
            for target in targets(config, project, root, language):
                entry: dict[str, Any] = {
                    "language": target.language,
                    "path": target.path,
                    "format": target.pattern.format,
                }
                if target.namespace is not None:
                    entry["namespace"] = target.namespace
                try:
                    entry["status"], not_modified = _pull_one(api, config.project_id, target, root, state, force=force)
                except CliError as exc:
                    if exc.fatal:
                        raise
                    failed = True
                    entry["error"] = exc.message
                    out.warn(f"{target.path}: {exc.message}")
                else:
                    if not_modified:
                        entry["notModified"] = True
                    out.line(
                        f"{entry['status']:>9}  {target.path} ({target.language})",
                        style="green" if entry["status"] != "unchanged" else "dim",
                    )
                report.append(entry)
        finally:
            state.save()  # what was written is recorded, even when a later file stops the pull
    changed = sum(1 for e in report if e.get("status") in ("created", "changed"))
    out.line(
        f"{changed} file(s) written, {sum(1 for e in report if e.get('status') == 'unchanged')} unchanged"
        + (f", {sum(1 for e in report if 'error' in e)} failed" if failed else "")
    )
    out.result(
        {
            "success": not failed,
            "files": report,
            "errors": [f"{e['path']}: {e['error']}" for e in report if "error" in e],
        }
    )
    return errors.ERROR if failed else errors.OK


def _pull_one(api: Api, project_id: str, target: Target, root: Path, state: State, *, force: bool) -> tuple[str, bool]:
    """(`created`, `changed` or `unchanged`; whether the server answered 304), or a CliError
    when the file may not be overwritten."""
    path = root / target.path
    local = path.read_bytes() if path.is_file() else None
    local_hash = digest(local) if local is not None else None
    record = state.get(target.path)
    request = _request(target)
    headers = {}
    if record is not None and record.etag and record.request == request and record.sha256 == local_hash:
        headers["If-None-Match"] = record.etag
    response = api.request(
        "GET",
        f"/api/projects/{project_id}/export/{target.language}",
        params=target.params,
        headers=headers,
        ok=(200, 304),
        timeout=300.0,
    )
    etag = response.headers.get("ETag")
    if response.status_code == 304:
        return "unchanged", True
    content = response.content
    if local is not None and content == local:
        state.put(target.path, Pulled(digest(content), etag, request))
        return "unchanged", False
    if local is not None and record is not None and record.sha256 != local_hash and not force:
        raise CliError("changed locally since the last pull: push it first, or pull --force to overwrite it")
    atomic_write(path, content)
    state.put(target.path, Pulled(digest(content), etag, request))
    return ("changed" if local is not None else "created"), False
