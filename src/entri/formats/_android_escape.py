"""aapt2's string escaping, by hand: no library implements both directions faithfully.

A value is a sequence of pieces: text (already XML-unescaped) and markup (raw tags, CDATA,
comments) that aapt leaves alone. Quote state and whitespace collapsing run *across* pieces,
because real files open a `"` before an `<xliff:g>` and close it after.

`encode` is built so that `decode(encode(pieces)) == pieces` for any text: it escapes every
character aapt would reinterpret and wraps the whole value in quotes exactly when
whitespace would otherwise collapse or be trimmed.
"""

from __future__ import annotations

from collections.abc import Sequence

Piece = tuple[bool, str]
"""(is_text, content). Markup pieces pass through untouched."""

_SPACE = " \t\n\r\f\v"
_SIMPLE = {"n": "\n", "t": "\t"}


def decode(pieces: Sequence[Piece]) -> list[str]:
    """aapt2 semantics: `\\` escapes, `"` quoting, whitespace runs -> one space, ends trimmed."""
    if len(pieces) == 1 and pieces[0][0] and _plain(pieces[0][1]):
        return [pieces[0][1]]
    # Each output unit: (text, kind) with kind 0 literal, 1 collapsible space, 2 markup.
    units: list[tuple[int, str, int]] = []  # (piece index, text, kind)
    quoted = False
    last_space = False
    for index, (is_text, content) in enumerate(pieces):
        if not is_text:
            units.append((index, content, 2))
            continue
        i, n = 0, len(content)
        while i < n:
            c = content[i]
            if c == "\\" and i + 1 < n:
                nxt = content[i + 1]
                i += 2
                if nxt == "u" and i + 4 <= n and _is_hex(content[i : i + 4]):
                    units.append((index, chr(int(content[i : i + 4], 16)), 0))
                    i += 4
                else:
                    units.append((index, _SIMPLE.get(nxt, nxt), 0))
                last_space = False
                continue
            i += 1
            if c == '"':
                quoted = not quoted
            elif not quoted and c in _SPACE:
                if not last_space:
                    units.append((index, " ", 1))
                    last_space = True
            else:
                units.append((index, c, 0))
                last_space = False
    literal = [k for k, u in enumerate(units) if u[2] == 0]
    first = literal[0] if literal else len(units)
    last = literal[-1] if literal else -1
    out = [""] * len(pieces)
    for k, (index, text, kind) in enumerate(units):
        if kind == 1 and (k < first or k > last):
            continue
        out[index] += text
    return out


def _plain(text: str) -> bool:
    """Nothing aapt would change: the common case, decoded without a per-character loop."""
    return not any(c in text for c in '\\"\t\n\r\f\v') and "  " not in text and text == text.strip(" ")


def _is_hex(s: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in s)


def _escape_char(c: str) -> str:
    if c == "\\":
        return "\\\\"
    if c == '"':
        return '\\"'
    if c == "'":
        return "\\'"
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if c in "\r\f\v":
        return f"\\u{ord(c):04x}"
    return c


def needs_quotes(text: str) -> bool:
    """Spaces aapt would trim or collapse (leading, trailing, or runs of two)."""
    return text != text.strip(" ") or "  " in text


def encode(pieces: Sequence[Piece]) -> tuple[list[str], bool]:
    """Escaped pieces (still to be XML-escaped) and whether to wrap the value in `"`."""
    out: list[str] = []
    seen_text = False
    for is_text, content in pieces:
        if not is_text:
            out.append(content)
            continue
        escaped = "".join(_escape_char(c) for c in content)
        if not seen_text and content and content[0] in "@?":
            escaped = "\\" + escaped
        if content:
            seen_text = True
        out.append(escaped)
    joined = "".join(content for is_text, content in pieces if is_text)
    return out, needs_quotes(joined)


def decode_text(raw: str) -> str:
    """Decode a value without markup."""
    return decode([(True, raw)])[0]


def encode_text(text: str) -> str:
    """Encode a value without markup (the result still needs XML escaping)."""
    pieces, quote = encode([(True, text)])
    return f'"{pieces[0]}"' if quote else pieces[0]
