"""Pipe tables: ordinary GitHub-flavoured Markdown tables (one line per row) and the broken form
whose cells each sit on their own line, every line ending in ``|``.

The separator row (``|---|:---:|``) fixes the column count; the header is the line above it, or
in the broken form the run of lines above it that together hold that many cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seed.parsers.document import Extraction, TextSource
from seed.parsers.rows import check_width, table_row
from seed.records import Cell, SourceError, Span
from seed.text import normalise_space

MARKDOWN_TABLE = "markdown-table"
PIPE_TABLE = "pipe-table"

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r":?-+:?")


@dataclass(frozen=True, slots=True)
class _Piece:
    """One cell's text and the line it sits on."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class _Layout:
    header_lines: tuple[int, ...]
    separator: int
    labels: tuple[str, ...]  # the discipline columns, after the aspect column

    @property
    def broken(self) -> bool:
        return len(self.header_lines) > 1

    @property
    def width(self) -> int:
        return len(self.labels) + 1


def extract_pipe_tables(source: TextSource, *, strict: bool) -> list[Extraction]:
    found: list[Extraction] = []
    for number in source.free_lines():
        if any(number in extraction.claimed for extraction in found):
            continue
        layout = _layout_above(source, number)
        if layout is not None:
            found.append(_read_body(source, layout, strict=strict))
    return found


def split_cells(line: str) -> list[str]:
    """The cells of one table line; leading and trailing pipes are optional, ``\\|`` is a pipe."""
    stripped = line.strip()
    if stripped == "|":
        return [""]  # a lone pipe ends an empty cell in the broken form
    parts = _UNESCAPED_PIPE.split(stripped)
    if stripped.startswith("|"):
        parts = parts[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        parts = parts[:-1]
    return [normalise_space(part.replace("\\|", "|")) for part in parts]


def _has_pipe(line: str) -> bool:
    return _UNESCAPED_PIPE.search(line) is not None


def _separator_width(line: str) -> int:
    if not _has_pipe(line):
        return 0
    cells = split_cells(line)
    return len(cells) if all(_SEPARATOR_CELL.fullmatch(cell) for cell in cells) else 0


def _layout_above(source: TextSource, separator: int) -> _Layout | None:
    width = _separator_width(source.line(separator))
    if width < 2:
        return None
    header_lines = _header_lines(source, separator, width)
    if header_lines is None:
        return None
    cells = [cell for number in header_lines for cell in split_cells(source.line(number))]
    labels = tuple(cells[1:])
    if not all(labels):
        raise SourceError(
            source.file_name, "table header has an empty column label", line=header_lines[0]
        )
    return _Layout(header_lines, separator, labels)


def _header_lines(source: TextSource, separator: int, width: int) -> tuple[int, ...] | None:
    above = separator - 1
    if not (source.is_free(above) and _has_pipe(source.line(above))):
        return None
    if len(split_cells(source.line(above))) == width:
        return (above,)
    # The broken form: walk up to the line that opens the header with a leading pipe.
    lines: list[int] = []
    number = above
    while source.is_free(number) and _has_pipe(source.line(number)):
        lines.insert(0, number)
        if source.line(number).lstrip().startswith("|"):
            break
        number -= 1
    count = sum(len(split_cells(source.line(line))) for line in lines)
    return tuple(lines) if count == width and len(lines) > 1 else None


def _read_body(source: TextSource, layout: _Layout, *, strict: bool) -> Extraction:
    extraction = Extraction(format=PIPE_TABLE if layout.broken else MARKDOWN_TABLE)
    extraction.claimed.update((*layout.header_lines, layout.separator))
    pending: list[_Piece] = []
    number = layout.separator + 1
    while source.is_free(number) and _has_pipe(source.line(number)):
        line = source.line(number)
        starts_row = layout.broken and line.strip() != "|" and line.lstrip().startswith("|")
        if pending and (not layout.broken or starts_row):
            _finish_row(source, layout, pending, extraction, strict=strict)
            pending = []
        pending.extend(_Piece(text, number) for text in split_cells(line))
        extraction.claimed.add(number)
        if len(pending) >= layout.width:
            _finish_row(source, layout, pending, extraction, strict=strict)
            pending = []
        number += 1
    if pending:
        _finish_row(source, layout, pending, extraction, strict=strict)
    return extraction


def _finish_row(
    source: TextSource,
    layout: _Layout,
    pieces: list[_Piece],
    extraction: Extraction,
    *,
    strict: bool,
) -> None:
    first_line = pieces[0].line
    check_width(source.file_name, len(pieces), layout.width, line=first_line, unit="cells")
    aspect, *texts = pieces
    cells = (
        Cell(label, piece.text, Span(piece.line, piece.line))
        for label, piece in zip(layout.labels, texts, strict=True)
    )
    span = Span(first_line, pieces[-1].line)
    context = source.line(first_line)
    row, skipped = table_row(source.file_name, aspect.text, cells, span, context, strict=strict)
    extraction.skipped.extend(skipped)
    if row is not None:
        extraction.rows.append(row)
