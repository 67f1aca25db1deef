"""HTTP conveniences as thin ASGI middleware: HEAD, and ETag/304 revalidation for the read API.

Every ``/v1`` response is a function of the dataset version and the request, so its strong ETag
is a hash of the two, computed before the route runs: a matching ``If-None-Match`` answers 304
without touching the data. The version is read before the data, so a response can only be
labelled older than what it contains, never newer; versions only grow, so an old label is never
taken for current, and no cached response is ever served stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.dataset import dataset_version

CACHE_CONTROL = "public, no-cache"  # cache, but revalidate each time: data may change any moment
VARY = "Accept"  # the format; GZip and CORS add Accept-Encoding and Origin themselves


class HeadMiddleware:
    """Answers HEAD like GET without the body (FastAPI routes are declared for GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class ConditionalGetMiddleware:
    """Strong ETags, ``If-None-Match`` → 304, and cache headers on GETs under ``prefix``."""

    def __init__(self, app: ASGIApp, engine_of: Callable[[], Engine], prefix: str = "/v1") -> None:
        self.app = app
        self.engine_of = engine_of
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        version = await run_in_threadpool(self._version)
        headers = Headers(scope=scope)
        etag = _etag(version, scope, headers)
        if _matches(headers.get("if-none-match"), etag):
            await _not_modified(send, etag)
            return

        async def send_with_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                response_headers = MutableHeaders(scope=message)
                response_headers["ETag"] = etag
                response_headers["Cache-Control"] = CACHE_CONTROL
                response_headers.add_vary_header(VARY)
            await send(message)

        await self.app(scope, receive, send_with_etag)

    def _version(self) -> int:
        with self.engine_of().connect() as connection:
            return dataset_version(connection)


def _etag(version: int, scope: Scope, headers: Headers) -> str:
    gzip = "gzip" in headers.get("accept-encoding", "").lower()
    parts: list[Any] = [
        version,
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        headers.get("accept", ""),
        gzip,
    ]
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:27]
    return f'"v{version}-{digest}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 prescribes for If-None-Match.
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in candidates


async def _not_modified(send: Send, etag: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 304,
            "headers": [
                (b"etag", etag.encode()),
                (b"cache-control", CACHE_CONTROL.encode()),
                (b"vary", b"Accept, Accept-Encoding"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
