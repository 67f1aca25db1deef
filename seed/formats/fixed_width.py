"""Tables copied out of PDFs as fixed-width text, and the page furniture around them.

A PDF viewer's "copy text" (or ``pdftotext -layout``) turns a table into lines whose columns are
separated by runs of two or more spaces. A cell that wrapped in the PDF continues on the next
lines, under its own column, with the other columns left blank; a row ends at a blank line or
where a new text starts in the first column. Page breaks leave a page number, a running title and,
when the table goes on, its header line repeated at the top of the new page.

Detection, in order:

* **Page furniture**: a page number line ("Page 3 of 8", "— 14 —", a bare number) or a line
  ending or starting with one (``© Council 2024      Page 3 of 8``); and a running title, a line
  next to a page number whose text (or every piece of it) also occurs elsewhere in the document.
  These become :class:`Dropped` with reason :data:`PAGE_FURNITURE`.
* **Table regions**: a line with two or more pieces (text separated by 2+ spaces) is a candidate
  header; the lines after it belong to the table while every piece of them stays inside one of
  the header's columns. Blank lines, rules (``-----``, ``=====``), page furniture and the header
  repeated after a page break (:data:`REPEATED_HEADER`) are skipped; the region ends at the first
  line that does not fit, such as running prose that crosses a column boundary. A line that
  starts a row must fill two columns; a region needs :data:`MIN_ROWS` such rows. A line with
  padded Markdown pipe cells is never a header: the Markdown parser reads those tables.
* **Columns**: the character positions that are blank in (almost) every line of the region are
  the gaps; a column starts where a gap of 2+ characters ends. Each header piece is matched to the
  nearest such start, which corrects a header set a character or two off its column, and a column
  left of the first header piece (a header with a blank aspect cell) is kept when the rows use it.
* **Rows**: in a table whose rows are separated by blank lines, a row is the block between them,
  and its first lines may all carry first-column text (an aspect wrapped over two lines). Without
  blank separators, a new first-column text starts a new row unless it begins in lower case right
  under another first-column text (the rest of a wrapped aspect). After a page break, a line
  with an empty first column continues the row before the break. Trailing rows holding only a
  first-column text are not part of the table (a short line of prose right after it).

A cell's text is its pieces in line order joined by single spaces and passed through ``clean``
(the caller strips inline markup with it); every cell of a row gets the row's span, its first to
its last line. This module knows nothing about Markdown: :func:`seed.formats.markdown.parse_text`
blanks the lines it claims and parses the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from seed.blocks import Dropped, Table, TableCell, TableRow
from seed.records import Span
from seed.text import excerpt, normalise_space

PAGE_FURNITURE = "page header/footer"
REPEATED_HEADER = "repeated table header"

TOLERANCE = 2  # characters a piece may start left of its column and still belong to it
MIN_ROWS = 2  # body rows with two or more filled cells a region needs to count as a table
TAB_SIZE = 8
_ASPECT = 0  # the first column holds the row labels

_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_RULE_CHARS = _DASHES + "=_"  # hyphen first: a literal in a character class
_PIECE = re.compile(r"\S+(?:\s\S+)*")  # text up to a run of two or more whitespace characters
_RULE = re.compile(rf"[\s+|]*[{_RULE_CHARS}][{_RULE_CHARS}\s+|]{{2,}}")
_PAGE_MARK = rf"(?:page|p\.|pg\.?)\s*\d+(?:\s*(?:of|/)\s*\d+)?|[{_DASHES}]\s*\d+\s*[{_DASHES}]"
_PAGE_LINE = re.compile(rf"\s*(?:{_PAGE_MARK})\s*", re.IGNORECASE)
_PAGE_AT_END = re.compile(rf"(?:\s{{2,}}|\s[|·•]\s*)(?:{_PAGE_MARK})\s*$", re.IGNORECASE)
_PAGE_AT_START = re.compile(rf"^\s*(?:{_PAGE_MARK})(?:\s{{2,}}|\s*[|·•]\s)", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"\s*\d{1,4}\s*")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text in one line, without the 2+ spaces around it; ``start`` is 0-based."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class FixedWidthScan:
    """What :func:`scan_fixed_width` found. ``claimed`` holds the 1-based numbers of every line
    the tables and the dropped lines take, so the caller can blank them before parsing the rest."""

    tables: tuple[Table, ...]
    dropped: tuple[Dropped, ...]
    claimed: frozenset[int]


@dataclass(frozen=True, slots=True)
class _DataLine:
    """A line of table body. ``gap`` says what lies between it and the data line before it:
    ``"none"``, ``"sep"`` (blank lines or rules only) or ``"break"`` (a page break)."""

    index: int  # 0-based
    pieces: tuple[Piece, ...]
    gap: str


@dataclass(frozen=True, slots=True)
class _Region:
    data: tuple[_DataLine, ...]
    skipped: tuple[tuple[int, str], ...]  # (0-based index, reason) of lines dropped inside


@dataclass(frozen=True, slots=True)
class _Found:
    table: Table
    first: int  # 0-based, inclusive: the lines the table claims
    last: int
    dropped: tuple[Dropped, ...]


def scan_fixed_width(
    lines: Sequence[str], clean: Callable[[str], str] = normalise_space
) -> FixedWidthScan:
    """Find the fixed-width tables and the page furniture in a plain-text document's lines."""
    furniture = page_furniture(lines)
    tables: list[Table] = []
    dropped: list[Dropped] = []
    claimed: set[int] = set()
    index = 0
    while index < len(lines):
        found = None
        line = lines[index]
        if not is_page_marker(line) and is_header_candidate(line) and not _pipe_row(line):
            found = _read_table(lines, index, furniture, clean)
        if found is None:
            index += 1
            continue
        tables.append(found.table)
        dropped.extend(found.dropped)
        claimed.update(range(found.first + 1, found.last + 2))
        index = found.last + 1
    for line_index, reason in sorted(furniture.items()):
        if line_index + 1 not in claimed:
            dropped.append(_dropped(lines, line_index, reason))
            claimed.add(line_index + 1)
    dropped.sort(key=lambda item: item.span.start)
    return FixedWidthScan(tuple(tables), tuple(dropped), frozenset(claimed))


