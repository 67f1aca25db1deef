"""The route class every API route uses: unknown or repeated query parameters are an error,
not ignored.

A typo such as ``?disipline=operations`` must not silently return unfiltered data, so a query
parameter the operation does not declare is a 400 problem that names it and lists the ones the
operation takes (with the closest as a suggestion). Likewise ``?q=a&q=b`` must not silently
search for one of them: a parameter that takes one value (every one but those declared as
lists, such as ``kind``) given twice is a 400 problem saying it may appear once.

It also gives read endpoints their connection and runs them where that is cheapest. An endpoint
that takes ``connection: Connection`` gets one for the request's reads (FastAPI does not see the
parameter): on SQLite, whose reads do not block (:func:`app.store.engines.reads_block`), the
endpoint runs on the event loop, sparing a thread hop that costs more than its queries; on
PostgreSQL, it runs in the thread pool with the connection checked out and returned there, one
hop in all.
Operations whose parameters :mod:`app.web.resolve` can plan skip FastAPI's per-request
introspection of them.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sqlite3
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from rapidfuzz import process
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from app.domain.errors import BadRequest
from app.store.engines import reads_block
from app.web.declare import DATASET_READ, Declaration, DeclaredRouter, declaration_of
from app.web.resolve import is_sequence, plan

# Parameters every GET operation accepts, whether or not it declares them.
GLOBAL_QUERY_PARAMS = frozenset({"format"})


def _query_names(dependant: Dependant, *, lists: bool = False) -> set[str]:
    """The query parameters the operation takes; with ``lists``, only those taking a list."""
    names = {
        param.alias
        for param in dependant.query_params
        if not lists or is_sequence(param.field_info.annotation)
    }
    for sub in dependant.dependencies:
        names |= _query_names(sub, lists=lists)
    return names


class StrictQueryRoute(APIRoute):
    planned = False  # whether requests skip FastAPI's resolver (see app.web.resolve)
    # For a planned operation: request -> response, parameters checked, nothing caught; what
    # the pipeline's dispatch (app.web.pipeline.dispatch) calls for a request it matched.
    direct: Callable[[Request], Coroutine[Any, Any, Response]] | None = None

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        returns = inspect.signature(endpoint).return_annotation
        self._returns_response = returns in ("Response", Response)
        self.declaration: Declaration = declaration_of(endpoint)
        super().__init__(path, _with_connection(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        allowed = frozenset(_query_names(self.dependant)) | GLOBAL_QUERY_PARAMS
        lists = frozenset(_query_names(self.dependant, lists=True))
        handler = self._planned_handler() or super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            params = request.query_params
            unknown = sorted(set(params.keys()) - allowed)
            if unknown:
                raise _unknown_parameters(unknown, allowed)
            if len(params) != len(params.multi_items()):
                _reject_repeated(params.multi_items(), lists)
            _reject_nul(request)
            return await handler(request)

        if self.planned:
            self.direct = strict_handler
        return strict_handler

    def _planned_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]] | None:
        """A handler resolving parameters with :func:`app.web.resolve.plan`, if it can."""
        call = self.dependant.call
        if call is None or not inspect.iscoroutinefunction(call) or not self._returns_response:
            return None
        resolve = plan(self.dependant) if self.methods == {"GET"} else None
        if resolve is None:
            return None
        self.planned = True

        async def planned_handler(request: Request) -> Response:
            response: Response = await call(**await resolve(request))
            return response

        return planned_handler


def _with_connection(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` with its ``connection`` argument supplied, run where reads are cheapest."""
    signature = inspect.signature(endpoint)
    if "connection" not in signature.parameters or inspect.iscoroutinefunction(endpoint):
        return endpoint
    if "request" not in signature.parameters:
        raise TypeError(f"{endpoint.__name__} takes a connection, so it must take the request")

    @functools.wraps(endpoint)
    async def with_connection(**values: Any) -> Any:
        engine: Engine = values["request"].app.state.engine
        if reads_block(engine):
            return await run_in_threadpool(_call, engine, endpoint, values)
        return _inline_reader(engine).run(endpoint, values)

    # FastAPI reads the parameters from here: everything the endpoint takes but its connection.
    with_connection.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name != "connection"]
    )
    return with_connection


