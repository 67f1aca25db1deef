"""The request pipeline: every request passes every layer, in this order (outermost first).

1. trusted proxies: ``X-Forwarded-For``/``-Proto`` believed only from ``VERSUS_TRUSTED_PROXIES``
   (it only rewrites the scope's client and scheme, before anything reads them);
2. error boundary: anything an inner layer did not answer becomes problem+json (a database
   outage a 503 with ``Retry-After``), with CORS headers and the request id;
3. request id: ``X-Request-ID`` kept or made, echoed, in ``scope["state"]``;
4. observers: told the status, duration and size of each request (metrics, access logs);
5. CORS;
6. HEAD answered as GET without the body;
7. request syntax: a missing, repeated or malformed ``Host`` or invalid percent-encoding is a
   400 problem (:mod:`app.web.pipeline.syntax`);
8. the middleware added with ``app.add_middleware``, outermost first;
9. route guards: the request is matched to its route once, and the route's declared guards
   (body, credentials, rate limits) run;
10. conditional requests and the shared response cache, as the route declares
    (:mod:`app.web.pipeline.conditional`);
11. compression (gzip, for clients whose ``Accept-Encoding`` accepts it, bodies over 1 KiB,
    every body when identity is refused; :mod:`app.web.pipeline.compression`);
12. dispatch: the route's handler, its errors through the app's exception handlers.

Layers 2 to 7 run in one pass (:class:`~app.web.pipeline.layers.Front`). A cached answer is
served by layer 10, so every layer before it, added middleware included, sees it like any other
answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.web.pipeline.compression import Compression
from app.web.pipeline.conditional import Conditional
from app.web.pipeline.dispatch import Dispatch
from app.web.pipeline.layers import Front
from app.web.pipeline.routes import RouteGuards

if TYPE_CHECKING:
    from app.main import VersusApp

GZIP_MINIMUM_BYTES = 1024
EXPOSED_HEADERS = (
    "ETag", "Link", "X-Total-Count", "X-Request-ID", "X-Dataset-Version", "Last-Modified",
)  # fmt: skip


def build(app: VersusApp) -> ASGIApp:
    """The layers around ``app``'s router, innermost first, so the list reads bottom-up."""
    settings = app.state.settings
    handlers: dict[Any, Any] = dict(app.exception_handlers)
    cors: dict[str, Any] = {
        "allow_origins": settings.cors_origins,
        "allow_methods": ["GET", "HEAD", "OPTIONS"],
        "allow_headers": ["*"],
        "expose_headers": list(EXPOSED_HEADERS),
    }
    stack: ASGIApp = Dispatch(app.router, handlers)
    stack = Compression(stack, minimum_size=GZIP_MINIMUM_BYTES)
    app.conditional = Conditional(
        stack,
        app.state.version_reader,
        app.state.formats,
        max_entries=settings.response_cache_entries,
        max_bytes=settings.response_cache_bytes,
    )
    stack = RouteGuards(app.conditional, app.router.routes)
    for middleware in reversed(app.user_middleware):
        stack = middleware.cls(stack, *middleware.args, **middleware.kwargs)
    stack = Front(stack, cors, app.state.observers)
    if settings.trusted_proxies:
        trusted = settings.trusted_proxies
        stack = ProxyHeadersMiddleware(stack, trusted_hosts=trusted)  # type: ignore[arg-type,assignment]
    return stack
