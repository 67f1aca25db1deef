"""The import report: what each source yielded and what was left out, and why.

It is printed by ``versus seed`` and stored with the source (``source.report``) for the API.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rich import box
from rich.console import Console
from rich.table import Table

from seed.records import SkippedSegment

Status = Literal["imported", "replaced", "unchanged"]
COUNTED = ("aspects", "descriptions", "definitions", "uses", "faqs")


@dataclass
class SourceReport:
    file: str
    slug: str
    title: str
    sha256: str
    status: Status = "imported"
    formats: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    # Terms this source introduced: how many, and the first slugs (a sample for huge files).
    created_total: dict[str, int] = field(default_factory=lambda: {"disciplines": 0, "aspects": 0})
    created: dict[str, list[str]] = field(
        default_factory=lambda: {"disciplines": [], "aspects": []}
    )
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, segment: SkippedSegment) -> None:
        self.skipped.append(
            {
                "line_start": segment.span.start,
                "line_end": segment.span.end,
                "reason": segment.reason,
                "excerpt": segment.excerpt,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_stored(self) -> dict[str, Any]:
        """The report as kept in the database: skipped segments by line and reason only.

        Excerpts stay out of the database because skipped text is exactly what must not enter
        it (advertising, contact details); the lines point to it in the bundled source.
        """
        stored = self.as_dict()
        stored["skipped"] = [
            {key: value for key, value in segment.items() if key != "excerpt"}
            for segment in self.skipped
        ]
        return stored


@dataclass
class ImportReport:
    sources: list[SourceReport]
    dataset_version: int
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(source.status != "unchanged" for source in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "dataset_version": self.dataset_version,
            "sources": [source.as_dict() for source in self.sources],
        }


def render(report: ImportReport, console: Console) -> None:
    """Print one row per source, then each source's skipped segments with their lines."""
    title = "dry run: nothing was written" if report.dry_run else "import report"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("source", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for name in (*COUNTED, "skipped"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("formats")
    for source in report.sources:
        table.add_row(
            source.slug,
            source.status,
            *(str(source.counts[name]) for name in COUNTED),
            str(len(source.skipped)),
            ", ".join(source.formats),
        )
    console.print(table)
    for source in report.sources:
        for segment in source.skipped:
            lines = f"{segment['line_start']}-{segment['line_end']}"
            excerpt = f" [dim]({segment['excerpt']})[/dim]" if segment.get("excerpt") else ""
            console.print(
                f"[yellow]skipped[/yellow] {source.file}:{lines}: {segment['reason']}{excerpt}",
                highlight=False,
            )
    verb = "would be" if report.dry_run else "is"
    console.print(f"dataset version {verb} {report.dataset_version}")
