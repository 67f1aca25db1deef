"""The Markdown and plain-text parsers: blocks and line spans on the importer fixtures, and small
documents for inline text, headings, definition lists, front matter and fixed-width tables."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from seed.blocks import (
    Block,
    DefinitionList,
    Document,
    Dropped,
    Heading,
    Line,
    ListBlock,
    ListItem,
    Paragraph,
    Table,
    TableRow,
)
from seed.formats.fixed_width import PAGE_FURNITURE, REPEATED_HEADER, scan_fixed_width
from seed.formats.markdown import parse_markdown, parse_text, plain_inline, source_lines
from seed.records import Span
from seed.text import normalise_space

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importer"
# Fixtures whose comparison is a table (Markdown pipes, or columns of spaces in plain text).
TABLE_FIXTURES = [
    "md_coaching_mentoring_counselling.md",
    "md_frontend_vs_backend.md",
    "md_ux_vs_ui_design.md",
    "names_marketing_vs_marketing_analytics.md",
    "lang_he_computer_science_vs_software_engineering.md",
    "pdf_archaeology_vs_anthropology.txt",
    "pdf_cybersecurity_vs_network_engineering.txt",
    "pdf_statistics_maths_actuarial.txt",
    "names_hrm_vs_od.txt",
]
# Fixtures whose comparison is written as prose: `Label: …` paragraphs, bullets or list items.
ARTICLE_FIXTURES = [
    "article_economics_vs_finance.md",
    "article_interior_design_vs_decoration.md",
    "article_physiotherapy_vs_occupational_therapy.md",
    "names_project_vs_product_management.md",
    "lang_fr_architecture_vs_urbanisme.md",
]
ALL_FIXTURES = TABLE_FIXTURES + ARTICLE_FIXTURES


def parse(name: str, text: str) -> Document:
    return parse_text(name, text) if name.endswith(".txt") else parse_markdown(name, text)


def load(name: str) -> tuple[Document, dict[str, Any]]:
    path = FIXTURES / name
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    return parse(name, path.read_text("utf-8")), expected


def walk(blocks: Sequence[Block]) -> Iterator[Block | ListItem]:
    """Every block and list item, nested ones included, in document order."""
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield item
                yield from walk(item.children)


def texts(blocks: Sequence[Block]) -> Iterator[str]:
    """Every text a block holds: headings, paragraphs, items, terms, definitions, cells."""
    for block in walk(blocks):
        if isinstance(block, Heading | Paragraph | ListItem):
            yield block.text
        elif isinstance(block, DefinitionList):
            for entry in block.items:
                yield entry.term
                yield from (definition.text for definition in entry.definitions)
        elif isinstance(block, Table):
            yield from (cell.text for row in block.rows for cell in row.cells)


def lines_of(block: Block | ListItem) -> tuple[Line, ...]:
    return block.lines if isinstance(block, Paragraph | ListItem) else ()


def text_on(block: Block | ListItem, first: int, last: int) -> str:
    """The block's own text on lines ``first`` to ``last``, from its per-line texts."""
    return " ".join(line.text for line in lines_of(block) if first <= line.number <= last)


def flat(text: str) -> str:
    return normalise_space(text).rstrip(".")


def spans(blocks: Sequence[Block | ListItem]) -> list[tuple[int, int]]:
    return [(block.span.start, block.span.end) for block in blocks]


# Fixtures: comparison tables


def discipline_columns(header: TableRow, expected: dict[str, Any]) -> dict[int, str]:
    """Header cell position -> discipline, matching the name or one of its aliases."""
    names = {name.casefold(): name for name in expected["disciplines"]}
    for name, aliases in expected["aliases"].items():
        names.update({alias.casefold(): name for alias in aliases})
    return {
        position: names[cell.text.casefold()]
        for position, cell in enumerate(header.cells)
        if cell.text.casefold() in names
    }


