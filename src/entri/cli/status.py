"""`nt3 status`: who the CLI is, which server and project it talks to, how far each language is;
with `--min-completion N` a release gate that exits 3 when a language is below N %.

Completion comes from `GET /api/projects/:id/analytics/progress` when the server has it, else
from the translation listing's counts (`GET /translations/:lang?status=…&limit=1`, `meta.total`):
`completionPercent` = floor(100 * (translated + reviewed + approved) / keys), 100 for a project
without keys (docs/cli.md, "status").
"""

from __future__ import annotations

from typing import Any

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import PROJECT_FILE, ProjectConfig, credentials, load_project
from entri.cli.errors import CliError
from entri.cli.output import Output, error_line
from entri.cli.patterns import same_language

DONE = ("translated", "reviewed", "approved")


def _percent(translated: int, total: int) -> int:
    return 100 if total == 0 else (100 * translated) // total


def progress(api: Api, project: dict[str, Any], languages: list[str]) -> list[dict[str, Any]]:
    """Per language: totalKeys, translated (incl. reviewed and approved), reviewed (incl.
    approved), approved, completionPercent."""
    base = f"/api/projects/{project['_id']}"
    response = api.request(
        "GET", f"{base}/analytics/progress", params={"languages": ",".join(languages)}, ok=(200, 404)
    )
    if response.status_code == 200:
        wanted = {lang.lower() for lang in languages}
        rows = response.json().get("languages", [])
        return [
            {k: r.get(k) for k in ("language", "totalKeys", "translated", "reviewed", "approved", "completionPercent")}
            for r in rows
            if str(r.get("language", "")).lower() in wanted
        ]
    rows = []
    for language in languages:
        path = f"{base}/translations/{language}"
        total = api.total(path)
        counts = {status: api.total(path, {"status": status}) for status in DONE}
        translated = sum(counts.values())
        rows.append(
            {
                "language": language,
                "totalKeys": total,
                "translated": translated,
                "reviewed": counts["reviewed"] + counts["approved"],
                "approved": counts["approved"],
                "completionPercent": _percent(translated, total),
            }
        )
    return rows


def run(*, min_completion: int | None, languages: list[str], out: Output) -> int:
    creds = credentials()
    gate = min_completion is not None
    config: ProjectConfig | None = None
    config_error: str | None = None
    try:
        config = load_project()
    except CliError as exc:
        if gate:
            raise
        config_error = exc.message
    result: dict[str, Any] = {
        "authenticated": False,
        "tokenSource": creds.token_source,
        "apiUrl": creds.api_url,
        "project": None,
        "languages": [],
    }
    user: dict[str, Any] | None = None
    problem: str | None = None
    if creds.token:
        with Api(creds) as api:
            try:
                user = api.get("/api/auth/me")
                result["authenticated"] = True
                if config is not None:
                    project = api.get(f"/api/projects/{config.project_id}")
                    result["project"] = {
                        "id": project["_id"],
                        "name": project["name"],
                        "sourceLanguage": project["sourceLanguage"],
                        "targetLanguages": project["targetLanguages"],
                        "filePatterns": [p.__dict__ for p in config.file_patterns],
                    }
                    chosen = _chosen(project, languages)
                    result["languages"] = progress(api, project, chosen) if chosen else []
            except CliError as exc:
                if gate:
                    raise
                problem = exc.message
    elif gate:
        raise CliError("not logged in: run `nt3 login`, or set NT3_API_TOKEN")
    _show(out, result, creds.token_where, user, config_error or problem)
    out.result(result)
    if gate:
        assert min_completion is not None
        below = [r for r in result["languages"] if int(r["completionPercent"]) < min_completion]
        if below:
            listed = ", ".join(f"{r['language']} {r['completionPercent']}%" for r in below)
            error_line(f"below {min_completion}% completion: {listed}")
            return errors.GATE
        out.line(f"Every language is at {min_completion}% or more")
    return errors.OK


def _chosen(project: dict[str, Any], languages: list[str]) -> list[str]:
    targets: list[str] = list(project["targetLanguages"])
    if not languages:
        return targets
    known = [project["sourceLanguage"], *targets]
    chosen = [k for code in languages for k in known if same_language(k, code)]
    unknown = [code for code in languages if not any(same_language(k, code) for k in known)]
    if unknown:
        raise CliError(f"not a language of the project: {', '.join(unknown)} (it has {', '.join(known)})")
    return chosen


def _show(
    out: Output, result: dict[str, Any], where: str | None, user: dict[str, Any] | None, problem: str | None
) -> None:
    out.line(f"API URL:       {result['apiUrl']}")
    if result["authenticated"] and user is not None:
        who = user.get("email") or user.get("name") or "a token"
        out.line(f"Logged in:     yes, as {who} ({user.get('role')}; token from {where})")
    elif where:
        out.line(f"Logged in:     no (token from {where} not accepted)")
    else:
        out.line("Logged in:     no (run `nt3 login` or set NT3_API_TOKEN)")
    project = result["project"]
    if project is not None:
        out.line(f"Project:       {project['name']} ({project['id']}), source {project['sourceLanguage']}")
        for row in result["languages"]:
            out.line(
                f"  {row['language']:<10} {row['completionPercent']:>3}%  "
                f"{row['translated']}/{row['totalKeys']} translated, {row['reviewed']} reviewed, "
                f"{row['approved']} approved"
            )
    if problem:
        out.line(f"Note:          {problem}")
    elif project is None and result["authenticated"]:
        out.line(f"Project:       none ({PROJECT_FILE} not found)")
