"""The five bundled sources: exactly what each must yield, and that nothing else slips in."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed.parse import parse_document
from seed.reading import decode_source
from seed.records import ComparisonRow, ParsedDocument, Span
from seed.text import normalise_space

SOURCES = Path(__file__).resolve().parents[2] / "seed" / "sources"
PROSE = "prose: no definition, comparison, list or FAQ recognised"
HEADING = "heading or short line: no definition, comparison, list or FAQ recognised"


def read_text(name: str) -> str:
    return decode_source(name, (SOURCES / name).read_bytes(), max_bytes=1_000_000)


def parse(name: str) -> ParsedDocument:
    return parse_document(name, read_text(name))


def row(document: ParsedDocument, aspect: str) -> ComparisonRow:
    (found,) = [candidate for candidate in document.rows if candidate.aspect == aspect]
    return found


def cell_texts(found: ComparisonRow) -> dict[str, str]:
    return {cell.discipline: cell.text for cell in found.cells}


def record_texts(document: ParsedDocument) -> list[str]:
    texts = [cell.text for found in document.rows for cell in found.cells]
    texts += [found.aspect for found in document.rows]
    texts += [definition.text for definition in document.definitions]
    texts += [use.title for use in document.uses] + [use.text for use in document.uses]
    texts += [faq.question for faq in document.faqs] + [faq.answer for faq in document.faqs]
    return texts


@pytest.mark.parametrize(
    ("name", "formats", "rows", "definitions", "uses", "faqs"),
    [
        ("000_792e2d49130623ec.txt", ["pipe-table"], 12, 0, 0, 0),
        (
            "001_94c4c58cecab1e71.txt",
            ["definitions", "uses-list", "numbered-differences", "faq"],
            25,
            2,
            10,
            6,
        ),
        ("002_1822087dd527884a.txt", ["definitions", "prose-differences"], 3, 2, 0, 0),
        ("003_c9653eb4834729b5.txt", ["definitions"], 0, 2, 0, 0),
        ("004_c9fa020e8998d7ce.txt", ["definitions", "run-together-table"], 10, 2, 0, 0),
    ],
)
def test_counts_and_formats(
    name: str, formats: list[str], rows: int, definitions: int, uses: int, faqs: int
) -> None:
    document = parse(name)
    assert document.file_name == name
    assert document.formats == formats
    assert (len(document.rows), len(document.definitions)) == (rows, definitions)
    assert (len(document.uses), len(document.faqs)) == (uses, faqs)


def verbatim_pieces(text: str, source: str) -> list[str] | None:
    """The fewest pieces, split at spaces, that make up ``text`` and each occur in ``source``."""
    words = text.replace(" … ", " ").split(" ")
    best: list[list[str] | None] = [[]] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            piece = " ".join(words[start:end])
            before = best[start]
            if before is not None and piece in source:
                candidate = [*before, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1]


@pytest.mark.parametrize(
    ("name", "most_pieces"),
    [
        ("000_792e2d49130623ec.txt", 1),
        ("001_94c4c58cecab1e71.txt", 1),
        ("002_1822087dd527884a.txt", 2),  # prose cells join the clauses about one discipline
        ("003_c9653eb4834729b5.txt", 1),
        ("004_c9fa020e8998d7ce.txt", 1),
    ],
)
def test_every_text_is_verbatim_from_the_source(name: str, most_pieces: int) -> None:
    source = normalise_space(read_text(name))
    texts = record_texts(parse(name))
    assert texts
    assert [text for text in texts if text != normalise_space(text) or not text] == []
    pieces = {text: verbatim_pieces(text, source) for text in texts}
    assert [text for text, found in pieces.items() if found is None] == []
    assert max(len(found or []) for found in pieces.values()) == most_pieces


# 000: a pipe table broken across lines, one cell per line.


def test_000_focus_row_cells_and_spans() -> None:
    focus = row(parse("000_792e2d49130623ec.txt"), "Focus")
    assert focus.span == Span(5, 7)
    assert [(cell.discipline, cell.text, cell.span) for cell in focus.cells] == [
        ("Production", "Primarily on manufacturing physical goods", Span(6, 6)),
        (
            "Operations Management",
            "Encompasses broader activities related to the entire operations of an organization",
            Span(7, 7),
        ),
    ]


def test_000_aspects_labels_and_last_row() -> None:
    document = parse("000_792e2d49130623ec.txt")
    assert [found.aspect for found in document.rows] == [
        "Focus",
        "Scope",
        "Emphasis",
        "Nature of Processes",
        "Application",
        "Strategic Focus",
        "Decision-Making",
        "Integration",
        "Customer Orientation",
        "Time Sensitivity",
        "Primary Concern",
        "Relationship with Other Functions",
    ]
    assert {tuple(cell.discipline for cell in found.cells) for found in document.rows} == {
        ("Production", "Operations Management")
    }
    last = row(document, "Relationship with Other Functions")
    assert last.span == Span(38, 40)
    assert cell_texts(last)["Production"] == (
        "Primarily linked to production functions, such as procurement and quality control"
    )


def test_000_closing_remark_is_skipped_prose() -> None:
    (skipped,) = parse("000_792e2d49130623ec.txt").skipped
    assert skipped.span == Span(41, 41)
    assert skipped.reason == PROSE
    assert skipped.excerpt.startswith("Please note that while these differences provide")
    assert len(skipped.excerpt) <= 80


# 001: an article with definitions, uses lists, numbered differences and FAQs.


def test_001_definitions() -> None:
    document = parse("001_94c4c58cecab1e71.txt")
    assert [(found.discipline, found.span) for found in document.definitions] == [
        ("Operations Management", Span(8, 10)),
        ("Production Management", Span(28, 30)),
    ]
    assert document.definitions[1].text.startswith(
        "Production management refers to the systematic planning, organization, and control"
    )
    assert document.definitions[1].text.endswith("to meet customer demands.")


def test_001_uses() -> None:
    uses = parse("001_94c4c58cecab1e71.txt").uses
    assert [(use.discipline, use.position, use.title) for use in uses] == [
        ("Operations Management", 1, "Efficiency and Productivity Improvement"),
        ("Operations Management", 2, "Quality Control and Assurance"),
        ("Operations Management", 3, "Inventory Management"),
        ("Operations Management", 4, "Supply Chain Management"),
        ("Operations Management", 5, "Capacity Planning and Resource Allocation"),
        ("Production Management", 1, "Optimal Resource Utilization"),
        ("Production Management", 2, "Quality Control and Assurance"),
        ("Production Management", 3, "Timely Delivery"),
        ("Production Management", 4, "Inventory Management"),
        ("Production Management", 5, "Continuous Improvement"),
    ]
    assert uses[0].span == Span(20, 20)
    assert uses[0].text.startswith("One of the primary goals of operations management is")
    assert uses[9].span == Span(41, 41)


def test_001_numbered_differences() -> None:
    rows = parse("001_94c4c58cecab1e71.txt").rows
    first, last = rows[0], rows[-1]
    assert (first.aspect, first.span) == ("Definition and Scope", Span(49, 52))
    assert [(cell.discipline, cell.span) for cell in first.cells] == [
        ("Production Management", Span(51, 51)),
        ("Operations Management", Span(52, 52)),
    ]
    assert first.cells[0].text == (
        "Production management involves the planning, coordination, and control of activities "
        "related to converting raw materials into finished goods. It focuses primarily on the "
        "manufacturing process, optimizing it for increased productivity."
    )
    assert (last.aspect, last.span) == ("Decision-Making Approach", Span(169, 172))
    assert cell_texts(last)["Operations Management"] == (
        "Operations management decisions are driven by strategic planning, data analysis, "
        "and market insights."
    )
    assert rows[7].aspect == "Key Performance Indicators (KPIs)"
    assert all(len(found.cells) == 2 for found in rows)


def test_001_faqs() -> None:
    faqs = parse("001_94c4c58cecab1e71.txt").faqs
    assert [faq.position for faq in faqs] == [1, 2, 3, 4, 5, 6]
    assert faqs[0].question == (
        "What are the main differences between production and operations management?"
    )
    assert faqs[0].answer.startswith("Production management mainly deals with optimizing")
    assert faqs[0].span == Span(176, 177)
    assert faqs[1].question == "How does production management impact a company\u2019s success?"
    assert faqs[5].span == Span(186, 187)


def test_001_intro_conclusion_and_comment_prompt_are_skipped() -> None:
    skipped = {segment.span: segment for segment in parse("001_94c4c58cecab1e71.txt").skipped}
    assert skipped[Span(4, 6)].reason == PROSE  # the two introduction paragraphs
    assert skipped[Span(18, 18)].excerpt.startswith("Operations management is a crucial")
    assert skipped[Span(26, 26)].reason == PROSE  # closing paragraph of a uses section
    assert skipped[Span(190, 190)].excerpt.startswith("In conclusion, the difference between")
    assert skipped[Span(193, 193)].reason == HEADING
    assert skipped[Span(193, 193)].excerpt == "Leave a comment"


# 002: prose only, one paragraph per line.


def test_002_definitions_drop_leading_connectives() -> None:
    definitions = parse("002_1822087dd527884a.txt").definitions
    assert [(found.discipline, found.span) for found in definitions] == [
        ("Production management", Span(2, 2)),
        ("operation management", Span(3, 3)),
    ]
    assert definitions[0].text.startswith("Production management refers to the process of")
    assert definitions[0].text.endswith("scheduling, quality control, and cost control.")
    assert definitions[1].text.startswith("operation management is the process of managing")
    assert definitions[1].text.endswith("supply chain management, and logistics.")


def test_002_prose_differences() -> None:
    document = parse("002_1822087dd527884a.txt")
    assert [(found.aspect, found.span) for found in document.rows] == [
        ("focus", Span(4, 4)),
        ("scope", Span(5, 5)),
        ("level of responsibility", Span(6, 6)),
    ]
    for found in document.rows:
        assert [cell.discipline for cell in found.cells] == [
            "production management",
            "operation management",
        ]
    scope = cell_texts(document.rows[1])
    assert scope["production management"] == (
        "Production management is typically more narrow in scope, as it is focused on the "
        "production of specific goods and services."
    )
    assert scope["operation management"].startswith("Operation management, on the other hand,")
    focus = cell_texts(document.rows[0])
    assert focus["production management"].startswith(
        "Production management is primarily concerned with the production of goods and services"
    )
    assert focus["operation management"] == (
        "operation management is focused on the overall operation of an organization. … "
        "operation management is more concerned with the overall management of the organization."
    )


def test_002_each_cell_piece_is_verbatim() -> None:
    source = normalise_space(read_text("002_1822087dd527884a.txt"))
    pieces = [
        "Production management is primarily concerned with the production of goods and services",
        "This means that production management is more focused on the specific process of "
        "production",
    ]
    focus = cell_texts(parse("002_1822087dd527884a.txt").rows[0])
    assert focus["production management"] == " … ".join(pieces)
    assert all(piece in source for piece in pieces)


def test_002_intro_and_conclusion_are_skipped() -> None:
    skipped = parse("002_1822087dd527884a.txt").skipped
    assert [(segment.span, segment.reason) for segment in skipped] == [
        (Span(1, 1), PROSE),
        (Span(7, 7), PROSE),
    ]


# 003: untidy prose with two definitions.


def test_003_definitions_and_skipped() -> None:
    document = parse("003_c9653eb4834729b5.txt")
    assert [(found.discipline, found.span) for found in document.definitions] == [
        ("Production Management", Span(9, 11)),
        ("Operations Management", Span(13, 15)),
    ]
    assert "The government is also helps" in document.definitions[0].text  # NBSP normalised
    assert document.definitions[1].text.startswith(
        "Operations management is a field of study that deals with the monitoring"
    )
    assert [(segment.span, segment.reason) for segment in document.skipped] == [
        (Span(1, 5), HEADING),  # the repeated title lines, reported once
        (Span(7, 7), PROSE),
        (Span(17, 17), HEADING),
        (Span(19, 19), PROSE),  # differences buried in run-on text are not extracted
    ]


# 004: definitions, a run-together table, then an advertisement.

RUN_TOGETHER_ASPECTS = [
    "Focus",
    "Objective",
    "Functions",
    "Scope",
    "Inventory Management",
    "Quality Control",
    "Resource Allocation",
    "Customer Focus",
    "Decision-Making",
    "Key Performance Indicators (KPIs)",
]


def test_004_run_together_rows() -> None:
    document = parse("004_c9fa020e8998d7ce.txt")
    assert [found.aspect for found in document.rows] == RUN_TOGETHER_ASPECTS
    assert [found.span for found in document.rows] == [Span(n, n) for n in range(24, 34)]
    for found in document.rows:
        assert [cell.discipline for cell in found.cells] == [
            "Production Management",
            "Operations Management",
        ]
        assert all(cell.span == found.span for cell in found.cells)


@pytest.mark.parametrize(
    ("aspect", "production", "operations"),
    [
        (
            "Focus",
            "Concentrates on manufacturing of physical products.",
            "Encompasses a broader range of activities, including manufacturing, services, "
            "and process management.",
        ),
        (
            "Functions",
            "Key functions include production planning, scheduling, and maintenance",
            "Key functions include inventory management, supply chain management, "
            "and process design.",
        ),
        (
            "Inventory Management",
            "Typically deals with raw material and work-in-progress inventory.",
            "Manages inventory at various stages, including raw materials, work-in-progress, "
            "and finished goods.",
        ),
        (
            "Decision-Making",
            "Decision-making tends to be more specialized within the production process.",
            "Decision-making is more integrated across various operational functions.",
        ),
        (
            "Key Performance Indicators (KPIs)",
            "KPIs include production output, cycle time, and waste reduction.",
            "KPIs encompass customer satisfaction, delivery times, and cost per unit produced "
            "or service delivered.",
        ),
    ],
)
def test_004_cell_texts(aspect: str, production: str, operations: str) -> None:
    found = row(parse("004_c9fa020e8998d7ce.txt"), aspect)
    assert cell_texts(found) == {
        "Production Management": production,
        "Operations Management": operations,
    }


def test_004_definitions() -> None:
    definitions = parse("004_c9fa020e8998d7ce.txt").definitions
    assert [(found.discipline, found.span) for found in definitions] == [
        ("Operations Management", Span(13, 15)),
        ("Production Management", Span(17, 19)),
    ]
    assert definitions[1].text.startswith("Production Management, also known as Manufacturing")


@pytest.mark.parametrize("fragment", ["ISMR", "091453", "@", "Pune", "412 308"])
def test_004_advertisement_yields_no_record(fragment: str) -> None:
    texts = record_texts(parse("004_c9fa020e8998d7ce.txt"))
    assert [text for text in texts if fragment in text] == []


def test_004_nothing_after_the_table_is_a_record() -> None:
    document = parse("004_c9fa020e8998d7ce.txt")
    spans = [found.span for found in document.rows] + [d.span for d in document.definitions]
    assert max(span.end for span in spans) == 33
    after_table = [segment for segment in document.skipped if segment.span.start > 33]
    assert after_table[0].span == Span(35, 35)
    assert after_table[-1].span == Span(92, 92)


def test_004_contact_details_are_reported_as_advertising() -> None:
    skipped = {segment.span: segment for segment in parse("004_c9fa020e8998d7ce.txt").skipped}
    contact = skipped[Span(74, 88)]  # the call to action, phone, e-mail and postal address
    assert contact.reason == (
        "advertising/contact details (call to action, phone number, e-mail address, "
        "postal address): not comparison content"
    )
    assert skipped[Span(92, 92)].reason == (
        "advertising/contact details (call to action): not comparison content"
    )
    assert skipped[Span(92, 92)].excerpt == "Apply Online"
    assert skipped[Span(43, 43)].excerpt == "1. Expertise in Critical Functions:"
    assert skipped[Span(43, 43)].reason == HEADING
    assert skipped[Span(1, 7)].reason == HEADING  # four repeats of the title