def comparison_table(document: Document, expected: dict[str, Any]) -> tuple[Table, dict[int, str]]:
    """The one table whose header row names the disciplines."""
    found = []
    for block in document.blocks:
        if isinstance(block, Table) and block.rows and block.rows[0].header:
            columns = discipline_columns(block.rows[0], expected)
            if len(columns) == len(expected["disciplines"]):
                found.append((block, columns))
    assert len(found) == 1, [block for block in document.blocks if isinstance(block, Table)]
    return found[0]


@pytest.mark.parametrize("name", TABLE_FIXTURES)
def test_fixture_table_cells(name: str) -> None:
    document, expected = load(name)
    table, columns = comparison_table(document, expected)
    body = [row for row in table.rows if not row.header]
    assert all(cell.header for cell in table.rows[0].cells)
    got = {}
    for row in body:
        for position, discipline in columns.items():
            cell = row.cells[position]
            assert cell.span == row.span
            if cell.text:
                got[(row.cells[0].text, discipline)] = (flat(cell.text), cell.span)
    want = {
        (cell["aspect"], cell["discipline"]): (flat(cell["text"]), Span(*cell["lines"]))
        for cell in expected["cells"]
    }
    assert got == want


@pytest.mark.parametrize("name", TABLE_FIXTURES)
def test_fixture_table_rows_have_one_cell_per_column(name: str) -> None:
    document, expected = load(name)
    table, _ = comparison_table(document, expected)
    widths = {len(row.cells) for row in table.rows}
    assert widths == {len(table.rows[0].cells)}
    assert table.span.start == table.rows[0].span.start
    assert table.span.end == table.rows[-1].span.end


def test_markdown_group_rows_stay_rows_with_blank_cells() -> None:
    document, expected = load("md_coaching_mentoring_counselling.md")
    table, _ = comparison_table(document, expected)
    groups = [row for row in table.rows if not any(cell.text for cell in row.cells[1:])]
    assert [(row.cells[0].text, row.span) for row in groups] == [
        ("Purpose", Span(20, 20)),
        ("Relationship", Span(23, 23)),
        ("Practicalities", Span(27, 27)),
    ]
    assert {cell.text for row in groups for cell in row.cells[1:]} == {""}


def test_markdown_table_without_outer_pipes_and_a_blank_corner() -> None:
    frontend, _ = load("md_frontend_vs_backend.md")
    header = next(block for block in frontend.blocks if isinstance(block, Table)).rows[0]
    assert [cell.text for cell in header.cells] == [
        "Aspect",
        "Front-end Development",
        "Back-end Development",
    ]
    ux, _ = load("md_ux_vs_ui_design.md")
    first = next(block for block in ux.blocks if isinstance(block, Table))
    assert [cell.text for cell in first.rows[0].cells] == ["", "UX Design", "UI Design"]
    assert len([block for block in ux.blocks if isinstance(block, Table)]) == 2  # prices too


def test_front_matter_is_not_a_block() -> None:
    document, _ = load("md_frontend_vs_backend.md")
    assert document.blocks[0] == Heading(1, "Front-end vs Back-end Development", Span(8, 8))
    assert not any("Sam Lindqvist" in text for text in texts(document.blocks))


def test_pdf_page_break_is_dropped_not_rows() -> None:
    document, expected = load("pdf_archaeology_vs_anthropology.txt")
    table, _ = comparison_table(document, expected)
    assert table.span == Span(11, 32)
    assert [row.cells[0].text for row in table.rows] == [
        "Criterion",
        "Main evidence",
        "Time period",
        "Signature method",
        "Laboratory work",
        "Typical fieldwork",
        "Sub-fields",
        "Careers",
    ]
    assert [(item.span, item.reason) for item in document.dropped] == [
        (Span(20, 20), PAGE_FURNITURE),
        (Span(21, 21), PAGE_FURNITURE),
        (Span(23, 23), REPEATED_HEADER),
        (Span(37, 37), PAGE_FURNITURE),
    ]