def pieces(line: str) -> tuple[Piece, ...]:
    """The line's runs of text separated by 2+ spaces (tabs expanded first)."""
    expanded = line.expandtabs(TAB_SIZE)
    return tuple(Piece(match.start(), match.group()) for match in _PIECE.finditer(expanded))


def is_rule(line: str) -> bool:
    """A horizontal rule drawn with hyphens, dashes, ``=`` or ``_`` (``+`` and ``|`` allowed)."""
    return _RULE.fullmatch(line) is not None and sum(ch in _RULE_CHARS for ch in line) >= 3


def is_page_marker(line: str) -> bool:
    """A page number on its own or set off at either end of a running header or footer."""
    return bool(
        _PAGE_LINE.fullmatch(line)
        or _BARE_NUMBER.fullmatch(line)
        or _PAGE_AT_END.search(line)
        or _PAGE_AT_START.search(line)
    )


def is_header_candidate(line: str) -> bool:
    """Two or more pieces, none of them a sentence-long text: column names, not prose."""
    found = pieces(line)
    return len(found) >= 2 and not is_rule(line) and all(len(piece.text) <= 60 for piece in found)


def _pipe_row(line: str) -> bool:
    """A Markdown pipe-table line: its padded cells look like columns, but the Markdown parser
    reads them, so such a line is never a fixed-width header."""
    return any(piece.text.startswith("|") or piece.text.endswith("|") for piece in pieces(line))


def page_furniture(lines: Sequence[str]) -> dict[int, str]:
    """Page numbers and the running titles next to them, by 0-based line index.

    A running title must recur (as a whole line, or piece by piece) elsewhere in the document,
    so a heading or sentence that merely follows a page number is kept.
    """
    markers = [index for index, line in enumerate(lines) if is_page_marker(line)]
    found = dict.fromkeys(markers, PAGE_FURNITURE)
    counts = _piece_counts(lines)
    for marker in markers:
        for neighbour in (_nearest_text(lines, marker, -1), _nearest_text(lines, marker, 1)):
            if neighbour is None or neighbour in found:
                continue
            if _recurs(lines[neighbour], counts):
                found[neighbour] = PAGE_FURNITURE
    return found


