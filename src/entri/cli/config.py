"""Where the client finds its token, its server and its project (docs/cli.md, "Configuration").

- Token: `NT3_API_TOKEN`, then `ENTRI_API_TOKEN`, then `./.nt3.local.json`, then
  `~/.nt3/config.json` (key `token`). Both files are written with mode 0600.
- API URL: `NT3_API_URL` (or `ENTRI_API_URL`), then `api_url` in `./.nt3.local.json`, then in
  `~/.nt3/config.json`, else the local server `http://127.0.0.1:8080` (no hosted default).
- Project: `./.nt3.yml` (`project_id`, `source_language`, `update_translations`,
  `file_patterns`), paths relative to the directory the command runs in.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

from entri.cli.errors import CliError

DEFAULT_API_URL = "http://127.0.0.1:8080"
TOKEN_PREFIX = "entri_"
PROJECT_FILE = ".nt3.yml"
LOCAL_FILE = ".nt3.local.json"
TOKEN_ENV = ("NT3_API_TOKEN", "ENTRI_API_TOKEN")
URL_ENV = ("NT3_API_URL", "ENTRI_API_URL")
FORMATS = (
    "json-flat",
    "json-nested",
    "json-clean",
    "yaml",
    "android-xml",
    "ios-strings",
    "ios-stringsdict",
    "xliff",
    "xliff2",
    "arb",
    "po",
    "pot",
    "php-array",
    "properties",
    "csv",
)
"""Every server format a file pattern may name (`mo` is binary and has no place in a repo of
sources; the server lists its own at GET /api/projects/:id/formats)."""


def global_file() -> Path:
    return Path.home() / ".nt3" / "config.json"


def local_file() -> Path:
    return Path.cwd() / LOCAL_FILE


def display(path: Path) -> str:
    """`~/.nt3/config.json` or `.nt3.local.json`, as people write them."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return str(path)


def read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{display(path)} is not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CliError(f"{display(path)} must hold a JSON object")
    return data


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` readable by its owner only (0600; the folder 0700), atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Credentials:
    token: str | None
    token_source: str | None
    """`env` (NT3_API_TOKEN / ENTRI_API_TOKEN), `local` (.nt3.local.json), `global`
    (~/.nt3/config.json), or None."""
    token_where: str | None
    """For people: the variable or file the token came from."""
    api_url: str
    api_url_source: str
    """`env`, `local`, `global` or `default`."""


def credentials() -> Credentials:
    token = source = where = None
    for name in TOKEN_ENV:
        if os.environ.get(name, "").strip():
            token, source, where = os.environ[name].strip(), "env", name
            break
    files = [("local", local_file()), ("global", global_file())]
    contents = {kind: read_json(path) for kind, path in files}
    if token is None:
        for kind, path in files:
            value = contents[kind].get("token")
            if isinstance(value, str) and value:
                token, source, where = value, kind, display(path)
                break
    url, url_source = DEFAULT_API_URL, "default"
    env_url = next((os.environ[n].strip() for n in URL_ENV if os.environ.get(n, "").strip()), None)
    if env_url:
        url, url_source = env_url, "env"
    else:
        for kind, _path in files:
            value = contents[kind].get("api_url")
            if isinstance(value, str) and value:
                url, url_source = value, kind
                break
    return Credentials(token, source, where, url.rstrip("/"), url_source)


def check_token_shape(token: str) -> str:
    token = token.strip()
    if not token.startswith(TOKEN_PREFIX):
        raise CliError(f"that is not an Entri API token: tokens start with '{TOKEN_PREFIX}'")
    return token


@dataclass(frozen=True)
class FilePattern:
    path: str
    format: str
    namespace: str | None = None


@dataclass(frozen=True)
class ProjectConfig:
    project_id: str
    source_language: str
    update_translations: bool = False
    file_patterns: list[FilePattern] = field(default_factory=list)


def _text(data: dict[str, Any], name: str, where: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise CliError(f"{where}: '{name}' is required")
        return None
    if isinstance(value, bool | int | float):
        # YAML 1.1 reads `no` (Norwegian) as false and `1.0` as a number: ask for quotes.
        raise CliError(f"{where}: '{name}' must be text; quote it (\"{value}\" was read as {type(value).__name__})")
    if not isinstance(value, str):
        raise CliError(f"{where}: '{name}' must be text")
    return value


def load_project(path: Path | None = None) -> ProjectConfig:
    """The project configuration; a clear error when it is missing or wrong."""
    path = path or Path.cwd() / PROJECT_FILE
    if not path.is_file():
        raise CliError(f"no {PROJECT_FILE} in {path.parent}: run `nt3 init` here first (or cd to the repository root)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CliError(f"{PROJECT_FILE} is not readable YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise CliError(f"{PROJECT_FILE} must be a mapping with project_id, source_language and file_patterns")
    project_id = _text(data, "project_id", PROJECT_FILE)
    source = _text(data, "source_language", PROJECT_FILE)
    update = data.get("update_translations", False)
    if not isinstance(update, bool):
        raise CliError(f"{PROJECT_FILE}: 'update_translations' must be true or false")
    raw_patterns = data.get("file_patterns")
    if not isinstance(raw_patterns, list) or not raw_patterns:
        raise CliError(f"{PROJECT_FILE}: 'file_patterns' must be a list with at least one {{path, format}}")
    patterns: list[FilePattern] = []
    for i, raw in enumerate(raw_patterns):
        where = f"{PROJECT_FILE}: file_patterns[{i}]"
        if not isinstance(raw, dict):
            raise CliError(f"{where} must be a mapping with 'path' and 'format'")
        pattern_path = _text(raw, "path", where)
        fmt = _text(raw, "format", where)
        assert pattern_path is not None and fmt is not None
        if fmt not in FORMATS:
            raise CliError(f"{where}: format '{fmt}' is not one of {', '.join(FORMATS)}")
        if "{lang}" not in pattern_path:
            raise CliError(f"{where}: path '{pattern_path}' needs a {{lang}} placeholder")
        namespace = _text(raw, "namespace", where, required=False)
        if namespace is not None and "{namespace}" in pattern_path:
            raise CliError(f"{where}: give either 'namespace' or a {{namespace}} placeholder, not both")
        patterns.append(FilePattern(pattern_path, fmt, namespace))
    assert project_id is not None and source is not None
    return ProjectConfig(project_id, source, update, patterns)


def dump_project(config: ProjectConfig) -> str:
    """`.nt3.yml` text, every string quoted (so `no` stays Norwegian)."""
    lines = [
        f"project_id: {json.dumps(config.project_id)}",
        f"source_language: {json.dumps(config.source_language)}",
        f"update_translations: {'true' if config.update_translations else 'false'}",
        "file_patterns:",
    ]
    for pattern in config.file_patterns:
        lines.append(f"  - path: {json.dumps(pattern.path)}")
        lines.append(f"    format: {pattern.format}")
        if pattern.namespace:
            lines.append(f"    namespace: {json.dumps(pattern.namespace)}")
    return "\n".join(lines) + "\n"
