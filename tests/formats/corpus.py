"""Access to the shared real-file corpus; read at test time, never copied into the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "formats"


def corpus_files(folder: str) -> list[Path]:
    """Files of one corpus folder, or an empty list when the corpus is absent."""
    directory = CORPUS / folder
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file())


def corpus_params(folder: str) -> list[object]:
    """pytest params for a corpus folder, with a skip that says why when it is missing."""
    files = corpus_files(folder)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus {CORPUS / folder} absent"))]
    return [pytest.param(p, id=p.name) for p in files]


def language_of(path: Path) -> str:
    """Best-effort language code from a corpus file name (`repo__fr_strings.xml` -> `fr`).

    Picks the first `xx` / `xx_YY` / `xx-YY` token that CLDR knows, so `app_en.arb` gives `en`.
    """
    import re

    from babel import Locale

    name = path.name.split("__", 1)[-1]
    pattern = r"(?:^|[_.\-])([a-z]{2,3})(?:[_-]([A-Z]{2}))?(?=[_.\-])"
    for match in re.finditer(pattern, "_" + name):
        try:
            Locale.parse(match.group(1))
        except Exception:
            continue
        return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
    return "en"