def _piece_counts(lines: Iterable[str]) -> Counter[str]:
    """In how many lines each normalised line text, and each piece of a line, occurs."""
    counts: Counter[str] = Counter()
    for line in lines:
        texts = {normalise_space(line)} | {normalise_space(piece.text) for piece in pieces(line)}
        counts.update(text for text in texts if text)
    return counts


def _recurs(line: str, counts: Counter[str]) -> bool:
    """Whether the line recurs elsewhere, whole or as two or more pieces that each recur."""
    if counts[normalise_space(line)] >= 2:
        return True
    found = pieces(line)
    return len(found) >= 2 and all(counts[normalise_space(piece.text)] >= 2 for piece in found)


def _nearest_text(lines: Sequence[str], start: int, step: int, reach: int = 3) -> int | None:
    """The index of the first non-blank line from ``start`` in direction ``step``, within reach."""
    index = start + step
    while 0 <= index < len(lines) and abs(index - start) <= reach:
        if lines[index].strip():
            return index
        index += step
    return None


def _dropped(lines: Sequence[str], index: int, reason: str) -> Dropped:
    return Dropped(Span(index + 1, index + 1), reason, excerpt(lines[index]))


# Regions


def _read_table(
    lines: Sequence[str], header: int, furniture: dict[int, str], clean: Callable[[str], str]
) -> _Found | None:
    above = _header_above(lines, header, furniture)
    below = _header_below(lines, header, furniture)
    head_lines = (*above, header, *below)
    region = _grow(lines, header, furniture, head_lines)
    if not region.data:
        return None
    header_pieces = pieces(lines[header])
    if header_pieces[0].start <= TOLERANCE and any(
        len(line.pieces) > len(header_pieces) for line in region.data[:3]
    ):
        # Lines right below have more columns than a header naming its aspect column: this
        # is a caption ("Table 3.4  Comparison of …"); the header is further down.
        return None
    starts = column_starts(header_pieces, [line.pieces for line in region.data])
    rows = _trim_trailing(_group_rows(region.data, starts), starts)
    if sum(_filled(row, starts) >= 2 for row in rows) < MIN_ROWS:
        return None
    last = rows[-1][-1].index
    head = [_DataLine(index, pieces(lines[index]), "none") for index in head_lines]
    table_rows = [_header_row(head, starts, clean)]
    table_rows.extend(_body_row(row, starts, clean) for row in rows)
    top = head[0].index
    table = Table(rows=tuple(table_rows), span=Span(top + 1, last + 1))
    dropped = tuple(
        _dropped(lines, index, reason) for index, reason in region.skipped if index < last
    )
    first = _extend_over_rules(lines, top, -1)
    return _Found(table, first, _extend_over_rules(lines, last, 1), dropped)


def _header_above(lines: Sequence[str], header: int, furniture: dict[int, str]) -> list[int]:
    """The lines right above the header that continue its cells ("Supply Chain" over
    "Management"): each piece of them stays inside one header column, and there are fewer
    pieces than header cells, so they are not a header of their own."""
    starts = (-1, *(piece.start for piece in pieces(lines[header])))
    count = len(pieces(lines[header]))
    above: list[int] = []
    index = header - 1
    while index >= 0 and len(above) < 2 and index not in furniture and not is_rule(lines[index]):
        found = pieces(lines[index])
        if not found or len(found) >= count or not fits(found, starts, starts_row=False):
            break
        if any(column_of(piece.start, starts) == 0 for piece in found):
            break  # text in the aspect column: a caption or prose, not a wrapped header
        above.insert(0, index)
        index -= 1
    return above