@pytest.mark.parametrize(
    ("name", "footer"),
    [
        ("pdf_cybersecurity_vs_network_engineering.txt", 28),
        ("pdf_statistics_maths_actuarial.txt", 34),
        ("names_hrm_vs_od.txt", 29),
    ],
)
def test_pdf_page_footers_are_dropped(name: str, footer: int) -> None:
    document, _ = load(name)
    assert [(item.span, item.reason) for item in document.dropped] == [
        (Span(footer, footer), PAGE_FURNITURE)
    ]


def test_pdf_text_around_the_table_keeps_its_line_numbers() -> None:
    document, _ = load("pdf_cybersecurity_vs_network_engineering.txt")
    paragraphs = [block for block in document.blocks if isinstance(block, Paragraph)]
    assert spans(paragraphs) == [(1, 1), (3, 6), (8, 8), (25, 26)]
    assert paragraphs[2].text == "Table 2. Cyber Security compared with Network Engineering"
    assert [type(block) for block in document.blocks] == [
        Paragraph,
        Paragraph,
        Paragraph,
        Table,
        Paragraph,
    ]


def test_pdf_indented_title_is_a_paragraph_not_code() -> None:
    document, _ = load("pdf_archaeology_vs_anthropology.txt")
    title = document.blocks[1]
    assert title == Paragraph(
        "HOW DOES ARCHAEOLOGY DIFFER FROM ANTHROPOLOGY?",
        Span(4, 4),
        (Line(4, "HOW DOES ARCHAEOLOGY DIFFER FROM ANTHROPOLOGY?"),),
    )


# Fixtures: prose, definitions, nothing lost


def statement_blocks(document: Document) -> list[Block | ListItem]:
    return [block for block in walk(document.blocks) if lines_of(block)]


@pytest.mark.parametrize("name", ARTICLE_FIXTURES)
def test_fixture_article_statements_stand_on_their_lines(name: str) -> None:
    document, expected = load(name)
    candidates = statement_blocks(document)
    for cell in expected["cells"]:
        first, last = cell["lines"]
        holders = [
            block
            for block in candidates
            if block.span.start <= first
            and last <= block.span.end
            and flat(cell["text"]) in text_on(block, first, last)
        ]
        assert holders, cell


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_definitions_stand_on_their_lines(name: str) -> None:
    document, expected = load(name)
    definitions: list[Block | ListItem] = list(statement_blocks(document))
    for block in document.blocks:
        if isinstance(block, DefinitionList):
            definitions.extend(d for entry in block.items for d in entry.definitions)
    for definition in expected["definitions"]:
        first, last = definition["lines"]
        assert any(
            block.span.start <= first
            and last <= block.span.end
            and flat(definition["text"]) in text_on(block, first, last)
            for block in definitions
        ), definition


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_junk_is_not_lost(name: str) -> None:
    """Junk is screened later, so here it must still be in a block or in a dropped line."""
    document, expected = load(name)
    kept = " ".join(texts(document.blocks))
    dropped = " ".join(
        document.lines[number - 1]
        for item in document.dropped
        for number in range(item.span.start, item.span.end + 1)
    )
    everything = normalise_space(f"{kept} {dropped}")
    for junk in expected["junk"]:
        assert normalise_space(junk) in everything, junk


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_blocks_are_in_order_within_the_document(name: str) -> None:
    document, _ = load(name)
    starts = [block.span.start for block in document.blocks]
    assert starts == sorted(starts)
    assert all(block.span.end <= len(document.lines) for block in walk(document.blocks))


def test_article_definition_lists() -> None:
    for name in ARTICLE_FIXTURES[0], ARTICLE_FIXTURES[2]:  # economics, physiotherapy
        document, expected = load(name)
        (dl,) = [block for block in document.blocks if isinstance(block, DefinitionList)]
        got = {
            entry.term: [(d.span.start, d.span.end) for d in entry.definitions]
            for entry in dl.items
        }
        want = {d["discipline"]: [tuple(d["lines"])] for d in expected["definitions"]}
        assert got == want
        assert all(entry.term_span.end + 1 == entry.definitions[0].span.start for entry in dl.items)


