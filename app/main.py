"""The application factory: ``uvicorn --factory app.main:create_app`` or ``versus serve``."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Receive, Scope, Send

from app import __version__
from app.config import Settings, get_settings
from app.store.engines import create_db_engine
from app.store.versions import VersionReader
from app.web.cache import ReadCache, head_as_get
from app.web.direct import DirectReads
from app.web.openapi import build_openapi
from app.web.problems import install_error_handlers
from app.web.responses import TOTAL_COUNT_HEADER
from app.web.routes import (
    aspects,
    compare,
    disciplines,
    facts,
    health,
    problems,
    search,
    sources,
)
from app.web.routing import StrictQueryRoute

DESCRIPTION = """
versus serves a comparison dataset: disciplines, the aspects they are compared on, what each
source says about each discipline on each aspect, and each discipline's definitions. Every fact
carries the source document and line span it came from.

Collections answer `{"items", "total", "limit", "next"}` with a `Link: rel="next"` header;
cursors are opaque and keyset-based. Every read answers JSON, CSV or an aligned text table
(`?format=` or `Accept`), carries a strong `ETag` (revalidate with `If-None-Match` for a 304),
and rejects unknown query parameters. Every error is an RFC 9457 `application/problem+json`
document; its `type` resolves under `/problems/`.
"""

GZIP_MINIMUM_BYTES = 1024

TAGS = [
    {"name": "aspects", "description": "What disciplines are compared on; lookup by any name."},
    {"name": "disciplines", "description": "What is compared, with definitions and uses."},
    {"name": "compare", "description": "Side-by-side comparison of disciplines."},
    {"name": "search", "description": "Ranked full-text search across the dataset."},
    {"name": "facts", "description": "Descriptions, definitions, uses and FAQs, with lines."},
    {"name": "sources", "description": "The documents the data came from, and import reports."},
    {"name": "health", "description": "Liveness and readiness probes."},
    {"name": "meta", "description": "The service itself: its entry point and its problem types."},
]


class VersusApp(FastAPI):
    """FastAPI with the read cache in front of everything else, where a hit costs least, and
    reads no middleware would change sent straight to their operation (app.web.direct)."""

    read_cache: ReadCache
    direct_reads: DirectReads | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope, send = head_as_get(scope, send)
        if self.read_cache.handles(scope):
            await self.read_cache(scope, receive, send, self._read)
        else:
            await super().__call__(scope, receive, send)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A read the cache could not answer: directly when no middleware would change it."""
        direct = self.direct_reads
        if direct is not None and direct.takes(scope):
            await direct(scope, receive, send, self._stack)
        else:
            await self._stack(scope, receive, send)

    async def _stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


class Root(BaseModel):
    name: str
    version: str
    links: dict[str, str]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> VersusApp:
    """Build the app. Without arguments it reads the settings and creates its own engine."""
    settings = settings or get_settings()
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What exists now (modules, routes, compiled schemas) lives as long as the worker: out
        # of the collector's sight, a full collection scans only what requests create, and
        # stops pausing every request in flight for tens of milliseconds.
        gc.freeze()
        yield
        app.state.version_reader.close()
        if owns_engine:
            app.state.engine.dispose()

    app = VersusApp(
        title="versus",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.router.route_class = StrictQueryRoute  # every route rejects unknown query parameters
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(settings.database_url)
    app.state.version_reader = VersionReader(app.state.engine)
    app.read_cache = ReadCache(
        app.state.version_reader, max_entries=settings.response_cache_entries
    )
    # Outermost last: CORS wraps everything, so 304s and errors carry its headers too.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["ETag", "Link", TOTAL_COUNT_HEADER],
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(problems.router)
    reads = (disciplines, aspects, compare, search, facts, sources)
    for module in reads:
        app.include_router(module.router)
    app.direct_reads = DirectReads(
        app,
        [route for module in reads for route in module.router.routes],
        prefix=app.read_cache.prefix,
        vary_from_bytes=GZIP_MINIMUM_BYTES,
    )
    app.add_api_route("/", _root, methods=["GET"], tags=["meta"], summary="Entry point")

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    logging.getLogger("versus").setLevel(settings.log_level.upper().replace("TRACE", "DEBUG"))
    return app


def _root() -> Root:
    """Names the service and links to its documentation and probes."""
    return Root(
        name="versus",
        version=__version__,
        links={
            "docs": "/docs",
            "openapi": "/openapi.json",
            "health": "/healthz",
            "ready": "/readyz",
            "problems": "/problems",
            "aspects": "/v1/aspects",
            "disciplines": "/v1/disciplines",
            "compare": "/v1/compare",
            "search": "/v1/search",
        },
    )
