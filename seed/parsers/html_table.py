"""HTML comparison tables: the header row (``<thead>``/``<th>``, else the first row) labels the
columns, the first column is the aspect, nested markup is flattened and entities decoded.

Uses the stdlib ``HTMLParser`` because its ``getpos()`` gives source line numbers for spans;
selectolax builds a DOM without source positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from seed.parsers.rows import check_width, table_row
from seed.records import Cell, ComparisonRow, SkippedSegment, SourceError, Span
from seed.text import normalise_space

HTML_TABLE = "html-table"

_CELL_TAGS = frozenset({"td", "th"})
_SECTION_TAGS = frozenset({"thead", "tbody", "tfoot"})
# Tags that separate words when flattened, so "<p>a</p><p>b</p>" reads "a b", not "ab".
_WORD_BREAK_TAGS = frozenset({"br", "p", "div", "li", "ul", "ol", "hr"})


@dataclass(slots=True)
class _Cell:
    line: int
    end_line: int
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return normalise_space("".join(self.parts))


@dataclass(slots=True)
class _Row:
    line: int
    cells: list[_Cell] = field(default_factory=list)

    @property
    def end_line(self) -> int:
        return max([self.line, *(cell.end_line for cell in self.cells)])


@dataclass(slots=True)
class _Table:
    rows: list[_Row] = field(default_factory=list)
    row: _Row | None = None
    cell: _Cell | None = None

    def close_cell(self, line: int | None = None) -> None:
        if self.cell is not None and line is not None:
            self.cell.end_line = max(self.cell.end_line, line)
        self.cell = None

    def close_row(self) -> None:
        self.close_cell()
        if self.row is not None and self.row.cells:
            self.rows.append(self.row)
        self.row = None


class _TableCollector(HTMLParser):
    """Collects every table's rows and cells with their line numbers; ignores all else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._open: list[_Table] = []  # nested tables, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "table":
            self._open.append(_Table())
            return
        if not self._open:
            return
        table = self._open[-1]
        if tag == "tr" or tag in _SECTION_TAGS:
            table.close_row()
            if tag == "tr":
                table.row = _Row(line)
        elif tag in _CELL_TAGS:
            table.close_cell()
            if table.row is None:
                table.row = _Row(line)
            table.cell = _Cell(line, line)
            table.row.cells.append(table.cell)
        elif tag in _WORD_BREAK_TAGS and table.cell is not None:
            table.cell.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        table = self._open[-1]
        if tag == "table":
            table.close_row()
            self.tables.append(self._open.pop())
        elif tag == "tr":
            table.close_row()
        elif tag in _CELL_TAGS:
            table.close_cell(self.getpos()[0])
        elif tag in _WORD_BREAK_TAGS and table.cell is not None:
            table.cell.parts.append(" ")

    def close(self) -> None:
        super().close()
        # A table left open at the end of the document still counts.
        while self._open:
            table = self._open.pop()
            table.close_row()
            self.tables.append(table)

    def handle_data(self, data: str) -> None:
        if self._open and (cell := self._open[-1].cell) is not None:
            cell.parts.append(data)
            if data.strip():
                cell.end_line = max(cell.end_line, self.getpos()[0] + data.rstrip().count("\n"))


def parse_html_tables(
    file_name: str, text: str, *, strict: bool
) -> tuple[list[ComparisonRow], list[SkippedSegment]]:
    collector = _TableCollector()
    collector.feed(text)
    collector.close()
    rows: list[ComparisonRow] = []
    skipped: list[SkippedSegment] = []
    for table in sorted(
        collector.tables, key=lambda table: table.rows[0].line if table.rows else 0
    ):
        _read_table(file_name, table, rows, skipped, strict=strict)
    return rows, skipped


def _read_table(
    file_name: str,
    table: _Table,
    rows: list[ComparisonRow],
    skipped: list[SkippedSegment],
    *,
    strict: bool,
) -> None:
    if len(table.rows) < 2 or len(table.rows[0].cells) < 2:
        return  # no header plus body: a layout table, not a comparison
    header, *body = table.rows
    labels = [cell.text for cell in header.cells[1:]]
    if not all(labels):
        raise SourceError(file_name, "table header has an empty column label", line=header.line)
    for row in body:
        check_width(file_name, len(row.cells), len(header.cells), line=row.line, unit="cells")
        aspect, *texts = row.cells
        cells = (
            Cell(label, cell.text, Span(cell.line, cell.end_line))
            for label, cell in zip(labels, texts, strict=True)
        )
        context = " ".join(cell.text for cell in row.cells)
        span = Span(row.line, row.end_line)
        record, row_skipped = table_row(file_name, aspect.text, cells, span, context, strict=strict)
        skipped.extend(row_skipped)
        if record is not None:
            rows.append(record)
