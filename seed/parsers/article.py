"""Article sections introduced by a heading: "What is X?" definitions, "Uses of X" lists and a
"Frequently Asked Questions" block of question/answer pairs."""

from __future__ import annotations

import re

from seed.parsers.contact import contact_kinds
from seed.parsers.document import (
    BULLET,
    LABELLED_TEXT,
    LIST_MARKER,
    Extraction,
    Paragraph,
    TextSource,
    heading_text,
    looks_like_heading,
    word_count,
)
from seed.records import DefinitionRecord, FaqRecord, Span, UseRecord
from seed.text import normalise_space

DEFINITIONS = "definitions"
USES_LIST = "uses-list"
FAQ = "faq"

LABEL_MAX_WORDS = 6
USE_TITLE_MAX_WORDS = 12
MAX_INTRO_PARAGRAPHS = 3
QUESTION_MAX_WORDS = 40

_WHAT_IS = re.compile(r"What (?:is|are) (?:an? |the )?(?P<label>[^?]+?)\s*\?", re.IGNORECASE)
_USES_HEADING = re.compile(
    r"(?:(?:the )?(?:key|main|common|practical) )?(?:uses|applications) of "
    r"(?:the )?(?P<label>.+?)\s*:?",
    re.IGNORECASE,
)
_USE_ITEM = re.compile(rf"\s*(?:\d{{1,3}}[.)]|{BULLET})\s+{LABELLED_TEXT}")
_FAQ_HEADING = re.compile(r"\b(?:frequently asked questions|faqs?)\b", re.IGNORECASE)
_QUESTION = re.compile(
    rf"(?:(?:\d{{1,3}}[.)]|Q\d*[.:)]|{BULLET})\s*)?(?P<question>\S.*\?)", re.IGNORECASE
)
_ANSWER_PREFIX = re.compile(r"^(?:A|Ans|Answer)\s*[.:)]\s*", re.IGNORECASE)


def extract_definitions(source: TextSource, *, strict: bool) -> list[Extraction]:
    """A "What is X?" heading followed by its first paragraph, which must read as prose."""
    extraction = Extraction(format=DEFINITIONS)
    for number in source.free_lines():
        match = _WHAT_IS.fullmatch(heading_text(source.line(number)))
        if match is None or not _is_discipline_label(match.group("label")):
            continue
        following = source.next_nonblank(number)
        paragraph = source.paragraph_at(following) if following is not None else None
        if paragraph is None or not _is_prose(paragraph):
            continue
        label = normalise_space(match.group("label"))
        extraction.definitions.append(
            DefinitionRecord(label, paragraph.text, Span(number, paragraph.end))
        )
        extraction.claimed.update(range(number, paragraph.end + 1))
    return [extraction] if extraction.definitions else []


def extract_uses(source: TextSource, *, strict: bool) -> list[Extraction]:
    """A "Uses of X" heading, up to a few intro paragraphs, then ``N. Title: text`` items.

    The intro paragraphs are left unclaimed so they are reported as skipped prose.
    """
    found: list[Extraction] = []
    for number in source.free_lines():
        if any(number in extraction.claimed for extraction in found):
            continue
        match = _USES_HEADING.fullmatch(heading_text(source.line(number)))
        if match is None or not _is_discipline_label(match.group("label")):
            continue
        items = _use_items(source, _list_start(source, number))
        if not items:
            continue
        label = normalise_space(match.group("label"))
        extraction = Extraction(format=USES_LIST, claimed={number})
        for position, (line, title, text) in enumerate(items, start=1):
            extraction.uses.append(UseRecord(label, title, text, position, Span(line, line)))
            extraction.claimed.add(line)
        found.append(extraction)
    return found


def extract_faqs(source: TextSource, *, strict: bool) -> list[Extraction]:
    """A FAQ heading followed by questions (ending in "?"), each with the paragraph after it."""
    found: list[Extraction] = []
    for number in source.free_lines():
        if any(number in extraction.claimed for extraction in found):
            continue
        heading = source.line(number)
        if not (_FAQ_HEADING.search(heading) and looks_like_heading(heading)):
            continue
        extraction = Extraction(format=FAQ, claimed={number})
        question_line = source.next_nonblank(number)
        while question_line is not None and (question := _question(source, question_line)):
            answer = _answer_after(source, question_line)
            if answer is None:
                break
            span = Span(question_line, answer.end)
            extraction.faqs.append(FaqRecord(question, answer.text, len(extraction.faqs) + 1, span))
            extraction.claimed.update(range(question_line, answer.end + 1))
            question_line = source.next_nonblank(answer.end)
        if extraction.faqs:
            found.append(extraction)
    return found


def _is_discipline_label(label: str) -> bool:
    # "What are the differences?" and the like introduce comparisons, not a discipline.
    return word_count(label) <= LABEL_MAX_WORDS and "difference" not in label.lower()


def _is_prose(paragraph: Paragraph) -> bool:
    return not (
        looks_like_heading(paragraph.text)
        or LIST_MARKER.match(paragraph.text)
        or contact_kinds(paragraph.text)
    )


def _list_start(source: TextSource, heading: int) -> int | None:
    """The first line after a section's intro paragraphs; None if another heading comes first."""
    number = source.next_nonblank(heading)
    for _ in range(MAX_INTRO_PARAGRAPHS + 1):
        if number is None or not source.is_free(number) or _USE_ITEM.fullmatch(source.line(number)):
            return number
        paragraph = source.paragraph_at(number)
        # A heading ending in ":" introduces the list; any other heading starts a new section.
        if paragraph is None or (
            looks_like_heading(paragraph.text) and not paragraph.text.endswith(":")
        ):
            return None
        number = source.next_nonblank(paragraph.end)
    return None


def _use_items(source: TextSource, start: int | None) -> list[tuple[int, str, str]]:
    items = []
    number = start
    while number is not None and source.is_free(number):
        match = _USE_ITEM.fullmatch(source.line(number))
        if match is None or word_count(match.group("label")) > USE_TITLE_MAX_WORDS:
            break
        items.append(
            (number, normalise_space(match.group("label")), normalise_space(match.group("text")))
        )
        number = source.next_nonblank(number)
    return items


def _question(source: TextSource, number: int) -> str | None:
    if not source.is_free(number):
        return None
    match = _QUESTION.fullmatch(heading_text(source.line(number)))
    if match is None or word_count(match.group("question")) > QUESTION_MAX_WORDS:
        return None
    return match.group("question")


def _answer_after(source: TextSource, question_line: int) -> Paragraph | None:
    """The lines after a question up to a blank line or the next question."""
    start = source.next_nonblank(question_line)
    if start is None or _question(source, start) is not None:
        return None
    end = start
    while source.is_free(end + 1) and _question(source, end + 1) is None:
        end += 1
    if not all(source.is_free(line) for line in range(start, end + 1)):
        return None
    first = _ANSWER_PREFIX.sub("", source.line(start))
    return Paragraph.from_lines(start, (first, *source.lines[start:end]))
