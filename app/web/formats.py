"""Response formats: JSON (default), CSV, and an aligned plain-text table for curl users.

The format comes from ``?format=`` if given, else from the ``Accept`` header. Every endpoint
renders through :func:`render`, which takes the JSON-shaped model and, for CSV and text, a table
view of it: columns and rows, nested objects flattened to dotted names (``discipline.slug``).
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson
from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from app.domain.errors import BadRequest, NotAcceptable


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    TEXT = "text"


MEDIA_TYPES = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv; charset=utf-8",
    Format.TEXT: "text/plain; charset=utf-8",
}
_BY_MEDIA = {"application/json": Format.JSON, "text/csv": Format.CSV, "text/plain": Format.TEXT}
TEXT_COLUMN_WIDTH = 48


def negotiate(request: Request) -> Format:
    """The format asked for: ``?format=`` wins over ``Accept``; JSON when neither says."""
    asked = request.query_params.get("format")
    if asked is not None:
        try:
            return Format(asked.lower())
        except ValueError:
            raise BadRequest(
                f"Unknown format {asked!r}; use json, csv or text (or an Accept header).",
                invalid_params=[{"in": "query", "name": "format", "reason": "unknown format"}],
            ) from None
    accept = request.headers.get("accept", "")
    return _from_accept(accept) if accept.strip() else Format.JSON


def _from_accept(accept: str) -> Format:
    ranked: list[tuple[float, int, Format]] = []
    for order, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = _quality(params)
        media = media.strip().lower()
        if quality <= 0:
            continue
        if media in ("*/*", "application/*", ""):
            ranked.append((quality, order, Format.JSON))
        elif media == "text/*":
            ranked.append((quality, order, Format.TEXT))
        elif media in _BY_MEDIA:
            ranked.append((quality, order, _BY_MEDIA[media]))
        elif media.endswith("+json"):
            ranked.append((quality, order, Format.JSON))
    if not ranked:
        raise NotAcceptable(
            f"Cannot answer in any type the Accept header lists ({accept!r}). Available: "
            "application/json, text/csv, text/plain (or ?format=json|csv|text)."
        )
    return max(ranked, key=lambda item: (item[0], -item[1]))[2]


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


@dataclass(frozen=True)
class Table:
    """A tabular view of a response, for CSV and text."""

    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[str] | None = None  # default: every flattened key, in first-seen order
    text_columns: Sequence[str] | None = None  # the narrower set for the text table
    footer: list[str] = field(default_factory=list)


def render(
    request: Request,
    model: BaseModel | Mapping[str, Any],
    table: Table | Callable[[], Table] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``model`` as JSON, or ``table`` as CSV or text; pass the table as a function when
    building it costs something, so a JSON answer never builds it.

    ``model`` is a pydantic model, or a mapping already shaped as the JSON (plain values, in its
    schema's key order, nothing orjson would write differently from pydantic, such as dates).
    """
    fmt = negotiate(request)
    if fmt is Format.JSON or table is None:
        if isinstance(model, BaseModel):
            body = model.__pydantic_serializer__.to_json(model)
        else:
            body = orjson.dumps(model)
        return Response(body, status_code, headers, MEDIA_TYPES[Format.JSON])
    if callable(table):
        table = table()
    flat = [flatten(row) for row in table.rows]
    columns = list(table.columns or _keys(flat))
    if fmt is Format.CSV:
        return Response(to_csv(columns, flat), status_code, headers, MEDIA_TYPES[fmt])
    text_columns = list(table.text_columns or columns)
    text = to_text(text_columns, flat) + "".join(f"\n{line}" for line in table.footer) + "\n"
    return Response(text, status_code, headers, MEDIA_TYPES[fmt])


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys; lists of plain values are joined with "; "."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat.update(flatten(item, f"{name}."))
        elif isinstance(item, list) and all(not isinstance(i, Mapping | list) for i in item):
            flat[name] = "; ".join(str(i) for i in item)
        elif isinstance(item, list):
            flat[name] = orjson.dumps(item).decode()
        else:
            flat[name] = item
    return flat


def _keys(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def to_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """An aligned table; long values wrap within their column instead of running on."""
    cells = [[_wrap(row.get(column)) for column in columns] for row in rows]
    widths = [
        max([len(column)] + [len(line) for row in cells for line in row[index]])
        for index, column in enumerate(columns)
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        for depth in range(max((len(cell) for cell in row), default=1)):
            parts = [(cell[depth] if depth < len(cell) else "") for cell in row]
            lines.append("  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _wrap(value: Any) -> list[str]:
    text = "" if value is None else " ".join(str(value).split())
    return textwrap.wrap(text, TEXT_COLUMN_WIDTH) or [""]
