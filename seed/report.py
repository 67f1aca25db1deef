"""The import report: what each source yielded and what was left out, and why.

It is printed by ``versus seed`` and stored with the source (``source.report``) for the API.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rich.console import Console

from seed.records import SkippedSegment

Status = Literal["imported", "replaced", "unchanged"]
COUNTED = ("aspects", "descriptions", "definitions", "uses", "faqs")
_NOUNS = {"aspects": "aspects", "descriptions": "descriptions", "definitions": "definitions",
          "uses": "uses", "faqs": "FAQs"}  # fmt: skip


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


def render(report: ImportReport, console: Console, *, verbose: bool = False) -> None:
    """Print one entry per source (its status, what it yielded, what was skipped counted by
    reason), wrapped to the console's width; ``verbose`` also lists every skipped segment."""
    width = max(console.width, 40)
    title = "dry run: nothing was written" if report.dry_run else "import report"
    console.print(title, style="bold", markup=False, highlight=False)
    column = min(max((len(source.slug) for source in report.sources), default=0), width // 2)
    for source in report.sources:
        _print(console, f"{source.slug.ljust(column)}  {summary(source)}", width)
        if verbose:
            for segment in source.skipped:
                _print(console, f"  {_segment_line(source.file, segment)}", width, indent=6)
    verb = "would be" if report.dry_run else "is"
    hint = "" if verbose or not any(s.skipped for s in report.sources) else (
        "; --verbose lists each skipped segment"
    )  # fmt: skip
    _print(console, f"dataset version {verb} {report.dataset_version}{hint}", width)


def summary(source: SourceReport) -> str:
    """``imported: 12 aspects, 24 descriptions; skipped 3: 2 prose, 1 advertising``."""
    found = [f"{source.counts.get(name, 0):,} {_NOUNS[name]}" for name in COUNTED
             if source.counts.get(name, 0)]  # fmt: skip
    text = f"{source.status}: {', '.join(found) or 'nothing'}"
    if source.skipped:
        by_reason = Counter(reason_label(segment["reason"]) for segment in source.skipped)
        counted = ", ".join(f"{count:,} {label}" for label, count in by_reason.most_common())
        text += f"; skipped {len(source.skipped):,}: {counted}"
    return text


def reason_label(reason: str) -> str:
    """A reason's kind: what it says before its first colon or parenthesis ("advertising/contact
    details (phone number): not comparison content" is "advertising/contact details")."""
    cuts = [at for at in (reason.find(":"), reason.find(" (")) if at > 0]
    return reason[: min(cuts)].strip() if cuts else reason.strip()


def _segment_line(file: str, segment: dict[str, Any]) -> str:
    start, end = segment["line_start"], segment["line_end"]
    lines = f"{start}" if start == end else f"{start}-{end}"
    excerpt = f" ({segment['excerpt']})" if segment.get("excerpt") else ""
    return f"skipped {file}:{lines}: {segment['reason']}{excerpt}"


def _print(console: Console, text: str, width: int, *, indent: int = 4) -> None:
    """``text`` wrapped at ``width``, later lines indented; a word wider than a line is broken,
    never cut short."""
    wrapped = textwrap.wrap(
        text,
        width,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
    for line in wrapped or [""]:
        console.print(line, markup=False, highlight=False, overflow="ignore", crop=False)
