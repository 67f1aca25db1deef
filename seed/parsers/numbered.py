"""Numbered differences: a numbered heading naming the aspect, then one labelled bullet per
discipline:

    1. Definition and Scope

      • Production Management: Production management involves …
      • Operations Management: Operations management encompasses …

A numbered line is only a difference when at least two ``Label: text`` bullets follow it, so
numbered marketing points or list items with a colon are left alone.
"""

from __future__ import annotations

import re

from seed.parsers.document import BULLET, LABELLED_TEXT, Extraction, TextSource, heading_text
from seed.records import Cell, ComparisonRow, Span
from seed.text import normalise_space

NUMBERED_DIFFERENCES = "numbered-differences"

_NUMBERED_HEADING = re.compile(r"\d{1,3}[.)]\s+(?P<title>\S.*?)\s*:?")
_LABELLED_BULLET = re.compile(rf"\s*{BULLET}\s+{LABELLED_TEXT}")
LABEL_MAX_WORDS = 6
MIN_BULLETS = 2


def extract_numbered_differences(source: TextSource, *, strict: bool) -> list[Extraction]:
    rows = []
    claimed: set[int] = set()
    for number in source.free_lines():
        if number in claimed:
            continue
        heading = _NUMBERED_HEADING.fullmatch(heading_text(source.line(number)))
        if heading is None:
            continue
        bullets = _bullets_after(source, number)
        if len(bullets) < MIN_BULLETS:
            continue
        cells = tuple(cell for _, cell in bullets)
        rows.append(ComparisonRow(heading.group("title"), cells, Span(number, bullets[-1][0])))
        claimed.update((number, *(line for line, _ in bullets)))
    if not rows:
        return []
    return [Extraction(format=NUMBERED_DIFFERENCES, claimed=claimed, rows=rows)]


def _bullets_after(source: TextSource, heading: int) -> list[tuple[int, Cell]]:
    """The labelled bullets following a heading, blank lines between them allowed."""
    bullets = []
    number = source.next_nonblank(heading)
    while number is not None and source.is_free(number):
        match = _LABELLED_BULLET.fullmatch(source.line(number))
        if match is None or len(match.group("label").split()) > LABEL_MAX_WORDS:
            break
        label = normalise_space(match.group("label"))
        bullets.append(
            (number, Cell(label, normalise_space(match.group("text")), Span(number, number)))
        )
        number = source.next_nonblank(number)
    return bullets
