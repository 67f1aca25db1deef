"""CSV comparison tables (RFC 4180): a header row whose first column is the aspect column (any
name) and one column per discipline, then one row per aspect. Streams, so a 100,000-row file never
has to be held in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from seed.parsers.rows import check_width, table_row
from seed.records import Cell, ComparisonRow, SkippedSegment, SourceError, Span
from seed.text import normalise_space

CSV_FORMAT = "csv"


def iter_csv_rows(
    file_name: str, lines: Iterable[str], *, strict: bool = False
) -> Iterator[ComparisonRow]:
    """The comparison rows of a CSV file given as lines (with or without line terminators)."""
    for record in iter_csv_records(file_name, lines, strict=strict):
        if isinstance(record, ComparisonRow):
            yield record


def iter_csv_records(
    file_name: str, lines: Iterable[str], *, strict: bool = False
) -> Iterator[ComparisonRow | SkippedSegment]:
    """Rows, and skipped segments for empty cells, in file order.

    Raises ``SourceError`` naming the line for malformed quoting and for a row with fewer or more
    fields than the header. Blank lines are ignored.
    """
    reader = csv.reader(_terminated(lines), strict=True)
    labels: list[str] | None = None
    last_line = 0
    try:
        for fields in reader:
            span = Span(last_line + 1, reader.line_num)
            last_line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if labels is None:
                labels = _header_labels(file_name, fields, span.start)
            else:
                yield from _records(file_name, labels, fields, span, strict=strict)
    except csv.Error as error:
        # Name the line the broken record starts on: for an unclosed quote that is where the
        # mistake is, not the end of the file.
        raise SourceError(file_name, f"malformed CSV: {error}", line=last_line + 1) from None


def _terminated(lines: Iterable[str]) -> Iterator[str]:
    # The csv module only keeps a newline inside a quoted field if the line still ends with one.
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


def _header_labels(file_name: str, fields: list[str], line: int) -> list[str]:
    labels = [normalise_space(field) for field in fields]
    if len(labels) < 2:
        raise SourceError(
            file_name,
            "CSV header needs an aspect column and at least one discipline column",
            line=line,
        )
    if not all(labels[1:]):
        raise SourceError(file_name, "CSV header has an empty discipline column label", line=line)
    return labels


def _records(
    file_name: str, labels: list[str], fields: list[str], span: Span, *, strict: bool
) -> Iterator[ComparisonRow | SkippedSegment]:
    check_width(file_name, len(fields), len(labels), line=span.start, unit="fields")
    aspect, *texts = (normalise_space(field) for field in fields)
    cells = (Cell(label, text, span) for label, text in zip(labels[1:], texts, strict=True))
    row, skipped = table_row(file_name, aspect, cells, span, ",".join(fields), strict=strict)
    yield from skipped
    if row is not None:
        yield row