class _InlineReader:
    """The connection SQLite reads on the event loop share, kept rather than checked out per
    request (which costs more than a small query); closed with the engine.

    Reads run one at a time, each in a transaction of its own so its statements share a
    snapshot. SQLAlchemy's begin and commit cost more than a small query too, so they happen
    once: SQLAlchemy sees one transaction that never ends, while each request runs between a
    BEGIN and a COMMIT sent straight to the driver (in autocommit mode, see
    app.store.engines). An error
    from the database itself discards the connection, whatever state it left behind.
    """

    def __init__(self, engine: Engine) -> None:
        self.connection = engine.connect()
        # app.store.engines's listener sends BEGIN: end it, requests send their own
        self.connection.begin()
        driver: Any = self.connection.connection.driver_connection
        driver.execute("COMMIT")
        self._driver = driver

    @property
    def usable(self) -> bool:
        connection = self.connection
        return (
            not connection.closed
            and not connection.invalidated
            and connection.in_transaction()
            and not self._driver.in_transaction
        )

    def run(self, endpoint: Callable[..., Any], values: dict[str, Any]) -> Any:
        driver = self._driver
        driver.execute("BEGIN")
        broken = False
        try:
            return endpoint(**values, connection=self.connection)
        except (DBAPIError, sqlite3.Error):
            broken = True
            raise
        finally:
            if broken:
                self.close()  # returned to the pool, which rolls back
            elif driver.in_transaction:
                driver.execute("COMMIT")  # it only read: the same as a rollback, and cheaper

    def close(self) -> None:
        _INLINE_READERS.pop(self.connection.engine, None)
        # Closing rolls SQLAlchemy's transaction back, which fails harmlessly when the driver's
        # connection went first (an in-memory database's engine was disposed).
        with contextlib.suppress(DBAPIError):
            self.connection.close()


_INLINE_READERS: dict[Engine, _InlineReader] = {}


def _inline_reader(engine: Engine) -> _InlineReader:
    reader = _INLINE_READERS.get(engine)
    if reader is None or not reader.usable:
        if reader is not None:
            reader.close()
        reader = _INLINE_READERS[engine] = _InlineReader(engine)
        if not event.contains(engine, "engine_disposed", _close_inline_reader):
            event.listen(engine, "engine_disposed", _close_inline_reader)
    return reader


def _close_inline_reader(engine: Engine) -> None:
    reader = _INLINE_READERS.get(engine)
    if reader is not None:
        reader.close()


def _call(engine: Engine, endpoint: Callable[..., Any], values: dict[str, Any]) -> Any:
    # One transaction, so every statement of a request reads the same snapshot.
    with engine.connect() as connection, connection.begin():
        return endpoint(**values, connection=connection)


def _reject_nul(request: Request) -> None:
    # No text in the dataset holds a NUL, and PostgreSQL cannot even compare one: refuse it here.
    for where, params in (("query", request.query_params.multi_items()),
                          ("path", list(request.path_params.items()))):  # fmt: skip
        for name, value in params:
            if "\x00" in str(value):
                raise BadRequest(
                    f"The {where} parameter {name!r} contains a NUL character; remove it.",
                    invalid_params=[{"in": where, "name": name, "reason": "contains NUL"}],
                )


def _reject_repeated(items: list[tuple[str, str]], lists: frozenset[str]) -> None:
    counts = Counter(name for name, _ in items)
    repeated = sorted(name for name, count in counts.items() if count > 1 and name not in lists)
    if repeated:
        named = ", ".join(f"{name!r} ({counts[name]} times)" for name in repeated)
        each = "parameter" if len(repeated) == 1 else "parameters"
        raise BadRequest(
            f"The query {each} {named} may appear once; give one value (a list parameter, "
            "such as `disciplines`, takes its values comma-separated).",
            invalid_params=[
                {"in": "query", "name": name, "reason": "repeated; may appear once"}
                for name in repeated
            ],
        )


def _unknown_parameters(unknown: list[str], allowed: frozenset[str]) -> BadRequest:
    hints = []
    for name in unknown:
        match = process.extractOne(name, sorted(allowed), score_cutoff=70)
        hints.append(f"{name!r} (did you mean {match[0]!r}?)" if match else repr(name))
    return BadRequest(
        f"Unknown query parameter {', '.join(hints)}. This operation accepts: "
        f"{', '.join(sorted(allowed))}.",
        invalid_params=[
            {"in": "query", "name": name, "reason": "unknown parameter"} for name in unknown
        ],
    )


BAD_REQUEST = (
    "A bad request, the problem's `detail` and `invalid_params` say what to change: an unknown "
    "query parameter, one given twice that may appear once, a cursor no page of this list "
    "issued, `cursor` with `offset`, an unknown format, a filter naming nothing, or a request "
    "HTTP forbids (invalid percent-encoding; a missing, repeated or malformed Host)."
)
NOT_ACCEPTABLE = (
    "The Accept header lists no type this operation produces, or Accept-Encoding refuses both "
    "gzip and identity."
)


def bad_request(*more: str) -> dict[int | str, dict[str, Any]]:
    """The 400 response of a read operation, with what else this operation refuses."""
    return {400: {"description": " ".join((BAD_REQUEST, *more))}}


READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    **bad_request(),
    406: {"description": NOT_ACCEPTABLE},
}


def read_router(tag: str) -> DeclaredRouter:
    """A router for reads of the dataset under ``/v1``: public, cacheable, every tabular
    format, unknown query parameters refused."""
    return DeclaredRouter(
        prefix="/v1",
        tags=[tag],
        route_class=StrictQueryRoute,
        declaration=DATASET_READ,
        responses=READ_RESPONSES,
    )
