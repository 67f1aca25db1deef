"""Conditional requests and the shared response cache, for routes that read the dataset.

For a route that declares ``dataset``, this layer reads the dataset version (before the data,
so an answer can only be labelled older than what it shows, never newer) and negotiates the
format, then labels the answer: ``ETag``, ``X-Dataset-Version``, ``Last-Modified`` (a
collection's, from the version's commit time) and ``Cache-Control``. A matching
``If-None-Match`` (or, without it, ``If-Modified-Since``) answers 304.

ETags: a collection's comes from the version and what was asked (path, query, format,
compression); a resource's from the revision of the rows it shows (the route names it, see
:func:`resource_etag`), so it stays the same while other data changes.

A 304 is only ever for a representation that exists (RFC 9110 §13.1.2, §13.2.1): an answer in
the cache, or a 200 the route has just made. ``If-None-Match: *`` and ``If-Modified-Since``
are therefore checked against the route's answer, never before it runs, so a request the route
refuses (a 400, a 404) gets its error. Only an ETag the client names, which it can only have
from a 200 for this same request and version, is answered before the route runs.

The cache keeps whole public answers per version, keyed on path, query, negotiated format and
compression; a changed version misses every entry, so nothing stale is ever served. It serves
and stores only requests without credentials (``Authorization`` or ``Cookie``), whose answers
say ``public``; answers to requests with credentials say ``private``.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.recency import LRUCache
from app.store.remembered import current_version
from app.store.versions import DatasetVersion, VersionReader
from app.web.declare import PRIVATE as PRIVATE_ROUTE
from app.web.declare import Declaration
from app.web.pipeline.compression import Coding, coding
from app.web.pipeline.problems import answer_error
from app.web.renderers import Registry, Renderer

PUBLIC = b"public, max-age=0, must-revalidate"  # shared caches keep it, and revalidate
PUBLIC_STATIC = b"public, max-age=300"  # the same for every version (problem types, entry)
CREDENTIALED = b"private, no-cache"
PRIVATE = b"private, no-store"
VARY = b"Accept, Accept-Encoding, Origin"
VERSION_HEADER = b"x-dataset-version"
# What inner layers and routes find in scope["state"].
VERSION_STATE, FORMAT_STATE, CODING_STATE = "versus.version", "versus.format", "versus.coding"
_NEGOTIATED = 1024
_VALIDATORS = (b"etag", b"cache-control", b"vary", VERSION_HEADER, b"last-modified")


@dataclass(frozen=True, slots=True)
class _Asked:
    """What a request's headers say, read in one pass."""

    accept: str
    coding: Coding | None  # see app.web.pipeline.compression
    if_none_match: str | None
    if_modified_since: str | None
    credentials: bool


_PLAIN = _Asked("", "identity", None, None, False)  # a request with none of those headers
_READ = frozenset(
    (b"accept", b"accept-encoding", b"if-none-match", b"if-modified-since", b"authorization",
     b"cookie")
)  # fmt: skip


def _asked(scope: Scope) -> _Asked:
    accept, inm, ims, credentials, seen = "", None, None, False, False
    encodings: list[bytes] = []
    for name, value in scope["headers"]:
        if name not in _READ:
            continue
        seen = True
        if name == b"accept":
            accept = value.decode("latin-1")
        elif name == b"accept-encoding":
            encodings.append(value)
        elif name == b"if-none-match":
            inm = value.decode("latin-1")
        elif name == b"if-modified-since":
            ims = value.decode("latin-1")
        else:
            credentials = True
    if not seen:
        return _PLAIN
    header = b", ".join(encodings).decode("latin-1") if encodings else None
    return _Asked(accept, coding(header), inm, ims, credentials)


@dataclass(slots=True)
class _Entry:
    version: DatasetVersion
    etag: str
    headers: list[tuple[bytes, bytes]]
    body: bytes


_Key = tuple[str, bytes, str, Coding | None]  # path, query, format, coding
ENTRY_OVERHEAD = 512  # bytes an entry costs beyond its body and headers (key, objects)


def _entry_bytes(entry: _Entry) -> int:
    return len(entry.body) + sum(len(k) + len(v) for k, v in entry.headers) + ENTRY_OVERHEAD


def collection_etag(version: DatasetVersion, key: _Key) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
    return f'"{version.label}-{digest}"'


def resource_etag(state: dict[str, Any], revision: int) -> str:
    """The ETag of a resource whose rows' latest revision is ``revision``, in the format and
    encoding this request gets."""
    version: DatasetVersion | None = state.get(VERSION_STATE)
    renderer: Renderer | None = state.get(FORMAT_STATE)
    epoch = version.epoch if version else ""
    name = renderer.name if renderer else "json"
    return f'"r{revision}.{epoch}-{name}{_CODING_SUFFIX[state.get(CODING_STATE)]}"'


