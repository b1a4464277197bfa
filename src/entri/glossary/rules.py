"""The glossary domain's limits and text rules, enforced by the service for every caller
(API, CSV and TBX imports) and repeated in the schemas for the OpenAPI document."""

from __future__ import annotations

MAX_NAME = 200
MAX_DESCRIPTION = 10_000
MAX_TERM = 1_000
"""A term or one of its translations: a glossary entry is a word or a phrase, not a paragraph."""
MAX_PART_OF_SPEECH = 100
MAX_LANGUAGES = 200
MAX_IMPORT_TERMS = 50_000
MAX_IMPORT_CHARS = 20_000_000
MAX_CHECK_CHARS = 5_000_000
"""`check` reads at most this much text (5 MB matches in about a second)."""
