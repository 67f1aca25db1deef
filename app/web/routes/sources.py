"""Sources: the documents the dataset was imported from, with their import reports, attribution
and text."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.domain.errors import BadRequest, NotFound
from app.store.dialect import fetch
from app.store.lookup import SOURCES, require_term
from app.store.reads.common import revision_of
from app.store.reads.sources import SORTS, list_select, one_select, source_lines
from app.web import schemas
from app.web.declare import DATASET_RESOURCE
from app.web.pagination import paginate, with_query
from app.web.params import PageDep
from app.web.renderers import Table
from app.web.responses import page_footer, page_headers, page_response, render
from app.web.routing import read_router

router = read_router("sources")

TEXT_COLUMNS = ("slug", "title", "file", "formats", "imported_at")
MAX_LINES = 200  # lines one answer holds, as many as a page of a collection
_LAST_LINE = 2**31 - 1
SlugPath = Annotated[str, Path(max_length=300, examples=["structured-comparison"])]


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
    slug: SlugPath,
) -> Response:
    term = require_term(connection, SOURCES, slug)
    (source,) = fetch(connection, one_select(), {"id": term.id})
    model = to_source(source, with_report=True)
    skipped = (model.report or {}).get("skipped", [])
    table = Table(skipped, columns=("line_start", "line_end", "reason"))
    return render(request, model, table, revision=revision_of(connection, "source", term.id))


@router.get(
    declaration=DATASET_RESOURCE,
    path="/sources/{slug}/lines",
    response_model=schemas.SourceLines,
    summary="Lines of a source's text",
    description="The source's text as the importer decoded it, numbered as every fact's "
    f"`line_start` and `line_end` count, at most {MAX_LINES} lines an answer: `start` and `end` "
    "(inclusive) choose them, an `end` past the last line stops at it, and `next` links the "
    "lines that follow (also as `Link`; `X-Total-Count` is the number of lines).",
    responses={
        400: {"description": f"`end` before `start`, `start` past the last line, or over "
              f"{MAX_LINES} lines."},
        404: {"description": "No source matches (`suggestions` lists close slugs), or it has "
              "no text stored."},
    },
)  # fmt: skip
def get_source_lines(
    request: Request,
    connection: Connection,
    slug: SlugPath,
    start: Annotated[
        int, Query(ge=1, le=_LAST_LINE, description="First line (1-based).", examples=[12])
    ] = 1,
    end: Annotated[
        int | None,
        Query(
            ge=1,
            le=_LAST_LINE,
            description=f"Last line, inclusive (default: {MAX_LINES} lines from `start`).",
            examples=[14],
        ),
    ] = None,
) -> Response:
    term = require_term(connection, SOURCES, slug)
    (source,) = fetch(connection, one_select(), {"id": term.id})
    if not source.line_count:
        raise NotFound(
            f"Source {source.slug!r} has no text stored: it was imported before sources kept "
            "their text. Re-import it with `versus seed --force`."
        )
    last = _last_line(start, end, source.line_count)
    items = source_lines(connection, term.id, start, last)
    next_url = _following(request, start, last, source.line_count, sized=end is not None)
    ref = {"slug": source.slug, "title": source.title, "file": source.file_name}
    model = {"source": ref, "items": items, "total": source.line_count, "start": start,
             "end": last, "next": next_url}  # fmt: skip
    footer = page_footer(len(items), source.line_count, next_url)
    table = Table(items, columns=("number", "text"), footer=footer)
    headers = page_headers(source.line_count, next_url)
    revision = revision_of(connection, "source", term.id)
    return render(request, model, table, headers=headers, revision=revision)


def _last_line(start: int, end: int | None, total: int) -> int:
    """The last line to answer with, or a 400 problem naming what is wrong with the range."""
    if end is not None and end < start:
        raise _bad_range("end", f"`end` ({end}) is before `start` ({start}).")
    if start > total:
        raise _bad_range("start", f"Line {start} is past the end: the text has {total} lines.")
    last = min(end if end is not None else start + MAX_LINES - 1, total)
    if last - start + 1 > MAX_LINES:
        raise _bad_range(
            "end", f"Lines {start} to {last} are {last - start + 1} lines; ask for at most "
            f"{MAX_LINES} at a time and follow `next`."
        )  # fmt: skip
    return last


def _following(request: Request, start: int, last: int, total: int, *, sized: bool) -> str | None:
    """The link to the lines after ``last``, as many as this answer held if ``sized``."""
    if last >= total:
        return None
    following = {"start": str(last + 1)}
    if sized:
        following["end"] = str(min(2 * last - start + 1, total))
    return with_query(request, following, ("end",))


def _bad_range(name: str, detail: str) -> BadRequest:
    return BadRequest(
        detail, invalid_params=[{"in": "query", "name": name, "reason": "out of range"}]
    )


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
        url=source.url,
        author=source.author,
        licence=source.licence,
        retrieved=source.retrieved,
        lines=source.line_count,
        counts=dict(report.get("counts", {})),
        report=report if with_report else None,
    )
