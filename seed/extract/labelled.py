"""Comparisons written as text rather than as a table, read from blocks.

Two layouts, both common in articles:

- **Labelled sections**: each aspect is a title (a heading, a numbered item, a short line of its
  own) followed by one labelled statement per discipline, as paragraphs, lines or list items::

      ## Cost                                 1. Scope
      Accounting: records what was spent.     Physiotherapy: Restores movement …
      Finance: plans what will be spent.      Occupational Therapy: Helps people …

  A run of such sections is a comparison when two or more consecutive sections label their
  statements with the same names: those names are the compared disciplines, the titles are the
  aspects. One section alone is not (a "Contact us" list of ``Email:`` / ``Phone:`` lines is
  labelled too), nor are sections whose labels change from one to the next.

- **Contrast bullets**: the items of one list each state an aspect and contrast two
  disciplines, ``- Focus: Economics explains …, whereas finance concentrates on …``. The half
  before *whereas* goes to the discipline it starts with, the half after it to the other. Two
  or more such items are needed, and every contrasted half must start with the name of one of
  the two disciplines (or with the same word as the other items' halves), so an ordinary
  sentence with a *whereas* in it is never taken for a comparison.

Every statement keeps the lines it came from. Labels and aspects are kept as the source wrote
them (without a leading number or a trailing colon); resolving them to disciplines and aspects
is the loader's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from app.domain.names import slugify
from seed.blocks import Block, Heading, Line, ListBlock, ListItem, Paragraph, lines_span
from seed.parsers.document import BULLET
from seed.records import Cell, ComparisonRow, SkippedSegment, Span
from seed.text import excerpt, normalise_space

LABEL_MAX_WORDS = 6
TITLE_MAX_WORDS = 12
MIN_SECTIONS = 2
# Labels that mark a question and its answer, not two compared disciplines.
_NOT_DISCIPLINES = frozenset({"q", "a", "question", "answer", "ans"})

# "Label: text" (French spacing "Label : text" too); the label has no sentence punctuation.
_LABELLED = re.compile(r"^(?P<label>[^:;.!?]{1,80}?)\s*:\s+(?P<text>\S.*)$")
_BULLET = re.compile(rf"^{BULLET}\s+")
_NUMBER = re.compile(r"^(?:\d{1,3}|[ivx]{1,5}|[a-z])[.)]\s+", re.IGNORECASE)
_CONTRAST = re.compile(r",?\s+(?:whereas|while)\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
UNSPLIT = "contrast bullet: no two compared disciplines found in it"
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Statement:
    """One labelled statement: ``label`` as written, its text, and its lines."""

    label: str
    text: str
    span: Span


@dataclass(slots=True)
class Section:
    title: str
    span: Span
    statements: list[Statement] = field(default_factory=list)
    pure: bool = True  # every line after the title is part of a labelled statement
    numbered: bool = False  # the title is a numbered item ("1. Scope")
    blocks: list[int] = field(default_factory=list)  # id() of each block it was read from

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(fold(statement.label) for statement in self.statements)

    def usable(self) -> bool:
        labels = self.labels
        return (
            self.pure
            and len(labels) >= 2
            and len(set(labels)) == len(labels)
            and not set(labels) <= _NOT_DISCIPLINES
        )


@dataclass(slots=True)
class Found:
    """Comparison rows, each with the blocks' lines it used (claimed) and, for rejected
    candidates, nothing: what is not claimed stays for the other extractors."""

    rows: list[ComparisonRow] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    blocks: set[int] = field(default_factory=set)  # id() of each block used
    # Each structure's rows, its lines, and whether its titles were numbered.
    groups: list[tuple[list[ComparisonRow], Span, bool]] = field(default_factory=list)
    skipped: list[SkippedSegment] = field(default_factory=list)


def fold(label: str) -> str:
    """The key labels are compared by: slug, a final plural ``s`` ignored."""
    key = slugify(label)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def strip_marker(text: str) -> str:
    """A line's text without a leading bullet or list number."""
    text = _BULLET.sub("", text, count=1)
    return _NUMBER.sub("", text, count=1).strip()


def labelled(text: str) -> tuple[str, str] | None:
    """``(label, text)`` when ``text`` reads ``Label: text`` with a short, capitalised label."""
    match = _LABELLED.match(strip_marker(text))
    if match is None:
        return None
    label = normalise_space(match.group("label"))
    words = label.split()
    if not words or len(words) > LABEL_MAX_WORDS or label[0].islower() or "://" in text[:12]:
        return None
    if not any(character.isalpha() for character in label):
        return None
    return label, match.group("text").strip()


