"""Parse one source document into records: the entry point the loader calls.

The file extension picks the parser: CSV, HTML tables, or (for anything else) the text
extractors, several of which may apply to one document. Text extractors run in order, each
seeing only the lines earlier ones left unclaimed; what remains is reported as skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import PurePosixPath

from seed.parsers.article import extract_definitions, extract_faqs, extract_uses
from seed.parsers.csv_table import CSV_FORMAT, iter_csv_records, iter_csv_rows
from seed.parsers.document import Extraction, Extractor, TextSource
from seed.parsers.html_table import HTML_TABLE, parse_html_tables
from seed.parsers.numbered import extract_numbered_differences
from seed.parsers.pipe_table import extract_pipe_tables
from seed.parsers.prose import extract_prose_definitions, extract_prose_differences
from seed.parsers.run_together import extract_run_together_tables
from seed.parsers.skipped import skipped_segments
from seed.records import ComparisonRow, ParsedDocument, SourceError
from seed.text import split_lines

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
NO_RECORDS = "no comparison rows, definitions, uses or FAQs found"


def parse_document(file_name: str, text: str, *, strict: bool = False) -> ParsedDocument:
    """Everything ``text`` (the decoded content of ``file_name``) yields.

    In strict mode a recognised structure that cannot be fully extracted (an empty table cell, a
    run-together row with ambiguous boundaries) raises ``SourceError`` instead of being skipped.
    """
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix == ".csv":
        document = _parse_csv(file_name, text, strict=strict)
    elif suffix in (".html", ".htm"):
        rows, skipped = parse_html_tables(file_name, text, strict=strict)
        document = ParsedDocument(
            file_name, formats=[HTML_TABLE] if rows else [], rows=rows, skipped=skipped
        )
    else:
        document = _parse_text(file_name, text, strict=strict)
    if document.record_count == 0:
        raise SourceError(file_name, NO_RECORDS)
    return document


def _parse_csv(file_name: str, text: str, *, strict: bool) -> ParsedDocument:
    document = ParsedDocument(file_name, formats=[CSV_FORMAT])
    for record in iter_csv_records(file_name, split_lines(text), strict=strict):
        if isinstance(record, ComparisonRow):
            document.rows.append(record)
        else:
            document.skipped.append(record)
    return document


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
