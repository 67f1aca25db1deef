"""Read requests that no middleware would change, sent straight to their operation.

A GET under ``/v1`` without an ``Origin`` (nothing for CORS to add) and without gzip in
``Accept-Encoding`` (nothing to compress) passes through the middleware stack, the router's
matching and FastAPI's request handling unchanged; together they cost more than a small query.
:class:`DirectReads` finds such a request's operation itself and calls the handler the route
built for it (:attr:`app.web.routing.StrictQueryRoute.direct`), which checks and resolves the
parameters exactly as the routed request would. Whatever it does not take on goes the usual way:
another method or path, a route not planned, and any exception, for which the request is
answered again through the whole stack (reads change nothing), so errors are rendered by the
same handlers as ever.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.routing import StrictQueryRoute

_Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class DirectReads:
    """The ``/v1`` GET routes of an app, in the order its router tries them."""

    def __init__(
        self, app: Starlette, routes: Iterable[BaseRoute], prefix: str, vary_from_bytes: int
    ) -> None:
        self.app = app  # what request.app is, as the router would have set it
        self.routes = [
            route
            for route in routes
            if isinstance(route, APIRoute)
            and route.path.startswith(prefix)
            and "GET" in (route.methods or ())
        ]
        self.vary_from_bytes = vary_from_bytes

    def takes(self, scope: Scope) -> bool:
        """Whether no middleware would change this request's answer (CORS, GZip, a root path)."""
        if scope.get("root_path"):
            return False
        for name, value in scope["headers"]:
            if name == b"origin" or (name == b"accept-encoding" and b"gzip" in value):
                return False
        return True

    def _match(self, path: str) -> tuple[StrictQueryRoute, _Handler, dict[str, Any]] | None:
        for route in self.routes:
            found = route.path_regex.match(path)
            if found is None:
                continue
            if not isinstance(route, StrictQueryRoute) or route.direct is None:
                return None  # the first route the router would take is not a planned read
            convertors = route.param_convertors
            params = {k: convertors[k].convert(v) for k, v in found.groupdict().items()}
            return route, route.direct, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send, stack: ASGIApp) -> None:
        """Answer a request :meth:`takes`: directly if its route is a planned read, else via
        ``stack``."""
        matched = self._match(scope["path"])
        if matched is None:
            await stack(scope, receive, send)
            return
        route, direct, path_params = matched
        routed = {**scope, "app": self.app, "route": route, "endpoint": route.endpoint}
        routed["path_params"] = path_params
        try:
            response = await direct(Request(routed, receive))
        except Exception:  # answered again, by the stack's own error handlers
            await stack(scope, receive, send)
            return
        # What the two middlewares still add to a request without Origin or gzip: GZip varies a
        # long answer on Accept-Encoding even uncompressed; CORS varies every answer on Origin.
        headers = MutableHeaders(raw=response.raw_headers)
        if len(response.body) >= self.vary_from_bytes:
            headers.add_vary_header("Accept-Encoding")
        headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])
        await response(routed, receive, send)
