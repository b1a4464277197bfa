"""File patterns: `{lang}` and `{namespace}` in a path, found on disk and filled in.

Language codes on disk are spelled as the platform spells them and sent to the server as BCP 47:
`pt_BR` and `pt-BR` are `pt-BR`; Android's `values-pt-rBR` and `values-b+sr+Latn` are `pt-BR` and
`sr-Latn`. The Android source file lives in the base `values` folder: a pattern `…/values-{lang}/…`
resolves to `…/values/…` for the source language (docs/cli.md, "File patterns").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import localedata

from entri.cli.config import FilePattern

LANG_RE = r"[a-z]{2,3}(?:[-_](?:[A-Za-z]{4}|[A-Za-z]{2}|[0-9]{3}))*"
"""A language code as file names spell it: `fr`, `pt-BR`, `pt_br`, `zh-Hans`, `es-419`."""
ANDROID_LANG_RE = r"(?:[a-z]{2,3}(?:-r[A-Z]{2})?|b\+[a-z]{2,3}(?:\+[A-Za-z0-9]{2,8})*)"
"""Android's resource qualifiers: `fr`, `pt-rBR`, `b+sr+Latn` (and not `fr-land`'s `land`)."""
NAMESPACE_RE = r"[^/]+"


def android(fmt: str) -> bool:
    return fmt == "android-xml"


@cache
def known_language(code: str) -> bool:
    """Whether `code`'s language subtag is a language CLDR knows (`fr`, `ast`), not a word that
    happens to look like one (`all`, `app`, `ui`)."""
    return bool(localedata.exists(code.split("-")[0]))


def to_server(disk: str) -> str:
    """`pt_BR`, `pt-rBR`, `b+sr+Latn` -> `pt-BR`, `pt-BR`, `sr-Latn`."""
    if disk.startswith("b+"):
        return "-".join(disk[2:].split("+"))
    parts = disk.replace("_", "-").split("-")
    return "-".join(
        p[1:] if i > 0 and len(p) == 3 and p[0] == "r" and p[1:].isupper() else p for i, p in enumerate(parts)
    )


def to_disk(language: str, fmt: str, *, underscore: bool = False) -> str:
    """The file name spelling of a BCP 47 code: Android's `pt-rBR` / `b+sr+Latn`, else `pt-BR`
    (or `pt_BR` when the repository's files use underscores)."""
    parts = language.split("-")
    if android(fmt):
        if len(parts) == 1:
            return language
        if len(parts) == 2 and len(parts[1]) == 2:
            return f"{parts[0]}-r{parts[1]}"
        return "b+" + "+".join(parts)
    return "_".join(parts) if underscore else language


def _regex(pattern: str, fmt: str) -> re.Pattern[str]:
    lang_re = ANDROID_LANG_RE if android(fmt) else LANG_RE
    out: list[str] = []
    seen: set[str] = set()
    for piece in re.split(r"(\{lang\}|\{namespace\})", pattern):
        if piece in ("{lang}", "{namespace}"):
            name = piece[1:-1]
            if name in seen:
                out.append(f"(?P={name})")
            else:
                seen.add(name)
                out.append(f"(?P<{name}>{lang_re if name == 'lang' else NAMESPACE_RE})")
        else:
            out.append(re.escape(piece))
    return re.compile("".join(out))


def _glob(pattern: str) -> str:
    return pattern.replace("{lang}", "*").replace("{namespace}", "*")


def source_pattern(pattern: FilePattern) -> str | None:
    """The Android base-folder path pattern (`values-{lang}` -> `values`), None elsewhere."""
    if android(pattern.format) and "-{lang}" in pattern.path:
        return pattern.path.replace("-{lang}", "", 1)
    return None


@dataclass(frozen=True)
class Found:
    path: str
    """Relative to the root, with `/`."""
    language: str
    """BCP 47, as the server knows it."""
    disk_language: str
    namespace: str | None


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def discover(pattern: FilePattern, root: Path, source_language: str) -> list[Found]:
    """The files on disk that match `pattern`, with their language and namespace."""
    found: dict[str, Found] = {}
    regex = _regex(pattern.path, pattern.format)
    for path in sorted(root.glob(_glob(pattern.path))):
        if not path.is_file():
            continue
        relative = _relative(path, root)
        match = regex.fullmatch(relative)
        if match is None or not known_language(to_server(match["lang"])):
            continue
        namespace = match.groupdict().get("namespace") or pattern.namespace
        found[relative] = Found(relative, to_server(match["lang"]), match["lang"], namespace)
    base = source_pattern(pattern)
    if base is not None:
        base_regex = _regex(base, pattern.format)
        for path in sorted(root.glob(_glob(base))):
            relative = _relative(path, root)
            match = base_regex.fullmatch(relative)
            if path.is_file() and match is not None and relative not in found:
                namespace = match.groupdict().get("namespace") or pattern.namespace
                found[relative] = Found(relative, source_language, "", namespace)
    return list(found.values())


def expand(
    pattern: FilePattern,
    *,
    language: str,
    source_language: str,
    namespace: str | None,
    disk: str | None = None,
    underscore: bool = False,
) -> str:
    """The path of `language`'s file (and `namespace`'s, for a `{namespace}` pattern); `disk`
    is the spelling a file already on disk uses for it."""
    path = pattern.path
    base = source_pattern(pattern)
    if base is not None and language == source_language:
        path = base
    path = path.replace("{lang}", disk or to_disk(language, pattern.format, underscore=underscore))
    if "{namespace}" in path:
        if namespace is None:
            raise ValueError("a {namespace} pattern needs a namespace")
        path = path.replace("{namespace}", namespace)
    return path


def same_language(a: str, b: str) -> bool:
    return to_server(a).lower() == to_server(b).lower()
