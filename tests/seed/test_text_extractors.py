"""Text extractors on documents about other disciplines: they are generic, not tuned to the
bundled sources. Also strict mode, skipped-segment reasons and dispatch by file extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed.parse import parse_document
from seed.reading import decode_source
from seed.records import ParsedDocument, SourceError, Span

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROSE = "prose: no definition, comparison, list or FAQ recognised"
HEADING = "heading or short line: no definition, comparison, list or FAQ recognised"

RUN_TOGETHER = (
    "Leadership and Management\n"
    "\n"
    "CriterionLeadership\u00a0\u00a0\u00a0 Management\n"
    "FocusInspires people towards a vision.Organises people to meet targets.\n"
    "Time Horizon (Years)Looks five or more years ahead.Plans for the coming year.\n"
    "ToolsStorytelling and coachingBudgets and schedules.\n"
    "\n"
    "That is all.\n"
)
AMBIGUOUS_ROW = "RiskTakes bold bets.Uses iPhone data.Avoids risk.\n"


def article() -> ParsedDocument:
    name = "frontend_vs_backend_article.txt"
    return parse_document(
        name, decode_source(name, (FIXTURES / name).read_bytes(), max_bytes=10**6)
    )


def test_article_fixture_formats_in_document_order() -> None:
    assert article().formats == ["definitions", "uses-list", "numbered-differences", "faq"]


def test_article_fixture_definitions() -> None:
    definitions = article().definitions
    assert [(d.discipline, d.span) for d in definitions] == [
        ("Frontend Development", Span(5, 7)),
        ("Backend Development", Span(9, 11)),
    ]
    assert definitions[1].text == (
        "Backend development covers the server side of an application: databases, business "
        "logic and the APIs that the frontend calls."
    )


def test_article_fixture_uses() -> None:
    uses = article().uses
    assert [(u.discipline, u.position, u.title, u.text, u.span) for u in uses] == [
        (
            "Frontend Development",
            1,
            "Web Applications",
            "Building interactive single-page applications.",
            Span(17, 17),
        ),
        (
            "Frontend Development",
            2,
            "Accessibility",
            "Making interfaces usable by everyone.",
            Span(18, 18),
        ),
    ]


def test_article_fixture_numbered_differences_with_dash_bullets() -> None:
    rows = article().rows
    assert [(row.aspect, row.span) for row in rows] == [
        ("Main Languages", Span(22, 25)),
        ("Where Code Runs", Span(27, 30)),
        ("Main Concern", Span(32, 35)),
    ]
    assert [(c.discipline, c.text, c.span) for c in rows[1].cells] == [
        ("Frontend Development", "In the user's browser.", Span(29, 29)),
        ("Backend Development", "On servers in a data centre.", Span(30, 30)),
    ]


def test_article_fixture_faqs_strip_q_and_a_markers() -> None:
    faqs = article().faqs
    assert [(f.position, f.question, f.answer, f.span) for f in faqs] == [
        (
            1,
            "Which is easier to learn?",
            "Frontend, because results are visible immediately.",
            Span(39, 40),
        ),
        (
            2,
            "Do backend developers need to know HTML?",
            "Some, for templates and debugging.",
            Span(41, 42),
        ),
    ]


def test_article_fixture_skipped_segments() -> None:
    skipped = [(s.span, s.reason) for s in article().skipped]
    assert skipped == [
        (Span(1, 1), HEADING),
        (Span(3, 3), PROSE),
        (Span(15, 15), PROSE),  # the uses list's intro
        (Span(20, 20), HEADING),
        (
            Span(44, 44),
            "advertising/contact details (phone number, e-mail address, call to action): "
            "not comparison content",
        ),
        (Span(46, 46), HEADING),
    ]


def test_run_together_table_about_other_disciplines() -> None:
    document = parse_document("t.txt", RUN_TOGETHER)
    assert document.formats == ["run-together-table"]
    assert [(row.aspect, [(c.discipline, c.text) for c in row.cells]) for row in document.rows] == [
        (
            "Focus",
            [
                ("Leadership", "Inspires people towards a vision."),
                ("Management", "Organises people to meet targets."),
            ],
        ),
        (
            "Time Horizon (Years)",
            [
                ("Leadership", "Looks five or more years ahead."),
                ("Management", "Plans for the coming year."),
            ],
        ),
        (
            "Tools",
            [("Leadership", "Storytelling and coaching"), ("Management", "Budgets and schedules.")],
        ),
    ]
    assert [row.span for row in document.rows] == [Span(4, 4), Span(5, 5), Span(6, 6)]
    assert [(s.span, s.reason) for s in document.skipped] == [
        (Span(1, 1), HEADING),
        (Span(8, 8), PROSE),
    ]


def test_ambiguous_run_together_row_is_skipped_with_its_reason() -> None:
    text = RUN_TOGETHER.replace("\n\nThat", "\n" + AMBIGUOUS_ROW + "\nThat")
    document = parse_document("t.txt", text)
    assert [row.aspect for row in document.rows] == ["Focus", "Time Horizon (Years)", "Tools"]
    ambiguous = [s for s in document.skipped if s.span == Span(7, 7)]
    assert [(s.reason, s.excerpt) for s in ambiguous] == [
        (
            "run-together table row: 3 possible boundaries between the discipline cells, "
            "expected 1; not split to avoid guessing",
            AMBIGUOUS_ROW.strip(),
        )
    ]


def test_ambiguous_run_together_row_is_fatal_in_strict_mode() -> None:
    text = RUN_TOGETHER.replace("\n\nThat", "\n" + AMBIGUOUS_ROW + "\nThat")
    with pytest.raises(SourceError) as caught:
        parse_document("t.txt", text, strict=True)
    assert str(caught.value).startswith("t.txt:7: run-together table row: 3 possible boundaries")


def test_run_together_row_without_boundary_is_skipped() -> None:
    text = RUN_TOGETHER.replace("\n\nThat", "\nno boundary here at all\n\nThat")
    (skipped,) = [s for s in parse_document("t.txt", text).skipped if s.span == Span(7, 7)]
    assert skipped.reason == "run-together table row: no boundary after the aspect label"


PROSE_DOCUMENT = (
    "Leadership and management are often confused.\n"
    "To begin, leadership refers to the ability to set a direction and bring people along.\n"
    "One key difference between leadership and management is their horizon. Leadership looks "
    "years ahead, whereas management plans the next quarter. It also reviews budgets monthly.\n"
    "There is also a difference in the source of authority between leadership and management. "
    "Leadership earns authority through trust. Management, by contrast, holds it by position.\n"
    "Another difference between leadership and management is their attitude to risk. "
    "Leadership embraces risk.\n"
)


def test_prose_definitions_and_differences_about_other_disciplines() -> None:
    document = parse_document("p.md", PROSE_DOCUMENT)
    assert document.formats == ["definitions", "prose-differences"]
    (definition,) = document.definitions
    assert (definition.discipline, definition.span) == ("leadership", Span(2, 2))
    assert definition.text == (
        "leadership refers to the ability to set a direction and bring people along."
    )
    rows = [(row.aspect, {c.discipline: c.text for c in row.cells}) for row in document.rows]
    assert rows == [
        (
            "horizon",
            {
                # A piece naming neither discipline continues the one before it.
                "leadership": "Leadership looks years ahead",
                "management": "management plans the next quarter. It also reviews budgets monthly.",
            },
        ),
        (
            "source of authority",
            {
                "leadership": "Leadership earns authority through trust.",
                "management": "Management, by contrast, holds it by position.",
            },
        ),
    ]


def test_prose_difference_missing_one_discipline_is_skipped_or_fatal() -> None:
    document = parse_document("p.md", PROSE_DOCUMENT)
    (skipped,) = [s for s in document.skipped if s.span == Span(5, 5)]
    assert (
        skipped.reason
        == "prose difference in 'attitude to risk': no sentence about management found"
    )
    assert skipped.excerpt.startswith("Another difference between leadership and management")
    with pytest.raises(SourceError, match=r"^p\.md:5: prose difference in 'attitude to risk'"):
        parse_document("p.md", PROSE_DOCUMENT, strict=True)


@pytest.mark.parametrize(
    ("paragraph", "reason"),
    [
        ("Call 020 7946 0958 for a brochure.", "phone number"),
        ("Phone: 98765 43210", "phone number"),
        ("Write to info@example.org today.", "e-mail address"),
        ("12 Baker Street, London", "postal address"),
        ("Hinjewadi, Pune \u2013 411 057, Maharashtra.", "postal address"),
        ("Apply Online", "call to action"),
        ("Consider enrolling in our programme.", "call to action"),
        ("Feel free to contact us with questions.", "call to action"),
    ],
)
def test_contact_details_are_reported_as_advertising(paragraph: str, reason: str) -> None:
    text = "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n\n" + paragraph + "\n"
    (skipped,) = parse_document("ad.txt", text).skipped
    assert skipped.span == Span(5, 5)
    assert skipped.reason == f"advertising/contact details ({reason}): not comparison content"


def test_numbers_in_ordinary_prose_are_not_contact_details() -> None:
    text = "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n\nIn 2019-2020 sales rose 12%.\n"
    (skipped,) = parse_document("ad.txt", text).skipped
    assert skipped.reason == PROSE


def test_hard_wrapped_paragraph_is_one_skipped_segment_and_excerpt_is_cut() -> None:
    long_words = " ".join(["word"] * 30)
    text = f"| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n\n{long_words}\n{long_words}.\n"
    (skipped,) = parse_document("wrap.txt", text).skipped
    assert skipped.span == Span(5, 6)
    assert len(skipped.excerpt) == 80
    assert skipped.excerpt.endswith("\u2026")


@pytest.mark.parametrize(
    ("name", "text", "formats"),
    [
        ("a.CSV", "Aspect,A,B\nGoal,x,y\n", ["csv"]),
        ("a.htm", "<table><tr><th>Aspect<th>A<th>B<tr><td>Goal<td>x<td>y</table>", ["html-table"]),
        ("a.markdown", "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n", ["markdown-table"]),
        ("notes", "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n", ["markdown-table"]),
        ("a.txt", "Aspect,A,B\nGoal,x,y\n", None),
    ],
    ids=["csv", "htm", "markdown", "no extension", "csv text in a .txt"],
)
def test_dispatch_by_extension(name: str, text: str, formats: list[str] | None) -> None:
    if formats is None:
        with pytest.raises(
            SourceError, match="no comparison rows, definitions, uses or FAQs found"
        ):
            parse_document(name, text)
        return
    document = parse_document(name, text)
    assert document.formats == formats
    assert [(c.discipline, c.text) for c in document.rows[0].cells] == [("A", "x"), ("B", "y")]


def test_document_without_records_is_an_error() -> None:
    text = "Leadership vs Management\n\nThey are different. Contact us to learn more.\n"
    with pytest.raises(SourceError) as caught:
        parse_document("empty.md", text)
    assert str(caught.value) == "empty.md: no comparison rows, definitions, uses or FAQs found"
    assert caught.value.line is None


def test_markdown_bold_labels_in_bullets_and_use_items() -> None:
    text = (
        "### 1. Focus\n"
        "\n"
        "- **Project Management**: Delivering one output.\n"
        "- **Program Management:** Coordinating many projects.\n"
        "\n"
        "## Uses of Project Management\n"
        "\n"
        "1. **Construction**: Building things on time.\n"
        "2. __Software:__ Shipping releases.\n"
    )
    document = parse_document("bold.md", text)
    assert document.formats == ["numbered-differences", "uses-list"]
    (row,) = document.rows
    assert (row.aspect, row.span) == ("Focus", Span(1, 4))
    assert [(c.discipline, c.text) for c in row.cells] == [
        ("Project Management", "Delivering one output."),
        ("Program Management", "Coordinating many projects."),
    ]
    assert [(u.discipline, u.position, u.title, u.text) for u in document.uses] == [
        ("Project Management", 1, "Construction", "Building things on time."),
        ("Project Management", 2, "Software", "Shipping releases."),
    ]
    assert document.skipped == []


def test_numbered_points_without_labelled_bullets_are_not_differences() -> None:
    text = (
        "1. Expertise in Critical Functions:\n\nSpecialists are in demand.\n\n"
        "2. High Demand:\n\n- Employers hire them.\n"
    )
    with pytest.raises(SourceError, match="no comparison rows, definitions, uses or FAQs found"):
        parse_document("points.txt", text)
