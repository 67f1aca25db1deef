"""SQL constructs that must mean the same thing on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, func
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


def contains_text(column: SQLColumn, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match, with ``%`` and ``_`` in ``text`` taken literally."""
    return func.lower(column).contains(text.lower(), autoescape=True)
