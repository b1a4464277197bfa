"""The shared XML gate: hostile documents fail with FormatError, nothing is fetched or expanded."""

from __future__ import annotations

import contextlib
import importlib
import plistlib
from pathlib import Path
from xml.parsers.expat import ExpatError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entri.formats import _xml_patch, xml_safe
from entri.formats.catalog import FormatError
from tests.formats.strategies import texts

CODECS = ["android_xml", "xliff12", "xliff2", "ios_stringsdict"]

XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<r>&e;</r>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol">'
    + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
    + b"]><r>&j;</r>"
)
EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">\n<r/>'
PUBLIC_DTD = b'<!DOCTYPE r PUBLIC "-//Evil//X" "http://127.0.0.1:9/x.dtd"><r/>'
XINCLUDE = (
    b'<resources xmlns:xi="http://www.w3.org/2001/XInclude">'
    b'<xi:include href="file:///etc/passwd" parse="text"/></resources>'
)
DEEP = b"<a>" * 10_000 + b"</a>" * 10_000
HOSTILE = {
    "xxe": XXE,
    "laughs": LAUGHS,
    "external": EXTERNAL_DTD,
    "public": PUBLIC_DTD,
    "xinclude": XINCLUDE,
    "deep": DEEP,
}


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("codec", CODECS)
def test_hostile_documents_are_refused_by_every_codec(codec: str, payload: bytes) -> None:
    module = importlib.import_module(f"entri.formats.{codec}")
    with pytest.raises(FormatError) as info:
        module.parse(payload, "en")
    assert "root:" not in str(info.value)  # /etc/passwd content never shows up


def test_xxe_error_points_at_the_doctype() -> None:
    with pytest.raises(FormatError) as info:
        xml_safe.parse(XXE)
    assert info.value.line == 2
    assert "internal subset" in info.value.message


def test_local_external_dtd_is_never_opened(tmp_path: Path) -> None:
    # libxml2 with collect_ids=False opens SYSTEM DTDs from disk; the gate must stop it first.
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY e "EXPANDED">')
    doc = f'<!DOCTYPE r SYSTEM "{dtd}"><r>&e;</r>'.encode()
    with pytest.raises(FormatError, match="External DTD"):
        xml_safe.parse(doc)


def test_apple_plist_doctype_is_tolerated_only_when_allowed() -> None:
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"'
        b' "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict/></plist>'
    )
    assert xml_safe.parse(doc, allowed_public_ids=(xml_safe.APPLE_PLIST_PUBLIC_ID,)).root.name == "plist"
    with pytest.raises(FormatError):
        xml_safe.parse(doc)


def test_plistlib_itself_refuses_entity_declarations() -> None:
    # The spec says plistlib rejects entity declarations; the gate does not rely on it.
    with pytest.raises((ExpatError, ValueError)):
        plistlib.loads(XXE.replace(b"<r>&e;</r>", b"<plist><string>&e;</string></plist>"), fmt=plistlib.FMT_XML)


def test_depth_cap_below_libxml2_limit() -> None:
    with pytest.raises(FormatError, match="deeper than 64"):
        xml_safe.parse(b"<a>" * 70 + b"</a>" * 70)
    assert xml_safe.parse(b"<a>" * 60 + b"</a>" * 60).root.name == "a"


def test_element_count_cap() -> None:
    with pytest.raises(FormatError, match="Too many"):
        xml_safe.parse(b"<r>" + b"<x/>" * 20 + b"</r>", max_elements=10)


def test_syntax_errors_carry_line_and_column() -> None:
    with pytest.raises(FormatError) as info:
        xml_safe.parse(b"<r>\n  <a></b>\n</r>")
    assert info.value.line == 2
    assert info.value.column is not None


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_garbage_bytes_raise_only_format_error(data: bytes) -> None:
    for codec in CODECS:
        module = importlib.import_module(f"entri.formats.{codec}")
        with contextlib.suppress(FormatError):
            module.parse(data, "en")


@settings(max_examples=100)
@given(st.text(alphabet="<>/a&;!-[]?\"'= x", max_size=60))
def test_xml_looking_garbage_raises_only_format_error(text: str) -> None:
    for codec in CODECS:
        module = importlib.import_module(f"entri.formats.{codec}")
        with contextlib.suppress(FormatError):
            module.parse(("<resources>" + text + "</resources>").encode(), "en")


def test_span_tree_keeps_exact_raw_text() -> None:
    src = '<r a=\'1\' b="x &amp; y">\n  <e/>\n  <f k="&#10;v">t<![CDATA[<c>]]><!-- n --></f>\n</r>'
    doc = xml_safe.parse(src.encode())
    e, f = doc.root.children
    assert e.self_closing and doc.raw(e) == "<e/>"
    assert doc.root.attrs == {"a": "1", "b": "x & y"}
    assert f.attrs == {"k": "\nv"}
    assert doc.inner_raw(f) == "t<![CDATA[<c>]]><!-- n -->"
    assert xml_safe.text_value(doc, f) == "t<c>"
    assert doc.encode(doc.text) == src.encode()


def test_text_value_keeps_inline_elements_raw() -> None:
    doc = xml_safe.parse(b'<t>a &amp; <x id="1"/> b</t>')
    assert xml_safe.text_value(doc, doc.root) == 'a &amp; <x id="1"/> b'


def test_render_value_is_inverse_of_text_value() -> None:
    for value in ["a & <b", 'x <g id="1">y</g> &amp; z', "", "]]>", "tab\tnl\n"]:
        doc = xml_safe.parse(f"<t>{xml_safe.render_value(value)}</t>".encode())
        assert xml_safe.text_value(doc, doc.root) == value


@given(texts(max_size=60))
def test_escape_round_trips(value: str) -> None:
    doc = xml_safe.parse(f'<t a="{xml_safe.escape_attr(value)}">{xml_safe.escape_text(value)}</t>'.encode())
    assert doc.root.attrs["a"] == value
    assert xml_safe.text_value(doc, doc.root) == value


def test_replace_inner_opens_self_closing_elements() -> None:
    doc = xml_safe.parse(b'<r><t a="1" /></r>')
    patch = _xml_patch.replace_inner(doc, doc.root.children[0], "v")
    assert _xml_patch.apply_patches(doc.text, [patch]) == '<r><t a="1">v</t></r>'


def test_set_attr_touches_only_that_attribute() -> None:
    assert _xml_patch.set_attr("<t  a='1'   b=\"2\">", "b", "3") == "<t  a='1'   b=\"3\">"
    assert _xml_patch.set_attr('<t a="1"/>', "s", "x") == '<t a="1" s="x"/>'
    assert _xml_patch.set_attr('<t a="1" s="x">', "s", None) == '<t a="1">'


def test_utf16_with_bom_round_trips() -> None:
    src = '<?xml version="1.0" encoding="UTF-16"?>\r\n<r>é</r>\r\n'
    data = b"\xff\xfe" + src.encode("utf-16-le")
    doc = xml_safe.parse(data)
    assert doc.text == src.replace("\r\n", "\n")
    assert doc.encode(doc.text) == data
