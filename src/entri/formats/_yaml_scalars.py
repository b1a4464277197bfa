"""YAML scalar writing shared by the canonical renderer and span patching.

The reader is YAML 1.2 (ruamel), but the files we write are read by Psych and PyYAML,
which are YAML 1.1: `no`, `on`, `~`, `1.0`, `08:30` are not strings there. Hence a
deliberately conservative notion of "safe to leave unquoted" (docs/api-decisions.md, "YAML").
"""

from __future__ import annotations

import re

_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"])
_PLAIN_CHARS = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
"""Printable in both YAML versions, minus line/paragraph separators and the BOM."""


def plain_ok(text: str) -> bool:
    """Whether `text` can be written unquoted and read back as the same string by YAML 1.1
    (Psych, PyYAML) and 1.2 (ruamel) parsers alike. Deliberately conservative: anything
    starting with a digit, sign or dot is quoted rather than reasoning about number forms.
    """
    if not text or text != text.strip(" ") or not _PLAIN_CHARS.fullmatch(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`+.~=<0123456789" or text.lower() in _YAML11_WORDS:
        return False
    return ": " not in text and " #" not in text and not text.endswith(":")


def _double(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
        ):
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(text: str, style: str | None = None, in_flow: bool = False) -> str:
    """Plain if safe, else the original quote style if it can carry the text, else double."""
    if style is None and not in_flow and plain_ok(text):
        return text
    if style == "'" and "\n" not in text and _PLAIN_CHARS.fullmatch(text):
        return "'" + text.replace("'", "''") + "'"
    return _double(text)
