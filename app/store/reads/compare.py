"""Reads for comparisons: the disciplines an aspect is described for, the aspects
disciplines share, and the descriptions that fill a comparison."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, distinct, func, select
from sqlmodel import col

from app.store.dialect import AnySelect, bytewise
from app.store.keyset import Sort, SortKey, sort_columns
from app.store.models import Aspect, Description, Discipline
from app.store.reads.common import description_select, ids_param

ASPECT_SORT = Sort("slug", (SortKey(bytewise(col(Aspect.slug))), SortKey(col(Aspect.id))))


@cache
def described_select() -> AnySelect:
    """The disciplines an aspect is described for, by slug."""
    described = select(col(Description.discipline_id)).where(
        col(Description.aspect_id) == bindparam("aspect_id")
    )
    return (
        select(col(Discipline.id), col(Discipline.slug), col(Discipline.name))
        .where(col(Discipline.id).in_(described))
        .order_by(bytewise(col(Discipline.slug)))
    )


@cache
def shared_select() -> AnySelect:
    """Aspects described for every one of the ``n`` ``disciplines``."""
    shared = (
        select(col(Description.aspect_id))
        .where(col(Description.discipline_id).in_(ids_param("disciplines")))
        .group_by(col(Description.aspect_id))
        .having(func.count(distinct(col(Description.discipline_id))) == bindparam("n"))
    )
    query = select(col(Aspect.id), col(Aspect.slug), col(Aspect.name), *sort_columns(ASPECT_SORT))
    return query.where(col(Aspect.id).in_(shared))


@cache
def rows_select() -> AnySelect:
    query = description_select(col(Description.discipline_id), col(Description.source_id)).where(
        col(Description.aspect_id).in_(ids_param()),
        col(Description.discipline_id).in_(ids_param("disciplines")),
    )
    return query.order_by(col(Description.source_id), col(Description.id))
