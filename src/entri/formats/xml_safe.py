"""The one gate every XML codec goes through: hostile-input checks, then a span tree.

Why two passes. lxml (with the hardened parser below) is the judge of well-formedness,
encodings and character references, and it never resolves entities or touches the network.
But lxml cannot tell us *where* an element sits in the original bytes, and re-serialising
its tree changes quoting, `<x></x>` vs `<x/>` and namespace placement. Codecs that promise
byte-identical re-export therefore also need the exact text spans of elements; once lxml has
accepted a document, a small regex tokenizer can recover those spans unambiguously.

API (all a codec needs):
- `parse(data, allowed_public_ids=...) -> XmlDocument` — checks, decoding, span tree.
- `Node` — element with raw spans, attributes (decoded), `children` and mixed `content`.
- `XmlDocument.raw(node)` / `inner_raw(node)`, `text_value(doc, node)` for mixed content.
- `escape_text`, `escape_attr`, `unescape`, `is_markup(fragment)` — value <-> XML text.
- `tokens(fragment)` — the same tokenizer for a value string (android re-encoding).
Patching helpers for byte-identical re-render live in `_xml_patch`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from entri.formats.catalog import FormatError
from entri.formats.text import Decoded, decode

MAX_DEPTH = 64
MAX_ELEMENTS = 1_000_000
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
APPLE_PLIST_PUBLIC_ID = "-//Apple//DTD PLIST 1.0//EN"


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        strip_cdata=False,
        remove_comments=False,
        remove_pis=False,
        remove_blank_text=False,
        collect_ids=False,
    )


SpanKind = Literal["text", "comment", "cdata", "pi", "doctype"]


@dataclass(slots=True)
class Span:
    """Non-element content: its raw text is `doc.text[start:end]`."""

    kind: SpanKind
    start: int
    end: int


@dataclass(slots=True, eq=False)
class Node:
    """One element. `inner_start == inner_end == end` for a self-closing element."""

    name: str
    attrs: dict[str, str]
    start: int
    inner_start: int
    inner_end: int
    end: int
    content: list[Node | Span] = field(default_factory=list)
    local: str = ""
    """Name without prefix (namespaces are matched by local name in these formats)."""

    def __post_init__(self) -> None:
        if not self.local:
            self.local = self.name.rpartition(":")[2]

    @property
    def self_closing(self) -> bool:
        return self.inner_start == self.end

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    def first(self, local: str) -> Node | None:
        for c in self.content:
            if isinstance(c, Node) and c.local == local:
                return c
        return None

    def iter(self) -> Iterator[Node]:
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(slots=True)
class XmlDocument:
    """Decoded text (newlines normalised to \\n) plus the span tree over it."""

    text: str
    root: Node
    decoded: Decoded

    def raw(self, node: Node | Span) -> str:
        return self.text[node.start : node.end]

    def inner_raw(self, node: Node) -> str:
        return self.text[node.inner_start : node.inner_end]

    def encode(self, text: str) -> bytes:
        """Back to bytes in the original encoding, BOM and newline style."""
        try:
            return self.decoded.encode(text)
        except UnicodeEncodeError:
            # A value the declared legacy encoding cannot hold: fall back to references.
            body = text.encode(self.decoded.encoding, errors="xmlcharrefreplace")
            if self.decoded.newline != "\n":
                body = body.replace(b"\n", self.decoded.newline.encode(self.decoded.encoding))
            return self.decoded.bom + body


_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
_DOCTYPE = re.compile(
    rf"<!DOCTYPE\s+[^\s\[>]+(?:\s+(?:SYSTEM\s+(?P<sys>{_QUOTED})"
    rf"|PUBLIC\s+(?P<pub>{_QUOTED})\s+(?P<pubsys>{_QUOTED})))?\s*(?P<end>[\[>])"
)
_TOKEN = re.compile(
    r"""(?P<text>[^<]+)
    |<!--(?P<comment>.*?)-->
    |<!\[CDATA\[(?P<cdata>.*?)\]\]>
    |<\?(?P<pi>.*?)\?>
    |(?P<doctype><!DOCTYPE[^>]*>)
    |</(?P<end>[^\s>]+)\s*>
    |<(?P<start>[^\s/>!?]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?P<empty>/?)>
    """,
    re.S | re.X,
)
_ATTR = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _decode(data: bytes) -> Decoded:
    match = _DECL_ENCODING.match(data)
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    try:
        return decode(data, default=declared)
    except LookupError:
        raise FormatError(f"Unsupported XML encoding '{declared}'", line=1) from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_prolog(text: str, allowed_public_ids: Collection[str]) -> bool:
    """Refuse DTD features before lxml sees them: an internal subset is where entities live.

    True when the document has a tolerated (allowed public id) DOCTYPE.
    """
    pos = 0
    while (m := _PROLOG_SKIP.match(text, pos)) is not None and m.end() > pos:
        pos = m.end()
    if not text.startswith("<!DOCTYPE", pos):
        if "<!ENTITY" in text[:pos]:
            raise FormatError("XML entity declarations are not allowed", line=1)
        return False
    line, col = _line_col(text, pos)
    m = _DOCTYPE.match(text, pos)
    if m is None:
        raise FormatError("Malformed or unsupported DOCTYPE", line=line, column=col)
    if m.group("end") == "[" or "<!ENTITY" in text[pos : pos + 4096]:
        raise FormatError(
            "DOCTYPE with an internal subset (entity declarations) is not allowed",
            line=line,
            column=col,
        )
    if m.group("sys") is not None:
        raise FormatError("External DTD references are not allowed", line=line, column=col)
    pub = m.group("pub")
    if pub is not None and pub[1:-1] not in allowed_public_ids:
        raise FormatError("External DTD references are not allowed", line=line, column=col)
    return pub is not None


_DOCTYPE_BYTES = re.compile(rb"<!DOCTYPE[^>\[]*>")


def parse(
    data: bytes,
    *,
    allowed_public_ids: Collection[str] = (),
    max_depth: int = MAX_DEPTH,
    max_elements: int = MAX_ELEMENTS,
) -> XmlDocument:
    """Validate `data` as safe, well-formed XML and return its span tree.

    `allowed_public_ids` lists DOCTYPE public identifiers that are tolerated (the Apple plist
    DTD): the DTD is still never loaded. Everything else that can define or fetch entities is
    refused with a `FormatError`, as are XInclude elements and over-deep or over-large trees.
    """
    if not isinstance(data, bytes | bytearray):
        raise FormatError("XML input must be bytes")
    data = bytes(data)
    decoded = _decode(data)
    text = decoded.text
    if _check_prolog(text, allowed_public_ids):
        # With collect_ids=False libxml2 *opens* an external DTD (measured: a local SYSTEM
        # path is read). The tolerated plist DOCTYPE is blanked, length-preserving, so lxml
        # never sees an external id at all; others were refused above.
        data = _DOCTYPE_BYTES.sub(lambda m: b" " * len(m.group(0)), data, count=1)
    try:
        root = etree.fromstring(data, _new_parser())
    except etree.XMLSyntaxError as exc:
        position: tuple[int, int] | None = getattr(exc, "position", None)
        line, col = position if position else (0, 0)
        msg = re.sub(r", line \d+, column \d+$", "", str(exc.msg))
        raise FormatError(f"Invalid XML: {msg}", line=line or None, column=col or None) from None
    except (ValueError, etree.LxmlError) as exc:
        raise FormatError(f"Invalid XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:
        raise FormatError("DOCTYPE with an internal subset is not allowed", line=1)
    if docinfo.system_url:
        raise FormatError("External DTD references are not allowed", line=1)
    for bad in root.iter(f"{{{XINCLUDE_NS}}}*"):
        where = bad.sourceline if isinstance(bad.sourceline, int) else None
        raise FormatError("XInclude is not allowed", line=where)
    return XmlDocument(text=text, root=_build(text, max_depth, max_elements), decoded=decoded)


def _attrs(raw: str) -> dict[str, str]:
    if not raw:
        return {}
    return {
        m.group(1): unescape(
            (m.group(2) if m.group(2) is not None else m.group(3)).replace("\t", " ").replace("\n", " ")
        )
        for m in _ATTR.finditer(raw)
    }


def _build(text: str, max_depth: int, max_elements: int) -> Node:
    """Span tree over a document lxml already accepted; linear in the text length."""
    top = Node("#document", {}, 0, 0, len(text), len(text))
    stack = [top]
    content = top.content
    count = 0
    pos = 0
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if start != pos:
            break
        pos = end
        kind = m.lastgroup
        if kind == "text":
            content.append(Span("text", start, end))
        elif kind == "empty":
            count += 1
            if count > max_elements:
                raise FormatError(f"Too many XML elements (limit {max_elements})")
            node = Node(m.group("start"), _attrs(m.group("attrs")), start, end, end, end)
            content.append(node)
            if not m.group("empty"):
                if len(stack) > max_depth:
                    line, col = _line_col(text, start)
                    raise FormatError(f"XML nested deeper than {max_depth} levels", line=line, column=col)
                stack.append(node)
                content = node.content
        elif kind == "end":
            parent = stack.pop()
            parent.inner_end = start
            parent.end = end
            content = stack[-1].content
        else:
            assert kind is not None
            content.append(Span(kind, start, end))  # type: ignore[arg-type]
    if pos != len(text) or len(stack) != 1:
        line, col = _line_col(text, pos)
        raise FormatError("XML structure not understood", line=line, column=col)
    roots = top.children
    if len(roots) != 1:
        raise FormatError("XML document must have exactly one root element")
    return roots[0]


def tokens(fragment: str) -> list[tuple[str, str]]:
    """(kind, raw) tokens of a well-formed fragment; kind is a `_TOKEN` group name."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(fragment):
        if m.start() != pos:
            raise FormatError("Markup not understood in value")
        pos = m.end()
        kind = m.lastgroup or "text"
        if kind in ("attrs", "empty"):
            kind = "start"
        out.append((kind, m.group(0)))
    if pos != len(fragment):
        raise FormatError("Markup not understood in value")
    return out


