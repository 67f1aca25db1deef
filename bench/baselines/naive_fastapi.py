"""The baseline: the FastAPI + SQLModel app a developer writes first, over the versus database.

It answers what the benchmark asks of versus, the straightforward way: a ``Session`` per
request, ORM objects from ``select(...)``, ``response_model=`` pydantic models, OFFSET
pagination with a ``COUNT(*)`` per page, ``LIKE`` for text, and every related row (discipline,
source, aliases) fetched with a query of its own. Only versus' table models are shared; none of
its query or route code is, so the difference the benchmark shows is the difference in approach.

    NAIVE_DATABASE_URL=sqlite:///versus.db uvicorn bench.baselines.naive_fastapi:app
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, create_engine, select

from app.store.models import Aspect, AspectAlias, Description, Discipline, Source

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]


class DisciplineOut(BaseModel):
    slug: str
    name: str


class AspectRefOut(BaseModel):
    slug: str
    name: str


class SourceOut(BaseModel):
    slug: str
    title: str
    file: str


class DescriptionOut(BaseModel):
    id: int
    aspect: AspectRefOut
    discipline: DisciplineOut
    source: SourceOut
    label: str
    text: str
    line_start: int
    line_end: int


class AspectOut(BaseModel):
    slug: str
    name: str
    aliases: list[str]


class AspectDetail(AspectOut):
    descriptions: list[DescriptionOut]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class CompareRow(BaseModel):
    source: SourceOut
    label: str
    cells: dict[str, str | None]


class Comparison(BaseModel):
    aspect: AspectRefOut
    disciplines: list[DisciplineOut]
    rows: list[CompareRow]


engine = create_engine(
    os.environ.get("NAIVE_DATABASE_URL", "sqlite:///versus.db"),
    connect_args={"check_same_thread": False},
)
app = FastAPI(title="naive versus")


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/aspects", response_model=Page[AspectOut])
def list_aspects(
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
    sort: Literal["slug", "-slug", "name", "-name"] = "slug",
    discipline: str | None = None,
    source: str | None = None,
    q: str | None = None,
) -> Page[AspectOut]:
    query = select(Aspect)
    if discipline or source or q:
        query = query.join(Description, Description.aspect_id == Aspect.id).distinct()
    if discipline:
        query = query.where(Description.discipline_id == _discipline(session, discipline).id)
    if source:
        query = query.where(Description.source_id == _source(session, source).id)
    if q:
        query = query.where(or_(Aspect.name.ilike(f"%{q}%"), Description.text.ilike(f"%{q}%")))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    column = Aspect.slug if sort.endswith("slug") else Aspect.name
    order = column.desc() if sort.startswith("-") else column.asc()
    aspects = session.exec(query.order_by(order, Aspect.id).offset(offset).limit(limit)).all()
    items = [_aspect_out(session, aspect) for aspect in aspects]
    return Page[AspectOut](items=items, total=total, limit=limit, offset=offset)


@app.get("/aspects/{key}", response_model=AspectDetail)
def get_aspect(session: SessionDep, key: str) -> AspectDetail:
    aspect = _aspect(session, key)
    descriptions = session.exec(
        select(Description).where(Description.aspect_id == aspect.id).order_by(Description.id)
    ).all()
    return AspectDetail(
        **_aspect_out(session, aspect).model_dump(),
        descriptions=[_description_out(session, d) for d in descriptions],
    )


@app.get("/descriptions", response_model=Page[DescriptionOut])
def list_descriptions(
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
    sort: Literal["id", "-id"] = "id",
    aspect: str | None = None,
    discipline: str | None = None,
    source: str | None = None,
    q: str | None = None,
) -> Page[DescriptionOut]:
    query = select(Description)
    if aspect:
        query = query.where(Description.aspect_id == _aspect(session, aspect).id)
    if discipline:
        query = query.where(Description.discipline_id == _discipline(session, discipline).id)
    if source:
        query = query.where(Description.source_id == _source(session, source).id)
    if q:
        query = query.where(_text_matches(q))
    order = Description.id.desc() if sort == "-id" else Description.id.asc()
    return _description_page(session, query.order_by(order), limit, offset)


@app.get("/search", response_model=Page[DescriptionOut])
def search(
    session: SessionDep, q: Annotated[str, Query(min_length=1)], limit: Limit = 20,
    offset: Offset = 0,
) -> Page[DescriptionOut]:  # fmt: skip
    query = select(Description).where(_text_matches(q)).order_by(Description.id)
    return _description_page(session, query, limit, offset)


@app.get("/compare", response_model=Comparison)
def compare(session: SessionDep, aspect: str) -> Comparison:
    found = _aspect(session, aspect)
    descriptions = session.exec(
        select(Description).where(Description.aspect_id == found.id).order_by(Description.id)
    ).all()
    disciplines: dict[int, Discipline] = {}
    rows: dict[int, CompareRow] = {}
    for description in descriptions:
        discipline = session.get(Discipline, description.discipline_id)
        assert discipline is not None
        disciplines[discipline.id or 0] = discipline
        if description.source_id not in rows:
            rows[description.source_id] = CompareRow(
                source=_source_out(session, description.source_id),
                label=description.label,
                cells={},
            )
        rows[description.source_id].cells[discipline.slug] = description.text
    ordered = sorted(disciplines.values(), key=lambda d: d.slug)
    for row in rows.values():
        row.cells = {d.slug: row.cells.get(d.slug) for d in ordered}
    return Comparison(
        aspect=AspectRefOut(slug=found.slug, name=found.name),
        disciplines=[DisciplineOut(slug=d.slug, name=d.name) for d in ordered],
        rows=list(rows.values()),
    )


def _text_matches(q: str) -> Any:
    return or_(Description.text.ilike(f"%{q}%"), Description.label.ilike(f"%{q}%"))


def _description_page(session: Session, query: Any, limit: int, offset: int) -> Any:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    descriptions = session.exec(query.offset(offset).limit(limit)).all()
    items = [_description_out(session, d) for d in descriptions]
    return Page[DescriptionOut](items=items, total=total, limit=limit, offset=offset)


def _aspect(session: Session, key: str) -> Aspect:
    query = select(Aspect).where(or_(Aspect.slug == key, Aspect.name == key))
    aspect = session.exec(query).first()
    if aspect is None:
        raise HTTPException(404, f"No aspect {key!r}")
    return aspect


def _discipline(session: Session, slug: str) -> Discipline:
    discipline = session.exec(select(Discipline).where(Discipline.slug == slug)).first()
    if discipline is None:
        raise HTTPException(400, f"No discipline {slug!r}")
    return discipline


def _source(session: Session, slug: str) -> Source:
    source = session.exec(select(Source).where(Source.slug == slug)).first()
    if source is None:
        raise HTTPException(400, f"No source {slug!r}")
    return source


def _aspect_out(session: Session, aspect: Aspect) -> AspectOut:
    aliases = session.exec(select(AspectAlias).where(AspectAlias.aspect_id == aspect.id)).all()
    return AspectOut(slug=aspect.slug, name=aspect.name, aliases=[a.alias for a in aliases])


def _source_out(session: Session, source_id: int) -> SourceOut:
    source = session.get(Source, source_id)
    assert source is not None
    return SourceOut(slug=source.slug, title=source.title, file=source.file_name)


def _description_out(session: Session, description: Description) -> DescriptionOut:
    # One lookup per related row: what a model without relationships loaded up front costs.
    aspect = session.get(Aspect, description.aspect_id)
    discipline = session.get(Discipline, description.discipline_id)
    assert aspect is not None
    assert discipline is not None
    return DescriptionOut(
        id=description.id or 0,
        aspect=AspectRefOut(slug=aspect.slug, name=aspect.name),
        discipline=DisciplineOut(slug=discipline.slug, name=discipline.name),
        source=_source_out(session, description.source_id),
        label=description.label,
        text=description.text,
        line_start=description.line_start,
        line_end=description.line_end,
    )
