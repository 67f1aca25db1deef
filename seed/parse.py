"""Parse one source document into records: the entry point the loader calls.

Every format is first parsed into blocks (:mod:`seed.blocks`) by its own parser: CSV and TSV
by :mod:`seed.formats.delimited`, HTML by :mod:`seed.formats.html`, Markdown and plain text by
:mod:`seed.formats.markdown` (plain text also finds tables copied from PDFs). Then the
extractors run over the blocks, most structured first, each claiming the lines it used:

1. tables (:mod:`seed.extract.tables`);
2. lists of contrast bullets and runs of labelled sections (:mod:`seed.extract.labelled`);
3. for Markdown and text, the line extractors of :mod:`seed.parsers` over the lines still
   unclaimed: "What is X?" definitions, "Uses of X" lists, FAQs, numbered differences, tables
   whose cells run together, and definitions and differences in prose;
4. definition lists and defining sentences (:mod:`seed.extract.definitions`) about the
   disciplines the document compares.

Every record is screened (:mod:`seed.screen`) before it is kept: a record with a price on
offer, contact details, a web address, a call to action, a share or copyright line is skipped
with that reason (a cell is read with its label: ``Fee: £3,450`` is an offer), and a structure
most of whose records are advertising (a list of programmes with their fees) is skipped whole.
What no extractor claimed is reported as skipped, with the most specific reason known.

Steps mark what they used in two ways: lines (what the line extractors of step 3 must not read
again) and blocks (HTML may put a table and a paragraph on one line).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from seed.blocks import (
    Block,
    DefinitionList,
    Document,
    Heading,
    Line,
    ListBlock,
    Paragraph,
    Table,
)
from seed.extract.definitions import defining_sentences, definition_lists
from seed.extract.labelled import Found, contrast_bullets, fold, labelled_sections
from seed.extract.tables import GROUP_ROW, comparison_rows
from seed.formats.delimited import parse_delimited
from seed.formats.html import parse_html
from seed.formats.markdown import parse_markdown, parse_text
from seed.names import Names, find_names
from seed.parsers.article import extract_definitions, extract_faqs, extract_uses
from seed.parsers.csv_table import CSV_FORMAT, iter_csv_rows
from seed.parsers.document import Extraction, Extractor, TextSource
from seed.parsers.numbered import NUMBERED_DIFFERENCES, extract_numbered_differences
from seed.parsers.pipe_table import extract_pipe_tables
from seed.parsers.prose import extract_prose_definitions, extract_prose_differences
from seed.parsers.run_together import extract_run_together_tables
from seed.parsers.skipped import HEADING_REASON, PROSE_REASON, skipped_segments
from seed.records import (
    ComparisonRow,
    DefinitionRecord,
    ParsedDocument,
    SkippedSegment,
    SourceError,
    Span,
)
from seed.screen import junk_reason
from seed.text import excerpt

__all__ = ["iter_csv_rows", "parse_document"]

# Most structured first: a table's lines must not be read as prose, nor FAQ questions as
# "What is X?" definition headings.
TEXT_EXTRACTORS: Sequence[Extractor] = (
    extract_pipe_tables,
    extract_run_together_tables,
    extract_numbered_differences,
    extract_faqs,
    extract_uses,
    extract_definitions,
    extract_prose_definitions,
    extract_prose_differences,
)
HTML_TABLE = "html-table"
MARKDOWN_TABLE = "markdown-table"
TEXT_TABLE = "text-table"
LABELLED_SECTIONS = "labelled-sections"
CONTRAST_BULLETS = "contrast-bullets"
DEFINITION_LIST = "definition-list"
DEFINING_SENTENCES = "definitions"
NO_RECORDS = "no comparison rows, definitions, uses or FAQs found"
NOT_COMPARISON = "non-comparison table: its header does not name two compared columns"
NOT_COMPARED = "definition of something the document does not compare"
LIST_REASON = "list: not a comparison, definitions, uses or FAQs"
_TABLE_FORMATS = {"csv": CSV_FORMAT, "html": HTML_TABLE, "markdown": MARKDOWN_TABLE}
_COMPARED = re.compile(r"\s+(?:vs\.?|versus|or|and|v\.?)\s+", re.IGNORECASE)
_TITLE_STOP = re.compile(r"[:?!,.;|()\u2013\u2014]|\s-\s")


def parse_document(
    file_name: str,
    text: str,
    *,
    strict: bool = False,
    kind: str | None = None,
    names: Names | None = None,
) -> ParsedDocument:
    """Everything ``text`` (the decoded content of ``file_name``) yields.

    ``kind`` is what :func:`seed.decode.sniff_kind` recognised (by content as well as suffix);
    without it the suffix decides. In strict mode anything skipped inside a recognised
    structure (an empty table cell, a run-together row with ambiguous boundaries) raises
    ``SourceError`` instead; group rows, which are section headings, never do. ``names`` are
    the names the document defines (:func:`seed.names.find_names`), when the caller has them.
    """
    suffix = PurePosixPath(file_name).suffix.lower()
    if kind is None:
        kind = {
            ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".html": "html", ".htm": "html",
            ".md": "markdown", ".markdown": "markdown",
        }.get(suffix, "text")  # fmt: skip
    if kind == "csv":
        blocks = parse_delimited(file_name, text)
    elif kind == "html":
        blocks = parse_html(file_name, text)
    elif kind == "markdown":
        blocks = parse_markdown(file_name, text)
    else:
        blocks = parse_text(file_name, text)
    document = _Extraction(blocks, kind, strict=strict, names=names).run()
    if document.record_count == 0:
        raise SourceError(file_name, NO_RECORDS)
    return document


class _Extraction:
    def __init__(self, blocks: Document, kind: str, *, strict: bool, names: Names | None) -> None:
        self.blocks = blocks
        self.kind = kind
        self.strict = strict
        self.claimed: set[int] = set()  # lines used (what the line extractors must not read)
        self.used: set[int] = set()  # id() of the blocks used (HTML puts several on a line)
        self.document = ParsedDocument(blocks.file_name)
        self._names = names  # the names the document defines; found here when not given
        self._compared_cache: tuple[int, list[str]] | None = None
        self.formats: dict[str, int] = {}  # format -> the first line it was found on

    def run(self) -> ParsedDocument:
        blocks = self.blocks
        for dropped in blocks.dropped:
            self._skip(SkippedSegment(dropped.span, dropped.reason, dropped.excerpt))
            self.claimed.update(range(dropped.span.start, dropped.span.end + 1))
        self._tables()
        hints = [*_title_names(blocks.blocks), *_terms(blocks.blocks), *self._disciplines()]
        self._found(contrast_bullets(self._free_blocks(), hints), CONTRAST_BULLETS)
        self._found(labelled_sections(self._free_blocks(), hints), LABELLED_SECTIONS)
        if self.kind in ("markdown", "text"):
            self._line_extractors()
        self._definitions()
        self._rest()
        _put_in_document_order(self.document)
        self.document.formats = sorted(self.formats, key=lambda name: self.formats[name])
        return self.document

    # Steps

    def _tables(self) -> None:
        for block in self.blocks.blocks:
            if not isinstance(block, Table):
                continue
            self.claimed.update(range(block.span.start, block.span.end + 1))
            self.used.add(id(block))
            found = comparison_rows(block)
            if found is None:
                reason = junk_reason(*(c.text for r in block.rows for c in r.cells))
                self._skip(SkippedSegment(
                    block.span, reason or NOT_COMPARISON, excerpt(_table_text(block))
                ))  # fmt: skip
                continue
            self._format(self._table_format(block), block.span.start)
            for row in found.rows:
                self._row(row)
            for segment in found.skipped:
                if self.strict and segment.reason != GROUP_ROW:
                    raise SourceError(
                        self.blocks.file_name, segment.reason, line=segment.span.start
                    )
                self._skip(segment)

    def _found(self, found: Found, format_name: str) -> None:
        for rows, span, numbered in found.groups:
            junk = [row for row in rows if _row_junk(row)]
            if 2 * len(junk) >= len(rows):  # an offer, such as programmes with their fees
                reason = junk_reason(*(t for row in rows for t in _row_texts(row))) or ""
                self._skip(SkippedSegment(span, reason, excerpt(rows[0].aspect)))
                continue
            self._format(NUMBERED_DIFFERENCES if numbered else format_name, span.start)
            for row in rows:
                self._row(row)
        for segment in found.skipped:
            if self.strict:
                raise SourceError(self.blocks.file_name, segment.reason, line=segment.span.start)
            self._skip(segment)
        self.claimed.update(found.claimed)
        self.used.update(found.blocks)

    def _line_extractors(self) -> None:
        source = TextSource(self.blocks.file_name, self.blocks.lines, frozenset(self.claimed))
        extractions: list[Extraction] = []
        for extractor in TEXT_EXTRACTORS:
            found = extractor(source, strict=self.strict)
            for extraction in found:
                source = source.claim(extraction.claimed)
            extractions.extend(found)
        extractions.sort(key=lambda extraction: extraction.first_line)
        for extraction in extractions:
            self._format(extraction.format, extraction.first_line)
            for row in extraction.rows:
                self._row(row)
            for definition in extraction.definitions:
                self._definition(definition)
            for use in extraction.uses:
                if self._clean(use.span, use.title, use.text):
                    self.document.uses.append(use)
            for faq in extraction.faqs:
                if self._clean(faq.span, faq.question, faq.answer):
                    self.document.faqs.append(faq)
            for segment in extraction.skipped:
                self._skip(segment)
            self.claimed.update(extraction.claimed)
        self.claimed.update(source.claimed)

    def _definitions(self) -> None:
        names = self._disciplines()
        if not names:
            return
        # "VWL" in a header is "Volkswirtschaftslehre (VWL)" in the text that defines it.
        names = list(dict.fromkeys(self._compared()))
        defined = {fold(d.discipline) for d in self.document.definitions}
        free = self._free_blocks()
        found, claimed = definition_lists(free, names)
        self._use(free, claimed)
        fresh = [d for d in found if fold(d.discipline) not in defined]
        if fresh:
            self._format(DEFINITION_LIST, fresh[0].span.start)
        for definition in fresh:
            self._definition(definition)
        defined |= {fold(d.discipline) for d in fresh}
        paragraphs = self._free_paragraphs()
        missing = [name for name in names if fold(name) not in defined]
        found, claimed = defining_sentences(paragraphs, missing)
        if found:
            self._format(DEFINING_SENTENCES, found[0].span.start)
        for definition in found:
            self._definition(definition)
        self._use(self._free_blocks(), claimed, only=[d.span for d in found])

    def _rest(self) -> None:
        """What no extractor claimed, reported as skipped with the most specific reason."""
        if self.kind in ("markdown", "text"):
            source = TextSource(self.blocks.file_name, self.blocks.lines, frozenset(self.claimed))
            for segment in skipped_segments(source):
                if not any(c.isalnum() for c in segment.excerpt):
                    continue  # a rule ("---") or other punctuation: nothing was left out
                if segment.reason in (PROSE_REASON, HEADING_REASON):
                    text = " ".join(
                        self.blocks.lines[number - 1]
                        for number in range(segment.span.start, segment.span.end + 1)
                    )
                    reason = junk_reason(text)
                    if reason:
                        segment = dataclasses.replace(segment, reason=reason)
                self._skip(segment)
            return
        for block in self._free_blocks():
            if isinstance(block, Heading | Paragraph):
                reason = junk_reason(block.text) or (
                    HEADING_REASON if isinstance(block, Heading) else PROSE_REASON
                )
                self._skip(SkippedSegment(block.span, reason, excerpt(block.text)))
            elif isinstance(block, ListBlock):
                texts = [item.text for item in block.items]
                reason = junk_reason(*texts) or LIST_REASON
                self._skip(SkippedSegment(block.span, reason, excerpt(" ".join(texts))))

    # Helpers

    def _table_format(self, table: Table) -> str:
        if self.kind == "text":
            first = self.blocks.lines[table.span.start - 1]
            return MARKDOWN_TABLE if first.lstrip().startswith("|") else TEXT_TABLE
        return _TABLE_FORMATS.get(self.kind, TEXT_TABLE)

    def _free_blocks(self) -> list[Block]:
        """The blocks no step used; in text and Markdown also none of whose lines a line
        extractor took."""
        lines = self.kind in ("markdown", "text")
        return [
            block
            for block in self.blocks.blocks
            if id(block) not in self.used
            and not (lines and any(n in self.claimed for n in _numbers(block.span)))
        ]

    def _use(self, blocks: list[Block], lines: set[int], only: list[Span] | None = None) -> None:
        """Mark the lines used, and the blocks that hold them (those holding one of ``only``)."""
        self.claimed.update(lines)
        for block in blocks:
            if only is not None:
                if any(block.span.start <= s.start and s.end <= block.span.end for s in only):
                    self.used.add(id(block))
            elif any(n in lines for n in _numbers(block.span)):
                self.used.add(id(block))

    def _free_paragraphs(self) -> list[Paragraph]:
        """The paragraphs' runs of unclaimed lines (a line extractor may have taken the first
        line of a paragraph and left the next)."""
        found: list[Paragraph] = []
        if self.kind not in ("markdown", "text"):
            return [block for block in self._free_blocks() if isinstance(block, Paragraph)]
        for block in self.blocks.blocks:
            if not isinstance(block, Paragraph) or id(block) in self.used:
                continue
            lines = block.lines or (Line(block.span.start, block.text),)
            run: list[Line] = []
            for line in [*lines, None]:
                if line is not None and line.number not in self.claimed:
                    if run and line.number != run[-1].number + 1:
                        found.append(_paragraph(run))
                        run = []
                    run.append(line)
                elif run:
                    found.append(_paragraph(run))
                    run = []
        return found

    def _disciplines(self) -> list[str]:
        return list(
            dict.fromkeys(cell.discipline for row in self.document.rows for cell in row.cells)
        )

    def _compared(self) -> list[str]:
        """The compared disciplines, under their labels and their full names (kept until
        another row arrives)."""
        if self._compared_cache is not None and self._compared_cache[0] == len(self.document.rows):
            return self._compared_cache[1]
        names = self._disciplines()
        if names:
            if self._names is None:
                self._names = find_names(enumerate(self.blocks.lines, start=1))
            names = [*names, *(self._names.canonical(name)[0] for name in names)]
        self._compared_cache = (len(self.document.rows), names)
        return names

    def _row(self, row: ComparisonRow) -> None:
        reason = _row_junk(row)
        if reason:
            self._skip(SkippedSegment(row.span, reason, excerpt(row.aspect)))
        else:
            self.document.rows.append(row)

    def _definition(self, definition: DefinitionRecord) -> None:
        compared = self._compared()
        if compared and _term_key(definition.discipline) not in {_term_key(n) for n in compared}:
            # A document that compares disciplines defines them, not whatever else it mentions.
            self._skip(SkippedSegment(definition.span, NOT_COMPARED, excerpt(definition.text)))
            return
        reason = junk_reason(definition.text)
        if reason:
            self._skip(SkippedSegment(definition.span, reason, excerpt(definition.text)))
        else:
            self.document.definitions.append(definition)

    def _clean(self, span: Span, head: str, *texts: str) -> bool:
        """True when ``head`` and ``texts`` are not junk; else the record is reported."""
        reason = junk_reason(head, *texts)
        if reason:
            self._skip(SkippedSegment(span, reason, excerpt(head)))
        return reason is None

    def _skip(self, segment: SkippedSegment) -> None:
        self.document.skipped.append(segment)

    def _format(self, name: str, line: int) -> None:
        self.formats[name] = min(line, self.formats.get(name, line))


def _numbers(span: Span) -> range:
    return range(span.start, span.end + 1)


def _paragraph(lines: list[Line]) -> Paragraph:
    text = " ".join(line.text for line in lines)
    return Paragraph(text, Span(lines[0].number, lines[-1].number), tuple(lines))


def _term_key(name: str) -> str:
    """A discipline's name compared loosely: number folded, "… Management" optional."""
    return fold(name).removesuffix("-management").removesuffix("-managemen")


