"""What every table parser does with one row: check its width against the header, then keep the
non-empty cells and report the empty ones."""

from __future__ import annotations

from collections.abc import Iterable

from seed.parsers.document import problem
from seed.records import Cell, ComparisonRow, SkippedSegment, SourceError, Span


def check_width(file_name: str, found: int, expected: int, *, line: int, unit: str) -> None:
    """A row must have exactly as many ``unit``s (cells, fields) as the header: never guess."""
    if found != expected:
        shortfall = f"missing {unit[:-1]}" if found < expected else f"too many {unit}"
        message = f"row has {found} {unit} but the header has {expected} ({shortfall})"
        raise SourceError(file_name, message, line=line)


def table_row(
    file_name: str, aspect: str, cells: Iterable[Cell], span: Span, context: str, *, strict: bool
) -> tuple[ComparisonRow | None, list[SkippedSegment]]:
    """The row with its non-empty cells (None if none) and a skipped segment per empty cell.

    ``context`` is the source text shown as the excerpt of those skipped segments.
    """
    if not aspect:
        return None, [
            problem(file_name, span, "row has an empty aspect cell", context, strict=strict)
        ]
    kept: list[Cell] = []
    skipped: list[SkippedSegment] = []
    for cell in cells:
        if cell.text:
            kept.append(cell)
        else:
            reason = f"empty cell for {cell.discipline}"
            skipped.append(problem(file_name, cell.span, reason, context, strict=strict))
    return (ComparisonRow(aspect, tuple(kept), span) if kept else None), skipped
