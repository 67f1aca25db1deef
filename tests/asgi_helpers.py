"""Requests no HTTP client library would send (no Host, bytes as they are), straight to the
app as the ASGI messages a server would pass it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import anyio
import orjson
from starlette.types import ASGIApp, Message


@dataclass
class Answer:
    messages: list[Message]

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode().lower(): v.decode("latin-1") for k, v in self.messages[0]["headers"]}

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])

    def json(self) -> Any:
        return orjson.loads(self.body)


def call(
    app: ASGIApp,
    raw_path: bytes,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    http_version: str = "1.1",
) -> Answer:
    """GET ``raw_path?query`` with exactly ``headers`` (default: one ``Host``)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": http_version,
        "method": "GET", "scheme": "http", "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path, "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver")] if headers is None else headers,
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    anyio.run(app, scope, receive, send)
    return Answer(messages)
