"""Size limits every import enforces, and the cheap checks that let a codec refuse early.

The import layer validates each entry after parsing (key names ≤ `MAX_KEY`, values ≤
`MAX_VALUE` characters; docs/import-export.md). Some parsers are slow per character (ruamel's
pure-Python YAML, javaproperties, ...), so a 15 MB one-line value would cost seconds of parsing
before that check. Codecs therefore refuse an over-long key or value themselves, as early as
they can: after decoding when their own parser is fast, or with a pre-scan of the long lines
when the parser is slow. Either way the test is a lower bound of the stored length, so a file
that is within the limits is never refused here.
"""

from __future__ import annotations

from entri.formats.catalog import FormatError

MAX_KEY = 10_000
"""Characters in a key name (real Magento CSV, gettext and i18next files use sentences as keys)."""
MAX_VALUE = 100_000
"""Characters in one translation (one plural form)."""


def long_lines(text: str, threshold: int) -> list[tuple[int, str]]:
    """(1-based number, text) of the lines longer than `threshold` characters.

    One C-level split and a length map: ~20 ms on a 15 MB text, nothing when the text itself
    is shorter than the threshold (almost every real file).
    """
    if len(text) <= threshold:
        return []
    lines = text.split("\n")
    if max(map(len, lines)) <= threshold:
        return []
    return [(number, line) for number, line in enumerate(lines, start=1) if len(line) > threshold]


def key_too_long(key: str, *, line: int | None = None) -> FormatError:
    """`key` as found (raw when a pre-scan found it); its length is shown when decoded."""
    shown = key[:60] + "…" if len(key) > 60 else key
    return FormatError(f"Key '{shown}' is longer than {MAX_KEY:,} characters", line=line)


def value_too_long(key: str | None, length: int, *, line: int | None = None, at_least: bool = False) -> FormatError:
    """`at_least`: `length` is a lower bound (a pre-scan does not decode the text)."""
    owner = "A value" if key is None else f"The value of '{key[:60]}{'…' if len(key) > 60 else ''}'"
    size = f"at least {length:,}" if at_least else f"{length:,}"
    return FormatError(f"{owner} is longer than {MAX_VALUE:,} characters ({size})", line=line)


def check_key(key: str, *, line: int | None = None) -> None:
    if len(key) > MAX_KEY:
        raise key_too_long(key, line=line)


def check_value(key: str | None, value: str | None, *, line: int | None = None) -> None:
    if value is not None and len(value) > MAX_VALUE:
        raise value_too_long(key, len(value), line=line)
