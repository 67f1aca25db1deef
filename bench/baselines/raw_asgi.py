"""The ceiling: the smallest ASGI app, a fixed JSON body for every request.

Served by the same uvicorn settings as versus, it measures what the server, the event loop and
the load generator cost on their own; no application can answer faster on this machine.

    uvicorn bench.baselines.raw_asgi:app --http httptools --loop uvloop
"""

from __future__ import annotations

from typing import Any

BODY = b'{"status":"ok"}'
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
]

Message = dict[str, Any]


async def app(scope: Message, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


async def _lifespan(receive: Any, send: Any) -> None:
    # Answering the lifespan protocol keeps uvicorn from logging that the app does not support it.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