def test_article_bullets_are_list_items_with_their_text() -> None:
    document, _ = load("article_economics_vs_finance.md")
    lists = [block for block in document.blocks if isinstance(block, ListBlock)]
    differences, programs, contact = lists
    assert not differences.ordered
    assert spans(differences.items) == [(line, line) for line in range(19, 25)]
    assert [item.text.split(":")[0] for item in differences.items] == [
        "Focus",
        "Scale",
        "Methods",
        "Typical questions",
        "Maths",
        "Careers",
    ]
    assert differences.items[0].marker == "-"
    assert programs.ordered
    assert [item.marker for item in programs.items] == ["1.", "2.", "3."]
    assert programs.items[0].text == "BSc Economics (full-time)"
    assert programs.items[0].span == Span(31, 33)
    (nested,) = programs.items[0].children
    assert isinstance(nested, ListBlock)
    assert [item.text for item in nested.items] == ["Duration: 3 years", "Fee: £9,250 per year"]
    assert contact.items[3].text == "Website: www.northbridge-school.example/apply"


def test_article_setext_headings_and_numbered_statements() -> None:
    document, _ = load("article_physiotherapy_vs_occupational_therapy.md")
    headings = [block for block in document.blocks if isinstance(block, Heading)]
    assert [(h.level, h.text, h.span) for h in headings] == [
        (
            1,
            "Physiotherapy vs Occupational Therapy: 6 Differences Every Patient Should Know",
            Span(1, 2),
        ),
        (2, "The six key differences", Span(15, 15)),
        (2, "Our programs", Span(44, 45)),
    ]
    differences = next(block for block in document.blocks if isinstance(block, ListBlock))
    first = differences.items[0]
    assert first.span == Span(17, 19)
    assert first.lines == (
        Line(17, "Scope"),
        Line(18, "Physiotherapy: Restores movement and function after injury, illness or surgery."),
        Line(
            19,
            "Occupational Therapy: Helps people carry out everyday activities \u2013 washing, "
            "dressing, cooking, working \u2013 safely and independently.",
        ),
    )
    assert spans(differences.items) == [(17, 19), (21, 23), (25, 27), (29, 31), (33, 35), (37, 39)]


def test_article_label_paragraphs_and_headings() -> None:
    document, _ = load("article_interior_design_vs_decoration.md")
    headings = [block.text for block in document.blocks if isinstance(block, Heading)]
    assert headings[:3] == [
        "Interior Design vs Interior Decoration: How They Really Differ",
        "Focus",
        "Training",
    ]
    wrapped = next(block for block in document.blocks if block.span == Span(20, 21))
    assert isinstance(wrapped, Paragraph)
    assert wrapped.lines == (
        Line(20, "Interior Design: Usually a degree or diploma covering building regulations,"),
        Line(
            21,
            "space planning and technical drawing, often followed by professional accreditation.",
        ),
    )


def test_french_no_break_space_is_collapsed() -> None:
    document, _ = load("lang_fr_architecture_vs_urbanisme.md")
    (paragraph,) = [block for block in document.blocks if block.span == Span(16, 16)]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text.startswith("Urbanisme : le quartier")


# Inline text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("**Main goal**", "Main goal"),
        ("__Process__ and _em_ and *em*", "Process and em and em"),
        ("[Figma](https://figma.com), Miro", "Figma, Miro"),
        ("`HTTP` role", "HTTP role"),
        ("`journalctl -u api \\| grep ERROR`", "journalctl -u api \\| grep ERROR"),
        ("a \\| b", "a | b"),
        ("![a *chart*](chart.png) here", "a chart here"),
        ("x&nbsp;&amp;\u00a0 y", "x & y"),
        ("one<br>two <span>three</span>", "one two three"),
        ("<https://x.example>", "https://x.example"),
    ],
)
def test_plain_inline(source: str, text: str) -> None:
    assert plain_inline(source) == text


