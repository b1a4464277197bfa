"""`nt3 overwrite` (`ow`): set translations by key and language (entri-api.md §6.1).

Input, first found wins: `--key/--value/--language` (and `--namespace`), a `--file` holding a
JSON array, a JSON array on stdin. Items are `{key, namespace?, language, value}`, sent 1,000 at
a time to `POST /api/projects/:id/translations/overwrite`. Any item not found makes the command
exit 1 (after the others were written): a typo in a key must not pass a CI step.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from entri.cli import errors
from entri.cli.client import Api
from entri.cli.config import credentials, load_project
from entri.cli.errors import CliError
from entri.cli.output import Output, error_line

BATCH = 1000
USAGE = 2


def _items(
    key: str | None, value: str | None, language: str | None, namespace: str | None, file: Path | None
) -> list[dict[str, Any]]:
    inline = [key, value, language]
    if any(v is not None for v in inline):
        if any(v is None for v in inline):
            raise CliError("--key, --value and --language go together", code=USAGE)
        item: dict[str, Any] = {"key": key, "language": language, "value": value}
        if namespace is not None:
            item["namespace"] = namespace
        return [item]
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read {file}: {exc.strerror}") from None
        source = str(file)
    elif not sys.stdin.isatty():
        text, source = sys.stdin.read(), "stdin"
    else:
        raise CliError(
            "nothing to overwrite: give --key/--value/--language, --file, or a JSON array on stdin", code=USAGE
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{source} is not JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise CliError(f"{source} must hold a JSON array of {{key, namespace?, language, value}}")
    if namespace is not None:
        data = [{"namespace": namespace, **i} for i in data]
    return data


def run(
    *, key: str | None, value: str | None, language: str | None, namespace: str | None, file: Path | None, out: Output
) -> int:
    items = _items(key, value, language, namespace, file)
    config = load_project()
    overwritten = 0
    not_found: list[dict[str, Any]] = []
    with Api(credentials()) as api:
        for start in range(0, len(items), BATCH):
            result = api.post(
                f"/api/projects/{config.project_id}/translations/overwrite",
                {"translations": items[start : start + BATCH]},
            )
            overwritten += int(result["overwritten"])
            not_found.extend(result.get("notFound", []))
    out.result({"overwritten": overwritten, "notFound": not_found})
    out.line(f"Overwrote {overwritten} translation(s)")
    for item in not_found:
        why = f" (unknown {item['reason']})" if item.get("reason") else ""
        name = f"{item.get('namespace')}:{item['key']}" if item.get("namespace") else item["key"]
        out.line(f"  not found: {name} [{item.get('language')}]{why}")
    if not_found:
        error_line(f"{len(not_found)} item(s) not found")
        return errors.ERROR
    return errors.OK
