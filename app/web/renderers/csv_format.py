"""CSV (RFC 4180, CRLF line ends): one row per item, nested objects as dotted columns.

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return for a formula, and a formula in source text (``=HYPERLINK(…)``) would run on the machine
of whoever opens the file. As OWASP's guidance on CSV injection advises, such a text cell starts
with ``'``, which spreadsheets take to mean "text" and do not show; JSON keeps the text as is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.web.renderers.registry import Renderer, Views
from app.web.renderers.tables import cells

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
