"""Small factories for rows the tests need; each returns the saved object."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.store.models import Aspect, Description, Discipline, Source


def _save(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_source(session: Session, slug: str = "src", **fields: Any) -> Source:
    values = {
        "title": slug.title(),
        "file_name": f"{slug}.txt",
        "format": "pipe-table",
        "sha256": "0" * 64,
    } | fields
    return _save(session, Source(slug=slug, **values))


def make_discipline(
    session: Session, slug: str = "production-management", **fields: Any
) -> Discipline:
    return _save(session, Discipline(slug=slug, name=fields.pop("name", slug.title()), **fields))


def make_aspect(session: Session, slug: str = "focus", **fields: Any) -> Aspect:
    return _save(session, Aspect(slug=slug, name=fields.pop("name", slug.title()), **fields))


def make_description(
    session: Session, source: Source, aspect: Aspect, discipline: Discipline, **fields: Any
) -> Description:
    values = {
        "label": aspect.name,
        "text": "Some text.",
        "position": 1,
        "line_start": 1,
        "line_end": 1,
    } | fields
    row = Description(
        source_id=source.id, aspect_id=aspect.id, discipline_id=discipline.id, **values
    )
    return _save(session, row)
