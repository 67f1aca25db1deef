"""Pagination over HTTP: ``limit``, opaque cursors and ``offset``, and the next page's link.

A cursor holds the sort name and the sort values of the last row a page showed; the next page
asks for rows strictly after them (:mod:`app.store.keyset`), so page 4,000 costs what page 1
does. ``offset`` is accepted as well, for page-number interfaces, at the cost a plain OFFSET
has.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import Query, Request
from sqlalchemy.engine import Connection

from app.domain.errors import BadRequest
from app.store.dialect import AnySelect
from app.store.keyset import InvalidPosition, Sort, check_position, fetch_page

MAX_LIMIT = 200
DEFAULT_LIMIT = 20
MAX_OFFSET = 1_000_000
# Query parameters that choose a page or a presentation, not which rows match.
_NOT_FILTERS = frozenset({"cursor", "offset", "limit", "sort", "format", "include"})


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
            description="Opaque position from a previous page's `next`; do not build it. "
            "Not with `offset` (both is a 400). A cursor no page of this list and `sort` "
            "issued is a 400 naming `cursor`.",
        ),
    ] = None,
    offset: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description="Rows to skip, for page-number interfaces (use `cursor` to walk deep). "
            "Not with `cursor` (both is a 400).",
        ),
    ] = None,
) -> PageParams:
    if cursor is not None and offset is not None:
        raise BadRequest(
            "Give either `cursor` or `offset`, not both: a cursor already says where to start.",
            invalid_params=[
                {"in": "query", "name": "cursor", "reason": "given with offset"},
                {"in": "query", "name": "offset", "reason": "given with cursor"},
            ],
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
    """Run ``query`` for the page ``params`` ask for, with the total and the next page's URL.

    ``query`` must be built once per shape (its values in ``binds``), not per request (see
    :mod:`app.store.keyset`). The total depends only on the path and the filters, so walking a
    list's pages does not count it again on every page.
    """
    filters = tuple(
        sorted((k, v) for k, v in request.query_params.multi_items() if k not in _NOT_FILTERS)
    )
    after = decode_cursor(params.cursor, sort) if params.cursor is not None else None
    page = fetch_page(
        connection, query, sort, limit=params.limit, binds=binds or {},
        count_key=(request.url.path, filters), after=after, offset=params.offset,
    )  # fmt: skip
    next_url = None
    if page.more and params.offset is not None:
        next_url = with_query(request, {"offset": str(params.offset + params.limit)}, _PAGING)
    elif page.more and page.last is not None:
        next_url = with_query(request, {"cursor": encode_cursor(sort, page.last)}, _PAGING)
    return PageResult(page.rows, page.total, next_url)


_PAGING = ("cursor", "offset")


def encode_cursor(sort: Sort, values: Sequence[Any]) -> str:
    payload = orjson.dumps({"s": sort.name, "k": list(values)}, default=str)
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> list[Any]:
    """The sort values ``cursor`` holds, checked against the columns of ``sort`` before any
    reaches the database (:func:`app.store.keyset.check_position`); else a 400 naming
    ``cursor`` and what is wrong with it."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = orjson.loads(base64.b64decode(padded.encode("ascii"), b"-_", validate=True))
    except (ValueError, binascii.Error):  # UnicodeEncodeError and JSONDecodeError included
        raise _bad_cursor("it is not base64url-encoded JSON") from None
    if not isinstance(payload, dict) or set(payload) != {"s", "k"}:
        raise _bad_cursor("it does not hold a sort order and a position")
    if payload["s"] != sort.name:
        raise _bad_cursor("it was made for another list or sort order")
    try:
        return check_position(sort, payload["k"])
    except InvalidPosition as exc:
        raise _bad_cursor(str(exc)) from None


def _bad_cursor(reason: str) -> BadRequest:
    return BadRequest(
        f"The cursor is not valid for this list and sort order: {reason}. Start without a "
        "cursor and follow each page's `next` link, keeping the other parameters as they are.",
        invalid_params=[{"in": "query", "name": "cursor", "reason": reason}],
    )


def with_query(request: Request, updates: dict[str, str], drop: Sequence[str] = ()) -> str:
    """A link to the request's path with some query parameters dropped or replaced
    (replacements last): under ``VERSUS_PUBLIC_URL`` when it is set, else relative. Never
    from the request's ``Host``, which any client can set."""
    removed = {*drop, *updates}
    kept = [(name, value) for name, value in request.query_params.multi_items()
            if name not in removed]  # fmt: skip
    base = request.app.state.settings.public_url or ""
    return f"{base}{request.url.path}?{urlencode([*kept, *updates.items()])}"
