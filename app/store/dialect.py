"""SQL constructs that must mean the same thing on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    ClauseElement,
    ColumnElement,
    Select,
    String,
    any_,
    bindparam,
    func,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# A select of any columns (Select is generic over its row's column types).
AnySelect = Select[*tuple[Any, ...]]
# A column as queries name it: a Core column or expression, or a model attribute via col().
SQLColumn = ColumnElement[Any] | Mapped[Any]


class bytewise(FunctionElement[str]):  # noqa: N801  (reads as a SQL function in queries)
    """A string compared and sorted byte by byte (code point order), whatever the collation.

    SQLite compares text with BINARY; PostgreSQL with the database's locale, which orders
    "decision-making" and "decisionmaking" differently. Sorts and keyset cursors must agree on
    both backends, so they compare through this.
    """

    type = String()
    inherit_cache = True


@compiles(bytewise)
def _bytewise_default(element: bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(bytewise, "postgresql")
def _bytewise_postgresql(element: bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


class contains(FunctionElement[bool]):  # noqa: N801  (reads as a SQL function in queries)
    """Whether the first string holds the second: ``instr(a, b) > 0`` on SQLite,
    ``strpos(a, b) > 0`` on PostgreSQL.

    A plain substring search: unlike ``LIKE '%…%'``, nothing in the searched-for text needs
    escaping, and it runs several times faster on SQLite, where ``LIKE`` matches a pattern
    character by character.
    """

    type = Boolean()
    inherit_cache = True


@compiles(contains)
def _contains_default(element: contains, compiler: SQLCompiler, **kw: Any) -> str:
    return _position_of(element, compiler, "instr", **kw)


@compiles(contains, "postgresql")
def _contains_postgresql(element: contains, compiler: SQLCompiler, **kw: Any) -> str:
    return _position_of(element, compiler, "strpos", **kw)


def _position_of(element: contains, compiler: SQLCompiler, function: str, **kw: Any) -> str:
    haystack, needle = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"{function}({haystack}, {needle}) > 0"


class one_of(FunctionElement[bool]):  # noqa: N801  (reads as a SQL operator in queries)
    """Whether a column's value is in the list bound to a parameter: ``column IN (?, ?, …)``
    (an expanding parameter) on SQLite, ``column = ANY(%(name)s)`` (one array) on PostgreSQL.

    For lists of hundreds of values, as importers look up: PostgreSQL plans one array parameter
    at a fraction of the cost of a thousand scalar ones (a thousand slugs: 5 ms, not 18).
    """

    type = Boolean()
    inherit_cache = True
    # A comparison, as IN is: rendered as is, never as "(…) = 1" where booleans are integers.
    _is_implicitly_boolean = True


def one_of_param(column: SQLColumn, name: str) -> ColumnElement[bool]:
    """``column`` in the list bound to ``name`` (see :class:`one_of`)."""
    return one_of(column, bindparam(name, expanding=True))


@compiles(one_of)
def _one_of_default(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = element.clauses
    return compiler.process(column.in_(values), **kw)


@compiles(one_of, "postgresql")
def _one_of_postgresql(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = element.clauses
    array = bindparam(values.key, type_=ARRAY(column.type))
    return compiler.process(column == any_(array), **kw)


def contains_param(column: SQLColumn, name: str) -> ColumnElement[bool]:
    """Case-insensitive substring match against the bound parameter ``name``.

    Bind it to :func:`contained_value` of the text: the statement is built once, the value per
    request.
    """
    return contains(func.lower(column), bindparam(name))


def contained_value(text: str) -> str:
    """``text`` as :func:`contains_param` compares it: lower-cased, as the column is.

    Both sides are lower-cased: on PostgreSQL by the database's rules, on SQLite in ASCII only
    (its ``lower``), so there a non-ASCII letter matches only itself in the case given.
    """
    return text.lower()


# --- statements run through the driver -----------------------------------------------------------

_EXPANDING = re.compile(r"\(__\[POSTCOMPILE_(\w+)\]\)")
_Processor = Callable[[Any], Any]


class Prepared:
    """A read statement compiled once for a dialect, then run straight through the driver's cursor.

    SQLAlchemy's execution path (compiled-cache lookup, parameter and execution contexts, result
    metadata, Row objects) costs several times what SQLite spends answering a small indexed
    query; for statements built once and run thousands of times, all of that can be done once.
    What SQLAlchemy would still do per row is kept: the dialect's bind and result processors
    (JSON and dates on SQLite, say), applied only to the columns that have one.
    """

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)  # a select or a textual statement
        self._named = dialect.paramstyle in {"pyformat", "named"}
        self._pieces = _EXPANDING.split(compiled.string)  # text, name, text, name, …, text
        self.expanding = frozenset(self._pieces[1::2])
        self._positions = tuple(compiled.positiontup or ())
        # Values the statement carries itself (literals SQLAlchemy binds, such as a LIMIT 1),
        # and the processors of single values (an expanding list's items are ids).
        self._defaults: dict[str, Any] = {}
        self._binds: dict[str, _Processor] = {}
        for name, bind in compiled.binds.items():
            if name in self.expanding:
                continue
            if not bind.required:
                self._defaults[name] = bind.effective_value
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._binds[name] = processor
        # Rows are named as the cursor names their columns (labels and all), on first use.
        self._row: Any = None
        columns = getattr(statement, "selected_columns", ())  # none to process in text
        self._results = tuple(
            (index, processor)
            for index, column in enumerate(columns)
            if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None))
        )
        self._sql = None if self.expanding else self._render({})

    def _render(self, sizes: dict[str, int]) -> str:
        pieces = self._pieces
        parts = [pieces[0]]
        for index in range(1, len(pieces), 2):
            name, count = pieces[index], sizes[pieces[index]]
            if self._named:
                marks = ", ".join(f"%({name}__{i})s" for i in range(count))
            else:
                marks = ", ".join("?" * count)
            parts += ["(", marks, ")", pieces[index + 1]]
        return "".join(parts)

    def rows(
        self, connection: Connection, params: Mapping[str, Any], *, tuples: bool = False
    ) -> list[Any]:
        values = {**self._defaults, **params}
        for name, processor in self._binds.items():
            if name in values:
                values[name] = processor(values[name])
        sql = self._sql
        if sql is None:
            lists = {name: list(values.pop(name)) for name in self.expanding}
            sql = self._render({name: len(items) for name, items in lists.items()})
            if self._named:
                for name, items in lists.items():
                    values.update((f"{name}__{i}", item) for i, item in enumerate(items))
            else:
                values.update(lists)
        if self._named:
            arguments: Any = values
        else:
            arguments = []
            for name in self._positions:
                value = values[name]
                if name in self.expanding:
                    arguments += value
                else:
                    arguments.append(value)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, arguments)
            found = cursor.fetchall()
            row = self._row
            if row is None:
                names = [column[0] for column in cursor.description]
                row = self._row = namedtuple("Row", names, rename=True)
        finally:
            cursor.close()
        if self._results:
            found = [list(columns) for columns in found]
            for columns in found:
                for index, processor in self._results:
                    columns[index] = processor(columns[index])
        return found if tuples else list(map(row._make, found))


@functools.lru_cache(maxsize=1024)
def _prepared(statement: ClauseElement, dialect: Dialect) -> Prepared:
    return Prepared(statement, dialect)


def fetch(
    connection: Connection,
    statement: ClauseElement,
    params: Mapping[str, Any] | None = None,
    *,
    tuples: bool = False,
) -> list[Any]:
    """The rows of a read ``statement`` built once (not per request), as named tuples (plain
    ones with ``tuples``, for a caller that reads many rows and no names).

    Statements must be kept by identity (see :mod:`app.web.pagination`): each is compiled once per
    dialect. An empty list for an expanding ``IN`` parameter goes through SQLAlchemy, which
    knows what ``IN ()`` means on each backend.
    """
    prepared = _prepared(statement, connection.dialect)
    params = params or {}
    if prepared.expanding and not all(params[name] for name in prepared.expanding):
        return list(connection.execute(statement, params))  # type: ignore[call-overload]
    return prepared.rows(connection, params, tuples=tuples)
