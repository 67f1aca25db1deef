"""HTTP conveniences in front of the application: HEAD, and ETags, 304s and a response cache
for the read API.

Every ``/v1`` response is a function of the dataset version and the request, so its strong ETag
is a hash of the two, computed before the route runs: a matching ``If-None-Match`` answers 304,
and a cached response for the same version is replayed, without touching the data. The version
is read before the data, so a response can only be labelled older than what it contains, never
newer; versions only grow, so an old label is never taken for current, and no cached response
is ever served stale.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.lru import LRUCache
from app.store.memo import current_version
from app.store.versions import VersionReader

CACHE_CONTROL = "public, no-cache"  # cache, but revalidate each time: data may change any moment
VARY = "Accept"  # the format; GZip and CORS add Accept-Encoding and Origin themselves


def head_as_get(scope: Scope, send: Send) -> tuple[Scope, Send]:
    """A HEAD request as the GET it mirrors, with a ``send`` that drops the body.

    FastAPI routes are declared for GET only; answering HEAD here gives every GET its HEAD, with
    the same status and headers (ETag, Content-Length) and no body.
    """

    async def send_without_body(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})
            return
        await send(message)

    return {**scope, "method": "GET"}, send_without_body


@dataclass
class _Cached:
    version: int
    etag: str
    headers: list[tuple[bytes, bytes]]
    body: bytes


_Key = tuple[str, bytes, bytes, bool, bytes]  # path, query, Accept, gzip?, Origin


class ReadCache:
    """ETags, 304s, and whole responses cached per dataset version, for GETs under ``prefix``.

    It runs in front of the whole application (see :class:`app.main.VersusApp`), so a repeated
    read is answered from memory without building a request or reaching any middleware; a
    changed version misses every entry, so nothing stale is ever served. Responses are kept as
    the inner layers made them (compressed, with CORS headers), so everything those layers vary
    on is part of the key.
    """

    def __init__(
        self,
        reader: VersionReader,
        prefix: str = "/v1",
        max_entries: int = 4096,
        max_body_bytes: int = 1 << 20,
    ) -> None:
        self.reader = reader
        self.prefix = prefix
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self._cache: LRUCache[_Key, _Cached] = LRUCache(max_entries)
        self.hits = self.misses = 0  # for tests and, later, metrics

    def handles(self, scope: Scope) -> bool:
        path: str = scope["path"]
        return scope["method"] == "GET" and path.startswith(self.prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        reader = self.reader
        version = await run_in_threadpool(reader.read) if reader.blocks else reader.read()
        key, if_none_match = _key(scope)
        cached = self._cache.get(key)
        if cached is not None and cached.version == version:
            self.hits += 1
            if if_none_match and _matches(if_none_match, cached.etag):
                await _not_modified(send, cached.etag)
            else:
                await _replay(send, cached)
            return
        etag = _etag(version, key)
        if if_none_match and _matches(if_none_match, etag):
            await _not_modified(send, etag)
            return
        self.misses += 1
        # A miss runs queries (hundreds of µs, on the event loop for SQLite). Yielding once
        # first queues it behind the requests already waiting: on a saturated uvloop worker
        # some connections are otherwise served again and again while others wait (cold search
        # at 32 connections: p99 28 ms, median 13; with the yield, 16). asyncio's loop serves
        # them in turn either way.
        await asyncio.sleep(0)
        token = current_version.set(version)
        try:
            await app(scope, receive, self._recorder(send, key, version, etag))
        finally:
            current_version.reset(token)

    def _recorder(self, send: Send, key: _Key, version: int, etag: str) -> Send:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    response_headers = MutableHeaders(scope=message)
                    response_headers["ETag"] = etag
                    response_headers["Cache-Control"] = CACHE_CONTROL
                    response_headers.add_vary_header(VARY)
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    if self.max_entries and len(body) <= self.max_body_bytes:
                        self._cache[key] = _Cached(version, etag, list(start["headers"]), body)
            await send(message)

        return record


def _key(scope: Scope) -> tuple[_Key, str | None]:
    """The cache key of a request, and its If-None-Match; headers read without parsing all."""
    accept = origin = b""
    gzip = False
    if_none_match = None
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value
        elif name == b"accept-encoding":
            gzip = b"gzip" in value.lower()
        elif name == b"origin":
            origin = value
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
    return (scope["path"], scope.get("query_string", b""), accept, gzip, origin), if_none_match


async def _replay(send: Send, cached: _Cached) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": cached.headers})
    await send({"type": "http.response.body", "body": cached.body})


def _etag(version: int, key: _Key) -> str:
    digest = hashlib.sha256(repr((version, key)).encode()).hexdigest()[:27]
    return f'"v{version}-{digest}"'


def _matches(if_none_match: str, etag: str) -> bool:
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