def test_escaped_pipe_in_a_table_cell_code_span() -> None:
    document = parse_markdown("t.md", "A | B\n--|--\nx | `a \\| b` and c\\|d\n")
    (table,) = document.blocks
    assert isinstance(table, Table)
    assert [cell.text for cell in table.rows[1].cells] == ["x", "a | b and c|d"]


def test_paragraph_lines_split_at_line_breaks_even_inside_emphasis() -> None:
    document = parse_markdown("p.md", "one *two\nthree* four  \nfive\\\nsix\n")
    assert document.blocks == [
        Paragraph(
            "one two three four five six",
            Span(1, 4),
            (Line(1, "one two"), Line(2, "three four"), Line(3, "five"), Line(4, "six")),
        )
    ]


def test_code_span_over_a_line_end_keeps_line_numbers() -> None:
    document = parse_markdown("p.md", "see `a\nb` now\nend\n")
    (paragraph,) = document.blocks
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "see a b now end"
    assert [line.number for line in paragraph.lines] == [1, 2, 3]


# Block structure


def test_setext_and_atx_headings() -> None:
    document = parse_markdown("h.md", "Title\n=====\n\nSub *part*\n---\n\n### Third ###\n")
    assert document.blocks == [
        Heading(1, "Title", Span(1, 2)),
        Heading(2, "Sub part", Span(4, 5)),
        Heading(3, "Third", Span(7, 7)),
    ]


def test_definition_list() -> None:
    source = "Term\n: First **definition**.\n\nOther term\n: Second one,\n  wrapped.\n: Another.\n"
    (dl,) = parse_markdown("d.md", source).blocks
    assert isinstance(dl, DefinitionList)
    assert dl.span == Span(1, 7)
    first, second = dl.items
    assert (first.term, first.term_span) == ("Term", Span(1, 1))
    assert first.definitions == (
        Paragraph("First definition.", Span(2, 2), (Line(2, "First definition."),)),
    )
    assert (second.term, second.term_span) == ("Other term", Span(4, 4))
    assert [(d.text, d.span) for d in second.definitions] == [
        ("Second one, wrapped.", Span(5, 6)),
        ("Another.", Span(7, 7)),
    ]


def test_front_matter_is_skipped() -> None:
    document = parse_markdown("f.md", "---\ntitle: Hello\ntags: [a, b]\n---\n\n# Heading\n")
    assert document.blocks == [Heading(1, "Heading", Span(6, 6))]
    assert document.lines[1] == "title: Hello"


def test_list_markers_and_nesting() -> None:
    source = "1) first\n2) second\n   * inner\n\n     more inner\n\n- a\n\n  after\n\n  + deep\n"
    blocks = parse_markdown("l.md", source).blocks
    numbered, bullets = blocks
    assert isinstance(numbered, ListBlock)
    assert isinstance(bullets, ListBlock)
    assert [(item.marker, item.text, item.span) for item in numbered.items] == [
        ("1)", "first", Span(1, 1)),
        ("2)", "second", Span(2, 5)),
    ]
    (inner,) = numbered.items[1].children
    assert isinstance(inner, ListBlock)
    assert inner.items[0] == ListItem(
        "inner more inner",
        Span(3, 5),
        marker="*",
        lines=(Line(3, "inner"), Line(5, "more inner")),
    )
    (item,) = bullets.items
    assert (item.marker, item.text, item.span) == ("-", "a after", Span(7, 11))
    (deep,) = item.children
    assert isinstance(deep, ListBlock)
    assert deep.items[0].marker == "+"


def test_blockquote_contents_are_blocks() -> None:
    document = parse_markdown("q.md", "> **Tip:** read\n> this.\n")
    assert document.blocks == [
        Paragraph("Tip: read this.", Span(1, 2), (Line(1, "Tip: read"), Line(2, "this.")))
    ]


