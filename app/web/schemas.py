"""The read API's response shapes (pydantic models, documented in the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class DisciplineRef(_Out):
    slug: str = Field(examples=["operations-management"])
    name: str = Field(examples=["Operations Management"])


class AspectRef(_Out):
    slug: str = Field(examples=["key-performance-indicators-kpis"])
    name: str = Field(examples=["Key Performance Indicators (KPIs)"])


class SourceRef(_Out):
    slug: str = Field(examples=["twenty-five-differences"])
    title: str = Field(examples=["25 Differences Between Production and Operations Management"])
    file: str = Field(description="The bundled file the facts were read from.")


class Lines(_Out):
    """Where in the source file a fact stands (1-based, inclusive)."""

    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class Description(_Out):
    """What one source says about one discipline on one aspect."""

    id: int
    aspect: AspectRef
    discipline: DisciplineRef
    source: SourceRef
    label: str = Field(description="The aspect's name as this source wrote it.", examples=["KPIs"])
    text: str
    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class AspectDescription(_Out):
    """A description embedded in its aspect (the aspect is the parent)."""

    id: int
    discipline: DisciplineRef
    source: SourceRef
    label: str = Field(description="The aspect's name as this source wrote it.")
    text: str
    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class Aspect(_Out):
    slug: str = Field(examples=["scope"])
    name: str = Field(examples=["Scope"])
    aliases: list[str] = Field(description="Other names this aspect is known by.")
    descriptions: list[AspectDescription] | None = Field(
        None,
        description="Present on item lookups, and in lists with include=descriptions.",
        exclude_if=lambda value: value is None,
    )


class Definition(_Out):
    id: int
    discipline: DisciplineRef
    source: SourceRef
    text: str
    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class Use(_Out):
    """One item of a source's "Uses of <discipline>" list."""

    id: int
    discipline: DisciplineRef
    source: SourceRef
    title: str
    text: str
    position: int = Field(description="Order of the item in its list.")
    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class Faq(_Out):
    id: int
    source: SourceRef
    question: str
    answer: str
    position: int
    line_start: int = Field(ge=1, description="First line of the fact in the source file.")
    line_end: int = Field(ge=1, description="Last line of the fact in the source file.")


class Discipline(_Out):
    slug: str
    name: str
    aliases: list[str]
    definitions: list[Definition] | None = Field(
        None, description="Present on item lookups.", exclude_if=lambda value: value is None
    )
    uses: list[Use] | None = Field(
        None, description="Present on item lookups.", exclude_if=lambda value: value is None
    )


class Source(_Out):
    slug: str
    title: str
    file: str
    formats: list[str] = Field(description="The document formats the importer recognised.")
    sha256: str
    imported_at: datetime
    url: str | None = Field(
        description="Where the document was found (null when not recorded).",
        examples=["https://example.org/production-vs-operations"],
    )
    author: str | None = Field(description="Who wrote it, as credited (null when not recorded).")
    licence: str | None = Field(
        description="The terms it is used under (null when not recorded).",
        examples=["CC BY 4.0"],
    )
    retrieved: date | None = Field(
        description="The day the document was retrieved (null when not recorded)."
    )
    lines: int = Field(
        ge=0,
        description="Lines of its text that /v1/sources/{slug}/lines serves (0 for a source "
        "imported before sources kept their text: re-import it with `versus seed --force`).",
    )
    counts: dict[str, int] = Field(description="Rows imported per entity.")
    report: dict[str, Any] | None = Field(
        None,
        description="The import report, with skipped segments (item lookups only).",
        exclude_if=lambda value: value is None,
    )


class Line(_Out):
    """One line of a source's text."""

    number: int = Field(
        ge=1, description="The line's number, 1-based, as facts' `line_start`/`line_end` count."
    )
    text: str = Field(description="The line as decoded, without its line break.")


class SourceLines(_Out):
    """Lines ``start`` to ``end`` of a source's text; follow ``next`` for the lines after."""

    source: SourceRef
    items: list[Line]
    total: int = Field(description="Lines in the whole text.")
    start: int = Field(ge=1, description="First line of this answer.")
    end: int = Field(ge=1, description="Last line of this answer.")
    next: str | None = Field(description="URL of the lines that follow, or null at the end.")


class Page(_Out, Generic[T]):
    """One page of a collection; follow ``next`` (or the Link header) for the following page."""

    items: list[T]
    total: int = Field(description="Rows matching the filters, across all pages.")
    limit: int
    next: str | None = Field(description="URL of the next page, or null on the last page.")


class CompareRow(_Out):
    source: SourceRef
    label: str = Field(description="The aspect's name as this source wrote it.")
    cells: dict[str, str | None] = Field(
        description="Discipline slug → what this source says, or null if it says nothing."
    )
    lines: dict[str, Lines | None] = Field(description="Discipline slug → where it says it.")


class AspectComparison(_Out):
    aspect: AspectRef
    rows: list[CompareRow]


class Comparison(_Out):
    """One aspect compared across disciplines, one row per source."""

    aspect: AspectRef
    disciplines: list[DisciplineRef]
    rows: list[CompareRow]


class ComparisonTable(_Out):
    """The aspects the disciplines share, each compared, one page at a time."""

    disciplines: list[DisciplineRef]
    items: list[AspectComparison]
    total: int
    limit: int
    next: str | None
