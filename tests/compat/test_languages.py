"""The fixed table of language ids: 17 English, 18 Ukrainian, ids unique, codes valid, and the
published page equal to the code."""

from __future__ import annotations

import re
from pathlib import Path

from entri.compat import languages
from entri.compat.language_table import LANGUAGES
from entri.core.languages import normalize_language

DOCS = Path(__file__).resolve().parents[2] / "docs" / "compat-languages.md"


def test_the_vendors_ids() -> None:
    assert languages.info("en").id == 17 and languages.info("en").emoji == "🇬🇧"
    assert languages.info("uk").id == 18 and languages.info("uk").localized_name == "Українська мова"


def test_ids_and_codes_are_unique_and_valid() -> None:
    ids = [row[0] for row in LANGUAGES]
    assert ids == list(range(1, len(LANGUAGES) + 1))  # appended, never reused
    codes = [row[1] for row in LANGUAGES]
    assert len(set(codes)) == len(codes)
    assert all(normalize_language(code) == code for code in codes)
    assert all(not flag or len(flag) == 2 for *_, flag in LANGUAGES)


def test_unlisted_codes_get_a_stable_number_outside_the_table() -> None:
    first = languages.info("gsw-FR")
    assert first.id >= languages.UNLISTED_BASE and first.name.startswith("Swiss German")
    assert languages.info("gsw-FR").id == first.id
    entries = languages.for_project(["en", "gsw-FR", "gsw-FR"])
    assert [e.id for e in entries] == [17, first.id, first.id + 1]  # never two languages on one id


def test_the_published_table_is_the_code() -> None:
    rows = re.findall(r"^\| (\d+) \| `([^`]+)` \| (.*?) \| (.*?) \| (.*?) \|$", DOCS.read_text(), re.MULTILINE)
    assert [(int(i), code, name, own, flag) for i, code, name, own, flag in rows] == list(LANGUAGES)
