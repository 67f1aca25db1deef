"""Delimited text (CSV, TSV, semicolon- or pipe-separated) as a :class:`Document` with one table.

The dialect is RFC 4180 with a detected delimiter: ``"`` quotes, a doubled ``""`` escapes a
quote, quoted cells may span lines, and spaces after a delimiter are skipped (so a hand-written
``a, "b, c"`` is two fields). The delimiter is ``TAB`` for ``.tsv``/``.tab`` files and
otherwise the one of ``, ; TAB |`` whose field count is most consistent over the first records
(:func:`seed.decode.detect_delimiter`); a comma when none is.

Every record carries its physical line span, first to last line, newlines inside quoted cells
counted, so a cell can be traced to the lines that hold it. Lines are numbered exactly as
:func:`seed.decode.split_lines` numbers them: the csv module is fed one split line at a time,
so a CRLF file with LF inside quoted cells (what Excel writes) counts each of them once.

How records become blocks:

* records whose fields are all blank are skipped;
* the header is the first record with at least two non-empty fields (``header=True`` on the
  row and its cells);
* records before it (a title with one non-empty field) are not table rows: the first becomes a
  :class:`Heading`, any later ones :class:`Paragraph` blocks;
* every record after the header is a :class:`TableRow`, blank cells kept as ``""`` so the
  extractor can report them, rows of a different width kept as written;
* records after the last multi-field record (a footer such as ``Source: …`` or ``© 2024 …``)
  become :class:`Paragraph` blocks after the table, for the junk screen to judge.

Nothing is dropped here: telling content from junk is the extractors' and screen's job.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import PurePath

from seed.blocks import Block, Document, Heading, Line, Paragraph, Table, TableCell, TableRow
from seed.decode import CSV_QUOTING, SNIFF_LINES, detect_delimiter, split_lines
from seed.records import SourceError, Span

KIND = "csv"
TAB_SUFFIXES = frozenset({".tsv", ".tab"})
DEFAULT_DELIMITER = ","


def parse_delimited(file_name: str, decoded_text: str) -> Document:
    """The whole file as a document: title blocks, one table, footer paragraphs."""
    lines = split_lines(decoded_text)
    rows = list(iter_delimited_rows(file_name, lines))
    return Document(file_name=file_name, kind=KIND, lines=tuple(lines), blocks=_blocks(rows))


def iter_delimited_rows(file_name: str, lines: Iterable[str]) -> Iterator[TableRow]:
    """Every non-blank record as a :class:`TableRow`, in file order, one at a time.

    ``lines`` are the file's lines as :func:`seed.decode.split_lines` gives them (a single
    trailing terminator on each is tolerated). Only the first :data:`SNIFF_LINES` lines are
    held, for the delimiter detection, so a 100,000-row file streams in bounded memory. Title
    and footer records are yielded too, as rows: rows before the one with ``header=True`` are
    titles, and a caller that needs footers tells them by their single non-empty cell.

    Raises :class:`SourceError` for malformed quoting (an unclosed quote, text after a closing
    quote), naming the line the broken record starts on, which is where the mistake is.
    """
    stream = iter(lines)
    head = [_bare(line) for line in islice(stream, SNIFF_LINES)]
    delimiter = _delimiter(file_name, head, complete=len(head) < SNIFF_LINES)
    body = chain(head, (_bare(line) for line in stream))
    yield from _rows(file_name, body, delimiter)


def _bare(line: str) -> str:
    return line.removesuffix("\n").removesuffix("\r")


def _delimiter(file_name: str, head: list[str], *, complete: bool) -> str:
    """Tab for ``.tsv``/``.tab`` (their name is their dialect), else the detected delimiter."""
    if PurePath(file_name).suffix.lower() in TAB_SUFFIXES:
        return "\t"
    guess = detect_delimiter(head, complete=complete)
    return guess.delimiter if guess is not None else DEFAULT_DELIMITER


def _rows(file_name: str, lines: Iterator[str], delimiter: str) -> Iterator[TableRow]:
    # The csv module keeps a newline inside a quoted cell only if its line ends with one.
    reader = csv.reader(
        (line + "\n" for line in lines),
        delimiter=delimiter,
        strict=True,
        **CSV_QUOTING,
    )
    # ``reader.line_num`` counts the lines consumed so far; a record spans the lines after the
    # previous record's last one. A blank line is a record of its own, so spans never swallow it.
    last_line = 0
    header_seen = False
    try:
        for fields in reader:
            span = Span(last_line + 1, reader.line_num)
            last_line = span.end
            texts = [clean_cell(field) for field in fields]
            if not any(texts):
                continue
            header = not header_seen and _filled(texts) >= 2
            header_seen = header_seen or header
            cells = tuple(TableCell(text, span, header=header) for text in texts)
            yield TableRow(cells, span, header=header)
    except csv.Error as error:
        raise SourceError(file_name, f"malformed CSV: {error}", line=last_line + 1) from None


def clean_cell(field: str) -> str:
    """Whitespace (NBSP and the newlines of a multi-line cell included) collapsed and stripped."""
    return " ".join(field.split())


def _filled(texts: Iterable[str]) -> int:
    return sum(1 for text in texts if text)


def _row_filled(row: TableRow) -> int:
    return _filled(cell.text for cell in row.cells)


def _blocks(rows: list[TableRow]) -> list[Block]:
    header = next((index for index, row in enumerate(rows) if row.header), None)
    if header is None:
        return _title_blocks(rows)
    body = rows[header:]
    last = max(index for index, row in enumerate(body) if _row_filled(row) >= 2)
    table_rows = tuple(body[: last + 1])
    table = Table(table_rows, Span(table_rows[0].span.start, table_rows[-1].span.end))
    footers = [_paragraph(row) for row in body[last + 1 :]]
    return [*_title_blocks(rows[:header]), table, *footers]


def _title_blocks(rows: list[TableRow]) -> list[Block]:
    """The first title row is the document's heading; later ones are notes under it."""
    blocks: list[Block] = []
    for row in rows:
        if blocks:
            blocks.append(_paragraph(row))
        else:
            blocks.append(Heading(level=1, text=_row_text(row), span=row.span))
    return blocks


def _paragraph(row: TableRow) -> Paragraph:
    text = _row_text(row)
    # Per-line text is only known for a one-line record; a multi-line one keeps ``lines`` empty.
    lines = (Line(row.span.start, text),) if row.span.start == row.span.end else ()
    return Paragraph(text=text, span=row.span, lines=lines)


def _row_text(row: TableRow) -> str:
    return " ".join(cell.text for cell in row.cells if cell.text)
