"""Building collection responses and documenting the formats every read endpoint offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from app.web.formats import Table, render
from app.web.pagination import PageResult
from app.web.schemas import Page

TOTAL_COUNT_HEADER = "X-Total-Count"
_PAGE = Page[Any]  # parametrised once: each Page[...] subscription builds a class lookup

FORMAT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": "slug,name\r\nscope,Scope\r\n"},
            "text/plain": {"schema": {"type": "string"}},
        },
        "description": "JSON by default; CSV or an aligned text table with ?format= or Accept.",
    },
    400: {"description": "A bad parameter: unknown name, bad cursor, or a filter naming nothing."},
    406: {"description": "The Accept header lists no type this endpoint produces."},
}


def page_response(
    request: Request,
    result: PageResult,
    items: Sequence[BaseModel] | Sequence[Mapping[str, Any]],
    limit: int,
    *,
    text_columns: Sequence[str] | None = None,
    rows: Sequence[Mapping[str, Any]] | None = None,
) -> Response:
    """A page of a collection: the body, the ``Link`` and total-count headers, every format.

    ``items`` are models, or mappings already shaped as their JSON (see :func:`render`).
    """
    model: BaseModel | dict[str, Any]
    if any(isinstance(item, BaseModel) for item in items):
        model = _PAGE(items=list(items), total=result.total, limit=limit, next=result.next_url)
    else:
        model = {"items": list(items), "total": result.total, "limit": limit}
        model["next"] = result.next_url

    def table() -> Table:
        table_rows = rows if rows is not None else [_as_json(item) for item in items]
        footer = page_footer(len(items), result.total, result.next_url)
        return Table(table_rows, text_columns=text_columns, footer=footer)

    return render(request, model, table, headers=page_headers(result.total, result.next_url))


def _as_json(item: BaseModel | Mapping[str, Any]) -> Mapping[str, Any]:
    return item.model_dump(mode="json") if isinstance(item, BaseModel) else item


def page_headers(total: int, next_url: str | None) -> dict[str, str]:
    """The total-count header, and a ``Link`` to the next page when there is one."""
    headers = {TOTAL_COUNT_HEADER: str(total)}
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    return headers


def page_footer(shown: int, total: int, next_url: str | None) -> list[str]:
    """The last line of a text table: how much of the whole this page shows."""
    counted = f"{shown} of {total}"
    return [f"{counted}; next page: {next_url}" if next_url else counted]
