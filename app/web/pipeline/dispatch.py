"""The last layer: the matched route's handler, or the router for anything else.

A route whose parameters :mod:`app.web.resolve` planned is called straight from here with the
request the pipeline built: the router has matched it already (:mod:`app.web.pipeline.routes`)
and every layer has run. Its errors go to the app's exception handlers, as the router's would;
anything they do not handle is answered as a problem (:mod:`app.web.pipeline.problems`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.pipeline.problems import answer_error

Handler = Callable[[Request, Exception], Awaitable[Response]]


class Dispatch:
    def __init__(self, router: ASGIApp, handlers: Mapping[Any, Handler]) -> None:
        self.handlers = {k: v for k, v in handlers.items() if isinstance(k, type)}
        # As FastAPI stacks them: its exit stack closes what dependencies opened.
        self.routed = ExceptionMiddleware(AsyncExitStackMiddleware(router), handlers=dict(handlers))

    def _handler(self, exc: Exception) -> Handler | None:
        for cls in type(exc).__mro__:
            if cls in self.handlers:
                return self.handlers[cls]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        direct = getattr(scope.get("route"), "direct", None)
        if direct is not None and scope["type"] == "http":
            request = Request(scope, receive)
            try:
                response: Response = await direct(request)
            except Exception as exc:
                handler = self._handler(exc)
                if handler is None:
                    await answer_error(exc, scope, receive, send)
                    return
                response = await handler(request, exc)
            await response(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.routed(scope, receive, watched)
        except Exception as exc:
            if started or scope["type"] != "http":
                raise
            await answer_error(exc, scope, receive, send)
