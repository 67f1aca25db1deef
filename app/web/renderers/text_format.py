"""An aligned plain-text table for reading in a terminal; long values wrap in their column."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from app.web.renderers.registry import Renderer, Views
from app.web.renderers.tables import cells

TEXT_COLUMN_WIDTH = 48


def to_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    table = [[_wrap(row.get(column)) for column in columns] for row in rows]
    widths = [
        max([len(column)] + [len(line) for row in table for line in row[index]])
        for index, column in enumerate(columns)
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in table:
        for depth in range(max((len(cell) for cell in row), default=1)):
            parts = [(cell[depth] if depth < len(cell) else "") for cell in row]
            lines.append("  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _wrap(value: Any) -> list[str]:
    text = "" if value is None else " ".join(str(value).split())
    return textwrap.wrap(text, TEXT_COLUMN_WIDTH) or [""]


def _render(views: Views) -> bytes:
    assert views.table is not None
    table = views.table()
    columns, rows = cells(table, narrow=True)
    footer = "".join(f"\n{line}" for line in table.footer)
    return (to_text(columns, rows) + footer + "\n").encode()


TEXT = Renderer(
    name="text",
    media_type="text/plain; charset=utf-8",
    ranges=("text/plain", "text/*"),
    needs="table",
    render=_render,
    schema={"type": "string"},
    description="An aligned text table with wrapped cells, for a terminal.",
)
