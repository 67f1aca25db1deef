"""The application factory: ``uvicorn --factory app.main:create_app`` or ``versus serve``."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app import __version__
from app.config import Settings, get_settings
from app.domain.errors import NotFound
from app.store.engines import Timeouts, create_db_engine
from app.store.versions import VersionReader
from app.web import pipeline
from app.web.declare import PUBLIC, DeclaredRouter
from app.web.openapi import build_openapi
from app.web.pipeline.conditional import Conditional
from app.web.pipeline.layers import RequestObserver
from app.web.problems import install_error_handlers
from app.web.renderers import FORMATS, Registry
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
    """FastAPI with the pipeline of :mod:`app.web.pipeline` in place of Starlette's stack."""

    conditional: Conditional  # the conditional-request and cache layer, once built

    def build_middleware_stack(self) -> ASGIApp:
        return pipeline.build(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # lifespan, as FastAPI runs it
            return
        # Straight to the pipeline, as Starlette does: FastAPI's own __call__ first asks its
        # OpenTelemetry hooks whether any provider is configured, reading the environment on
        # every request, which costs more than a cached answer. Observers
        # (app.web.pipeline.layers) are this service's hook for metrics and logs.
        scope["app"] = self
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)

    def observe(self, observer: RequestObserver) -> None:
        """Tell ``observer`` of every request (before the app serves its first)."""
        self.state.observers.append(observer)


class Root(BaseModel):
    name: str
    version: str
    links: dict[str, str]


def database_timeouts(settings: Settings) -> Timeouts:
    """The database timeouts ``settings`` ask for."""
    return Timeouts(
        connect=settings.db_connect_timeout,
        pool=settings.db_pool_timeout,
        statement=settings.db_statement_timeout,
    )


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    formats: Registry = FORMATS,
) -> VersusApp:
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
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: _docs serves its own
        redoc_url=None,
    )
    app.router.route_class = StrictQueryRoute  # every route rejects unknown query parameters
    app.state.settings = settings
    app.state.formats = formats
    app.state.observers = []
    app.state.engine = engine or create_db_engine(
        settings.database_url, timeouts=database_timeouts(settings)
    )
    app.state.version_reader = VersionReader(app.state.engine)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(problems.router)
    for module in (disciplines, aspects, compare, search, facts, sources):
        app.include_router(module.router)
    app.include_router(_meta)
    app.include_router(_docs)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    logging.getLogger("versus").setLevel(settings.log_level.upper().replace("TRACE", "DEBUG"))
    return app


_meta = DeclaredRouter(declaration=PUBLIC, route_class=StrictQueryRoute, tags=["meta"])


@_meta.get("/", summary="Entry point")
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


# The interactive reference, with Swagger UI and ReDoc from an installed package (fastapi-offline
# bundles both): nothing is fetched from elsewhere, so /docs works offline and behind firewalls.
DOCS_ASSETS = "/docs/assets"
_ASSETS_FOLDER = Path(fastapi_offline.__file__).resolve().parent / "static"
_ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
_docs = DeclaredRouter(
    declaration=PUBLIC, route_class=StrictQueryRoute, include_in_schema=False, tags=["meta"]
)


@_docs.get("/docs")
async def _swagger_ui(request: Request) -> Response:
    assets = request.scope.get("root_path", "") + DOCS_ASSETS
    return get_swagger_ui_html(
        openapi_url=request.scope.get("root_path", "") + "/openapi.json",
        title="versus: API reference",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
    )


@_docs.get("/redoc")
async def _redoc(request: Request) -> Response:
    assets = request.scope.get("root_path", "") + DOCS_ASSETS
    return get_redoc_html(
        openapi_url=request.scope.get("root_path", "") + "/openapi.json",
        title="versus: API reference",
        redoc_js_url=f"{assets}/redoc.standalone.js",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )


@_docs.get(DOCS_ASSETS + "/{name}")
async def _docs_asset(name: str) -> Response:
    media_type = _ASSET_TYPES.get(name)
    if media_type is None:
        known = ", ".join(sorted(_ASSET_TYPES))
        raise NotFound(f"No documentation asset {name!r}; there are {known}.")
    return FileResponse(_ASSETS_FOLDER / name, media_type=media_type)