def title_text(text: str) -> str:
    return strip_marker(text).rstrip(":").strip()


def _is_title(text: str) -> bool:
    title = title_text(text)
    words = title.split()
    return (
        0 < len(words) <= TITLE_MAX_WORDS
        and labelled(text) is None
        and not title.endswith((".", ",", ";", "!"))
    )


# Labelled sections


def labelled_sections(blocks: Sequence[Block], names: Iterable[str] = ()) -> Found:
    """Comparison rows from runs of sections that label their statements the same way.

    The titles are the aspects and the labels the disciplines, unless the titles are the
    disciplines the document names elsewhere (its title, its definitions) and the labels are
    not: then each section describes one discipline, aspect by aspect, and is read transposed.
    """
    known = [name for name in names if name]
    found = Found()
    sections = list(_sections(blocks))
    for group in _groups(sections):
        rows = _transposed(group) if _by_discipline(group, known) else _by_aspect(group)
        span = Span(group[0].span.start, group[-1].statements[-1].span.end)
        found.groups.append((rows, span, all(section.numbered for section in group)))
        found.rows.extend(rows)
        for section in group:
            found.blocks.update(section.blocks)
            found.claimed.update(range(section.span.start, section.span.end + 1))
            for statement in section.statements:
                found.claimed.update(range(statement.span.start, statement.span.end + 1))
    return found


def _by_aspect(group: list[Section]) -> list[ComparisonRow]:
    return [
        ComparisonRow(
            section.title,
            tuple(Cell(s.label, s.text, s.span) for s in section.statements),
            Span(section.span.start, section.statements[-1].span.end),
        )
        for section in group
    ]


def _transposed(group: list[Section]) -> list[ComparisonRow]:
    rows: list[ComparisonRow] = []
    for index, statement in enumerate(group[0].statements):
        key = fold(statement.label)
        cells = tuple(
            Cell(section.title, s.text, s.span)
            for section in group
            for s in section.statements
            if fold(s.label) == key
        )
        start = min(cell.span.start for cell in cells)
        end = max(cell.span.end for cell in cells)
        rows.append(ComparisonRow(group[0].statements[index].label, cells, Span(start, end)))
    return rows


def _by_discipline(group: list[Section], known: list[str]) -> bool:
    if not known:
        return False
    titles = sum(_known_start(section.title, known) is not None for section in group)
    labels = sum(_known_start(label, known) is not None for label in group[0].labels)
    return 2 * titles > len(group) and labels == 0


def _groups(sections: list[Section]) -> Iterator[list[Section]]:
    run: list[Section] = []
    for section in [*sections, None]:
        if section is not None and section.usable():
            if run and set(run[-1].labels) == set(section.labels):
                run.append(section)
                continue
            if len(run) >= MIN_SECTIONS:
                yield run
            run = [section]
            continue
        if len(run) >= MIN_SECTIONS:
            yield run
        run = []


def _sections(blocks: Sequence[Block]) -> Iterator[Section]:
    """Every titled run of labelled statements, in document order."""
    current: Section | None = None
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading):
            if current is not None:
                yield current
            current = Section(title_text(block.text), block.span, numbered=_numbered(block.text))
            current.blocks.append(id(block))
            continue
        if isinstance(block, ListBlock) and _items_are_sections(block):
            if current is not None:
                yield current
                current = None
            for item in block.items:
                section = _item_section(item)
                section.blocks.append(id(block))
                yield section
            continue
        if _title_block(block) and following is not None and _opens_with_label(following):
            if current is not None:
                yield current
            title, span = _title_of(block)
            current = Section(title, span, numbered=_numbered_block(block))
            current.blocks.append(id(block))
            continue
        if current is None:
            continue
        statements = _statements(block)
        if statements is not None:
            current.statements.extend(statements)
            current.blocks.append(id(block))
        elif current.statements:  # text after the statements ends the section
            yield current
            current = None
        else:  # text between the title and the statements: not a labelled section
            current.pure = False
    if current is not None:
        yield current


def _title_block(block: Block) -> bool:
    """A short line standing alone: a paragraph of one line, or a list of one short item."""
    if isinstance(block, Paragraph):
        return len(block.lines) <= 1 and _is_title(block.text)
    if isinstance(block, ListBlock) and len(block.items) == 1:
        item = block.items[0]
        return not item.children and len(item.lines) <= 1 and _is_title(item.text)
    return False


def _numbered(text: str) -> bool:
    return _NUMBER.match(text) is not None


