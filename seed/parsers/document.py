"""The shared shape of text extraction: a source's lines, which are already claimed, and what one
extractor found in them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from seed.records import (
    ComparisonRow,
    DefinitionRecord,
    FaqRecord,
    SkippedSegment,
    SourceError,
    Span,
    UseRecord,
)
from seed.text import excerpt, normalise_space

HEADING_MAX_WORDS = 12
BULLET = r"[•◦▪‣∙·*+\-\u2013\u2014]"  # includes en and em dashes used as bullets
LIST_MARKER = re.compile(rf"\s*(?:\d{{1,3}}[.)]|{BULLET})\s+")
# "Label: text" after a list marker; Markdown bold around the label ("**Label**:" or
# "**Label:**") is markup, not part of the label.
LABELLED_TEXT = r"(?:\*\*|__)?(?P<label>[^:*]{1,120}?)(?:\*\*|__)?\s*:(?:\*\*|__)?\s+(?P<text>\S.*)"
# Hard-wrapped text keeps its lines shorter than this; a longer line is a whole paragraph.
WRAP_WIDTH = 120
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")
_SENTENCE_BREAK = re.compile(r"[a-z)][.!?] [A-Z]")  # not "1. Title"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Consecutive non-blank lines, with their text whitespace-normalised and joined by spaces."""

    start: int
    text: str
    offsets: tuple[int, ...]  # where each line's text starts within ``text``

    @classmethod
    def from_lines(cls, start: int, lines: Iterable[str]) -> Paragraph:
        pieces = [normalise_space(line) for line in lines]
        offsets = []
        position = 0
        for piece in pieces:
            offsets.append(position)
            position += len(piece) + 1
        return cls(start, " ".join(pieces), tuple(offsets))

    @property
    def end(self) -> int:
        return self.start + len(self.offsets) - 1

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def line_at(self, offset: int) -> int:
        """The source line holding character ``offset`` of ``text``."""
        return self.start + bisect_right(self.offsets, offset) - 1


@dataclass(frozen=True, slots=True)
class TextSource:
    """A text document's lines (index 0 is line 1) and the line numbers extractors have claimed."""

    file_name: str
    lines: tuple[str, ...]
    claimed: frozenset[int] = frozenset()

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def is_blank(self, number: int) -> bool:
        return not self.lines[number - 1].strip()

    def is_free(self, number: int) -> bool:
        """True for an unclaimed, non-blank line."""
        return (
            1 <= number <= len(self.lines)
            and number not in self.claimed
            and not self.is_blank(number)
        )

    def free_lines(self) -> Iterable[int]:
        return (number for number in range(1, len(self.lines) + 1) if self.is_free(number))

    def next_nonblank(self, after: int) -> int | None:
        """The first non-blank line after line ``after``, claimed or not."""
        for number in range(after + 1, len(self.lines) + 1):
            if not self.is_blank(number):
                return number
        return None

    def paragraph_at(self, start: int) -> Paragraph | None:
        """The paragraph of free lines beginning at ``start``, if ``start`` is free.

        A paragraph ends at a blank or claimed line, and also between two lines when either is
        longer than ``WRAP_WIDTH``: such text is not hard-wrapped, so each line is a paragraph.
        A list item always starts a paragraph of its own.
        """
        if not self.is_free(start):
            return None
        end = start
        while self.is_free(end + 1) and not self._breaks_between(end, end + 1):
            end += 1
        return Paragraph.from_lines(start, self.lines[start - 1 : end])

    def _breaks_between(self, earlier: int, later: int) -> bool:
        return (
            len(self.line(earlier).strip()) > WRAP_WIDTH
            or len(self.line(later).strip()) > WRAP_WIDTH
            or LIST_MARKER.match(self.line(later)) is not None
        )

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph of free lines (see ``paragraph_at``), in document order."""
        found = []
        number = 1
        while number <= len(self.lines):
            paragraph = self.paragraph_at(number)
            if paragraph is None:
                number += 1
            else:
                found.append(paragraph)
                number = paragraph.end + 1
        return found

    def claim(self, numbers: Iterable[int]) -> TextSource:
        return TextSource(self.file_name, self.lines, self.claimed | frozenset(numbers))


@dataclass(slots=True)
class Extraction:
    """What one extractor found in one block of a document, and the lines that block used."""

    format: str
    claimed: set[int] = field(default_factory=set)
    rows: list[ComparisonRow] = field(default_factory=list)
    definitions: list[DefinitionRecord] = field(default_factory=list)
    uses: list[UseRecord] = field(default_factory=list)
    faqs: list[FaqRecord] = field(default_factory=list)
    skipped: list[SkippedSegment] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return min(self.claimed)


class Extractor(Protocol):
    """Finds one kind of structure among the free lines of ``source``.

    ``strict`` only matters to extractors that can meet a structure they recognise but cannot
    extract without guessing; the others accept it and have nothing to be strict about.
    """

    def __call__(self, source: TextSource, *, strict: bool) -> list[Extraction]: ...


def problem(file_name: str, span: Span, reason: str, text: str, *, strict: bool) -> SkippedSegment:
    """A recognised structure that could not be extracted: fatal in strict mode, else skipped."""
    if strict:
        raise SourceError(file_name, reason, line=span.start)
    return SkippedSegment(span=span, reason=reason, excerpt=excerpt(text))


def heading_text(line: str) -> str:
    """A line's text without Markdown heading markers or whole-line bold."""
    text = normalise_space(line)
    heading = _MARKDOWN_HEADING.match(text)
    if heading:
        text = heading.group(1)
    emphasis = _EMPHASIS.match(text)
    return emphasis.group(2) if emphasis else text


def looks_like_heading(text: str) -> bool:
    """Short, one sentence at most, without a full stop: a title rather than prose."""
    flat = heading_text(text)
    return (
        bool(flat)
        and len(flat.split()) <= HEADING_MAX_WORDS
        and not flat.endswith((".", ",", ";", "!"))
        and _SENTENCE_BREAK.search(flat) is None
    )


def word_count(text: str) -> int:
    return len(text.split())
