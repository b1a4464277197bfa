"""Language ids of the method-style API: the fixed table, and a stable number for the rest.

A project language in the table (`language_table.py`) has the table's id. Any other BCP 47
code a project may use gets `UNLISTED_BASE` + a CRC-32 of the code modulo `UNLISTED_SPAN`: the
same number on every server and in every project, far from the table's range, and described
by CLDR's names. Two unlisted languages of one project that would share a number (one chance
in millions) are told apart by the later one taking the next free number, in the project's
language order (docs/compat-languages.md).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from entri.compat.errors import CompatError
from entri.compat.language_table import LANGUAGES
from entri.core.languages import InvalidLanguage, normalize_language

UNLISTED_BASE = 100_000
UNLISTED_SPAN = 900_000_000


@dataclass(frozen=True, slots=True)
class LanguageInfo:
    id: int
    code: str
    name: str
    localized_name: str
    emoji: str


_BY_CODE = {code: LanguageInfo(id, code, name, own, flag) for id, code, name, own, flag in LANGUAGES}


def _flag(region: str | None) -> str:
    if not region or len(region) != 2 or not region.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in region.upper())


@lru_cache(maxsize=1024)
def _unlisted(code: str) -> LanguageInfo:
    number = UNLISTED_BASE + zlib.crc32(code.encode("utf-8")) % UNLISTED_SPAN
    try:
        locale = Locale.parse(code.replace("-", "_"))
        name = locale.get_display_name("en") or code
        own = locale.get_display_name(locale) or name
        region = locale.territory
    except (UnknownLocaleError, ValueError, TypeError):
        name = own = code
        region = None
    return LanguageInfo(number, code, name, own[:1].upper() + own[1:], _flag(region))


def info(code: str) -> LanguageInfo:
    """The table's entry for a project language code, or its stable unlisted number."""
    return _BY_CODE.get(code) or _unlisted(code)


def for_project(languages: list[str]) -> list[LanguageInfo]:
    """The project's languages (source first) with their ids, each id used once."""
    taken: set[int] = set()
    found: list[LanguageInfo] = []
    for code in languages:
        entry = info(code)
        number = entry.id
        while number in taken:  # two unlisted codes on one CRC value: next free number
            number += 1
        taken.add(number)
        found.append(entry if number == entry.id else LanguageInfo(number, *_rest(entry)))
    return found


def _rest(entry: LanguageInfo) -> tuple[str, str, str, str]:
    return entry.code, entry.name, entry.localized_name, entry.emoji


def resolve(project_languages: list[str], raw: Any, name: str) -> str:
    """The project language a parameter names: its numeric id (from getLanguages), or, as a
    convenience, its code (`fr`, `pt-BR`)."""
    if raw is None or raw == "":
        raise CompatError(f"parameter '{name}' is required")
    known = for_project(project_languages)
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise CompatError(f"parameter '{name}' must be a language id (an integer from getLanguages)")
    text = str(raw).strip()
    if text.lstrip("+-").isdigit() and len(text) <= 18:
        number = int(text)
        found = next((entry.code for entry in known if entry.id == number), None)
        if found is None:
            raise CompatError(f"{name}: language {number} is not a language of this project (see getLanguages)")
        return found
    try:
        code = normalize_language(text)
    except InvalidLanguage:
        raise CompatError(f"parameter '{name}' must be a language id (an integer from getLanguages)") from None
    if code not in project_languages:
        raise CompatError(f"{name}: language '{code}' is not a language of this project (see getLanguages)")
    return code
