"""Report the lines no extractor claimed, each run with a reason a user can act on.

Consecutive unclaimed paragraphs of the same kind (separated only by blank lines) form one
segment, so a block of repeated headings or an advertisement is reported once.
"""

from __future__ import annotations

from dataclasses import dataclass

from seed.parsers.contact import contact_kinds
from seed.parsers.document import Paragraph, TextSource, looks_like_heading
from seed.records import SkippedSegment, Span
from seed.text import excerpt

PROSE_REASON = "prose: no definition, comparison, list or FAQ recognised"
HEADING_REASON = "heading or short line: no definition, comparison, list or FAQ recognised"


@dataclass(slots=True)
class _Run:
    kind: str  # "contact", "heading" or "prose"
    paragraphs: list[Paragraph]
    contact: list[str]  # the contact kinds seen, in order of first appearance


def skipped_segments(source: TextSource) -> list[SkippedSegment]:
    runs: list[_Run] = []
    for paragraph in source.paragraphs():
        contact = contact_kinds(paragraph.text)
        kind = (
            "contact" if contact else "heading" if looks_like_heading(paragraph.text) else "prose"
        )
        previous = runs[-1] if runs else None
        if (
            previous
            and previous.kind == kind
            and _only_blank_between(source, previous.paragraphs[-1], paragraph)
        ):
            previous.paragraphs.append(paragraph)
            previous.contact.extend(item for item in contact if item not in previous.contact)
        else:
            runs.append(_Run(kind, [paragraph], contact))
    return [_segment(run) for run in runs]


def _only_blank_between(source: TextSource, earlier: Paragraph, later: Paragraph) -> bool:
    return all(source.is_blank(number) for number in range(earlier.end + 1, later.start))


def _segment(run: _Run) -> SkippedSegment:
    if run.kind == "contact":
        reason = f"advertising/contact details ({', '.join(run.contact)}): not comparison content"
    elif run.kind == "heading":
        reason = HEADING_REASON
    else:
        reason = PROSE_REASON
    span = Span(run.paragraphs[0].start, run.paragraphs[-1].end)
    return SkippedSegment(span=span, reason=reason, excerpt=excerpt(run.paragraphs[0].text))
