"""Comparisons and definitions written as text: labelled sections, contrast bullets, definition
lists and defining sentences, in every format that yields blocks."""

from __future__ import annotations

import pytest

from seed.extract.labelled import UNSPLIT
from seed.parse import parse_document
from seed.records import ParsedDocument, SourceError, Span


def cells(document: ParsedDocument) -> list[tuple[str, str, str, int, int]]:
    return [
        (row.aspect, cell.discipline, cell.text, cell.span.start, cell.span.end)
        for row in document.rows
        for cell in row.cells
    ]


def definitions(document: ParsedDocument) -> list[tuple[str, str, int, int]]:
    return [(d.discipline, d.text, d.span.start, d.span.end) for d in document.definitions]


HEADINGS = """\
# Nursing vs Midwifery

## Focus

Nursing: Care for patients of every age,
in hospitals and at home.

Midwifery: Care for women through pregnancy and birth.

## Training

Nursing: A degree in adult, child or mental-health nursing.

Midwifery: A degree in midwifery.
"""


def test_a_heading_per_aspect_with_a_statement_per_discipline() -> None:
    document = parse_document("care.md", HEADINGS)
    assert cells(document) == [
        ("Focus", "Nursing", "Care for patients of every age, in hospitals and at home.", 5, 6),
        ("Focus", "Midwifery", "Care for women through pregnancy and birth.", 8, 8),
        ("Training", "Nursing", "A degree in adult, child or mental-health nursing.", 12, 12),
        ("Training", "Midwifery", "A degree in midwifery.", 14, 14),
    ]
    assert [row.span for row in document.rows] == [Span(3, 8), Span(10, 14)]
    assert document.formats == ["labelled-sections"]


def test_numbered_items_with_labelled_lines_in_plain_text_and_markdown() -> None:
    text = (
        "1. Scope\nGeology: The solid Earth.\nGeography: Places and people.\n\n"
        "2. Fieldwork\nGeology: Mapping rock.\nGeography: Surveys and interviews.\n"
    )
    for name in ("notes.md", "notes.txt"):
        document = parse_document(name, text)
        assert [(a, d, t) for a, d, t, _, _ in cells(document)] == [
            ("Scope", "Geology", "The solid Earth."),
            ("Scope", "Geography", "Places and people."),
            ("Fieldwork", "Geology", "Mapping rock."),
            ("Fieldwork", "Geography", "Surveys and interviews."),
        ]
        assert document.formats == ["numbered-differences"]


def test_sections_per_discipline_are_read_transposed() -> None:
    text = (
        "# Law vs Criminology\n\n## Law\n\nFocus: The rules.\n\nMethods: Cases and statutes.\n\n"
        "## Criminology\n\nFocus: Why crime happens.\n\nMethods: Surveys and statistics.\n"
    )
    document = parse_document("law.md", text)
    assert [(a, d, t) for a, d, t, _, _ in cells(document)] == [
        ("Focus", "Law", "The rules."),
        ("Focus", "Criminology", "Why crime happens."),
        ("Methods", "Law", "Cases and statutes."),
        ("Methods", "Criminology", "Surveys and statistics."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # One section alone: labelled, but nothing compares.
        "## Contact us\n\nPhone office: weekdays only.\n\nPost room: ground floor.\n",
        # Labels that change from one section to the next.
        "## One\n\nAlpha: a.\n\nBeta: b.\n\n## Two\n\nGamma: c.\n\nDelta: d.\n",
        # Questions and answers are not two disciplines.
        "## First\n\nQ: Why?\n\nA: Because.\n\n## Second\n\nQ: How?\n\nA: Slowly.\n",
        # Prose between the title and the statements.
        "## Focus\n\nSome words first.\n\nX: a.\n\nY: b.\n\n"
        "## Scope\n\nSome more.\n\nX: c.\n\nY: d.\n",
    ],
    ids=["one section", "changing labels", "questions", "prose first"],
)
def test_labelled_text_that_is_not_a_comparison(text: str) -> None:
    with pytest.raises(SourceError, match="no comparison rows"):
        parse_document("not.md", text)


