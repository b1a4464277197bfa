"""Per-subject cost of `Checker().check` on short UI strings with placeholders (docs/checks.md).

Every text is distinct (no cache hits: a real import's values differ), best and median of five
rounds of 20,000 subjects. `--no-icu` leaves out the ICU plural template (the costly one).

    .venv/bin/python bench/checker.py [--no-icu]
"""

from __future__ import annotations

import sys
import time

from entri.checks.base import Subject
from entri.checks.runner import Checker

TEMPLATES = [
    ("Hello %s, you have %d new messages", "Bonjour %s, vous avez %d nouveaux messages", "printf"),
    ("Welcome back, {name}!", "Willkommen zurück, {name}!", "auto"),
    ("Save changes", "Änderungen speichern", "auto"),
    ("Delete {{count}} items?", "{{count}} Elemente löschen?", "i18next"),
    (
        "You have {count, plural, one {# file} other {# files}}",
        "Sie haben {count, plural, one {# Datei} other {# Dateien}}",
        "icu",
    ),
    ("Click <b>here</b> to continue.", "Klicken Sie <b>hier</b>, um fortzufahren.", "auto"),
    ("%1$s of %2$s", "%1$s von %2$s", "android"),
    ("The :attribute field is required.", "Das Feld :attribute ist erforderlich.", "laravel"),
]
SUBJECTS = 20_000
ROUNDS = 5


def main(arguments: list[str]) -> None:
    templates = [t for t in TEMPLATES if t[2] != "icu"] if "--no-icu" in arguments else TEMPLATES
    checker = Checker()
    timings = []
    failing = 0
    for round_ in range(ROUNDS):
        subjects = [
            Subject("de", f"{target} {round_}-{i}", source_value=f"{source} {round_}-{i}", dialect=dialect)
            for i in range(SUBJECTS)
            for source, target, dialect in [templates[i % len(templates)]]
        ]
        started = time.perf_counter()
        failing = sum(bool(checker.check(subject)) for subject in subjects)
        timings.append((time.perf_counter() - started) / SUBJECTS * 1e6)
    timings.sort()
    print(
        f"{len(templates)} templates, {SUBJECTS} distinct subjects x {ROUNDS}: best {timings[0]:.1f} µs, "
        f"median {timings[ROUNDS // 2]:.1f} µs per subject, all checks ({failing} failing)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