def _numbered_block(block: Block) -> bool:
    if isinstance(block, ListBlock):
        return block.ordered
    return isinstance(block, Paragraph) and _numbered(block.text)


def _title_of(block: Block) -> tuple[str, Span]:
    if isinstance(block, ListBlock):
        item = block.items[0]
        return title_text(item.text), item.span
    assert isinstance(block, Paragraph)
    return title_text(block.text), block.span


def _opens_with_label(block: Block) -> bool:
    statements = _statements(block)
    return bool(statements)


def _items_are_sections(block: ListBlock) -> bool:
    """Each item is a title line followed by labelled lines or a nested labelled list."""
    return len(block.items) >= 1 and all(_item_parts(item) is not None for item in block.items)


def _item_parts(item: ListItem) -> tuple[str, Span, list[Statement]] | None:
    lines = list(item.lines)
    if lines and _is_title(lines[0].text) and not item.children and len(lines) >= 3:
        statements = _line_statements(lines[1:])
        if statements and len(statements) >= 2:
            first = lines[0]
            return title_text(first.text), Span(first.number, first.number), statements
    if len(lines) == 1 and _is_title(lines[0].text) and item.children:
        found: list[Statement] = []
        for child in item.children:
            statements = _statements(child)
            if statements is None:
                return None
            found.extend(statements)
        if len(found) >= 2:
            first = lines[0]
            return title_text(first.text), Span(first.number, first.number), found
    return None


def _item_section(item: ListItem) -> Section:
    parts = _item_parts(item)
    assert parts is not None
    title, span, statements = parts
    return Section(title, span, statements, numbered=item.marker[:1].isdigit())


def _statements(block: Block) -> list[Statement] | None:
    """The labelled statements a block holds, or None when any of its text is unlabelled."""
    if isinstance(block, Paragraph):
        return _line_statements(block.lines or (Line(block.span.start, block.text),))
    if isinstance(block, ListBlock):
        found: list[Statement] = []
        for item in block.items:
            if item.children:
                return None
            statements = _line_statements(item.lines or (Line(item.span.start, item.text),))
            if statements is None:
                return None
            found.extend(statements)
        return found
    return None


def _line_statements(lines: Sequence[Line]) -> list[Statement] | None:
    """Lines split into statements where a line starts with a label; a line without one
    continues the statement before it. None when the first line has no label."""
    found: list[tuple[str, list[str], int, int]] = []
    for line in lines:
        parts = labelled(line.text)
        if parts is not None:
            found.append((parts[0], [parts[1]], line.number, line.number))
        elif found:
            label, texts, start, _ = found[-1]
            found[-1] = (label, [*texts, line.text], start, line.number)
        else:
            return None
    return [
        Statement(label, normalise_space(" ".join(texts)), Span(start, end))
        for label, texts, start, end in found
    ]


# Contrast bullets


def contrast_bullets(blocks: Sequence[Block], names: Iterable[str]) -> Found:
    """Comparison rows from lists whose items contrast two disciplines with *whereas*."""
    known = list(dict.fromkeys(n for n in names if n))
    found = Found()
    for block in blocks:
        if not isinstance(block, ListBlock) or len(block.items) < MIN_SECTIONS:
            continue
        rows, skipped = _contrast_rows(block, known)
        if rows:
            found.rows.extend(rows)
            found.groups.append((rows, block.span, False))
            found.skipped.extend(skipped)
            found.blocks.add(id(block))
            found.claimed.update(range(block.span.start, block.span.end + 1))
    return found


@dataclass(frozen=True, slots=True)
class _Half:
    text: str
    span: Span


def _contrast_rows(
    block: ListBlock, known: list[str]
) -> tuple[list[ComparisonRow], list[SkippedSegment]]:
    """The items' rows, and the items that could not be split (when enough others could)."""
    split: list[tuple[str, _Half, _Half, Span] | ListItem] = []
    for item in block.items:
        parts = labelled(item.text)
        if parts is None or item.children:
            split.append(item)
            continue
        aspect, text = parts
        pieces = _contrast(text, known)
        if pieces is None:
            split.append(item)
            continue
        left, right = pieces
        lines = item.lines or (Line(item.span.start, item.text),)
        split.append((aspect, _Half(left, _span_of(lines, left)),
                      _Half(right, _span_of(lines, right)), item.span))  # fmt: skip
    halves = [entry for entry in split if not isinstance(entry, ListItem)]
    if len(halves) < MIN_SECTIONS or 2 * len(halves) < len(split):
        return [], []
    left_names = _attribute([left.text for _, left, _, _ in halves], known)
    right_names = _attribute([right.text for _, _, right, _ in halves], known)
    if left_names is None or right_names is None:
        return [], []
    rows = []
    for (aspect, first, second, span), a, b in zip(halves, left_names, right_names, strict=True):
        if fold(a) == fold(b):
            return [], []
        cells = (Cell(a, first.text, first.span), Cell(b, second.text, second.span))
        rows.append(ComparisonRow(aspect, cells, span))
    skipped = [
        SkippedSegment(entry.span, UNSPLIT, excerpt(entry.text))
        for entry in split
        if isinstance(entry, ListItem)
    ]
    return rows, skipped


