"""The outer layers: error boundary, request id, observers, CORS, HEAD and request syntax in
one pass."""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Sequence
from typing import Any, Protocol

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.pipeline.problems import as_app_error
from app.web.pipeline.syntax import check_request
from app.web.problems import REQUEST_ID_STATE, render_problem

logger = logging.getLogger("versus.errors")
REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")


class RequestObserver(Protocol):
    """Told of every answered request (metrics, access logs)."""

    def observe(self, scope: Scope, status: int, seconds: float, body_bytes: int) -> None: ...


class Front:
    """Layers 2 to 7 of the pipeline, in one pass over the request and one ``send`` wrapper:
    each is a few lines, and as separate layers their calls and wrappers cost more than the
    rest of a cached answer. In order:

    - **error boundary**: anything the inner layers did not answer becomes a problem+json
      answer (with CORS headers when the request came from another origin); an error after the
      answer started is logged and the server closes the connection;
    - **request id**: an incoming ``X-Request-ID`` is kept when it is a sane token, else one is
      made; it goes in ``scope["state"]`` (for logs and problem bodies) and in the answer. A made
      id is 24 hex digits: 12 drawn at random when the worker starts, then a counter, so ids are
      unique across workers and restarts without a system call per request;
    - **observers**: each is told the status, duration and body size of every request,
      problems included;
    - **CORS**: Starlette's, for requests that carry ``Origin``; the others skip it (answers of
      the dataset say ``Vary: Origin`` themselves, see :mod:`app.web.pipeline.conditional`);
    - **HEAD** is answered as the GET it mirrors, without the body: routes are declared for GET
      only, and this gives each its HEAD with the same status and headers;
    - **request syntax**: what the HTTP server passed on but HTTP forbids (a missing, repeated
      or malformed ``Host``, invalid percent-encoding) is a 400 problem
      (:mod:`app.web.pipeline.syntax`), with everything above applied to it.
    """

    def __init__(
        self, app: ASGIApp, cors: dict[str, Any], observers: Sequence[RequestObserver]
    ) -> None:
        self.app = app
        self.cors_options = cors
        self.cors = CORSMiddleware(app, **cors)
        self.observers = tuple(observers)
        self._prefix = os.urandom(6).hex()
        self._counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id: str | None = None
        cross_origin = False
        hosts: list[bytes] = []
        for name, value in scope["headers"]:
            if name == b"host":
                hosts.append(value)
            elif name == b"origin":
                cross_origin = True
            elif (
                name == REQUEST_ID_HEADER
                and request_id is None
                and _VALID_REQUEST_ID.fullmatch(value)
            ):
                request_id = value.decode("ascii")
        if request_id is None:
            request_id = f"{self._prefix}{next(self._counter):012x}"
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state[REQUEST_ID_STATE] = request_id
        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        head = scope["method"] == "HEAD"
        observers = self.observers
        started = time.perf_counter() if observers else 0.0
        status = size = 0

        async def answer(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            elif message["type"] == "http.response.body":
                if observers:
                    size += len(message.get("body", b""))
                if head:
                    if not message.get("more_body", False):
                        await send({"type": "http.response.body", "body": b""})
                    return
            await send(message)

        inner = self.cors if cross_origin else self.app
        try:
            malformed = check_request(scope, hosts)
            if malformed is not None:
                raise malformed
            await inner({**scope, "method": "GET"} if head else scope, receive, answer)
        except Exception as exc:
            problem = render_problem(as_app_error(exc, scope), scope)
            try:
                await CORSMiddleware(problem, **self.cors_options)(scope, receive, answer)
            except RuntimeError:  # the answer had started: the server closes the connection
                logger.error("error after the response started on %s", scope["path"], exc_info=exc)
        finally:
            if observers:
                seconds = time.perf_counter() - started
                for observer in observers:
                    observer.observe(scope, status or 500, seconds, size)
