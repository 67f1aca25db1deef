"""The outer layers: error boundary, request id, observers, HEAD."""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.pipeline.problems import as_app_error
from app.web.problems import REQUEST_ID_STATE, render_problem

logger = logging.getLogger("versus.errors")
REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")


class ErrorBoundary:
    """Anything no inner layer answered becomes a problem+json answer, decorated by
    ``decorate`` (the same CORS policy the inner layers apply), with the request id."""

    def __init__(self, app: ASGIApp, decorate: Callable[[ASGIApp], ASGIApp]) -> None:
        self.app = app
        self.decorate = decorate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            response = render_problem(as_app_error(exc, scope), scope)
            request_id = scope.get("state", {}).get(REQUEST_ID_STATE)
            if request_id:
                response.headers["X-Request-ID"] = request_id
            try:
                await self.decorate(response)(scope, receive, send)
            except RuntimeError:  # the answer had started: the server closes the connection
                logger.error("error after the response started on %s", scope["path"], exc_info=exc)


class RequestId:
    """Keeps an incoming ``X-Request-ID`` (when it is a sane token), else makes one; puts it
    in ``scope["state"]`` for logs and problem bodies, and echoes it in the response.

    A made id is 24 hex digits: 12 drawn at random when the worker starts, then a counter, so
    ids are unique across workers and restarts without a system call per request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._prefix = os.urandom(6).hex()
        self._counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER and _VALID_REQUEST_ID.fullmatch(value):
                request_id = value
                break
        if request_id is None:
            request_id = f"{self._prefix}{next(self._counter):012x}".encode()
        if "state" not in scope:
            scope["state"] = {}
        scope["state"][REQUEST_ID_STATE] = request_id.decode()
        header = (REQUEST_ID_HEADER, request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


class RequestObserver(Protocol):
    """Told of every answered request (metrics, access logs)."""

    def observe(self, scope: Scope, status: int, seconds: float, body_bytes: int) -> None: ...


class Observed:
    """Tells each observer the status, duration and body size of every request."""

    def __init__(self, app: ASGIApp, observers: Sequence[RequestObserver]) -> None:
        self.app = app
        self.observers = tuple(observers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.observers:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 0, 0

        async def measured(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, measured)
        finally:
            seconds = time.perf_counter() - started
            for observer in self.observers:
                observer.observe(scope, status or 500, seconds, size)


class OnlyWhenAsked:
    """``middleware`` for the requests whose header ``name`` holds ``needle``; the others skip
    it. For Starlette's CORS (``Origin``) and gzip (``Accept-Encoding: gzip``), which would
    only pass the others through after wrapping their ``send``: answers of the dataset say
    ``Vary: Origin, Accept-Encoding`` themselves (:mod:`app.web.pipeline.conditional`), so
    shared caches still keep the variants apart."""

    def __init__(self, app: ASGIApp, middleware: ASGIApp, name: bytes, needle: bytes) -> None:
        self.app = app
        self.middleware = middleware
        self.name = name
        self.needle = needle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == self.name and self.needle in value.lower():
                    await self.middleware(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class HeadAsGet:
    """A HEAD request answered as the GET it mirrors, without the body.

    Routes are declared for GET only; answering HEAD here gives every GET its HEAD, with the
    same status and headers (ETag, Content-Length) and no body.
    """

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
