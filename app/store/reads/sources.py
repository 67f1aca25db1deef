"""Reads of sources: list orders, one source by id, and a range of a source's lines."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from app.store.dialect import AnySelect, bytewise, fetch
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.models import Source, SourceText
from app.store.reads.common import source_select
from app.store.source_text import unpack

SORTS = {
    name: Sort(name, (SortKey(bytewise(col(Source.slug)), descending), SortKey(col(Source.id),
                                                                             descending)))
    for name, descending in (("slug", False), ("-slug", True))
}  # fmt: skip


@cache
def list_select(sort: Sort) -> AnySelect:
    return source_select(*sort_columns(sort))


@cache
def one_select() -> AnySelect:
    return source_select().where(col(Source.id) == bindparam("id"))


@cache
def _lines_select() -> AnySelect:
    return (
        select(col(SourceText.first_line), col(SourceText.data))
        .where(
            col(SourceText.source_id) == bindparam("id"),
            col(SourceText.last_line) >= bindparam("start"),
            col(SourceText.first_line) <= bindparam("end"),
        )
        .order_by(col(SourceText.first_line))
    )


def source_lines(
    connection: Connection, source_id: int, start: int, end: int
) -> list[dict[str, Any]]:
    """Lines ``start`` to ``end`` (inclusive) of a source's text as ``{number, text}``, inflating
    only the blocks they fall in; lines past the end of the text are not there."""
    found: list[dict[str, Any]] = []
    params = {"id": source_id, "start": start, "end": end}
    for first, data in fetch(connection, _lines_select(), params):
        lines = unpack(data)
        low, high = max(start, first), min(end, first + len(lines) - 1)
        found.extend({"number": n, "text": lines[n - first]} for n in range(low, high + 1))
    return found
