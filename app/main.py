"""The application factory: ``uvicorn --factory app.main:create_app`` or ``versus serve``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from app import __version__
from app.api.routes import health, problems
from app.config import Settings, get_settings
from app.db import create_db_engine
from app.errors import install_error_handlers
from app.openapi import build_openapi

DESCRIPTION = """
versus serves a comparison dataset: disciplines, the aspects they are compared on, what each
source says about each discipline on each aspect, and each discipline's definitions. Every fact
carries the source document and line span it came from.

Every error is an RFC 9457 `application/problem+json` document; its `type` resolves under
`/problems/`.
"""

TAGS = [
    {"name": "health", "description": "Liveness and readiness probes."},
    {"name": "meta", "description": "The service itself: its entry point and its problem types."},
]


class Root(BaseModel):
    name: str
    version: str
    links: dict[str, str]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app. Without arguments it reads the settings and creates its own engine."""
    settings = settings or get_settings()
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_engine:
            app.state.engine.dispose()

    app = FastAPI(
        title="versus",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(settings.database_url)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(problems.router)
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
        },
    )
