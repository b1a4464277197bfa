"""Quality checks: pure functions over a translation and its source text (no DB, no HTTP).

`registry.py` holds the catalogue, `runner.py` turns settings into a `Checker` compiled once per
write, and each module beside them holds one family of checks. The write path
(`translations/service.py`) runs the checker on every value it stores. See docs/checks.md.
"""
