"""The connection limit's choices, on protocol objects over fake transports: which connection
makes room for a new one, and what a new one hears when none can (tests/test_serve.py runs the
same limits on a real server)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState

from app.server.protocol import LimitedProtocol, Limits


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )


class Busy:
    """A request being answered, as uvicorn's cycle says."""

    response_complete = False


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _connections(
    loop: asyncio.AbstractEventLoop, count: int, **limits: Any
) -> list[tuple[LimitedProtocol, FakeTransport]]:
    config = uvicorn.Config(_app, log_level="warning")
    config.load()
    config.limits = Limits(**limits)  # type: ignore[attr-defined]
    state = ServerState()
    made = []
    for _ in range(count):
        protocol = LimitedProtocol(config, state, {}, _loop=loop)
        transport = FakeTransport()
        protocol.connection_made(transport)
        made.append((protocol, transport))
    return made


def _one_more(
    loop: asyncio.AbstractEventLoop, made: list[tuple[LimitedProtocol, FakeTransport]]
) -> FakeTransport:
    """A new connection to the server of ``made``; its transport."""
    first = made[0][0]
    transport = FakeTransport()
    LimitedProtocol(first.config, first.server_state, {}, _loop=loop).connection_made(transport)
    return transport


def _problem(transport: FakeTransport) -> tuple[str, dict[str, Any]]:
    head, _, body = transport.written.partition(b"\r\n\r\n")
    return head.decode(), json.loads(body)


def test_a_new_connection_past_the_limit_closes_the_one_idle_longest(
    loop: asyncio.AbstractEventLoop,
) -> None:
    made = _connections(loop, 2, max_connections=2)
    (oldest, oldest_transport), (newer, newer_transport) = made
    oldest.idle_since, newer.idle_since = 100.0, 200.0
    third = _one_more(loop, made)
    assert oldest_transport.closed
    assert not newer_transport.closed
    assert not third.closed


def test_busy_connections_are_kept_and_the_new_one_hears_503(
    loop: asyncio.AbstractEventLoop,
) -> None:
    made = _connections(loop, 2, max_connections=2)
    for protocol, _ in made:
        protocol.cycle = Busy()  # type: ignore[assignment]
    third = _one_more(loop, made)
    assert [transport.closed for _, transport in made] == [False, False]
    head, problem = _problem(third)
    assert head.startswith("HTTP/1.1 503 Service Unavailable")
    assert "retry-after: 1" in head.lower()
    assert "application/problem+json" in head
    assert problem["type"] == "/problems/service-unavailable"
    assert third.closed


def test_a_request_arriving_too_slowly_hears_408(loop: asyncio.AbstractEventLoop) -> None:
    [(protocol, transport)] = _connections(loop, 1, read_timeout=2.0)
    protocol.data_received(b"GET /healthz HTTP/1.1\r\nHost: t")
    started = protocol._request_started
    assert started is not None
    protocol.check_read_deadline(started + 1.9)
    assert not transport.closed
    protocol.check_read_deadline(started + 2.0)
    head, problem = _problem(transport)
    assert head.startswith("HTTP/1.1 408 Request Timeout")
    assert problem["type"] == "/problems/request-timeout"
    assert transport.closed