def test_html_blocks_become_text_or_nothing() -> None:
    source = (
        "<div class='ad'>\n  <p>Buy <b>now</b> &amp; save</p>\n</div>\n\n<!-- hidden\nnote -->\n"
    )
    assert parse_markdown("h.md", source).blocks == [
        Paragraph("Buy now & save", Span(2, 2), (Line(2, "Buy now & save"),))
    ]


def test_code_blocks_are_kept_as_paragraphs_in_markdown() -> None:
    document = parse_markdown("c.md", "Text.\n\n    indented code\n\n```sh\nrun --it\n```\n")
    assert spans(document.blocks) == [(1, 1), (3, 3), (6, 6)]
    assert [block.text for block in document.blocks if isinstance(block, Paragraph)] == [
        "Text.",
        "indented code",
        "run --it",
    ]


def test_crlf_and_lone_cr_line_ends_count_as_lines() -> None:
    document = parse_markdown("r.md", "\ufeff# A\r\n\r\nb\rc\r\n")
    assert document.lines == ("# A", "", "b", "c")
    assert document.blocks == [
        Heading(1, "A", Span(1, 1)),
        Paragraph("b c", Span(3, 4), (Line(3, "b"), Line(4, "c"))),
    ]
    assert source_lines("a\n\nb\n") == ["a", "", "b"]


def test_markdown_table_cells_spans_and_header() -> None:
    source = (
        "Intro\n\n| Aspect | X | Y |\n|---|:-:|--|\n"
        "| **Planning** | | |\n| *Goal* | [a](u) | b |\n| Short |\n"
    )
    blocks = parse_markdown("t.md", source).blocks
    table = blocks[1]
    assert isinstance(table, Table)
    assert table.span == Span(3, 7)
    assert [(row.header, row.span, [cell.text for cell in row.cells]) for row in table.rows] == [
        (True, Span(3, 3), ["Aspect", "X", "Y"]),
        (False, Span(5, 5), ["Planning", "", ""]),
        (False, Span(6, 6), ["Goal", "a", "b"]),
        (False, Span(7, 7), ["Short", "", ""]),
    ]
    assert all(cell.header for cell in table.rows[0].cells)
    assert not any(cell.header for row in table.rows[1:] for cell in row.cells)
    assert all(cell.span == row.span for row in table.rows for cell in row.cells)


# Plain text


def test_indented_text_is_a_paragraph_in_plain_text() -> None:
    document = parse_text("a.txt", "Intro line.\n\n    Indented paragraph that\n    goes on.\n")
    assert document.kind == "text"
    assert document.blocks == [
        Paragraph("Intro line.", Span(1, 1), (Line(1, "Intro line."),)),
        Paragraph(
            "Indented paragraph that goes on.",
            Span(3, 4),
            (Line(3, "Indented paragraph that"), Line(4, "goes on.")),
        ),
    ]


WRAPPED_TABLE = [
    "Running Title                       Draft",  # 1
    "",
    "Intro line.",
    "",
    "Aspect          Alpha                Beta",  # 5
    "-------------------------------------------",
    "Main goal       Build things that    Study how things",
    "                last                 work",
    "Tools           **Hammers**          [Microscopes](https://x.example)",
    "",  # 10
    "                 Page 1 of 2",
    "Running Title                       Draft",
    "",
    "Aspect          Alpha                Beta",
    "Methods         Trial and error      Controlled",  # 15
    "                                     experiments",
    "-------------------------------------------",
    "",
    "Closing remarks here.",
]


