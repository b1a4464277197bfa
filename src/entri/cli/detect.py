"""Find the locale files already in a repository and propose `file_patterns` for `nt3 init`.

A file is a candidate when its path holds a language code where projects put one: the file name
(`fr.json`, `pt-BR.yml`), a folder (`locales/fr/common.json`, `fr.lproj/Localizable.strings`,
Android's `values-fr/strings.xml`) or a suffix (`app_fr.arb`, `messages.fr.xlf`,
`messages_fr.properties`). Paths that differ only in the language become one pattern; several
file names in one language folder become a `{namespace}` pattern. The format is read from the
extension and, where one extension has several formats, from the content.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from entri.cli.config import FilePattern
from entri.cli.patterns import ANDROID_LANG_RE, LANG_RE, known_language, to_server

SKIP = {
    ".git",
    ".hg",
    ".svn",
    ".nt3",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    "target",
    "vendor",
    "Pods",
    ".gradle",
    ".idea",
    ".next",
    ".dart_tool",
    "coverage",
    ".tox",
}
MAX_FILES = 50_000
EXTENSIONS = {
    ".json": "json",
    ".arb": "arb",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".xml": "xml",
    ".strings": "ios-strings",
    ".stringsdict": "ios-stringsdict",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "pot",
    ".php": "php-array",
    ".properties": "properties",
    ".csv": "csv",
}
_SUFFIX = re.compile(rf"^(?P<head>.+?[._-])(?P<lang>{LANG_RE})$")


@dataclass
class Proposal:
    pattern: FilePattern
    languages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    base: str | None = None
    """Android's base `values` file: the source language's, whichever that is."""


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        for name in sorted(files):
            if Path(name).suffix.lower() in EXTENSIONS:
                found.append(Path(folder, name).relative_to(root).as_posix())
                if len(found) >= MAX_FILES:
                    return found
    return found


def _lang(code: str) -> str | None:
    return to_server(code) if re.fullmatch(LANG_RE, code) and known_language(to_server(code)) else None


def _candidate(path: str) -> tuple[str, str] | None:
    """(pattern, language) when the path holds a language code, else None."""
    parts = path.split("/")
    stem, ext = os.path.splitext(parts[-1])
    if ext.lower() == ".xml":
        folder = parts[-2] if len(parts) > 1 else ""
        match = re.fullmatch(rf"values-({ANDROID_LANG_RE})", folder)
        if match and known_language(to_server(match[1])):
            return "/".join([*parts[:-2], "values-{lang}", parts[-1]]), to_server(match[1])
    if (lang := _lang(stem)) is not None:
        return "/".join([*parts[:-1], "{lang}" + ext]), lang
    for i in range(len(parts) - 2, -1, -1):
        segment = parts[i]
        name, _, suffix = segment.partition(".")
        if suffix == "lproj" and (lang := _lang(name)) is not None:
            return "/".join([*parts[:i], "{lang}.lproj", *parts[i + 1 :]]), lang
        if (lang := _lang(segment)) is not None:
            return "/".join([*parts[:i], "{lang}", *parts[i + 1 :]]), lang
    match = _SUFFIX.match(stem)
    if match and (lang := _lang(match["lang"])) is not None:
        return "/".join([*parts[:-1], match["head"] + "{lang}" + ext]), lang
    return None


def sniff(path: Path) -> str | None:
    """The format of a file, from its extension and, for JSON, XML and XLIFF, its content."""
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        return None
    try:
        head = path.read_bytes()[:200_000]
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace")
    if kind == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        return "json-nested" if any(isinstance(v, dict) for v in data.values()) else "json-flat"
    if kind == "xml":
        return "android-xml" if "<resources" in text else None
    if kind == "xliff":
        return "xliff2" if re.search(r"<xliff[^>]*version=[\"']2", text) else "xliff"
    if kind == "php-array":
        return "php-array" if re.search(r"return\s*(\[|array\s*\()", text) else None
    return kind


def detect(root: Path) -> list[Proposal]:
    """Patterns for the locale files under `root`, most files first."""
    groups: dict[str, Proposal] = {}
    for path in _walk(root):
        candidate = _candidate(path)
        if candidate is None:
            continue
        pattern, language = candidate
        proposal = groups.setdefault(pattern, Proposal(FilePattern(pattern, "")))
        if language not in proposal.languages:
            proposal.languages.append(language)
        proposal.files.append(path)
    merged = _namespaces(groups)
    out: list[Proposal] = []
    for proposal in merged:
        fmt = next((f for f in (sniff(root / p) for p in proposal.files) if f), None)
        if fmt is None:
            continue
        proposal.pattern = FilePattern(proposal.pattern.path, fmt, proposal.pattern.namespace)
        if fmt == "android-xml":
            base = proposal.pattern.path.replace("values-{lang}", "values", 1)
            if (root / base).is_file():
                proposal.files.append(base)
                proposal.base = base
        proposal.languages.sort()
        out.append(proposal)
    out.sort(key=lambda p: (-len(p.files), p.pattern.path))
    return out


def _namespaces(groups: dict[str, Proposal]) -> list[Proposal]:
    """`locales/{lang}/auth.json` + `locales/{lang}/common.json` -> `locales/{lang}/{namespace}.json`."""
    by_folder: dict[tuple[str, str], list[Proposal]] = defaultdict(list)
    for pattern, proposal in groups.items():
        folder, _, name = pattern.rpartition("/")
        ext = os.path.splitext(name)[1]
        if folder.endswith("{lang}") and "{lang}" not in name:
            by_folder[(folder, ext)].append(proposal)
    merged: list[Proposal] = []
    used: set[str] = set()
    for (folder, ext), members in by_folder.items():
        if len(members) < 2:
            continue
        joined = Proposal(FilePattern(f"{folder}/{{namespace}}{ext}", ""))
        for member in members:
            used.add(member.pattern.path)
            joined.files.extend(member.files)
            joined.languages.extend(lang for lang in member.languages if lang not in joined.languages)
        merged.append(joined)
    return merged + [p for path, p in groups.items() if path not in used]


def guess_source(proposals: list[Proposal]) -> str:
    """English when found, or when an Android base `values` folder (whose language no folder
    name says) is there; else the language with the most files."""
    languages = [lang for p in proposals for lang in p.languages]
    if "en" in languages or not languages or any(p.base for p in proposals):
        return "en"
    return max(set(languages), key=languages.count)


def parse_pattern(spec: str) -> FilePattern:
    """`PATH[=FORMAT[@NAMESPACE]]` of `init --pattern`; the format read from the extension
    when left out (JSON: nested)."""
    path, _, rest = spec.partition("=")
    fmt, _, namespace = rest.partition("@")
    if not fmt:
        kind = EXTENSIONS.get(Path(path).suffix.lower(), "")
        fmt = {"json": "json-nested", "xml": "android-xml"}.get(kind, kind)
    return FilePattern(path.strip(), fmt.strip(), namespace.strip() or None)
