"""Sources: the documents the dataset was imported from, with their import reports."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.store.dialect import fetch
from app.store.lookup import SOURCES, require_term
from app.store.reads.common import revision_of
from app.store.reads.sources import SORTS, list_select, one_select
from app.web import schemas
from app.web.declare import DATASET_RESOURCE
from app.web.pagination import paginate
from app.web.params import PageDep
from app.web.renderers import Table
from app.web.responses import page_response, render
from app.web.routing import read_router

router = read_router("sources")

TEXT_COLUMNS = ("slug", "title", "file", "formats", "imported_at")


@router.get("/sources", response_model=schemas.Page[schemas.Source], summary="List sources")
def list_sources(
    request: Request,
    connection: Connection,
    page: PageDep,
    sort: Annotated[Literal["slug", "-slug"], Query(description="Order.")] = "slug",
) -> Response:
    result = paginate(connection, list_select(SORTS[sort]), SORTS[sort], page, request)
    items = [to_source(row) for row in result.rows]
    return page_response(request, result, items, page.limit, text_columns=TEXT_COLUMNS)


@router.get(
    declaration=DATASET_RESOURCE,
    path="/sources/{slug}",
    response_model=schemas.Source,
    summary="One source, with its import report",
    description="The report lists the formats recognised, rows imported per entity, and every "
    "skipped segment with its lines and reason. `slug` may also be the file name.",
    responses={404: {"description": "No source matches; `suggestions` lists close slugs."}},
)
def get_source(
    request: Request,
    connection: Connection,
    slug: Annotated[str, Path(max_length=300, examples=["structured-comparison"])],
) -> Response:
    term = require_term(connection, SOURCES, slug)
    (source,) = fetch(connection, one_select(), {"id": term.id})
    model = to_source(source, with_report=True)
    skipped = (model.report or {}).get("skipped", [])
    table = Table(skipped, columns=("line_start", "line_end", "reason"))
    return render(request, model, table, revision=revision_of(connection, "source", term.id))


def to_source(source: Any, *, with_report: bool = False) -> schemas.Source:
    """A source from a :func:`source_select` row."""
    report = source.report or {}
    return schemas.Source(
        slug=source.slug,
        title=source.title,
        file=source.file_name,
        formats=[f for f in source.format.split(",") if f],
        sha256=source.sha256,
        # SQLite hands back naive datetimes; every timestamp the service stores is UTC.
        imported_at=source.imported_at.replace(tzinfo=source.imported_at.tzinfo or UTC),
        counts=dict(report.get("counts", {})),
        report=report if with_report else None,
    )