def test_fixed_width_table_with_wrapped_cells_and_a_page_break() -> None:
    document = parse_text("t.txt", "\n".join(WRAPPED_TABLE) + "\n")
    table = next(block for block in document.blocks if isinstance(block, Table))
    assert table.span == Span(5, 16)
    assert [(row.header, row.span, [cell.text for cell in row.cells]) for row in table.rows] == [
        (True, Span(5, 5), ["Aspect", "Alpha", "Beta"]),
        (False, Span(7, 8), ["Main goal", "Build things that last", "Study how things work"]),
        (False, Span(9, 9), ["Tools", "Hammers", "Microscopes"]),
        (False, Span(15, 16), ["Methods", "Trial and error", "Controlled experiments"]),
    ]
    assert all(cell.span == row.span for row in table.rows for cell in row.cells)
    assert document.dropped == [
        Dropped(Span(11, 11), PAGE_FURNITURE, "Page 1 of 2"),
        Dropped(Span(12, 12), PAGE_FURNITURE, "Running Title Draft"),
        Dropped(Span(14, 14), REPEATED_HEADER, "Aspect Alpha Beta"),
    ]
    paragraphs = [block for block in document.blocks if isinstance(block, Paragraph)]
    assert [(p.text, p.span) for p in paragraphs] == [
        ("Running Title Draft", Span(1, 1)),
        ("Intro line.", Span(3, 3)),
        ("Closing remarks here.", Span(19, 19)),
    ]


def test_fixed_width_rows_separated_by_blank_lines_join_a_wrapped_aspect() -> None:
    lines = [
        "              North            South",
        "",
        "Central       Cold winters     Mild winters",
        "question      and snow",
        "",
        "Main crop     Wheat            Olives and",
        "                               grapes",
    ]
    (table,) = scan_fixed_width(lines).tables
    assert [(row.span, [cell.text for cell in row.cells]) for row in table.rows] == [
        (Span(1, 1), ["", "North", "South"]),
        (Span(3, 4), ["Central question", "Cold winters and snow", "Mild winters"]),
        (Span(6, 7), ["Main crop", "Wheat", "Olives and grapes"]),
    ]


def test_fixed_width_lowercase_first_column_continues_the_aspect() -> None:
    lines = [
        "Aspect        One          Two",
        "Entry         A levels     A levels",
        "requirements  or BTEC      only",
        "Length        3 years      4 years",
    ]
    (table,) = scan_fixed_width(lines).tables
    assert [row.cells[0].text for row in table.rows] == ["Aspect", "Entry requirements", "Length"]
    assert table.rows[1].span == Span(2, 3)


def test_prose_with_double_spaces_is_not_a_table() -> None:
    lines = [
        "Sentences typed with two spaces.  After each full stop.",
        "The next line runs on and on past any column boundary at all.",
        "",
        "Short  pair",
        "Just prose here that is long enough to cross the column.",
    ]
    scan = scan_fixed_width(lines)
    assert scan.tables == ()
    assert scan.claimed == frozenset()


def test_short_line_after_a_table_is_not_a_row() -> None:
    lines = [
        "Aspect        One          Two",
        "Goal          Build        Study",
        "Tools         Hammers      Lenses",
        "Notes",
    ]
    (table,) = scan_fixed_width(lines).tables
    assert table.span == Span(1, 3)


def test_pipe_tables_in_plain_text_are_read_as_markdown() -> None:
    source = (
        "| Aspect     | One        | Two      |\n"
        "|------------|------------|----------|\n"
        "| Goal       | **Build**  | Study    |\n"
        "| Tools      | Hammers    | Lenses   |\n"
    )
    (table,) = parse_text("p.txt", source).blocks
    assert isinstance(table, Table)
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Aspect", "One", "Two"],
        ["Goal", "Build", "Study"],
        ["Tools", "Hammers", "Lenses"],
    ]
    assert [row.span for row in table.rows] == [Span(1, 1), Span(3, 3), Span(4, 4)]


def test_a_definition_holding_a_list_gives_a_paragraph_per_item() -> None:
    (dl,) = parse_markdown("d.md", "Term\n: - first\n  - second\n").blocks
    assert isinstance(dl, DefinitionList)
    assert [(d.text, d.span) for d in dl.items[0].definitions] == [
        ("first", Span(2, 2)),
        ("second", Span(3, 3)),
    ]


def test_empty_documents_have_no_blocks() -> None:
    assert parse_text("e.txt", "").blocks == []
    assert parse_markdown("e.md", "\n  \n").blocks == []
    assert parse_markdown("e.md", "\n  \n").lines == ("", "  ")
