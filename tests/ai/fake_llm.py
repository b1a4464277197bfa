"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions, Anthropic messages and
DeepL translate wire formats, so the real SDKs run against it. It "translates" by a rule
(`FR:` + the text, tokens kept) and misbehaves on demand (`mode`): drops or renames
placeholders, fences the JSON, drops or repeats ids, answers 429 with Retry-After."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    mode: str = "good"
    """good | drop-tokens | rename | fenced | drop-id | dup-id | garbage | 429-once | 401 | bad-first"""
    calls: list[dict[str, Any]] = field(default_factory=list)
    rate_limited: int = 0


def _translate(text: str) -> str:
    return f"FR: {text}"


def _answer(strings: list[dict[str, Any]], behaviour: Behaviour, attempt: int) -> str:
    out: list[dict[str, Any]] = []
    for entry in strings:
        if "forms" in entry:
            forms = {
                c: _translate(entry["forms"].get(c) or entry["forms"].get("other", "")) for c in entry["categories"]
            }
            out.append({"id": entry["id"], "forms": forms, "confidence": 90})
        else:
            text = _translate(entry["text"])
            mode = behaviour.mode
            if mode == "drop-tokens" or (mode == "bad-first" and attempt == 1):
                text = text.replace("⟦1⟧", "").replace("⟦2⟧", "")
            elif mode == "rename":
                text = text.replace("⟦1⟧", "{nom}")
            out.append(
                {
                    "id": entry["id"],
                    "text": text,
                    "confidence": 88,
                    "alternatives": [{"text": text + " (alt)", "confidence": 60}],
                }
            )
    if behaviour.mode == "drop-id" and len(out) > 1:
        out = out[:-1]
    if behaviour.mode == "dup-id" and len(out) > 1:
        out.append(dict(out[0]))
    body = json.dumps({"translations": out}, ensure_ascii=False)
    if behaviour.mode == "fenced":
        body = f"Here you go:\n```json\n{body}\n```"
    if behaviour.mode == "garbage":
        body = "I cannot do that."
    return body


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        behaviour = self.behaviour
        behaviour.calls.append(
            {
                "path": self.path,
                "body": raw.decode("utf-8", "replace"),
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        )
        attempt = len(behaviour.calls)
        if behaviour.mode == "401":
            self._send(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            return
        if behaviour.mode == "429-once" and behaviour.rate_limited == 0:
            behaviour.rate_limited += 1
            self._send(429, {"error": {"message": "slow down", "type": "rate_limit_error"}}, {"Retry-After": "0"})
            return
        if self.path.endswith("/chat/completions"):
            request = json.loads(raw)
            strings = json.loads(request["messages"][1]["content"])["strings"]
            content = _answer(strings, behaviour, attempt)
            self._send(
                200,
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": 0,
                    "model": request["model"],
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                },
            )
        elif self.path.endswith("/messages"):
            request = json.loads(raw)
            strings = json.loads(request["messages"][0]["content"])["strings"]
            content = _answer(strings, behaviour, attempt)
            self._send(
                200,
                {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "model": request["model"],
                    "content": [{"type": "text", "text": content}],
                    "stop_reason": "end_turn",
                    "stop_sequence": None,
                    "usage": {"input_tokens": 100, "output_tokens": 20},
                },
            )
        elif self.path.endswith("/translate"):
            ctype = self.headers.get("Content-Type", "")
            texts = json.loads(raw)["text"] if "json" in ctype else urllib.parse.parse_qs(raw.decode())["text"]
            self._send(
                200,
                {
                    "translations": [
                        {"detected_source_language": "EN", "text": _translate(t), "billed_characters": len(t)}
                        for t in texts
                    ]
                },
            )
        else:
            self._send(404, {"error": "no such route"})


@contextmanager
def fake_provider() -> Iterator[tuple[str, Behaviour]]:
    """(base URL, behaviour) of a fake provider running in a thread for the duration."""
    behaviour = Behaviour()
    handler = type("Handler", (_Handler,), {"behaviour": behaviour})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    finally:
        server.shutdown()
        server.server_close()
