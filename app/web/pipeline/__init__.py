"""The request pipeline: every request passes every layer, in this order (outermost first).

1. trusted proxies: ``X-Forwarded-For``/``-Proto`` believed only from ``VERSUS_TRUSTED_PROXIES``
   (it only rewrites the scope's client and scheme, before anything reads them);
2. error boundary: anything an inner layer did not answer becomes problem+json (a database
   outage a 503 with ``Retry-After``), with CORS headers and the request id;
3. request id: ``X-Request-ID`` kept or made, echoed, in ``scope["state"]``;
4. observers: told the status, duration and size of each request (metrics, access logs);
5. CORS;
6. HEAD answered as GET without the body;
7. the middleware added with ``app.add_middleware``, outermost first;
8. route guards: the request is matched to its route once, and the route's declared guards
   (body, credentials, rate limits) run;
9. conditional requests and the shared response cache, as the route declares
   (:mod:`app.web.pipeline.conditional`);
10. compression (gzip, for clients that accept it, bodies over 1 KiB);
11. dispatch: the route's handler, its errors through the app's exception handlers.

Layers 2 to 6 run in one pass (:class:`~app.web.pipeline.layers.Front`). A cached answer is
served by layer 9, so every layer before it, added middleware included, sees it like any other
answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.web.pipeline.conditional import Conditional
from app.web.pipeline.dispatch import Dispatch
from app.web.pipeline.layers import Front, OnlyWhenAsked
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
    gzip = GZipMiddleware(stack, minimum_size=GZIP_MINIMUM_BYTES)
    stack = OnlyWhenAsked(stack, gzip, b"accept-encoding", b"gzip")
    app.conditional = Conditional(
        stack,
        app.state.version_reader,
        app.state.formats,
        max_entries=settings.response_cache_entries,
    )
    stack = RouteGuards(app.conditional, app.router.routes)
    for middleware in reversed(app.user_middleware):
        stack = middleware.cls(stack, *middleware.args, **middleware.kwargs)
    stack = Front(stack, cors, app.state.observers)
    if settings.trusted_proxies:
        trusted = settings.trusted_proxies
        stack = ProxyHeadersMiddleware(stack, trusted_hosts=trusted)  # type: ignore[arg-type,assignment]
    return stack
