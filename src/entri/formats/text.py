"""Byte <-> text helpers shared by the text codecs: BOM sniffing and newline detection."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from entri.formats.catalog import FormatError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bytes
    newline: str
    """"\\r\\n" when the file uses CRLF, else "\\n"."""

    def encode(self, text: str) -> bytes:
        """Encode `text` (written with "\\n") back in the original encoding, BOM and newlines."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return self.bom + text.encode(self.encoding)


def decode(data: bytes, default: str = "utf-8") -> Decoded:
    """Decode with BOM first, then `default`; any failure is a `FormatError` with a position."""
    encoding, bom = default, b""
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, bom = name, mark
            break
    body = data[len(bom) :]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise FormatError(f"File is not valid {encoding}: {exc.reason}", line=line) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        text = text.replace("\r\n", "\n")
    return Decoded(text=text, encoding=encoding, bom=bom, newline=newline)
