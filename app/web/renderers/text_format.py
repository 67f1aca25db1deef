"""An aligned plain-text table for reading in a terminal; long values wrap in their column.

Text from the sources reaches a terminal here, so nothing in it may act on the terminal: C0 and
C1 control characters (escape sequences move the cursor, recolour, retitle the window, write
to the clipboard) and the bidirectional embeddings, overrides and isolates (which show text in
another order than it is stored) are shown as escapes, ``\x1b`` or ``\u202e``. Newlines and
tabs in a value become spaces, as any run of whitespace does when a cell is wrapped.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from app.web.renderers.registry import Renderer, Views
from app.web.renderers.tables import cells

TEXT_COLUMN_WIDTH = 48
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on shown as its escape."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def to_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    header = [visible(column) for column in columns]
    table = [[_wrap(row.get(column)) for column in columns] for row in rows]
    widths = [
        max([len(name)] + [len(line) for row in table for line in row[index]])
        for index, name in enumerate(header)
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in table:
        for depth in range(max((len(cell) for cell in row), default=1)):
            parts = [(cell[depth] if depth < len(cell) else "") for cell in row]
            lines.append("  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _wrap(value: Any) -> list[str]:
    text = "" if value is None else visible(" ".join(str(value).split()))
    return textwrap.wrap(text, TEXT_COLUMN_WIDTH) or [""]


def _render(views: Views) -> bytes:
    assert views.table is not None
    table = views.table()
    columns, rows = cells(table, narrow=True)
    footer = "".join(f"\n{visible(line)}" for line in table.footer)
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
