"""Tables whose cells were run together with no delimiter, e.g. pasted from a web page:

    AspectProduction Management   Operations Management
    FocusConcentrates on manufacturing of physical products.Encompasses a broader range …

A cell boundary is a lowercase letter, ``.`` or ``)`` directly followed by an uppercase letter.
The header's labels are split at such boundaries and at wide gaps (NBSPs or several spaces). In a
row the first boundary ends the aspect label; the rest must be exactly one per remaining cell
border, otherwise the row is not split, because any choice would be a guess.
"""

from __future__ import annotations

import itertools
import re

from seed.parsers.document import Extraction, TextSource, problem
from seed.records import Cell, ComparisonRow, Span
from seed.text import normalise_space

RUN_TOGETHER_TABLE = "run-together-table"

_BOUNDARY = re.compile(r"(?<=[a-z.)])(?=[A-Z])")
_WIDE_GAP = re.compile(r"\s*\u00a0[\s\u00a0]*|\s{2,}")
_LABEL = re.compile(r"[A-Z][\w&/()' -]*")
LABEL_MAX_WORDS = 5
MIN_COLUMNS = 3


def extract_run_together_tables(source: TextSource, *, strict: bool) -> list[Extraction]:
    found: list[Extraction] = []
    for number in source.free_lines():
        if any(number in extraction.claimed for extraction in found):
            continue
        labels = _header_labels(source.line(number))
        if (
            labels
            and source.is_free(number + 1)
            and _is_row_like(source.line(number + 1), len(labels))
        ):
            found.append(_read_table(source, number, labels, strict=strict))
    return found


def _header_labels(line: str) -> tuple[str, ...] | None:
    """The column labels of a run-together header line, or None if the line is not one."""
    if not _BOUNDARY.search(line):
        return None
    labels = [
        normalise_space(label)
        for part in _WIDE_GAP.split(line.strip())
        for label in _BOUNDARY.split(part)
    ]
    labels = [label for label in labels if label]
    if len(labels) < MIN_COLUMNS:
        return None
    if not all(
        _LABEL.fullmatch(label) and len(label.split()) <= LABEL_MAX_WORDS for label in labels
    ):
        return None
    return tuple(labels)


def _is_row_like(line: str, width: int) -> bool:
    return len(_BOUNDARY.findall(normalise_space(line))) >= width - 1


def _read_table(
    source: TextSource, header: int, labels: tuple[str, ...], *, strict: bool
) -> Extraction:
    extraction = Extraction(format=RUN_TOGETHER_TABLE, claimed={header})
    disciplines = labels[1:]
    number = header + 1
    while source.is_free(number):
        text = normalise_space(source.line(number))
        span = Span(number, number)
        parts = _split_row(text, len(labels))
        if isinstance(parts, str):
            extraction.skipped.append(problem(source.file_name, span, parts, text, strict=strict))
        else:
            aspect, *texts = parts
            cells = tuple(
                Cell(label, cell, span) for label, cell in zip(disciplines, texts, strict=True)
            )
            extraction.rows.append(ComparisonRow(aspect, cells, span))
        extraction.claimed.add(number)
        number += 1
    return extraction


def _split_row(text: str, width: int) -> list[str] | str:
    """The row's cells, or the reason it cannot be split without guessing."""
    boundaries = [match.start() for match in _BOUNDARY.finditer(text)]
    if not boundaries:
        return "run-together table row: no boundary after the aspect label"
    between_cells = len(boundaries) - 1
    expected = width - 2
    if between_cells != expected:
        return (
            f"run-together table row: {between_cells} possible boundaries between the discipline "
            f"cells, expected {expected}; not split to avoid guessing"
        )
    edges = [0, *boundaries, len(text)]
    return [text[start:end].strip() for start, end in itertools.pairwise(edges)]
