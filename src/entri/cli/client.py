"""The client's only way to the server: its public HTTP API, with the token in `X-API-Key`.

Every failure becomes a `CliError` with one line that says what to do: the server's own message
for a 4xx, how to log in for a 401, where the server was looked for when it cannot be reached.
A 429 is waited out (its `Retry-After`, at most 60 s, 5 times).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from entri.cli.config import Credentials
from entri.cli.errors import CliError

USER_AGENT = "entri-cli"
RETRIES_429 = 5


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason_phrase
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list):
        return "; ".join(str(m) for m in message[:5]) + (f" (+{len(message) - 5} more)" if len(message) > 5 else "")
    return str(message or response.reason_phrase)


class Api:
    def __init__(self, creds: Credentials, *, require_token: bool = True, timeout: float = 60.0) -> None:
        if require_token and not creds.token:
            raise CliError("not logged in: run `nt3 login`, or set NT3_API_TOKEN")
        self.creds = creds
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if creds.token:
            headers["X-API-Key"] = creds.token
        self.http = httpx.Client(base_url=creds.api_url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _unreachable(self, exc: Exception) -> CliError:
        where = {"env": "NT3_API_URL", "local": ".nt3.local.json", "global": "~/.nt3/config.json"}.get(
            self.creds.api_url_source, "the default"
        )
        return CliError(
            f"cannot reach the Entri server at {self.creds.api_url} (from {where}): {type(exc).__name__}; "
            "start it with `entri serve` or set NT3_API_URL",
            fatal=True,
        )

    def failure(self, response: httpx.Response) -> CliError:
        status = response.status_code
        message = _message(response)
        if status == 401:
            source = f" from {self.creds.token_where}" if self.creds.token_where else ""
            return CliError(
                f"the server refused the token{source} (401: {message}); run `nt3 login` with a valid token",
                fatal=True,
                status=status,
            )
        if status == 403:
            return CliError(f"permission denied (403): {message}", status=status)
        path = response.request.url.path
        return CliError(f"{response.request.method} {path} failed ({status}): {message}", status=status)

    def request(
        self,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200, 201, 202, 204),
        timeout: float | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """The response if its status is in `ok`, else a CliError."""
        if timeout is not None:
            kwargs["timeout"] = timeout
        for attempt in range(RETRIES_429 + 1):
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TimeoutException:
                raise CliError(f"{method} {path}: the server did not answer in time") from None
            except httpx.TransportError as exc:
                raise self._unreachable(exc) from None
            if response.status_code == 429 and attempt < RETRIES_429:
                time.sleep(min(60.0, float(response.headers.get("Retry-After") or 2 ** (attempt + 1))))
                continue
            if response.status_code in ok:
                return response
            raise self.failure(response)
        raise AssertionError("unreachable")

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs).json()

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.request("POST", path, json=body, **kwargs)
        return response.json() if response.content else None

    def pages(self, path: str, *, params: dict[str, Any] | None = None, limit: int = 200) -> Iterator[Any]:
        """Every item of a paginated collection (`{data, meta}`)."""
        page = 1
        while True:
            body = self.get(path, params={**(params or {}), "page": page, "limit": limit})
            yield from body["data"]
            if page >= int(body["meta"]["totalPages"] or 0):
                return
            page += 1

    def total(self, path: str, params: dict[str, Any] | None = None) -> int:
        """`meta.total` of a collection, read with one item."""
        return int(self.get(path, params={**(params or {}), "limit": 1})["meta"]["total"])

    def events(self, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(event, data) of a Server-Sent Events stream until it ends."""
        try:
            with self.http.stream("GET", path, timeout=httpx.Timeout(60.0, read=120.0)) as response:
                if response.status_code != 200:
                    response.read()
                    raise self.failure(response)
                name, data = "message", []
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        name = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        data.append(line.split(":", 1)[1].strip())
                    elif not line.strip() and data:
                        yield name, json.loads("\n".join(data))
                        name, data = "message", []
                if data:
                    yield name, json.loads("\n".join(data))
        except httpx.TimeoutException:
            raise CliError(f"GET {path}: the progress stream went silent for two minutes") from None
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from None