def unescape(raw: str) -> str:
    """Decode the five predefined entities and character references (all XML allows here)."""
    if "&" not in raw:
        return raw

    def repl(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _NAMED[ref]

    return _REF.sub(repl, raw)


def escape_text(text: str) -> str:
    """Text content that reads back identically (`\\r` would be normalised away otherwise)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escape_attr(text: str) -> str:
    """Double-quoted attribute value; whitespace as references so normalisation keeps it."""
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def text_value(doc: XmlDocument, node: Node) -> str:
    """Plain text (entities and CDATA decoded) when `node` has no child elements, else its raw
    inner XML: inline tags must survive, and raw XML is the only faithful string for them."""
    content = node.content
    if len(content) == 1:
        only = content[0]
        if isinstance(only, Span) and only.kind == "text":
            return unescape(doc.text[only.start : only.end])
    if any(isinstance(c, Node) for c in content):
        return doc.inner_raw(node)
    parts: list[str] = []
    for c in node.content:
        assert isinstance(c, Span)
        raw = doc.raw(c)
        if c.kind == "text":
            parts.append(unescape(raw))
        elif c.kind == "cdata":
            parts.append(raw[9:-3])
    return "".join(parts)


_WRAP_OPEN = '<r xmlns:xliff="urn:oasis:names:tc:xliff:document:1.2" xmlns:tools="http://schemas.android.com/tools">'


def is_markup(value: str, *, cdata_counts: bool = False) -> bool:
    """True when `value` is a well-formed XML fragment holding at least one element (or
    CDATA/comment when `cdata_counts`): such values were read as raw inner XML."""
    if "<" not in value:
        return False
    try:
        root = etree.fromstring((_WRAP_OPEN + value + "</r>").encode("utf-8"), _new_parser())
    except (etree.XMLSyntaxError, ValueError):
        return False
    if len(root):
        return True
    return cdata_counts and ("<![CDATA[" in value or "<!--" in value)


def render_value(value: str) -> str:
    """Inverse of `text_value`: raw when the value is markup, escaped text otherwise."""
    return value if is_markup(value) else escape_text(value)


def unnamed_warning(doc: XmlDocument, nodes: list[Node], what: str, missing: str) -> str:
    """The import warning for elements that cannot become entries (no name to key them by):
    they stay in the stored file, and the user hears about them."""
    line, _ = _line_col(doc.text, nodes[0].start)
    many = f"{len(nodes)} {what} elements" if len(nodes) > 1 else f"a {what} element"
    return f"{many} without {missing} (first at line {line}) kept in the file but not imported"
