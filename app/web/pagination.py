"""Keyset pagination: opaque cursors that cost the same on page 4,000 as on page 1.

A cursor holds the sort name and the sort values of the last row a page showed; the next page
asks for rows strictly after them in the sort order. Every sort ends with the row id, so the
order is total: ties never repeat or skip a row. ``offset`` is accepted as well, for page-number
interfaces, at the cost a plain OFFSET has.

Queries come in with bound parameters for their values (``bindparam``), built once per shape
by the routes; the page, count and cursor statements derived from them are built once too, so
a request runs statements SQLAlchemy has already compiled instead of constructing new ones.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import orjson
from fastapi import Query, Request
from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from app.domain.errors import BadRequest
from app.store.memo import remembered
from app.store.sql import AnySelect, fetch

MAX_LIMIT = 200
DEFAULT_LIMIT = 20
MAX_OFFSET = 1_000_000
# Query parameters that choose a page or a presentation, not which rows match.
_NOT_FILTERS = frozenset({"cursor", "offset", "limit", "sort", "format", "include"})


@dataclass(frozen=True)
class SortKey:
    """A column to order by; ``descending`` flips it."""

    column: Any  # app.store.sql.SQLColumn; typed loosely so both Core and ORM columns compare
    descending: bool = False


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of built statements
class Sort:
    """A named order: the keys, ending with a unique column. Define each once, at import."""

    name: str
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    offset: int | None


# async: it only checks its arguments, and FastAPI would run a plain def in a worker thread.
async def page_params(
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (1 to {MAX_LIMIT}).", examples=[20]),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Opaque position from a previous page's `next`; do not build it.",
        ),
    ] = None,
    offset: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description="Rows to skip, for page-number interfaces (use `cursor` to walk deep).",
        ),
    ] = None,
) -> PageParams:
    if cursor is not None and offset is not None:
        raise BadRequest(
            "Give either `cursor` or `offset`, not both: a cursor already says where to start."
        )
    return PageParams(limit, cursor, offset)


@dataclass(frozen=True)
class PageResult:
    rows: list[Any]
    total: int
    next_url: str | None


def paginate(
    connection: Connection,
    query: AnySelect,
    sort: Sort,
    params: PageParams,
    request: Request,
    binds: Mapping[str, Any] | None = None,
) -> PageResult:
    """Run ``query`` for one page in ``sort`` order, with the total and the next page's URL.

    ``query`` must be built once per shape (its values in ``binds``), not per request: the
    statements derived from it are kept by identity. The total depends only on the path and
    the filters, so it is counted once per dataset version: walking a list's pages does not
    count it again on every page.
    """
    values = dict(binds or {})
    filters = tuple(
        sorted((k, v) for k, v in request.query_params.multi_items() if k not in _NOT_FILTERS)
    )
    count_key = ("count", request.url.path, filters)
    total = remembered(
        connection,
        count_key,
        lambda: int(fetch(connection, _count_statement(query), values)[0][0]),
    )
    values["_limit"] = params.limit + 1
    if params.offset is not None:
        values["_offset"] = params.offset
        rows = fetch(connection, _page_statement(query, sort, "offset"), values)
        next_params = {"offset": str(params.offset + params.limit)}
    else:
        mode: _Mode = "first"
        if params.cursor is not None:
            mode = "after"
            for index, value in enumerate(decode_cursor(params.cursor, sort)):
                values[f"_after{index}"] = value
        rows = fetch(connection, _page_statement(query, sort, mode), values)
        last = rows[min(len(rows), params.limit) - 1] if rows else None
        next_params = {"cursor": encode_cursor(sort, _values(last, sort))} if last else {}
    more = len(rows) > params.limit
    next_url = with_query(request, next_params, drop=("cursor", "offset")) if more else None
    return PageResult(rows[: params.limit], total, next_url)


_Mode = Literal["first", "after", "offset"]
_STATEMENTS = 4096  # route shapes, sorts and modes, with room to spare


@lru_cache(maxsize=_STATEMENTS)
def _count_statement(query: AnySelect) -> AnySelect:
    return select(func.count()).select_from(query.order_by(None).subquery())


@lru_cache(maxsize=_STATEMENTS)
def _page_statement(query: AnySelect, sort: Sort, mode: _Mode) -> AnySelect:
    ordered = query.order_by(*(_order(key) for key in sort.keys))
    if mode == "after":
        ordered = ordered.where(_after(sort))
    if mode == "offset":
        ordered = ordered.offset(bindparam("_offset"))
    return ordered.limit(bindparam("_limit"))


def _order(key: SortKey) -> ColumnElement[Any]:
    ordered: ColumnElement[Any] = key.column.desc() if key.descending else key.column.asc()
    return ordered


def _values(row: Any, sort: Sort) -> list[Any]:
    return [getattr(row, f"sort_key{index}") for index in range(len(sort.keys))]


def sort_columns(sort: Sort) -> list[ColumnElement[Any]]:
    """The sort columns to add to a query, labelled so a page's last row yields the cursor."""
    return [key.column.label(f"sort_key{index}") for index, key in enumerate(sort.keys)]


def _after(sort: Sort) -> ColumnElement[bool]:
    # (a, b, c) after (x, y, z): a > x, or a = x and b > y, or … — per key direction; the
    # cursor's values are bound as _after0, _after1, …
    values: list[Any] = [bindparam(f"_after{index}") for index in range(len(sort.keys))]
    clauses = []
    for index, key in enumerate(sort.keys):
        equal = [k.column == values[i] for i, k in enumerate(sort.keys[:index])]
        beyond = key.column < values[index] if key.descending else key.column > values[index]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def encode_cursor(sort: Sort, values: Sequence[Any]) -> str:
    payload = orjson.dumps({"s": sort.name, "k": list(values)}, default=str)
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        values = payload["k"]
        valid = payload["s"] == sort.name and isinstance(values, list)
    except (ValueError, KeyError, TypeError, UnicodeEncodeError, binascii.Error):
        valid = False
    if not valid or len(values) != len(sort.keys):
        raise BadRequest(
            "The cursor is not valid for this list and sort order. Start without a cursor and "
            "follow each page's `next` link.",
            invalid_params=[{"in": "query", "name": "cursor", "reason": "not a valid cursor"}],
        )
    return list(values)


def with_query(request: Request, updates: dict[str, str], drop: Sequence[str] = ()) -> str:
    """A link to the request's path with some query parameters dropped or replaced
    (replacements last): under ``VERSUS_PUBLIC_URL`` when it is set, else relative. Never
    from the request's ``Host``, which any client can set."""
    removed = {*drop, *updates}
    kept = [(name, value) for name, value in request.query_params.multi_items()
            if name not in removed]  # fmt: skip
    base = request.app.state.settings.public_url or ""
    return f"{base}{request.url.path}?{urlencode([*kept, *updates.items()])}"
