"""Parse one source document into records: the entry point the loader calls.

The file extension picks the parser: CSV, HTML tables, or (for anything else) the text
extractors, several of which may apply to one document. Text extractors run in order, each
seeing only the lines earlier ones left unclaimed; what remains is reported as skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import PurePosixPath

from seed.blocks import Document, Heading, Paragraph, Table
from seed.extract.tables import GROUP_ROW, comparison_rows
from seed.formats.delimited import parse_delimited
from seed.formats.html import parse_html
from seed.parsers.article import extract_definitions, extract_faqs, extract_uses
from seed.parsers.csv_table import CSV_FORMAT, iter_csv_rows
from seed.parsers.document import Extraction, Extractor, TextSource
from seed.parsers.numbered import extract_numbered_differences
from seed.parsers.pipe_table import extract_pipe_tables
from seed.parsers.prose import extract_prose_definitions, extract_prose_differences
from seed.parsers.run_together import extract_run_together_tables
from seed.parsers.skipped import HEADING_REASON, PROSE_REASON, skipped_segments
from seed.records import ParsedDocument, SkippedSegment, SourceError
from seed.screen import junk_reason
from seed.text import excerpt, split_lines

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
NO_RECORDS = "no comparison rows, definitions, uses or FAQs found"
NOT_COMPARISON = "non-comparison table: its header does not name two compared columns"


def parse_document(
    file_name: str, text: str, *, strict: bool = False, kind: str | None = None
) -> ParsedDocument:
    """Everything ``text`` (the decoded content of ``file_name``) yields.

    ``kind`` is what :func:`seed.decode.sniff_kind` recognised (by content as well as suffix);
    without it the suffix decides. In strict mode anything skipped inside a recognised
    structure (an empty table cell, a run-together row with ambiguous boundaries) raises
    ``SourceError`` instead; group rows, which are section headings, never do.
    """
    suffix = PurePosixPath(file_name).suffix.lower()
    kind = kind or ("csv" if suffix in (".csv", ".tsv", ".tab") else None)
    if kind == "csv":
        document = _from_blocks(parse_delimited(file_name, text), CSV_FORMAT, strict=strict)
    elif kind == "html" or (kind is None and suffix in (".html", ".htm")):
        document = _from_blocks(parse_html(file_name, text), HTML_TABLE, strict=strict)
    else:
        document = _parse_text(file_name, text, strict=strict)
    if document.record_count == 0:
        raise SourceError(file_name, NO_RECORDS)
    return document


def _from_blocks(blocks: Document, format_name: str, *, strict: bool) -> ParsedDocument:
    """Comparison rows from every table of a parsed document, each screened; the other blocks
    that hold text are reported as skipped, with the specific reason when they are junk."""
    document = ParsedDocument(blocks.file_name, formats=[format_name])
    for dropped in blocks.dropped:
        document.skipped.append(SkippedSegment(dropped.span, dropped.reason, dropped.excerpt))
    for block in blocks.blocks:
        if isinstance(block, Table):
            found = comparison_rows(block)
            if found is None:
                reason = junk_reason(*(c.text for r in block.rows for c in r.cells))
                document.skipped.append(SkippedSegment(
                    block.span, reason or NOT_COMPARISON, excerpt(_table_text(block))
                ))  # fmt: skip
                continue
            for row in found.rows:
                reason = junk_reason(row.aspect, *(cell.text for cell in row.cells))
                if reason:
                    document.skipped.append(SkippedSegment(row.span, reason, excerpt(row.aspect)))
                else:
                    document.rows.append(row)
            for segment in found.skipped:
                if strict and segment.reason != GROUP_ROW:
                    raise SourceError(blocks.file_name, segment.reason, line=segment.span.start)
                document.skipped.append(segment)
        elif isinstance(block, Heading | Paragraph):
            reason = junk_reason(block.text) or (
                HEADING_REASON if isinstance(block, Heading) else PROSE_REASON
            )
            document.skipped.append(SkippedSegment(block.span, reason, excerpt(block.text)))
    document.skipped.sort(key=lambda segment: segment.span.start)
    return document


def _table_text(table: Table) -> str:
    return " | ".join(cell.text for row in table.rows[:2] for cell in row.cells if cell.text)


def _parse_text(file_name: str, text: str, *, strict: bool) -> ParsedDocument:
    source = TextSource(file_name, tuple(split_lines(text)))
    extractions: list[Extraction] = []
    for extractor in TEXT_EXTRACTORS:
        found = extractor(source, strict=strict)
        for extraction in found:
            source = source.claim(extraction.claimed)
        extractions.extend(found)
    extractions.sort(key=lambda extraction: extraction.first_line)
    document = ParsedDocument(file_name)
    for extraction in extractions:
        if extraction.format not in document.formats:
            document.formats.append(extraction.format)
        document.rows.extend(extraction.rows)
        document.definitions.extend(extraction.definitions)
        document.uses.extend(extraction.uses)
        document.faqs.extend(extraction.faqs)
        document.skipped.extend(extraction.skipped)
    document.skipped.extend(skipped_segments(source))
    _put_in_document_order(document)
    return document


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