def _contrast(text: str, known: list[str]) -> tuple[str, str] | None:
    """The two contrasted halves of ``text``: split at *whereas* or *while*, else at a
    sentence whose subject is another of the compared disciplines."""
    pieces = _CONTRAST.split(text, maxsplit=1)
    if len(pieces) == 2:
        left, right = pieces
    else:
        first = _known_start(text, known)
        for match in _SENTENCE.finditer(text):
            later = _known_start(text[match.end() :], known)
            if first is not None and later is not None and fold(later) != fold(first):
                left, right = text[: match.start()], text[match.end() :]
                break
        else:
            return None
    left = left.strip().rstrip(",;").strip()
    right = right.strip().rstrip(".").strip()
    return (left, right) if left and right else None


def _attribute(halves: list[str], known: list[str]) -> list[str] | None:
    """The discipline each half starts with: a known name, else the word every half starts
    with (in the casing it has most often); None when a half names neither."""
    found: list[str | None] = [_known_start(half, known) for half in halves]
    if all(name is not None for name in found):
        return [name for name in found if name is not None]
    firsts = [_ARTICLE.sub("", half).split()[0] if half.split() else "" for half in halves]
    keys = {fold(word) for word in firsts}
    if len(keys) != 1 or not firsts[0]:
        return None
    capitalised = [word for word in firsts if word[:1].isupper()]
    name = capitalised[0] if capitalised else firsts[0][:1].upper() + firsts[0][1:]
    return [known_name if known_name is not None else name for known_name in found]


def _known_start(text: str, known: list[str]) -> str | None:
    """The known name ``text`` starts with, after an article: the whole name, or its first
    word where no other name shares it ("Project managers …" for Project Management)."""
    key = slugify(_ARTICLE.sub("", text.strip()))
    firsts = [slugify(name).split("-")[0] for name in known]
    best: str | None = None
    for name, first in zip(known, firsts, strict=True):
        prefixes = {slugify(name), fold(name)}
        if firsts.count(first) == 1 and len(first) > 2:
            prefixes.add(first)
        starts = any(_starts_with(key, prefix) for prefix in prefixes if prefix)
        if starts and (best is None or len(name) > len(best)):
            best = name
    if best is None:
        best = _practitioner(key, known)
    return best


def _practitioner(key: str, known: list[str]) -> str | None:
    """The name whose practitioner ``key`` starts with: "biochemists" for Biochemistry,
    "a molecular biologist" for Molecular Biology, "radiographers" for Radiography. The words
    before the last must be the name's; the last shares its stem (all but the last two
    letters, at least five) with the name's last word. None unless exactly one name fits."""
    words = key.split("-")
    found = []
    for name in known:
        parts = slugify(name).split("-")
        if len(words) < len(parts) or words[: len(parts) - 1] != parts[:-1]:
            continue
        stem = parts[-1][:-2]
        if len(stem) >= 5 and words[len(parts) - 1].startswith(stem):
            found.append(name)
    return found[0] if len(found) == 1 else None


def _starts_with(key: str, prefix: str) -> bool:
    """``key`` starts with the word(s) ``prefix``, in either number ("managers")."""
    if not key.startswith(prefix):
        return False
    rest = key[len(prefix) :]
    return (
        rest == ""
        or rest[0] == "-"
        or rest in ("s", "es")
        or rest[:2] in ("s-",)
        or rest[:3] == "es-"
    )


def _span_of(lines: Sequence[Line], piece: str) -> Span:
    """The lines of ``lines`` that ``piece`` (a substring of their joined text) stands on."""
    text = " ".join(line.text for line in lines)
    start = text.find(piece[: max(1, min(len(piece), 40))])
    if start < 0:
        return Span(lines[0].number, lines[-1].number)
    return lines_span(lines, start, start + len(piece) - 1)
