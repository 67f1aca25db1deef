"""Finding the route a request is for, once, and running the guards it declares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.declare import PRIVATE, Declaration
from app.web.pipeline.problems import answer_error

_Matched = tuple[BaseRoute, dict[str, Any], tuple[Any, ...]]  # route, scope items, guards
_REMEMBERED_PATHS = 4096
_LONGEST_REMEMBERED_PATH = 512


def flat_routes(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    """The routes as the router tries them, with included routers' own routes in their place
    (FastAPI keeps an included router as one entry)."""
    flat: list[BaseRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat.extend(flat_routes(included.routes) if included is not None else [route])
    return flat


def declaration(scope: Scope) -> Declaration | None:
    """The declaration of the route the request matched; None when it matched none."""
    route = scope.get("route")
    if route is None:
        return None
    found = getattr(route, "declaration", PRIVATE)
    assert isinstance(found, Declaration)
    return found


class RouteGuards:
    """Matches the request to its route (kept in ``scope``, as the router would), then runs
    the route's guards. Matches are remembered per method and path: the router tries every
    route's pattern in turn, which costs more than the rest of a cached answer."""

    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self.routes = flat_routes(routes)
        # Forgotten all at once when full: cheaper per request than keeping recency.
        self._matches: dict[tuple[str, str], _Matched | None] = {}

    def _match(self, scope: Scope) -> _Matched | None:
        key = (scope["method"], scope["path"])
        if key in self._matches:
            return self._matches[key]
        found: _Matched | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                guards = getattr(route, "declaration", PRIVATE).guards
                found = (route, {**child, "route": route}, guards)
                break
            if match is Match.PARTIAL:
                break  # the router answers it (405 with Allow)
        if len(scope["path"]) <= _LONGEST_REMEMBERED_PATH and not scope.get("root_path"):
            if len(self._matches) >= _REMEMBERED_PATHS:
                self._matches.clear()
            self._matches[key] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            matched = self._match(scope)
            if matched is not None:
                _, child, guards = matched
                scope.update(child)
                if guards:
                    request = Request(scope, receive)
                    try:
                        for guard in guards:
                            await guard(request)
                    except Exception as exc:
                        await answer_error(exc, scope, receive, send)
                        return
        await self.app(scope, receive, send)
