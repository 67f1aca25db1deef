"""uvicorn's httptools protocol with the bounds uvicorn lacks.

uvicorn bounds neither the size of a request's headers nor the time a client takes to send
them, never closes a connection that sends nothing, and accepts connections until the process
runs out of file descriptors, when asyncio logs a traceback for every failed ``accept`` (tens of
MB in seconds) and stops answering. :class:`LimitedProtocol` closes:

- a connection that sends nothing for ``VERSUS_KEEP_ALIVE_TIMEOUT`` (uvicorn's keep-alive
  timer, armed from the connection's start as well as after each answer);
- a request that has not arrived whole ``VERSUS_READ_TIMEOUT`` after its first byte (408;
  a sweep each second finds them, cheaper than a timer per request);
- a request whose line and headers pass ``VERSUS_MAX_HEADER_BYTES`` (431), counted as bytes
  arrive, so a client cannot make the parser buffer more than that and one read;
- beyond ``VERSUS_MAX_CONNECTIONS`` (at most what the open-file limit leaves room for), the
  connection idle longest, as nginx reuses its idle keep-alive connections; with none idle the
  new connection is answered 503.

Each answer is a problem document like the app's, and a malformed request's 400 is one too.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
import weakref
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.config import Settings
from app.domain.errors import (
    AppError,
    BadRequest,
    HeaderFieldsTooLarge,
    RequestTimeout,
    ServiceUnavailable,
)
from app.web.problems import render_problem

logger = logging.getLogger("versus.server")
FD_RESERVE = 256  # descriptors kept for the database, logs and the loop, past the connections
LOG_EVERY_SECONDS = 10.0  # a repeated warning is logged at most this often, with its count
RETRY_AFTER_SECONDS = 1
SWEEP_SECONDS = 1.0  # how often requests are checked against VERSUS_READ_TIMEOUT


@dataclass(frozen=True)
class Limits:
    header_bytes: int = 32768
    read_timeout: float = 10.0
    max_connections: int = 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            header_bytes=settings.max_header_bytes,
            read_timeout=float(settings.read_timeout),
            max_connections=connection_limit(settings.max_connections),
        )


def connection_limit(wanted: int) -> int:
    """``wanted``, once the open-file limit is raised to fit it where the hard limit allows (as
    Go's runtime does), else lowered to what the limit leaves room for: half of it, or all of it
    less :data:`FD_RESERVE` when that is more. asyncio accepts connections in batches before
    any is seen, so the room past the limit has to hold a batch."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, max(soft // 2, soft - FD_RESERVE)))


class Throttle:
    """Logs a repeated warning at most once per :data:`LOG_EVERY_SECONDS`, with the count of
    those it left out: a flood of bad connections must not become a flood of log lines."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}

    def ready(self, key: str) -> int | None:
        """None to leave this one out; else how many were left out since the last logged."""
        now = time.monotonic()
        if now - self._last.get(key, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
            self._left_out[key] = self._left_out.get(key, 0) + 1
            return None
        self._last[key] = now
        return self._left_out.pop(key, 0)

    def warning(self, key: str, message: str, *args: Any) -> None:
        left_out = self.ready(key)
        if left_out is not None:
            suffix = f" ({left_out} more like it since the last)" if left_out else ""
            logger.warning(message + suffix, *args)


throttle = Throttle()
_swept: weakref.WeakSet[ServerState] = weakref.WeakSet()


def _sweep(state: ServerState, loop: asyncio.AbstractEventLoop) -> None:
    """Time out the requests that have taken too long to arrive, then again in a second."""
    now = time.monotonic()
    for connection in list(state.connections):
        if isinstance(connection, LimitedProtocol):
            connection.check_read_deadline(now)
    loop.call_later(SWEEP_SECONDS, _sweep, state, loop)


class LimitedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds the module describes."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: Limits = getattr(config, "limits", Limits())
        self.idle_since = time.monotonic()
        self._head_bytes: int | None = 0  # of the request arriving; None once its head is in
        self._request_started: float | None = None  # when its first byte came; None when whole
        self._refused = False  # answered and closing: the rest of what arrived is discarded

    # Connection events

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn arms this only after an answer: a connection that never sent a byte stayed.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        if self.server_state not in _swept:
            _swept.add(self.server_state)
            _sweep(self.server_state, self.loop)
        if len(self.connections) > self.limits.max_connections:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        if self._request_started is None:
            self._request_started = time.monotonic()
        head = self._head_bytes
        if head is not None:
            self._head_bytes = head + len(data)
        super().data_received(data)
        # Still no end of the head after this much: refuse before the parser buffers more.
        head = self._head_bytes
        if head is not None and head > self.limits.header_bytes and not self._refused:
            self._refuse_headers()

    # Parser callbacks

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        # What arrived since the head began bounds the head; past the limit (the whole head
        # may have come in one read, with a body), measure what the parser kept.
        if self._head_bytes is not None and self._head_bytes > self.limits.header_bytes:
            size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
            if size > self.limits.header_bytes:
                self._refuse_headers()
                return
        self._head_bytes = None
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        super().on_message_complete()
        self._request_started = None
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.idle_since = time.monotonic()

    def send_400_response(self, msg: str) -> None:
        self._answer(
            BadRequest("The request is not valid HTTP/1.1: check the request line and the headers.")
        )

    # The bounds

    @property
    def idle(self) -> bool:
        """No request of this connection is being answered or waits to be."""
        busy = self.cycle is not None and not self.cycle.response_complete
        return not busy and not self.pipeline and not self.transport.is_closing()

    def _refuse_headers(self) -> None:
        limit = self.limits.header_bytes
        throttle.warning(
            "headers", "refused a request whose headers pass %d bytes (VERSUS_MAX_HEADER_BYTES)",
            limit,
        )  # fmt: skip
        self._answer(
            HeaderFieldsTooLarge(
                f"The request line and headers take more than {limit} bytes, the most this "
                "server accepts (VERSUS_MAX_HEADER_BYTES). Send fewer or shorter headers."
            )
        )

    def check_read_deadline(self, now: float) -> None:
        """Answer 408 and close if the request arriving has taken longer than allowed."""
        started = self._request_started
        if started is None or now - started < self.limits.read_timeout:
            return
        self._request_started = None
        if self.transport.is_closing():
            return
        seconds = self.limits.read_timeout
        throttle.warning(
            "slow", "closed a connection whose request took over %g s (VERSUS_READ_TIMEOUT)",
            seconds,
        )  # fmt: skip
        if self._head_bytes is None:  # its handler may be answering: no second answer
            self.transport.close()
            return
        self._answer(
            RequestTimeout(
                f"The request did not arrive whole within {seconds:g} s of its first byte "
                "(VERSUS_READ_TIMEOUT). Send it again, all at once."
            )
        )

    def _make_room(self) -> None:
        """Close the connection idle longest, or, with none idle, answer this one 503."""
        others = (c for c in self.connections if c is not self)
        idle = [c for c in others if isinstance(c, LimitedProtocol) and c.idle]
        limit = self.limits.max_connections
        if idle:
            min(idle, key=lambda connection: connection.idle_since).transport.close()
            throttle.warning(
                "full", "%d connections open, the most allowed (VERSUS_MAX_CONNECTIONS, "
                "bounded by the open-file limit): closed the one idle longest", limit,
            )  # fmt: skip
            return
        throttle.warning(
            "busy", "%d connections open and busy (VERSUS_MAX_CONNECTIONS): answered 503", limit
        )
        self._answer(
            ServiceUnavailable(
                "The server has as many connections as it serves at once. Retry in a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        )

    def _answer(self, error: AppError) -> None:
        """Answer ``error`` as a problem and close: what arrived of the request is discarded."""
        if self.transport.is_closing():
            return
        self._refused = True
        response = render_problem(error)
        status = f"HTTP/1.1 {error.status} {HTTPStatus(error.status).phrase}\r\n".encode()
        headers = [
            *self.server_state.default_headers,
            *response.raw_headers,
            (b"connection", b"close"),
        ]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self.transport.write(status + head + b"\r\n" + response.body)
        self.transport.close()
