"""Typed records the parsers produce: plain values, no database types.

Every record carries the 1-based, inclusive line span it came from in its source file, so every
fact in the database can be traced back to the line that states it. Labels are kept exactly as the
source wrote them (whitespace-normalised); resolving them to disciplines and aspects is the
loader's job, not the parsers'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """Lines ``start`` to ``end`` (1-based, inclusive) of a source file."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise ValueError(f"invalid line span {self.start}-{self.end}")


@dataclass(frozen=True, slots=True)
class Cell:
    """What one source says about one discipline on one aspect."""

    discipline: str  # the discipline's label as the source wrote it, e.g. "Production"
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One aspect of a comparison: its label as written and one cell per discipline."""

    aspect: str
    cells: tuple[Cell, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DefinitionRecord:
    discipline: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class UseRecord:
    """One item of a "Uses of <discipline>" list; ``position`` counts from 1 per discipline."""

    discipline: str
    title: str
    text: str
    position: int
    span: Span


@dataclass(frozen=True, slots=True)
class FaqRecord:
    """One question/answer pair; ``position`` counts from 1 per source."""

    question: str
    answer: str
    position: int
    span: Span


@dataclass(frozen=True, slots=True)
class SkippedSegment:
    """A run of lines that yielded no record, and why: shown in the import report."""

    span: Span
    reason: str
    excerpt: str  # the segment's first characters, whitespace-normalised, for the report


@dataclass(slots=True)
class ParsedDocument:
    """Everything one source file yielded."""

    file_name: str
    formats: list[str] = field(default_factory=list)  # detected formats, in document order
    rows: list[ComparisonRow] = field(default_factory=list)
    definitions: list[DefinitionRecord] = field(default_factory=list)
    uses: list[UseRecord] = field(default_factory=list)
    faqs: list[FaqRecord] = field(default_factory=list)
    skipped: list[SkippedSegment] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return len(self.rows) + len(self.definitions) + len(self.uses) + len(self.faqs)


class SourceError(Exception):
    """A source file cannot be imported. ``str()`` names the file and, where known, the line."""

    def __init__(self, file_name: str, message: str, line: int | None = None) -> None:
        self.file_name = file_name
        self.line = line
        self.message = message
        where = f"{file_name}:{line}" if line is not None else file_name
        super().__init__(f"{where}: {message}")


class SourceErrors(SourceError):
    """Several errors at once, from one file or several: ``errors`` holds each, and ``str()``
    lists them one a line. The attributes of :class:`SourceError` are the first error's."""

    def __init__(self, errors: Sequence[SourceError]) -> None:
        flat = [e for error in errors for e in getattr(error, "errors", (error,))]
        if not flat:
            raise ValueError("SourceErrors needs at least one error")
        self.errors: tuple[SourceError, ...] = tuple(flat)
        first = self.errors[0]
        super().__init__(first.file_name, first.message, first.line)
        self.args = ("\n".join(str(error) for error in self.errors),)

    @classmethod
    def of(cls, errors: Sequence[SourceError]) -> SourceError:
        """The one error, or every error of ``errors`` in one."""
        combined = cls(errors)
        return combined.errors[0] if len(combined.errors) == 1 else combined
