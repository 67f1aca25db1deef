"""Keyset pages: rows strictly after the last one a page showed, in a total order.

Every sort ends with the row id, so the order is total: ties never repeat or skip a row.
A position to start after comes from a client (a cursor), so :func:`check_position` holds it to
what its columns can store before it is bound: a value of another type or out of range would
make the database fail, compare it as something else, or silently match nothing.
Queries come in with bound parameters for their values (``bindparam``), built once per shape;
the page and count statements derived from them are built once too (kept by the query's
identity), so a request runs statements SQLAlchemy has already compiled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection

from app.store.dialect import AnySelect, fetch
from app.store.remembered import remembered


@dataclass(frozen=True)
class SortKey:
    """A column to order by; ``descending`` flips it."""

    column: Any  # app.store.dialect.SQLColumn; typed loosely so both Core and ORM columns compare
    descending: bool = False


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of built statements
class Sort:
    """A named order: the keys, ending with a unique column. Define each once, at import."""

    name: str
    keys: tuple[SortKey, ...]
    # One check per key, from its column's type: what a position's value may be.
    checks: tuple[_Check, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", tuple(_check_for(key.column) for key in self.keys))


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # what both backends compare an integer as
TEXT_LIMIT = 1000  # characters, for a text column that declares no length


class InvalidPosition(ValueError):
    """Sort values no row could have: the message says which and why, for the client."""


def check_position(sort: Sort, values: object) -> list[Any]:
    """``values`` if they can be the sort values of a row in ``sort`` order, else
    :class:`InvalidPosition`: a list of one value per key, each of its column's type and range
    (64-bit signed integers, finite numbers, text within the column's length and without NUL,
    booleans only where the column is one, never where it is an integer)."""
    if not isinstance(values, list):
        raise InvalidPosition("its position is not a list of values")
    if len(values) != len(sort.keys):
        raise InvalidPosition(
            f"it holds {len(values)} sort values where this order has {len(sort.keys)}"
        )
    for index, (value, check) in enumerate(zip(values, sort.checks, strict=True)):
        if not check.accepts(value):
            raise InvalidPosition(f"sort value {index + 1} is not {check.expected}")
    return values


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    more: bool  # rows follow the last one
    last: list[Any] | None  # the sort values of the last row, for the next page's cursor


def fetch_page(
    connection: Connection,
    query: AnySelect,
    sort: Sort,
    *,
    limit: int,
    binds: Mapping[str, Any],
    count_key: Hashable,
    after: Sequence[Any] | None = None,
    offset: int | None = None,
) -> Page:
    """One page of ``query`` in ``sort`` order: after the sort values ``after``, or from
    ``offset``. The total is counted once per dataset version and ``count_key``."""
    values = dict(binds)
    total = remembered(
        connection,
        ("count", count_key),
        lambda: int(fetch(connection, _count_statement(query), values)[0][0]),
    )
    values["_limit"] = limit + 1
    mode: _Mode = "first"
    if offset is not None:
        mode, values["_offset"] = "offset", offset
    elif after is not None:
        mode = "after"
        values |= {f"_after{index}": value for index, value in enumerate(after)}
    rows = fetch(connection, _page_statement(query, sort, mode), values)
    shown = rows[:limit]
    last = [getattr(shown[-1], f"sort_key{i}") for i in range(len(sort.keys))] if shown else None
    return Page(shown, total, len(rows) > limit, last)


def sort_columns(sort: Sort) -> list[ColumnElement[Any]]:
    """The sort columns to add to a query, labelled so a page's last row yields the cursor."""
    return [key.column.label(f"sort_key{index}") for index, key in enumerate(sort.keys)]


@dataclass(frozen=True)
class _Check:
    accepts: Callable[[Any], bool]
    expected: str  # what the value must be, as the client is told


def _integer(value: Any) -> bool:
    return type(value) is int and INT64_MIN <= value <= INT64_MAX  # bool is not an int here


def _number(value: Any) -> bool:
    return (type(value) is float and math.isfinite(value)) or _integer(value)


def _boolean(value: Any) -> bool:
    return type(value) is bool


def _check_for(column: Any) -> _Check:
    python_type, length = _value_type(column)
    if python_type is bool:
        return _Check(_boolean, "true or false")
    if python_type is int:
        return _Check(_integer, "an integer from -2^63 to 2^63-1")
    if python_type is float:
        return _Check(_number, "a finite number")
    if python_type is str:
        limit = length or TEXT_LIMIT

        def text(value: Any) -> bool:
            return type(value) is str and len(value) <= limit and "\x00" not in value

        return _Check(text, f"text of at most {limit} characters without NUL")
    raise TypeError(f"a cursor cannot hold values of {column} ({python_type.__name__})")


def _value_type(column: Any) -> tuple[type, int | None]:
    """The Python type of ``column``'s values and its declared length, looking through a
    function of one column (such as :class:`app.store.dialect.bytewise`) for the length."""
    python_type: type = column.type.python_type
    length = getattr(column.type, "length", None)
    for inner in getattr(column, "clauses", ()):
        inner_type, inner_length = _value_type(inner)
        if length is None and inner_type is python_type:
            length = inner_length
    return python_type, length


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
