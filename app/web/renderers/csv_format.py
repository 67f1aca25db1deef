"""CSV (RFC 4180, CRLF line ends): one row per item, nested objects as dotted columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.web.renderers.registry import Renderer, Views
from app.web.renderers.tables import cells


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def _render(views: Views) -> bytes:
    assert views.table is not None
    return to_csv(*cells(views.table())).encode()


CSV = Renderer(
    name="csv",
    media_type="text/csv; charset=utf-8",
    ranges=("text/csv",),
    needs="table",
    render=_render,
    schema={"type": "string", "examples": ["slug,name\r\nscope,Scope\r\n"]},
    description="CSV with a header row; nested objects flattened to dotted columns.",
)
