"""Definitions and differences stated in running prose, with no headings or lists.

A definition is a clause whose subject is followed by "refers to", "is defined as", "is the
process of" and the like; it runs from that subject to the end of its paragraph, dropping any
connective before it ("On the other hand, …").

A difference is announced by a lead sentence such as "One key difference between A and B is
their focus." or "There is a difference in the level of responsibility between A and B."; the
sentences after it are split at ", while" / ", whereas" and each piece is given to the discipline
it names (a piece naming neither continues the previous one). The row is kept only if both
disciplines got a piece.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from seed.parsers.contact import contact_kinds
from seed.parsers.document import Extraction, Paragraph, TextSource, looks_like_heading, problem
from seed.records import Cell, ComparisonRow, DefinitionRecord, Span

DEFINITIONS = "definitions"
PROSE_DIFFERENCES = "prose-differences"

_DEFINING = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=, ))"
    r"(?P<subject>[A-Za-z][\w'\u2019-]*(?: [A-Za-z][\w'\u2019-]*){0,3}) "
    r"(?:refers to|is defined as|(?:can|may) be defined as"
    r"|is the (?:process|practice|discipline|function) of)\b"
)
# After a first definition, a later sentence may define the next discipline more loosely
# ("UI design is the craft of …"); it ends the definition before it.
_LATER_DEFINING = re.compile(
    r"(?<=[.!?] )(?P<subject>[A-Z][\w'\u2019-]*(?: [A-Za-z][\w'\u2019-]*){0,3}) "
    r"(?:(?:is|are) (?:a|an|the)\b|refers to|is defined as)"
)
_PRONOUNS = frozenset(
    {
        "it",
        "this",
        "that",
        "these",
        "those",
        "they",
        "which",
        "there",
        "what",
        "who",
        "and",
        "or",
        "but",
        "so",
        "yet",
    }
)
_NAME = r"[^.,;:!?]+?"
_LEAD_SENTENCES = (
    re.compile(
        rf"\bdifferences? between (?P<a>{_NAME}) and (?P<b>{_NAME}) "
        rf"(?:is|are) (?:their|the|its) (?P<aspect>{_NAME})\.",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bdifferences? in (?:the |their )?(?P<aspect>{_NAME}) "
        rf"between (?P<a>{_NAME}) and (?P<b>{_NAME})\.",
        re.IGNORECASE,
    ),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\u2018\u201c])")
_CONTRAST = re.compile(r"[,;] (?:while|whereas) ")
# Marks the gap between verbatim pieces of one cell that are not adjacent in the source, as a
# quotation marks an elision; adjacent pieces are joined by a plain space.
PIECE_SEPARATOR = " … "


def extract_prose_definitions(source: TextSource, *, strict: bool) -> list[Extraction]:
    extraction = Extraction(format=DEFINITIONS)
    for paragraph in _prose_paragraphs(source):
        clauses = _definitions_in(paragraph.text)
        if not clauses:
            continue
        ends = [clause.start("subject") for clause in clauses[1:]] + [len(paragraph.text)]
        for clause, end in zip(clauses, ends, strict=True):
            start = clause.start("subject")
            text = paragraph.text[start:end].strip()
            span = Span(paragraph.line_at(start), paragraph.line_at(start + len(text) - 1))
            extraction.definitions.append(DefinitionRecord(clause.group("subject"), text, span))
        extraction.claimed.update(range(paragraph.start, paragraph.end + 1))
    return [extraction] if extraction.definitions else []


def extract_prose_differences(source: TextSource, *, strict: bool) -> list[Extraction]:
    extraction = Extraction(format=PROSE_DIFFERENCES)
    for paragraph in _prose_paragraphs(source):
        lead = _lead_sentence(paragraph.text)
        if lead is None:
            continue
        names = (lead.group("a"), lead.group("b"))
        pieces = _pieces_by_discipline(paragraph.text, lead.end(), names)
        missing = [name for name in names if not pieces[name]]
        if missing:
            aspect = lead.group("aspect")
            reason = f"prose difference in {aspect!r}: no sentence about {missing[0]} found"
            extraction.skipped.append(
                problem(source.file_name, paragraph.span, reason, paragraph.text, strict=strict)
            )
        else:
            extraction.rows.append(_row(paragraph, lead, pieces))
        extraction.claimed.update(range(paragraph.start, paragraph.end + 1))
    return [extraction] if extraction.claimed else []


def _prose_paragraphs(source: TextSource) -> Iterator[Paragraph]:
    for paragraph in source.paragraphs():
        if not looks_like_heading(paragraph.text) and not contact_kinds(paragraph.text):
            yield paragraph


def _defining_clauses(text: str) -> Iterator[re.Match[str]]:
    for match in _DEFINING.finditer(text):
        if _not_pronoun(match):
            yield match


def _not_pronoun(match: re.Match[str]) -> bool:
    return match.group("subject").split()[0].lower() not in _PRONOUNS


def _definitions_in(text: str) -> list[re.Match[str]]:
    """The paragraph's defining clauses: the first, then each later one that starts a sentence
    and defines something else ("Statistics is … . Mathematics is … ."); each definition runs
    to the next one or to the end of the paragraph."""
    found: list[re.Match[str]] = []
    first = next(_defining_clauses(text), None)
    if first is None:
        return found
    later = (m for m in _LATER_DEFINING.finditer(text, first.end()) if _not_pronoun(m))
    for match in sorted([first, *later], key=lambda m: m.start("subject")):
        if not found:
            found.append(match)
            continue
        subject = match.group("subject").lower()
        at_sentence = text[: match.start("subject")].rstrip().endswith((".", "!", "?"))
        if at_sentence and all(subject != earlier.group("subject").lower() for earlier in found):
            found.append(match)
    return found


def _lead_sentence(text: str) -> re.Match[str] | None:
    matches = [match for pattern in _LEAD_SENTENCES if (match := pattern.search(text))]
    return min(matches, key=lambda match: match.start(), default=None)


def _pieces_by_discipline(
    text: str, start: int, names: tuple[str, str]
) -> dict[str, list[tuple[int, int]]]:
    """The (start, end) offsets of the pieces after ``start`` that speak about each discipline."""
    # Longer names first, so "project management" is not also counted as "management".
    ordered = sorted(names, key=len, reverse=True)
    mention = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in ordered), re.IGNORECASE)
    pieces: dict[str, list[tuple[int, int]]] = {name: [] for name in names}
    current: str | None = None
    for piece_start, piece_end in _pieces(text, start):
        named = {match.group().lower() for match in mention.finditer(text, piece_start, piece_end)}
        owners = [name for name in names if name.lower() in named]
        if len(owners) == 1:
            current = owners[0]
        elif owners:
            current = None  # a piece naming both is a comparison, not a statement about either
        if current is not None:
            pieces[current].append((piece_start, piece_end))
    return pieces


def _pieces(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Sentences from ``start`` on, each further split at a contrasting ", while" / ", whereas"."""
    boundaries = [(start, start)]
    boundaries += [(match.start(), match.end()) for match in _SENTENCE_END.finditer(text, start)]
    boundaries += [(match.start(), match.end()) for match in _CONTRAST.finditer(text, start)]
    boundaries.sort()
    boundaries.append((len(text), len(text)))
    for (_, piece_start), (piece_end, _) in itertools.pairwise(boundaries):
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        if piece_start < piece_end:
            yield piece_start, piece_end


def _join_pieces(text: str, offsets: list[tuple[int, int]]) -> str:
    joined = text[offsets[0][0] : offsets[0][1]].strip()
    for (_, previous_end), (start, end) in itertools.pairwise(offsets):
        adjacent = not text[previous_end:start].strip()
        joined += (" " if adjacent else PIECE_SEPARATOR) + text[start:end].strip()
    return joined


def _row(
    paragraph: Paragraph, lead: re.Match[str], pieces: dict[str, list[tuple[int, int]]]
) -> ComparisonRow:
    cells = []
    for name, offsets in pieces.items():
        text = _join_pieces(paragraph.text, offsets)
        span = Span(paragraph.line_at(offsets[0][0]), paragraph.line_at(offsets[-1][1] - 1))
        cells.append(Cell(name, text, span))
    last_line = max(cell.span.end for cell in cells)
    return ComparisonRow(
        lead.group("aspect"), tuple(cells), Span(paragraph.line_at(lead.start()), last_line)
    )
