"""The document model: what every format's parser produces and every extractor reads.

A parser turns decoded text into a :class:`Document`: a sequence of blocks (headings,
paragraphs, lists, tables, definition lists) in document order, each carrying the 1-based,
inclusive line span it came from. Text in blocks is plain: inline markup removed (Markdown
emphasis, code spans, links keep their text; HTML tags), entities decoded, whitespace collapsed
to single spaces. What a parser recognised as not being content (navigation, a page footer, an
advertisement, a cookie banner) is not a block: it is listed in ``Document.dropped`` with its
span and reason, so the import report can say what was left out and why.

Extractors (:mod:`seed.extract`) read blocks, never raw lines, except where a block keeps its
source lines for a finer split (:attr:`Paragraph.lines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from seed.records import Span


@dataclass(frozen=True, slots=True)
class Line:
    """One source line's plain text (markup removed, whitespace collapsed)."""

    number: int
    text: str


def lines_span(lines: Sequence[Line], start: int, end: int) -> Span:
    """The lines holding characters ``start`` to ``end`` (inclusive) of ``lines``' texts joined
    by single spaces, as a paragraph's text is."""
    position = 0
    first = last = lines[0].number
    for line in lines:
        line_end = position + len(line.text)
        if position <= start <= line_end:
            first = line.number
        if position <= end <= line_end:
            last = line.number
        position = line_end + 1
    return Span(first, max(first, last))


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1 to 6; a plain-text heading the parser recognised gets 2
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Consecutive lines of running text; ``text`` is their plain text joined by spaces."""

    text: str
    span: Span
    lines: tuple[Line, ...] = ()  # each line's own plain text, for splits at line boundaries


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item: its own text (nested lists excluded) and any blocks nested in it."""

    text: str
    span: Span
    marker: str = "-"  # "-", "*", "1.", "2)": as written
    children: tuple[Block, ...] = ()
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TableCell:
    """A cell as written. ``text`` is its plain text; when the cell holds a list, ``items``
    are the items' texts and ``text`` is them joined by ``"; "``."""

    text: str
    span: Span
    header: bool = False  # a <th>, a Markdown header-row cell, a CSV header cell
    scope: str | None = None  # "row" or "col" when the source says so (<th scope>)
    colspan: int = 1
    rowspan: int = 1
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[TableCell, ...]
    span: Span
    header: bool = False  # in <thead>, the Markdown header row, the CSV header line


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[TableRow, ...]
    span: Span
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class DefinitionItem:
    term: str
    term_span: Span
    definitions: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class DefinitionList:
    items: tuple[DefinitionItem, ...]
    span: Span


Block = Heading | Paragraph | ListBlock | Table | DefinitionList


@dataclass(frozen=True, slots=True)
class Dropped:
    """Lines a parser recognised as not being content, and why."""

    span: Span
    reason: str  # "navigation", "page header", "page footer", "aside", "advertising", ...
    excerpt: str = ""


@dataclass(slots=True)
class Document:
    """One source as blocks. ``lines`` are its decoded lines (index 0 is line 1)."""

    file_name: str
    kind: str  # "csv", "html", "markdown", "text"
    lines: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
