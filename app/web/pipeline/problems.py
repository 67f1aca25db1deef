"""Turning anything a layer raises into the problem+json answer the client gets.

Layers answer their own errors with :func:`answer_error`, so the answer still passes back out
through every layer around them (CORS adds its headers, observers see the status). Database
outages are a 503 with ``Retry-After``; anything unexpected is logged once and answered 500,
never with a traceback or SQL.
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import Receive, Scope, Send

from app.domain.errors import AppError, ServiceUnavailable
from app.web.problems import render_problem

logger = logging.getLogger("versus.errors")
RETRY_AFTER_SECONDS = 5
_OUTAGES: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, DisconnectionError, PoolTimeout,
    sqlite3.OperationalError, psycopg.OperationalError, ConnectionError, TimeoutError,
)  # fmt: skip


def as_app_error(exc: BaseException, scope: Scope) -> AppError:
    """The problem ``exc`` is answered with; logs what the client is not told."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, _OUTAGES) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        logger.warning(
            "database unavailable on %s %s: %s",
            scope.get("method"), scope.get("path"), exc.__class__.__name__,
        )  # fmt: skip
        return ServiceUnavailable(
            "The database does not answer. Retry in a few seconds; if it persists, check /readyz.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    logger.error("unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
    return AppError("The server failed to answer this request. The error has been logged.")


async def answer_error(exc: BaseException, scope: Scope, receive: Receive, send: Send) -> None:
    response = render_problem(as_app_error(exc, scope), scope)
    await response(scope, receive, send)