def test_programmes_with_fees_are_skipped_as_an_offer() -> None:
    text = HEADINGS + (
        "\n## Our courses\n\n1. Nursing diploma\n   - Duration: 2 years\n   - Fee: £9,000\n"
        "2. Open evening\n   - Duration: 2 hours\n   - Fee: none\n"
    )
    document = parse_document("care.md", text)
    assert {row.aspect for row in document.rows} == {"Focus", "Training"}
    (offer,) = [s for s in document.skipped if s.span.start >= 18]
    assert offer.span == Span(18, 23)
    assert "price" in offer.reason


CONTRAST = """\
# Project Management vs Product Management

- Focus: Project managers deliver an agreed output, whereas product managers chase outcomes.
- Horizon: A project ends on a set date while a product lives as long as it has users.
- Methods: Project management uses schedules. Product management uses discovery interviews.
- Tools: Both use spreadsheets and boards of tasks.
"""


def test_contrast_bullets_split_at_whereas_while_or_a_second_sentence() -> None:
    document = parse_document("pm.md", CONTRAST)
    assert [(a, d, t) for a, d, t, _, _ in cells(document)] == [
        ("Focus", "Project Management", "Project managers deliver an agreed output"),
        ("Focus", "Product Management", "product managers chase outcomes"),
        ("Horizon", "Project Management", "A project ends on a set date"),
        ("Horizon", "Product Management", "a product lives as long as it has users"),
        ("Methods", "Project Management", "Project management uses schedules."),
        ("Methods", "Product Management", "Product management uses discovery interviews"),
    ]
    (unsplit,) = [s for s in document.skipped if s.reason == UNSPLIT]
    assert unsplit.span == Span(6, 6)
    with pytest.raises(SourceError, match=rf"^pm\.md:6: {UNSPLIT}$"):
        parse_document("pm.md", CONTRAST, strict=True)


def test_contrast_bullets_without_known_names_use_the_word_each_half_starts_with() -> None:
    text = (
        "- Cost: Renting is cheaper at first, whereas buying builds equity.\n"
        "- Risk: Renting leaves repairs to the landlord, whereas buying leaves them to you.\n"
    )
    document = parse_document("home.md", text)
    assert [(a, d) for a, d, _, _, _ in cells(document)] == [
        ("Cost", "Renting"),
        ("Cost", "Buying"),
        ("Risk", "Renting"),
        ("Risk", "Buying"),
    ]


def test_a_single_contrast_is_not_a_comparison() -> None:
    text = "- Note: Cats sleep all day, whereas dogs do not.\n- Other: Nothing to compare.\n"
    with pytest.raises(SourceError, match="no comparison rows"):
        parse_document("pets.md", text)


def test_definition_list_terms_that_are_compared_disciplines() -> None:
    text = (
        "Nursing\n: Nursing is the care of the sick.\n\nGlossary\n: Not a discipline here.\n\n"
        + HEADINGS
    )
    document = parse_document("care.md", text)
    assert definitions(document) == [("Nursing", "Nursing is the care of the sick.", 2, 2)]


def test_defining_sentences_several_in_a_paragraph_in_either_number() -> None:
    text = (
        "A nurse is a registered professional who cares for patients.\nMidwives are\n"
        "specialists in pregnancy and birth. Nursing homes are everywhere.\n\n"
        "| Aspect | Nurses | Midwives |\n|---|---|---|\n| Focus | Patients | Births |\n"
    )
    document = parse_document("care.md", text)
    assert definitions(document) == [
        ("Nurse", "A nurse is a registered professional who cares for patients.", 1, 1),
        ("Midwives", "Midwives are specialists in pregnancy and birth.", 2, 3),
    ]