def _row_texts(row: ComparisonRow) -> list[str]:
    """What a row says, each cell read with its discipline ("Fee: £3,450" is an offer)."""
    return [row.aspect, *(f"{cell.discipline}: {cell.text}" for cell in row.cells)]


def _row_junk(row: ComparisonRow) -> str | None:
    return junk_reason(*_row_texts(row))


def _title_names(blocks: Iterable[Block]) -> list[str]:
    """Names a title compares: "Economics or Finance? …", "Virus vs Bacteria"."""
    names: list[str] = []
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        parts = _COMPARED.split(block.text)
        if len(parts) < 2:
            continue
        for index, part in enumerate(parts):
            # The words next to each "vs": the end of the first part, the start of the others.
            pieces = _TITLE_STOP.split(part)
            words = pieces[-1].split()[-4:] if index == 0 else pieces[0].split()[:4]
            if words:
                names.append(" ".join(words))
    return names


def _terms(blocks: Iterable[Block]) -> list[str]:
    return [
        item.term for block in blocks if isinstance(block, DefinitionList) for item in block.items
    ]


def _table_text(table: Table) -> str:
    return " | ".join(cell.text for row in table.rows[:2] for cell in row.cells if cell.text)


def _put_in_document_order(document: ParsedDocument) -> None:
    """Sort each record list by line and number uses per discipline and FAQs per document."""
    document.rows.sort(key=lambda row: row.span.start)
    document.definitions.sort(key=lambda definition: definition.span.start)
    document.skipped.sort(key=lambda segment: segment.span.start)
    document.uses.sort(key=lambda use: use.span.start)
    positions: dict[str, int] = {}
    for index, use in enumerate(document.uses):
        positions[use.discipline] = positions.get(use.discipline, 0) + 1
        document.uses[index] = dataclasses.replace(use, position=positions[use.discipline])
    document.faqs.sort(key=lambda faq: faq.span.start)
    document.faqs = [
        dataclasses.replace(faq, position=number)
        for number, faq in enumerate(document.faqs, start=1)
    ]


__all__ += ["HTML_TABLE", "Span"]
