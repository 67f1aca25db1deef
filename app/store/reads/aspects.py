"""Reads of aspects: list filters and orders, and the descriptions embedded in them."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, or_, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from app.store.dialect import AnySelect, bytewise, contains_param, fetch
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.lookup import DISCIPLINES, SOURCES, require_filter
from app.store.models import Aspect, AspectAlias, Description
from app.store.reads.common import (
    Fact,
    description_select,
    ids_param,
    to_aspect_description,
)

SORTS = {
    name: Sort(name, (SortKey(column, descending), SortKey(col(Aspect.id), descending)))
    for name, column, descending in (
        ("slug", bytewise(col(Aspect.slug)), False),
        ("-slug", bytewise(col(Aspect.slug)), True),
        ("name", bytewise(col(Aspect.name)), False),
        ("-name", bytewise(col(Aspect.name)), True),
    )
}


def scope_binds(
    connection: Connection, discipline: str | None, source: str | None
) -> dict[str, Any]:
    """The ids the discipline and source filters name, as the statements' bound parameters."""
    binds: dict[str, Any] = {}
    if discipline is not None:
        binds["discipline_id"] = require_filter(
            connection, DISCIPLINES, "discipline", discipline
        ).id
    if source is not None:
        binds["source_id"] = require_filter(connection, SOURCES, "source", source).id
    return binds


def _scope(discipline: bool, source: bool) -> list[ColumnElement[bool]]:
    """Conditions on descriptions that the discipline and source filters impose."""
    conditions = []
    if discipline:
        conditions.append(col(Description.discipline_id) == bindparam("discipline_id"))
    if source:
        conditions.append(col(Description.source_id) == bindparam("source_id"))
    return conditions


@cache
def list_select(sort: Sort, discipline: bool, source: bool, text: bool) -> AnySelect:
    query = select(col(Aspect.id), col(Aspect.slug), col(Aspect.name), *sort_columns(sort))
    scope = _scope(discipline, source)
    if scope:
        query = query.where(exists().where(col(Description.aspect_id) == col(Aspect.id), *scope))
    if text:
        query = query.where(matches())
    return query


def matches() -> ColumnElement[bool]:
    return or_(
        contains_param(col(Aspect.name), "q"),
        exists().where(
            col(AspectAlias.aspect_id) == col(Aspect.id),
            contains_param(col(AspectAlias.alias), "q"),
        ),
        exists().where(
            col(Description.aspect_id) == col(Aspect.id),
            or_(
                contains_param(col(Description.text), "q"),
                contains_param(col(Description.label), "q"),
            ),
        ),
    )


def descriptions_of(
    connection: Connection, aspect_ids: list[int], binds: dict[str, Any]
) -> dict[int, list[Fact]]:
    """Aspect id → its descriptions, within the discipline and source filters in ``binds``."""
    query = descriptions_select("discipline_id" in binds, "source_id" in binds)
    values: dict[str, Any] = {"ids": aspect_ids}
    values |= {name: binds[name] for name in ("discipline_id", "source_id") if name in binds}
    found: dict[int, list[Fact]] = {aspect_id: [] for aspect_id in aspect_ids}
    for row in fetch(connection, query, values):
        found[row.aspect_id].append(to_aspect_description(row))
    return found


@cache
def descriptions_select(discipline: bool, source: bool) -> AnySelect:
    query: AnySelect = description_select().where(
        col(Description.aspect_id).in_(ids_param()), *_scope(discipline, source)
    )
    return query.order_by(
        col(Description.source_id), col(Description.position), col(Description.id)
    )
