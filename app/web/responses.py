"""Building responses: one answer in the negotiated format, and pages of collections."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from app.web.declare import PRIVATE
from app.web.pagination import PageResult
from app.web.pipeline.conditional import FORMAT_STATE, resource_etag
from app.web.renderers import Renderer, Table, Views
from app.web.schemas import Page

TOTAL_COUNT_HEADER = "X-Total-Count"
_PAGE = Page[Any]  # parametrised once: each Page[...] subscription builds a class lookup


def negotiated(request: Request) -> Renderer:
    """The format the pipeline negotiated for this request, or negotiated here for a route
    the pipeline did not label."""
    found = request.scope.get("state", {}).get(FORMAT_STATE)
    if isinstance(found, Renderer):
        return found
    views = getattr(request.scope.get("route"), "declaration", PRIVATE).views
    formats = request.app.state.formats
    renderer: Renderer = formats.negotiate(
        request.query_params.get("format"), request.headers.get("accept", ""), views
    )
    return renderer


def render(
    request: Request,
    model: BaseModel | Mapping[str, Any],
    table: Table | Callable[[], Table] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    revision: int | None = None,
) -> Response:
    """``model`` in the negotiated format; pass ``table`` as a function when building it
    costs something, so a JSON answer never builds it. ``revision``, for one resource, is the
    latest revision of the rows it shows: its ETag comes from it.

    ``model`` is a pydantic model, or a mapping already shaped as the JSON (plain values, in its
    schema's key order, nothing orjson would write differently from pydantic, such as dates).
    """
    renderer = negotiated(request)
    build = table if callable(table) or table is None else (lambda: table)
    body = renderer.render(Views(model, build))
    response = Response(body, status_code, headers, renderer.media_type)
    if revision is not None:
        response.headers["ETag"] = resource_etag(request.scope.get("state", {}), revision)
    return response


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
