"""SQL constructs that must mean the same thing on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, func
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


LIKE_ESCAPE = "/"


def contains_param(column: SQLColumn, name: str) -> ColumnElement[bool]:
    """Case-insensitive substring match against the bound parameter ``name``.

    Bind it to :func:`like_pattern` of the text: the statement is built once, the pattern per
    request.
    """
    return func.lower(column).like(bindparam(name), escape=LIKE_ESCAPE)


def like_pattern(text: str) -> str:
    """``text`` as a pattern for :func:`contains_param`, with ``%`` and ``_`` taken literally."""
    escaped = text.lower()
    for special in (LIKE_ESCAPE, "%", "_"):
        escaped = escaped.replace(special, LIKE_ESCAPE + special)
    return f"%{escaped}%"
