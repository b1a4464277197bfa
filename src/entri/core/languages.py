"""BCP 47 language tags: validated and normalized (`pt-br` -> `pt-BR`, `zh-hans` -> `zh-Hans`).

Syntax follows RFC 5646 (language, optional script, region, variants); the primary language
subtag must be one CLDR knows, so typos like `eng` or `fr_` are caught at the door instead of
producing a project nobody can export to.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

_TAG = re.compile(
    r"^(?P<lang>[a-zA-Z]{2,3})"
    r"(?:-(?P<script>[a-zA-Z]{4}))?"
    r"(?:-(?P<region>[a-zA-Z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*)$"
)


@lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    return frozenset(str(code).lower() for code in Locale("en").languages)


class InvalidLanguage(ValueError):
    pass


@lru_cache(maxsize=4096)
def normalize_language(raw: str) -> str:
    """Return the canonical form of `raw` or raise `InvalidLanguage`."""
    if not isinstance(raw, str) or len(raw) > 35:
        raise InvalidLanguage("must be a BCP 47 language code such as 'en', 'pt-BR' or 'zh-Hans'")
    match = _TAG.match(raw.strip().replace("_", "-"))
    if not match:
        raise InvalidLanguage(f"'{raw}' is not a BCP 47 language code (e.g. 'en', 'pt-BR', 'zh-Hans')")
    lang = str(match["lang"]).lower()
    if lang not in _known_languages():
        raise InvalidLanguage(f"'{raw}' has an unknown language subtag '{lang}'")
    parts = [lang]
    if match["script"]:
        parts.append(str(match["script"]).title())
    if match["region"]:
        parts.append(str(match["region"]).upper())
    if match["variants"]:
        parts.extend(v.lower() for v in str(match["variants"]).strip("-").split("-"))
    return "-".join(parts)