@pytest.mark.parametrize(
    ("sentence", "header"),
    [
        ("Die Volkswirtschaftslehre (VWL) ist die Lehre der Wirtschaft.", "VWL"),
        ("L\u2019urbanisme est l\u2019art d\u2019organiser la ville.", "Urbanisme"),
        ("הנדסת תוכנה היא התחום העוסק בתוכנה.", "הנדסת תוכנה"),
    ],
    ids=["German", "French", "Hebrew"],
)
def test_defining_sentences_in_other_languages(sentence: str, header: str) -> None:
    text = f"{sentence}\n\n| Aspect | {header} | Other |\n|---|---|---|\n| Focus | a | b |\n"
    document = parse_document("doc.md", text)
    assert [d.text for d in document.definitions] == [sentence]


def test_a_name_that_differs_in_more_than_number_is_not_defined() -> None:
    text = (
        "Nutritional therapists are practitioners of many kinds.\n\n"
        "| Aspect | Nutritionists | Dietitians |\n|---|---|---|\n| Focus | a | b |\n"
    )
    document = parse_document("food.md", text)
    assert document.definitions == []


def test_a_definition_of_something_not_compared_is_reported() -> None:
    text = (
        "Inflation refers to rising prices.\n\n"
        "| Aspect | Economics | Finance |\n|---|---|---|\n| Focus | a | b |\n"
    )
    document = parse_document("money.md", text)
    assert document.definitions == []
    assert any(s.span == Span(1, 1) and "does not compare" in s.reason for s in document.skipped)


def test_html_paragraphs_yield_definitions() -> None:
    text = (
        "<main><p>Virology is the study of viruses.</p><table><tr><th>Aspect<th>Virology"
        "<th>Bacteriology<tr><td>Size<td>Tiny<td>Small</table></main>"
    )
    document = parse_document("bio.html", text)
    assert [d.discipline for d in document.definitions] == ["Virology"]


def test_contrast_halves_may_name_the_practitioner() -> None:
    text = (
        "# Chemistry vs Marine Biology\n\n"
        "- Work: Chemists run reactions at the bench, whereas a marine biologist dives.\n"
        "- Data: A chemist reads spectra while marine biologists count species.\n"
    )
    document = parse_document("sea.md", text)
    assert [(a, d) for a, d, _, _, _ in cells(document)] == [
        ("Work", "Chemistry"),
        ("Work", "Marine Biology"),
        ("Data", "Chemistry"),
        ("Data", "Marine Biology"),
    ]


PDF = """\
Careers Briefing  Table 2  Two professions compared

Aspect              Hospital Pharmacy          Community
                                               Pharmacy
Setting             Wards and dispensaries     High-street shops
                    of hospitals
Patients            Inpatients                 The public


                              7
Careers Briefing  Table 2  Two professions compared

Aspect              Hospital Pharmacy          Community
                                               Pharmacy
Hours               Shifts and on-call         Opening hours
"""


def test_pdf_table_with_a_caption_above_and_a_header_wrapped_below() -> None:
    document = parse_document("pharmacy.txt", PDF)
    assert cells(document) == [
        ("Setting", "Hospital Pharmacy", "Wards and dispensaries of hospitals", 5, 6),
        ("Setting", "Community Pharmacy", "High-street shops", 5, 6),
        ("Patients", "Hospital Pharmacy", "Inpatients", 7, 7),
        ("Patients", "Community Pharmacy", "The public", 7, 7),
        ("Hours", "Hospital Pharmacy", "Shifts and on-call", 15, 15),
        ("Hours", "Community Pharmacy", "Opening hours", 15, 15),
    ]
    repeated = [s.span.start for s in document.skipped if s.reason == "repeated table header"]
    assert repeated == [13, 14]


def test_a_price_with_the_currency_code_first_is_an_offer() -> None:
    text = HEADINGS + (
        "\n## Courses\n\n1. Revision course\n   - Length: 14 weeks\n   - Cost: GBP 2,450 fee\n"
        "2. Masterclass\n   - Length: 2 days\n   - Cost: GBP 395 fee\n"
    )
    document = parse_document("care.md", text)
    assert {row.aspect for row in document.rows} == {"Focus", "Training"}
