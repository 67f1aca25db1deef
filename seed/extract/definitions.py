"""Definitions of the compared disciplines, read from blocks.

A document defines a discipline in one of two ways:

- a **definition list** (Markdown ``Term`` / ``: definition``, HTML ``<dl>``) whose term is the
  discipline's name: the definition's paragraphs are the text;
- a **defining sentence** in running text whose subject is the discipline's name, with or
  without an article or an abbreviation after it, and whose verb defines: "Finance is the study
  of …", "A dietitian is a regulated health professional …", "Bacteria are single-celled …",
  "Human Resource Management (HRM) is the function that …". The sentence is the text, with the
  lines it stands on; several definitions may share one paragraph.

Only the names of disciplines the document compares count (singular and plural alike), so
"Nutritional therapists are …" is not a definition of nutritionists, and a sentence about
something else that happens to start "X is a …" is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from app.domain.names import slugify
from seed.blocks import Block, DefinitionList, Line, Paragraph, lines_span
from seed.extract.labelled import fold
from seed.records import DefinitionRecord, Span
from seed.text import normalise_space

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\u2018\u201c]?[^\W\d_])")
_VERB = (
    r"(?:is|are)\s+(?:a|an|the|one|someone|somebody|any|concerned with|about|defined as"
    r"|known as)\b"
    r"|are\s+(?!(?:also|often|usually|more|less|not|both|used|found|seen|very|much)\b)"
    r"(?!\w+ed\b)\w"
    r"|refers? to\b|means\b|describes\b|(?:can|may) be defined as\b"
    # German, French, Spanish: the copula and an article; Hebrew: the pronoun copula.
    r"|(?:ist|sind)\s+(?:die|der|das|ein|eine)\b|bezeichnet\b"
    r"|(?:est|sont)\s+(?:un|une|le|la|les|l['\u2019]|l\u2019|des)|désigne\b"
    r"|(?:es|son)\s+(?:un|una|el|la|los|las)\b"
    r"|(?:הוא|היא|הם|הן)\s"
)
_ARTICLE = r"(?:(?:a|an|the|der|die|das|le|la|les|el|los|las)\s+|l['\u2019])?"
_ABBREVIATION = r"(?:\s*\([^()]{1,20}\))?"


def definition_lists(
    blocks: Sequence[Block], names: Iterable[str]
) -> tuple[list[DefinitionRecord], set[int]]:
    """Definitions from definition-list items whose term names a compared discipline."""
    by_key = {fold(name): name for name in names}
    found: list[DefinitionRecord] = []
    claimed: set[int] = set()
    for block in blocks:
        if not isinstance(block, DefinitionList):
            continue
        for item in block.items:
            name = by_key.get(fold(item.term))
            if name is None or not item.definitions:
                continue
            text = normalise_space(" ".join(p.text for p in item.definitions))
            span = Span(item.definitions[0].span.start, item.definitions[-1].span.end)
            found.append(DefinitionRecord(name, text, span))
            claimed.update(range(item.term_span.start, span.end + 1))
    return found, claimed


def defining_sentences(
    paragraphs: Iterable[Paragraph], names: Iterable[str]
) -> tuple[list[DefinitionRecord], set[int]]:
    """Definitions stated as sentences of ``paragraphs``, and the lines they stand on."""
    pattern = _subject_pattern(names)
    if pattern is None:
        return [], set()
    by_key = {fold(name): name for name in names}
    found: list[DefinitionRecord] = []
    claimed: set[int] = set()
    seen: set[str] = set()
    for paragraph in paragraphs:
        lines = paragraph.lines or (Line(paragraph.span.start, paragraph.text),)
        text = " ".join(line.text for line in lines)
        for start, sentence in _sentences(text):
            match = pattern.match(sentence)
            if match is None:
                continue
            subject = match.group("subject")
            name = by_key.get(fold(subject))
            if name is None or fold(name) in seen:
                continue
            seen.add(fold(name))
            span = lines_span(lines, start, start + len(sentence) - 1)
            # The subject as written ("dietitian" for "Dietitians"): the loader files it
            # under the compared discipline and keeps this form as another name of it.
            label = name if slugify(subject) == slugify(name) else subject[:1].upper() + subject[1:]
            found.append(DefinitionRecord(label, sentence, span))
            claimed.update(range(span.start, span.end + 1))
    return found, claimed


def _subject_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted(
        {re.escape(_singular(normalise_space(name))) for name in names if name.strip()},
        key=len,
        reverse=True,
    )
    if not alternatives:
        return None
    subject = rf"(?P<subject>(?:{'|'.join(alternatives)})(?:s|es)?)"
    return re.compile(rf"{_ARTICLE}{subject}{_ABBREVIATION}\s+(?:{_VERB})", re.IGNORECASE)


def _singular(name: str) -> str:
    return name[:-1] if name.lower().endswith("s") and len(name) > 4 else name


def _sentences(text: str) -> list[tuple[int, str]]:
    found = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        found.append((position, text[position : match.start()]))
        position = match.end()
    found.append((position, text[position:]))
    return [(start, sentence.strip()) for start, sentence in found if sentence.strip()]
