"""Side-by-side comparison: for an aspect, what each source says about each discipline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.domain.errors import BadRequest
from app.store.dialect import fetch
from app.store.lookup import ASPECTS, DISCIPLINES, Term, require_filter, require_term
from app.store.reads.common import source_ref
from app.store.reads.compare import ASPECT_SORT, described_select, rows_select, shared_select
from app.web import schemas
from app.web.pagination import paginate
from app.web.params import PageDep
from app.web.renderers import Table
from app.web.responses import page_headers, render
from app.web.routing import bad_request, read_router

router = read_router("compare")

MAX_DISCIPLINES = 20


@router.get(
    "/compare",
    response_model=schemas.Comparison | schemas.ComparisonTable,
    summary="Compare disciplines on an aspect, or on every aspect they share",
    description="Give `aspect`, `disciplines`, or both; neither is a 400. With `aspect`: one "
    "row per source that describes it, a cell per discipline (null where the source says "
    "nothing). Without `aspect`: the aspects all the given disciplines are described on, each "
    "compared, paginated like a collection (`limit`, `cursor` or `offset`, `Link`, "
    "`X-Total-Count`).",
    responses={
        **bad_request(
            "Here also: neither `aspect` nor `disciplines`, a discipline named twice (even by two "
            f"of its names), or more than {MAX_DISCIPLINES} disciplines."
        ),
        404: {"description": "The aspect does not exist; `suggestions` lists close keys."},
    },
)
def compare(
    request: Request,
    connection: Connection,
    page: PageDep,
    aspect: Annotated[
        str | None,
        Query(
            max_length=300,
            description="The aspect: slug, name or alias. Give `aspect`, `disciplines`, or "
            "both (neither is a 400).",
            examples=["scope"],
        ),
    ] = None,
    disciplines: Annotated[
        str | None,
        Query(
            max_length=2000,
            description=f"Comma-separated disciplines (slug, name or alias), at most "
            f"{MAX_DISCIPLINES}, each once (naming one twice, even by two of its names, is a "
            "400). Needed without `aspect` (neither is a 400); with one, the default is every "
            "discipline it is described for.",
            examples=["production-management,operations-management"],
        ),
    ] = None,
) -> Response:
    chosen = _disciplines(connection, disciplines)
    if aspect is not None:
        return _one_aspect(request, connection, require_term(connection, ASPECTS, aspect), chosen)
    if not chosen:
        raise BadRequest(
            "Say what to compare: `aspect` (e.g. ?aspect=scope), `disciplines` "
            "(e.g. ?disciplines=production-management,operations-management), or both.",
            invalid_params=[
                {"in": "query", "name": name, "reason": "give aspect, disciplines or both"}
                for name in ("aspect", "disciplines")
            ],
        )
    return _shared_aspects(request, connection, chosen, page)


def _disciplines(connection: Connection, value: str | None) -> list[Term]:
    keys = [key.strip() for key in (value or "").split(",") if key.strip()]
    if len(keys) > MAX_DISCIPLINES:
        raise BadRequest(
            f"`disciplines` names {len(keys)}; compare at most {MAX_DISCIPLINES} at once.",
            invalid_params=[{"in": "query", "name": "disciplines", "reason": "too many"}],
        )
    named: dict[Term, str] = {}
    for key in keys:
        term = require_filter(connection, DISCIPLINES, "disciplines", key)
        if term in named:
            raise _named_twice(term, named[term], key)
        named[term] = key
    return list(named)


def _named_twice(term: Term, first: str, second: str) -> BadRequest:
    twice = (
        f"{first!r} twice"
        if first == second
        else (f"{term.name} ({term.slug}) twice, as {first!r} and {second!r}")
    )
    return BadRequest(
        f"`disciplines` names {twice}; name each discipline once.",
        invalid_params=[{"in": "query", "name": "disciplines", "reason": f"{term.slug} twice"}],
    )


def _one_aspect(
    request: Request, connection: Connection, aspect: Term, chosen: list[Term]
) -> Response:
    if not chosen:
        described = fetch(connection, described_select(), {"aspect_id": aspect.id})
        chosen = [Term(row.id, row.slug, row.name) for row in described]
    rows = _rows(connection, [aspect.id], chosen)[aspect.id]
    model = schemas.Comparison(
        aspect=schemas.AspectRef(slug=aspect.slug, name=aspect.name),
        disciplines=[schemas.DisciplineRef(slug=t.slug, name=t.name) for t in chosen],
        rows=rows,
    )
    return render(request, model, lambda: _table([(aspect.slug, rows)], chosen))


def _shared_aspects(
    request: Request, connection: Connection, chosen: list[Term], page: Any
) -> Response:
    ids = [term.id for term in chosen]
    binds = {"disciplines": ids, "n": len(ids)}
    result = paginate(connection, shared_select(), ASPECT_SORT, page, request, binds)
    by_aspect = _rows(connection, [row.id for row in result.rows], chosen)
    items = [
        schemas.AspectComparison(
            aspect=schemas.AspectRef(slug=row.slug, name=row.name), rows=by_aspect[row.id]
        )
        for row in result.rows
    ]
    model = schemas.ComparisonTable(
        disciplines=[schemas.DisciplineRef(slug=t.slug, name=t.name) for t in chosen],
        items=items,
        total=result.total,
        limit=page.limit,
        next=result.next_url,
    )
    groups = [(item.aspect.slug, item.rows) for item in items]
    headers = page_headers(result.total, result.next_url)
    return render(request, model, lambda: _table(groups, chosen), headers=headers)


def _rows(
    connection: Connection, aspect_ids: Sequence[int], chosen: Sequence[Term]
) -> dict[int, list[schemas.CompareRow]]:
    """Aspect id → one row per source, each with a cell per chosen discipline."""
    slugs = {term.id: term.slug for term in chosen}
    grouped: dict[tuple[int, int], dict[str, Any]] = {}
    binds = {"ids": list(aspect_ids), "disciplines": list(slugs)}
    for row in fetch(connection, rows_select(), binds):
        entry = grouped.setdefault(
            (row.aspect_id, row.source_id),
            {"source": source_ref(row), "label": row.label,
             "cells": dict.fromkeys(slugs.values()), "lines": dict.fromkeys(slugs.values())},
        )  # fmt: skip
        slug = slugs[row.discipline_id]
        entry["cells"][slug] = row.text
        entry["lines"][slug] = schemas.Lines(line_start=row.line_start, line_end=row.line_end)
    result: dict[int, list[schemas.CompareRow]] = {aspect_id: [] for aspect_id in aspect_ids}
    for (aspect_id, _source), entry in grouped.items():
        result[aspect_id].append(schemas.CompareRow(**entry))
    return result


def _table(groups: list[tuple[str, list[schemas.CompareRow]]], chosen: list[Term]) -> Table:
    rows = [
        {"aspect": slug, "source": row.source.slug, "label": row.label, **row.cells}
        for slug, compare_rows in groups
        for row in compare_rows
    ]
    columns = ["aspect", "source", "label", *(term.slug for term in chosen)]
    return Table(rows, columns=columns)
