"""A method call's parameters from the query string and the body, in any of the encodings the
method-style API accepts (docs/compat.md, "Transport"): query string, form-encoded,
multipart or JSON. Text must be UTF-8; anything else is refused, never guessed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

from entri.compat.errors import CompatError

MAX_FIELDS = 1000
NOT_UTF8 = "the request is not valid UTF-8"


def _pairs(data: bytes, where: str) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise CompatError(NOT_UTF8) from None
    except ValueError:
        raise CompatError(f"the {where} has more than {MAX_FIELDS} parameters") from None
    return dict(pairs)


def query(raw: bytes) -> dict[str, Any]:
    return _pairs(raw, "query string") if raw else {}


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise CompatError(NOT_UTF8) from None
    except (ValueError, RecursionError):
        raise CompatError("the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise CompatError("the JSON body must be an object of parameters")
    return value


def _multipart(body: bytes, options: dict[bytes, bytes]) -> dict[str, Any]:
    boundary = options.get(b"boundary")
    if not boundary:
        raise CompatError("the multipart body has no boundary")
    fields: list[tuple[bytes, bytearray]] = []
    state: dict[str, Any] = {"field": b"", "value": b"", "name": None, "data": None, "ended": False}

    def on_part_begin() -> None:
        state["name"], state["data"] = None, bytearray()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        if state["field"].lower() == b"content-disposition":
            _, params = parse_options_header(state["value"])
            state["name"] = params.get(b"name")
        state["field"], state["value"] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["data"] += data[start:end]

    def on_part_end() -> None:
        if state["name"] is None:
            raise CompatError("a multipart part has no name")
        if len(fields) >= MAX_FIELDS:
            raise CompatError(f"the body has more than {MAX_FIELDS} parameters")
        fields.append((state["name"], state["data"]))

    def on_end() -> None:
        state["ended"] = True

    callbacks: Any = {
        "on_end": on_end,
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except CompatError:
        raise
    except Exception:
        raise CompatError("the multipart body is malformed") from None
    if not state["ended"]:  # the closing boundary never came
        raise CompatError("the multipart body is malformed")
    try:
        return {name.decode("utf-8"): bytes(data).decode("utf-8") for name, data in fields}
    except UnicodeDecodeError:
        raise CompatError(NOT_UTF8) from None


def body(content_type: str, data: bytes) -> dict[str, Any]:
    """Parameters of a request body. A form-encoded body that is a JSON object (`curl -d
    '{…}'` sends that) is read as JSON."""
    if not data.strip():
        return {}
    kind, options = parse_options_header(content_type)
    if kind == b"multipart/form-data":
        return _multipart(data, options)
    if kind == b"application/json" or kind.endswith(b"+json") or data.lstrip()[:1] == b"{":
        return _json(data)
    return _pairs(data, "body")
