"""`nt3 init`: write `.nt3.yml`, interactively or (`--yes`) from flags, for CI.

It looks for the locale files already in the repository and proposes their patterns and formats
(detect.py). The project is named (`--project-id`), picked from the server's list, or created
(`--create-project NAME`, with the languages found as its target languages). `.nt3.local.json`
and `.nt3/` are added to an existing `.gitignore` (docs/cli.md, "init").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import FORMATS, LOCAL_FILE, PROJECT_FILE, FilePattern, ProjectConfig, credentials, dump_project
from entri.cli.detect import Proposal, detect, guess_source, parse_pattern
from entri.cli.errors import CliError
from entri.cli.output import Output
from entri.cli.state import atomic_write

USAGE = 2
IGNORED = (LOCAL_FILE, ".nt3/")


def run(
    *,
    yes: bool,
    project_id: str | None,
    create_project: str | None,
    source_language: str | None,
    patterns: list[str],
    update_translations: bool,
    force: bool,
    out: Output,
) -> int:
    root = Path.cwd()
    target = root / PROJECT_FILE
    if target.exists() and not force:
        raise CliError(f"{PROJECT_FILE} already exists here: use --force to replace it")
    if project_id and create_project:
        raise CliError("give --project-id or --create-project, not both", code=USAGE)
    proposals = detect(root)
    chosen = _patterns(patterns, proposals, yes=yes, out=out)
    for pattern in chosen:
        if pattern.format not in FORMATS:
            raise CliError(f"format '{pattern.format}' of {pattern.path} is not one of {', '.join(FORMATS)}")
        if "{lang}" not in pattern.path:
            raise CliError(f"pattern {pattern.path} needs a {{lang}} placeholder")
    creds = credentials()
    api = Api(creds) if creds.token else None
    try:
        project = _project(api, project_id, create_project, source_language, proposals, yes=yes, out=out)
    finally:
        if api is not None:
            api.close()
    source = source_language or (project or {}).get("sourceLanguage") or guess_source(proposals)
    if not yes and source_language is None and project is None:
        source = typer.prompt("Source language", default=source)
    pid = (project or {}).get("_id") or project_id
    if not pid:
        if yes:
            raise CliError("--yes needs --project-id or --create-project", code=USAGE)
        pid = typer.prompt("Project id")
    config = ProjectConfig(str(pid), str(source), update_translations, chosen)
    atomic_write(target, dump_project(config).encode())
    out.line(f"Wrote {PROJECT_FILE}: project {pid}, source {source}, {len(chosen)} file pattern(s)")
    _gitignore(root, out)
    out.result(
        {
            "success": True,
            "path": PROJECT_FILE,
            "projectId": pid,
            "sourceLanguage": source,
            "filePatterns": [p.__dict__ for p in chosen],
        }
    )
    return errors.OK


def _patterns(specs: list[str], proposals: list[Proposal], *, yes: bool, out: Output) -> list[FilePattern]:
    if specs:
        return [parse_pattern(spec) for spec in specs]
    if not proposals:
        if yes:
            raise CliError("no locale files found here: give --pattern 'PATH={lang}…=FORMAT'", code=USAGE)
        path = typer.prompt("No locale files found. File pattern (e.g. src/locales/{lang}.json)")
        fmt = typer.prompt(f"Format ({', '.join(FORMATS)})", default=parse_pattern(path).format or "json-nested")
        return [FilePattern(path, fmt)]
    out.line("Locale files found:")
    chosen: list[FilePattern] = []
    for proposal in proposals:
        line = (
            f"  {proposal.pattern.path}  [{proposal.pattern.format}]  "
            f"{', '.join(proposal.languages)} ({len(proposal.files)} file(s))"
        )
        out.line(line)
        if yes or typer.confirm("  use this pattern?", default=True):
            chosen.append(proposal.pattern)
    if not chosen:
        raise CliError("no file pattern chosen: nothing to write")
    return chosen


def _project(
    api: Api | None,
    project_id: str | None,
    create: str | None,
    source: str | None,
    proposals: list[Proposal],
    *,
    yes: bool,
    out: Output,
) -> dict[str, Any] | None:
    if api is None:
        if create:
            raise CliError("--create-project needs a token: run `nt3 login` first")
        if not yes:
            out.line("Not logged in: the project id cannot be checked (run `nt3 login` to pick from a list).")
        return None
    if project_id:
        project: dict[str, Any] = api.get(f"/api/projects/{project_id}")
        return project
    if not create and not yes:
        projects = list(api.pages("/api/projects"))
        for i, item in enumerate(projects, 1):
            out.line(f"  {i}. {item['name']} ({item['_id']}, source {item['sourceLanguage']})")
        answer = typer.prompt("Project number, or a name for a new project", default="1" if projects else "")
        if answer.isdigit() and 1 <= int(answer) <= len(projects):
            picked: dict[str, Any] = projects[int(answer) - 1]
            return picked
        create = answer
    if not create:
        return None
    source = source or guess_source(proposals)
    targets = sorted({lang for p in proposals for lang in p.languages if lang.lower() != source.lower()})
    body = {"name": create, "sourceLanguage": source, "targetLanguages": targets}
    made: dict[str, Any] = api.post("/api/projects", body)
    out.line(f"Created project {made['name']} ({made['_id']}): {source} -> {', '.join(targets) or 'no target yet'}")
    return made


def _gitignore(root: Path, out: Output) -> None:
    path = root / ".gitignore"
    if not path.exists() and not (root / ".git").exists():
        return
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [name for name in IGNORED if name not in present and name.rstrip("/") not in present]
    if missing:
        prefix = "" if not text or text.endswith("\n") else "\n"
        atomic_write(path, (text + prefix + "\n".join(missing) + "\n").encode())
        out.line(f"Added {', '.join(missing)} to .gitignore (token and pull state stay out of git)")
