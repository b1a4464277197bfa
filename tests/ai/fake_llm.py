"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions, Anthropic messages and
DeepL translate wire formats, so the real SDKs run against it. It "translates" by a rule
(`FR:` + the text, tokens kept) and misbehaves on demand (`mode`): drops or renames
placeholders, fences the JSON, drops or repeats ids, answers 429 with Retry-After, answers
after the client's timeout. `chaos` picks one of those per request (seeded, so a run repeats);
`latency` delays every answer (the bench's 200 ms)."""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAOS = (
    "good",
    "good",
    "good",
    "rename",
    "drop-tokens",
    "fenced",
    "drop-id",
    "dup-id",
    "429",
    "timeout",
    "garbage",
    "forms-drop",
    "invent-token",
    "reorder",
)
"""What a `chaos` request may get (good three times in fourteen)."""
_TOKEN = re.compile(r"⟦\d+⟧")
_ICU_ARGUMENT = re.compile(r"\{(\w+), (plural|select)")


@dataclass
class Behaviour:
    mode: str = "good"
    """good | drop-tokens | rename | fenced | drop-id | dup-id | garbage | 429-once | 429 | 401 |
    bad-first | timeout | forms-drop | invent-token | reorder | chaos"""
    calls: list[dict[str, Any]] = field(default_factory=list)
    rate_limited: int = 0
    latency: float = 0.0
    """Seconds before each answer."""
    retry_after: str = "0"
    """The Retry-After header of a 429."""
    timeout_sleep: float = 1.0
    """How long a `timeout` answer takes (set it above the client's timeout)."""
    tokens: tuple[int, int] = (100, 20)
    """(prompt, completion) tokens reported per request."""
    seed: int = 17
    modes: list[str] = field(default_factory=list)
    """The mode each request got (chaos: the one picked)."""
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, attempt: int) -> str:
        if self.mode != "chaos":
            return self.mode
        return random.Random(self.seed * 100_003 + attempt).choice(CHAOS)


def _translate(text: str) -> str:
    return f"FR: {text}"


def _answer(strings: list[dict[str, Any]], behaviour: Behaviour, attempt: int, mode: str) -> str:
    out: list[dict[str, Any]] = []
    for entry in strings:
        if "forms" in entry:
            forms = {
                c: _translate(entry["forms"].get(c) or entry["forms"].get("other", "")) for c in entry["categories"]
            }
            if mode == "forms-drop":
                forms = {c: _TOKEN.sub("", t) for c, t in forms.items()}
            elif mode == "rename":
                forms = {c: t.replace("⟦1⟧", "⟦7⟧") for c, t in forms.items()}
            elif mode == "invent-token":
                forms = {c: f"{t} ⟦9⟧" for c, t in forms.items()}
            out.append({"id": entry["id"], "forms": forms, "confidence": 90})
        else:
            text = _translate(entry["text"])
            if mode == "drop-tokens" or (mode == "bad-first" and attempt == 1):
                text = text.replace("⟦1⟧", "").replace("⟦2⟧", "")
            elif mode == "forms-drop":
                text = _TOKEN.sub("", text)
            elif mode == "rename":
                text = _ICU_ARGUMENT.sub(r"{nombre, \2", text.replace("⟦1⟧", "{nom}"))
            elif mode == "reorder":  # fine for named placeholders, wrong for printf's %s %d
                text = text.replace("⟦1⟧", "\0").replace("⟦2⟧", "⟦1⟧").replace("\0", "⟦2⟧")
            elif mode == "invent-token":
                text = f"{text} ⟦9⟧"
            out.append(
                {
                    "id": entry["id"],
                    "text": text,
                    "confidence": 88,
                    "alternatives": [{"text": text + " (alt)", "confidence": 60}],
                }
            )
    if mode == "drop-id" and len(out) > 1:
        out = out[:-1]
    if mode == "dup-id" and len(out) > 1:
        out.append(dict(out[0]))
    body = json.dumps({"translations": out}, ensure_ascii=False)
    if mode == "fenced":
        body = f"Here you go:\n```json\n{body}\n```"
    if mode == "garbage":
        body = "I cannot do that."
    return body


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._leave()  # before the client can see the answer (and send its next request)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        behaviour = self.behaviour
        with behaviour.lock:
            behaviour.in_flight += 1
            behaviour.peak_in_flight = max(behaviour.peak_in_flight, behaviour.in_flight)
        self._inside = True
        try:
            self._post()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            pass
        finally:
            self._leave()

    def _leave(self) -> None:
        if getattr(self, "_inside", False):
            self._inside = False
            with self.behaviour.lock:
                self.behaviour.in_flight -= 1

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        behaviour = self.behaviour
        with behaviour.lock:
            behaviour.calls.append(
                {
                    "path": self.path,
                    "body": raw.decode("utf-8", "replace"),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "at": time.monotonic(),
                }
            )
            attempt = len(behaviour.calls)
            mode = behaviour.pick(attempt)
            behaviour.modes.append(mode)
        if behaviour.latency:
            time.sleep(behaviour.latency)
        if mode == "401":
            self._send(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            return
        if mode == "timeout":
            time.sleep(behaviour.timeout_sleep)
            mode = "good"  # answers, but after the client stopped waiting
        rate_limit = mode == "429" or (mode == "429-once" and behaviour.rate_limited == 0)
        if rate_limit:
            behaviour.rate_limited += 1
            headers = {"Retry-After": behaviour.retry_after}
            self._send(429, {"error": {"message": "slow down", "type": "rate_limit_error"}}, headers)
            return
        prompt_tokens, completion_tokens = behaviour.tokens
        if self.path.endswith("/chat/completions"):
            request = json.loads(raw)
            strings = json.loads(request["messages"][1]["content"])["strings"]
            content = _answer(strings, behaviour, attempt, mode)
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
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion_tokens,
                        "total_tokens": prompt_tokens + completion_tokens,
                    },
                },
            )
        elif self.path.endswith("/messages"):
            request = json.loads(raw)
            strings = json.loads(request["messages"][0]["content"])["strings"]
            content = _answer(strings, behaviour, attempt, mode)
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
                    "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
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


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


@contextmanager
def fake_provider() -> Iterator[tuple[str, Behaviour]]:
    """(base URL, behaviour) of a fake provider running in a thread for the duration."""
    behaviour = Behaviour()
    handler = type("Handler", (_Handler,), {"behaviour": behaviour})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    finally:
        server.shutdown()
        server.server_close()
