"""Comparison rows from table blocks, whatever format the table came from.

A comparison table names the compared disciplines in its header row and an aspect in the first
cell of every other row. Cells that span columns or rows are expanded first, so a cell with
``colspan=2`` says the same about both disciplines it covers and a ``rowspan`` cell the same on
both aspects. Then each body row is one of:

- a **group row** (one cell across the whole table, or text in the first cell and nothing
  else): a section heading inside the table, reported, never an aspect;
- an **aspect row**: one cell per discipline; an empty cell is reported with its line;
- a row that names an aspect already seen in this table (by key, so "Scope" and "SCOPE" are
  one): reported, and the first one kept.

One irregular row never rejects the table. A table whose header does not name at least two
columns after the aspect column, or that has no aspect rows, is not a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.names import slugify
from seed.blocks import Table, TableCell
from seed.records import Cell, ComparisonRow, SkippedSegment, Span
from seed.text import excerpt

GROUP_ROW = "group row: taken as a section heading, not an aspect"
EMPTY_CELL = "empty cell: the source says nothing here"
DUPLICATE_ASPECT = "duplicate aspect: the table names it twice; the first row is kept"
EXTRA_CELL = "extra cell: the row has more cells than the header names; they are left out"
NO_ASPECT = "row without an aspect in its first cell"


@dataclass(frozen=True, slots=True)
class _Slot:
    """One grid position: the cell that covers it, and whether it is that cell's first."""

    cell: TableCell
    first: bool


@dataclass(slots=True)
class TableRows:
    rows: list[ComparisonRow] = field(default_factory=list)
    skipped: list[SkippedSegment] = field(default_factory=list)


def grid(table: Table) -> list[list[_Slot | None]]:
    """The table as a rectangle: spanning cells repeated in every position they cover."""
    rows: list[list[_Slot | None]] = []
    pending: dict[tuple[int, int], _Slot] = {}  # (row, column) covered by a rowspan above
    for r, row in enumerate(table.rows):
        slots: list[_Slot | None] = []
        column = 0
        cells = iter(row.cells)
        cell = next(cells, None)
        while cell is not None or (r, column) in pending:
            if (r, column) in pending:
                slots.append(pending.pop((r, column)))
                column += 1
                continue
            assert cell is not None
            for offset in range(max(cell.colspan, 1)):
                slots.append(_Slot(cell, offset == 0))
                for below in range(1, max(cell.rowspan, 1)):
                    pending[(r + below, column + offset)] = _Slot(cell, False)
            column += max(cell.colspan, 1)
            cell = next(cells, None)
        rows.append(slots)
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]


def comparison_rows(table: Table) -> TableRows | None:
    """The table's comparison rows, or None when it is not a comparison table."""
    slots = grid(table)
    if len(slots) < 2:
        return None
    header_index = _header_index(table, slots)
    header = slots[header_index]
    columns = [
        (index, slot.cell.text)
        for index, slot in enumerate(header)
        if index > 0 and slot is not None and slot.cell.text
    ]
    names = list(dict.fromkeys(text for _, text in columns))
    if len(names) < 2:
        return None
    found = TableRows()
    seen: set[str] = set()
    for row_slots, row in zip(
        slots[header_index + 1 :], table.rows[header_index + 1 :], strict=True
    ):
        texts = [slot.cell.text if slot else "" for slot in row_slots]
        if not any(texts):
            continue
        distinct = {id(slot.cell) for slot in row_slots if slot is not None and slot.cell.text}
        first = texts[0]
        if len(distinct) == 1 and (not first or all(not t or t == first for t in texts)):
            heading = next(t for t in texts if t)
            found.skipped.append(SkippedSegment(row.span, GROUP_ROW, excerpt(heading)))
            continue
        if not first:
            found.skipped.append(SkippedSegment(row.span, NO_ASPECT, excerpt(" | ".join(texts))))
            continue
        key = slugify(first)
        if key in seen:
            found.skipped.append(SkippedSegment(row.span, DUPLICATE_ASPECT, excerpt(first)))
            continue
        seen.add(key)
        cells: list[Cell] = []
        for index, discipline in columns:
            slot = row_slots[index] if index < len(row_slots) else None
            if slot is None or not slot.cell.text:
                found.skipped.append(
                    SkippedSegment(row.span, EMPTY_CELL, excerpt(f"{first} / {discipline}"))
                )
                continue
            if slot is row_slots[0] or slot.cell is row_slots[0].cell:  # type: ignore[union-attr]
                continue
            cells.append(Cell(discipline, slot.cell.text, slot.cell.span))
        width = max(index for index, _ in columns) + 1
        surplus = [slot.cell.text for slot in row_slots[width:] if slot is not None and slot.first]
        if any(surplus):
            found.skipped.append(SkippedSegment(row.span, EXTRA_CELL, excerpt(" | ".join(surplus))))
        if cells:
            aspect_span = row_slots[0].cell.span if row_slots[0] else row.span
            span = Span(min(aspect_span.start, *(c.span.start for c in cells)),
                        max(aspect_span.end, *(c.span.end for c in cells)))  # fmt: skip
            found.rows.append(ComparisonRow(first, tuple(cells), span))
    return found if found.rows else None


def _header_index(table: Table, slots: list[list[_Slot | None]]) -> int:
    """The row that names the disciplines: the last of the leading header rows that names two
    or more columns (a header-styled group row such as ``<th colspan=3>`` names one), else the
    first row with two or more texts after the first column."""
    leading = 0
    while leading < len(table.rows) and table.rows[leading].header:
        leading += 1
    naming = [index for index in range(leading) if _named_columns(slots[index]) >= 2]
    if naming:
        return naming[-1]
    for index, row in enumerate(slots):
        if _named_columns(row) >= 2:
            return index
    return 0


def _named_columns(row: list[_Slot | None]) -> int:
    return len({id(slot.cell) for slot in row[1:] if slot is not None and slot.cell.text})