_CODING_SUFFIX = {None: "", "identity": "", "gzip": "-gz", "gzip-always": "-gza"}


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 prescribes for If-None-Match.
    return etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


def _names(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` itself (``*`` does not: it matches any
    representation, and whether one exists is known only once the route answers)."""
    return (
        if_none_match is not None and if_none_match.strip() != "*" and _matches(if_none_match, etag)
    )


def _not_modified_since(if_modified_since: str, changed_at: datetime | None) -> bool:
    if changed_at is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return since.tzinfo is not None and changed_at.replace(microsecond=0) <= since


class Conditional:
    def __init__(
        self,
        app: ASGIApp,
        reader: VersionReader,
        formats: Registry,
        *,
        max_entries: int,
        max_bytes: int = 64 << 20,
        max_body_bytes: int = 1 << 20,
    ) -> None:
        self.app = app
        self.reader = reader
        self.formats = formats
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body_bytes = max_body_bytes
        # Bounded in entries and in bytes: many distinct queries of a large page cannot grow a
        # worker past max_bytes of cached answers.
        self._cache: LRUCache[_Key, _Entry] = LRUCache(
            max_entries, max_weight=max_bytes, weigh=_entry_bytes
        )
        self._blocks = reader.blocks
        # Negotiated formats by (format, Accept, views): few distinct values in practice;
        # forgotten all at once if clients send many.
        self._negotiated: dict[tuple[str | None, str, tuple[str, ...]], Renderer] = {}
        self.hits = self.misses = 0  # for tests and, later, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = scope.get("route") if scope["type"] == "http" else None
        if route is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        declared: Declaration = getattr(route, "declaration", PRIVATE_ROUTE)
        asked = _asked(scope)
        public = declared.public and not asked.credentials
        if not declared.dataset:
            policy = PUBLIC_STATIC if public else CREDENTIALED if declared.public else PRIVATE
            await self.app(scope, receive, _with_cache_control(send, policy))
            return
        try:
            reader = self.reader
            version = await run_in_threadpool(reader.read) if self._blocks else reader.current()
            renderer = self._negotiate(scope, asked.accept, declared.views)
        except Exception as exc:
            await answer_error(exc, scope, receive, send)
            return
        key: _Key = (scope["path"], scope.get("query_string", b""), renderer.name, asked.coding)
        cacheable = public and declared.cacheable and self.max_entries > 0 and self.max_bytes > 0
        if cacheable:
            entry = self._cache.get(key)
            # The reader hands back the same object while nothing changed: `is` first.
            if entry is not None and (entry.version is version or entry.version == version):
                self.hits += 1
                conditional = asked.if_none_match is not None or asked.if_modified_since is not None
                if conditional and self._fresh(asked, entry.etag, version, declared.revisioned):
                    await _send_not_modified(send, entry.headers)
                else:
                    await send({"type": "http.response.start", "status": 200,
                                "headers": entry.headers.copy()})  # fmt: skip
                    await send({"type": "http.response.body", "body": entry.body})
                return
        etag = None if declared.revisioned else collection_etag(version, key)
        if etag is not None and _names(asked.if_none_match, etag):
            headers = _validators(etag, public, version, declared.revisioned, asked.credentials)
            await _send_not_modified(send, headers)
            return
        self.misses += 1
        state = scope.setdefault("state", {})
        state[VERSION_STATE], state[FORMAT_STATE] = version, renderer
        state[CODING_STATE] = asked.coding
        # A miss runs queries (on the event loop for SQLite). Yielding once first queues it
        # behind the requests already waiting, so a saturated worker serves them in turn.
        await asyncio.sleep(0)
        token = current_version.set(version)
        try:
            labelled = _Labeller(self, send, key if cacheable else None, asked, version, etag)
            labelled.public, labelled.revisioned = public, declared.revisioned
            await self.app(scope, receive, labelled.send)
        finally:
            current_version.reset(token)

    def _negotiate(self, scope: Scope, accept: str, views: tuple[str, ...]) -> Renderer:
        query: bytes = scope.get("query_string", b"")
        if b"format" not in query:
            found = self._negotiated.get((None, accept, views))
            if found is not None:
                return found
        asked = None
        if b"format" in query:
            for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
                if name == "format":
                    asked = value
        key = (asked, accept, views)
        found = self._negotiated.get(key)
        if found is None:
            found = self.formats.negotiate(asked, accept, views)
            if len(self._negotiated) >= _NEGOTIATED:
                self._negotiated.clear()
            self._negotiated[key] = found
        return found

    @staticmethod
    def _fresh(asked: _Asked, etag: str, version: DatasetVersion, revisioned: bool) -> bool:
        if asked.if_none_match is not None:
            return _matches(asked.if_none_match, etag)
        if asked.if_modified_since is not None and not revisioned:
            return _not_modified_since(asked.if_modified_since, version.changed_at)
        return False

    def keep(self, key: _Key, entry: _Entry) -> None:
        if len(entry.body) <= self.max_body_bytes:
            self._cache[key] = entry


def _validators(
    etag: str, public: bool, version: DatasetVersion, revisioned: bool, credentials: bool
) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"etag", etag.encode()),
        (b"cache-control", PUBLIC if public else CREDENTIALED if credentials else PRIVATE),
        (b"vary", VARY),
        (VERSION_HEADER, _label_bytes(version)),
    ]
    if not revisioned and version.changed_at is not None:
        headers.append((b"last-modified", _last_modified(version)))
    return headers


@functools.lru_cache(maxsize=8)
def _label_bytes(version: DatasetVersion) -> bytes:
    return version.label.encode()


@functools.lru_cache(maxsize=8)
def _last_modified(version: DatasetVersion) -> bytes:
    assert version.changed_at is not None
    return format_datetime(version.changed_at, usegmt=True).encode()


class _Labeller:
    """The ``send`` of a miss: labels a 200, turns it into a 304 when the request's validator
    matches the route's ETag, and keeps it in the cache when it may."""

    public = True
    revisioned = False

    def __init__(
        self,
        layer: Conditional,
        send: Send,
        key: _Key | None,
        asked: _Asked,
        version: DatasetVersion,
        etag: str | None,
    ) -> None:
        self.layer, self._send, self.key, self.asked = layer, send, key, asked
        self.version, self.etag = version, etag
        self.start: list[tuple[bytes, bytes]] | None = None  # the headers as labelled here
        self.chunks: list[bytes] = []
        self.swallow = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._start(message)
            return
        if self.swallow:  # the 304 went instead: nothing of the 200 follows it
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self._send(message)
            return
        if self.key is not None:
            self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                etag = self.etag or ""
                entry = _Entry(self.version, etag, self.start, b"".join(self.chunks))
                self.layer.keep(self.key, entry)
        await self._send(message)

    async def _start(self, message: Message) -> None:
        # One pass over the route's headers (MutableHeaders would scan them once per header set).
        label = (VERSION_HEADER, _label_bytes(self.version))
        route_etag = vary = None
        kept: list[tuple[bytes, bytes]] = []
        has_cache_control = False
        for name, value in message.get("headers", ()):
            if name in _VALIDATORS:  # set here, from what the route said
                if name == b"etag":
                    route_etag = value.decode("latin-1")
                elif name == b"vary":
                    vary = value.decode("latin-1")
                elif name == b"cache-control":
                    has_cache_control = True
                continue
            kept.append((name, value))
        if message["status"] != 200:
            self.key = None
            message["headers"] = [
                *message.get("headers", ()),
                label,
                *(() if has_cache_control else ((b"cache-control", b"no-store"),)),
            ]
            await self._send(message)
            return
        etag = route_etag or self.etag or ""
        self.etag = etag
        validators = _validators(
            etag, self.public, self.version, self.revisioned, self.asked.credentials
        )
        headers = kept
        for name, value in validators:
            headers.append((name, _vary(vary).encode("latin-1") if name == b"vary" else value))
        message["headers"] = headers
        if Conditional._fresh(self.asked, etag, self.version, self.revisioned):
            self.key, self.swallow = None, True
            await _send_not_modified(self._send, validators)
            return
        # Outer layers add their headers to this message in place: keep the list as it is now.
        self.start = list(headers)
        await self._send(message)


def _vary(present: str | None) -> str:
    """``Vary`` with what every answer of the dataset varies on added to what it says."""
    if not present:
        return VARY.decode()
    names = [name.strip() for name in present.split(",")]
    lowered = {name.lower() for name in names}
    names += [name for name in VARY.decode().split(", ") if name.lower() not in lowered]
    return ", ".join(names)


def _with_cache_control(send: Send, policy: bytes) -> Send:
    async def labelled(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if message["status"] >= 400:  # no-store: no cache keeps it, so nothing varies
                headers.setdefault("Cache-Control", "no-store")
            else:
                headers.setdefault("Cache-Control", policy.decode())
                headers.add_vary_header("Origin")
        await send(message)

    return labelled


async def _send_not_modified(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    kept = [(name, value) for name, value in headers if name in _VALIDATORS]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})