def _header_below(lines: Sequence[str], header: int, furniture: dict[int, str]) -> list[int]:
    """The lines right below the header that continue its cells ("Diagnostic Medical" over
    "Sonography"): no body row starts with an empty aspect cell, so a line there with nothing
    in the aspect column, every piece inside one header column, still belongs to the header."""
    starts = (-1, *(piece.start for piece in pieces(lines[header])))
    count = len(pieces(lines[header]))
    below: list[int] = []
    index = header + 1
    while index < len(lines) and len(below) < 2 and index not in furniture:
        found = pieces(lines[index])
        if not found or len(found) >= count or not fits(found, starts, starts_row=False):
            break
        if any(column_of(piece.start, starts) == 0 for piece in found):
            break
        below.append(index)
        index += 1
    return below


def _grow(
    lines: Sequence[str],
    header: int,
    furniture: dict[int, str],
    head_lines: Sequence[int] = (),
) -> _Region:
    """Collect the body lines that fit under the header's columns, across page breaks.

    Page furniture is skipped before the fit is tried, since a footer or running title can fit
    two columns; only a bare number is tried as a table line first (a cell may hold one). The
    header's lines (``head_lines``, the header with the lines it wraps over) repeated after a
    page break are skipped as a whole.
    """
    provisional = (-1, *(piece.start for piece in pieces(lines[header])))
    head = [normalise_space(lines[i]) for i in head_lines] or [normalise_space(lines[header])]
    data: list[_DataLine] = []
    skipped: list[tuple[int, str]] = []
    pending: list[tuple[int, str | None]] = []  # lines since the last data line
    index = max(head_lines, default=header)
    while index + 1 < len(lines):
        index += 1
        line = lines[index]
        found = pieces(line)
        repeated = [normalise_space(text) for text in lines[index : index + len(head)]]
        if not found or is_rule(line):
            pending.append((index, None))
        elif repeated == head:
            pending.extend((at, REPEATED_HEADER) for at in range(index, index + len(head)))
            index += len(head) - 1
        elif index in furniture and not _BARE_NUMBER.fullmatch(line):
            pending.append((index, furniture[index]))
        elif fits(found, provisional, starts_row=bool(pending) or not data):
            breaks = [(at, why) for at, why in pending if why is not None]
            gap = "none" if not pending else "break" if breaks else "sep"
            data.append(_DataLine(index, found, gap))
            skipped.extend(breaks)
            pending = []
        elif index in furniture:
            pending.append((index, furniture[index]))
        else:
            break
    return _Region(tuple(data), tuple(skipped))


def fits(found: Sequence[Piece], starts: Sequence[int], *, starts_row: bool) -> bool:
    """Whether every piece stays inside one column; a line that starts a row fills two or more."""
    columns = [column_of(piece.start, starts) for piece in found]
    for piece, column in zip(found, columns, strict=True):
        if column + 1 < len(starts) and piece.end > starts[column + 1]:
            return False
    return bool(found) and (len(set(columns)) >= 2 or not starts_row)


def column_of(position: int, starts: Sequence[int]) -> int:
    """The column a piece starting at ``position`` belongs to (the last start at or before it)."""
    column = 0
    for index, start in enumerate(starts):
        if start <= position + TOLERANCE:
            column = index
    return column


def _extend_over_rules(lines: Sequence[str], index: int, step: int) -> int:
    """Take in the rules drawn right above the header or right below the last row."""
    while 0 <= index + step < len(lines) and is_rule(lines[index + step]):
        index += step
    return index


# Columns


def column_starts(header: Sequence[Piece], body: Sequence[Sequence[Piece]]) -> tuple[int, ...]:
    """Where each column starts, from the gaps shared by the header and (almost) every row.

    Each header piece takes the gap-derived start nearest to it within :data:`TOLERANCE`, or its
    own start when no gap is that close. A leading column with no header piece over it (the blank
    corner cell above the aspects) is added when the rows put text there.
    """
    profile = _gap_starts([header, *body])
    starts: list[int] = []
    for piece in header:
        near = [start for start in profile if abs(start - piece.start) <= TOLERANCE]
        chosen = min(near, key=lambda start: abs(start - piece.start)) if near else piece.start
        starts.append(chosen if not starts or chosen > starts[-1] else piece.start)
    # Text left of the first header piece is a column of its own only when a gap separates it
    # from that piece's column; otherwise it is the first column, its header set off-centre.
    if profile and starts and profile[0] < starts[0] - TOLERANCE and starts[0] in profile:
        starts.insert(0, profile[0])
    return tuple(starts)


def _gap_starts(rows: Sequence[Sequence[Piece]]) -> list[int]:
    """Positions where text begins after a gap of 2+ characters blank in almost every line."""
    width = max((piece.end for row in rows for piece in row), default=0)
    occupied = [0] * width
    for row in rows:
        for piece in row:
            for position in range(piece.start, piece.end):
                occupied[position] += 1
    allowance = len(rows) // 10  # lines that may cross a gap: a long cell, a stray word
    gap = [count <= allowance for count in occupied]
    starts: list[int] = []
    for position in range(width):
        after_gap = position >= 2 and gap[position - 1] and gap[position - 2]
        if not gap[position] and (after_gap or not starts):
            starts.append(position)
    return starts


def _cells(line: _DataLine, starts: Sequence[int]) -> dict[int, str]:
    """The line's text per column; two pieces in one column are joined by a space."""
    found: dict[int, list[str]] = {}
    for piece in line.pieces:
        found.setdefault(column_of(piece.start, starts), []).append(piece.text)
    return {column: " ".join(texts) for column, texts in found.items()}


# Rows


def _group_rows(data: Sequence[_DataLine], starts: Sequence[int]) -> list[list[_DataLine]]:
    """Split the body lines into rows (see the module docstring for the rules)."""
    separated = any(line.gap == "sep" for line in data[1:])
    rows: list[list[_DataLine]] = []
    for line in data:
        if not rows or _starts_row(line, rows[-1], starts, separated=separated):
            rows.append([line])
        else:
            rows[-1].append(line)
    return rows


def _starts_row(
    line: _DataLine, row: Sequence[_DataLine], starts: Sequence[int], *, separated: bool
) -> bool:
    own = _cells(line, starts).get(_ASPECT)
    if line.gap == "sep":
        return True
    if own is None:
        return False  # a continuation line; after a page break, the row runs on
    if line.gap == "break":
        return True
    if separated:  # the row's leading lines may all hold aspect text: a wrapped aspect
        return not all(_ASPECT in _cells(earlier, starts) for earlier in row)
    above = _cells(row[-1], starts).get(_ASPECT)
    return above is None or not own[:1].islower()


def _filled(row: Sequence[_DataLine], starts: Sequence[int]) -> int:
    """How many columns of the row hold text."""
    return len({column for line in row for column in _cells(line, starts)})


def _trim_trailing(rows: list[list[_DataLine]], starts: Sequence[int]) -> list[list[_DataLine]]:
    """Drop trailing rows that hold nothing but a first-column text: prose, not a row."""
    while rows and {c for line in rows[-1] for c in _cells(line, starts)} <= {_ASPECT}:
        rows.pop()
    return rows


def _header_row(
    head: Sequence[_DataLine], starts: Sequence[int], clean: Callable[[str], str]
) -> TableRow:
    """The header cells, each the header lines' texts in its column joined in line order."""
    span = Span(head[0].index + 1, head[-1].index + 1)
    parts: dict[int, list[str]] = {}
    for line in head:
        for column, text in _cells(line, starts).items():
            parts.setdefault(column, []).append(text)
    cells = tuple(
        TableCell(clean(" ".join(parts.get(column, []))), span, header=True)
        for column in range(len(starts))
    )
    return TableRow(cells, span, header=True)


def _body_row(
    row: Sequence[_DataLine], starts: Sequence[int], clean: Callable[[str], str]
) -> TableRow:
    span = Span(row[0].index + 1, row[-1].index + 1)
    parts: dict[int, list[str]] = {}
    for line in row:
        for column, text in _cells(line, starts).items():
            parts.setdefault(column, []).append(text)
    cells = tuple(
        TableCell(clean(" ".join(parts.get(column, []))), span) for column in range(len(starts))
    )
    return TableRow(cells, span)
