"""Table formats: Markdown/pipe tables, CSV and HTML, with their fixtures and their error cases."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

from seed.extract.tables import EMPTY_CELL, EXTRA_CELL
from seed.parse import iter_csv_rows, parse_document
from seed.reading import decode_source, iter_source_lines
from seed.records import ComparisonRow, ParsedDocument, SourceError, Span

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def parse_fixture(name: str) -> ParsedDocument:
    return parse_document(
        name, decode_source(name, (FIXTURES / name).read_bytes(), max_bytes=10**6)
    )


def as_tuples(rows: list[ComparisonRow]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(row.aspect, [(cell.discipline, cell.text) for cell in row.cells]) for row in rows]


# Markdown and pipe tables


def test_markdown_fixture() -> None:
    document = parse_fixture("project_vs_program.md")
    assert document.formats == ["definitions", "markdown-table"]
    assert as_tuples(document.rows) == [
        (
            "Scope",
            [
                ("Project Management", "One temporary endeavour with a fixed end"),
                ("Program Management", "Several related projects | and their shared benefits"),
            ],
        ),
        ("Time horizon", [("Project Management", "Months"), ("Program Management", "Years")]),
        (
            "Success measure",
            [
                ("Project Management", "On time, on budget, in scope"),
                ("Program Management", "Benefits realised for the organisation"),
            ],
        ),
    ]
    assert [row.span for row in document.rows] == [Span(14, 14), Span(15, 15), Span(16, 16)]
    assert document.rows[0].cells[1].span == Span(14, 14)
    (definition,) = document.definitions
    assert (definition.discipline, definition.span) == ("Project Management", Span(5, 8))
    assert definition.text == (
        "Project management is the discipline of delivering a defined output within an agreed "
        "scope, budget and schedule."
    )
    assert [segment.span for segment in document.skipped] == [
        Span(1, 1),
        Span(3, 3),
        Span(10, 10),
        Span(18, 18),
    ]


@pytest.mark.parametrize(
    "table",
    [
        "| Aspect | Marketing | Sales |\n|---|:---:|---:|\n| Goal | Demand | Revenue |\n",
        "Aspect | Marketing | Sales\n--- | --- | ---\nGoal | Demand | Revenue\n",
        "| Aspect | Marketing | Sales\n| --- | --- | ---\n| Goal | Demand | Revenue\n",
    ],
    ids=["outer pipes", "no outer pipes", "leading pipes only"],
)
def test_markdown_table_outer_pipes_are_optional(table: str) -> None:
    document = parse_document("t.md", "Intro line.\n\n" + table)
    assert document.formats == ["markdown-table"]
    assert as_tuples(document.rows) == [("Goal", [("Marketing", "Demand"), ("Sales", "Revenue")])]
    assert document.rows[0].span == Span(5, 5)


def test_pipe_table_broken_across_lines() -> None:
    text = (
        "| Basis |\nLeadership |\nManagement |\n|---|---|---|\n"
        "| Focus |\nPeople and vision |\nProcesses and plans |\n"
        "| Horizon |\nLong term |\nShort term |\nA closing remark.\n"
    )
    document = parse_document("t.txt", text)
    assert document.formats == ["pipe-table"]
    assert as_tuples(document.rows) == [
        ("Focus", [("Leadership", "People and vision"), ("Management", "Processes and plans")]),
        ("Horizon", [("Leadership", "Long term"), ("Management", "Short term")]),
    ]
    assert [cell.span for cell in document.rows[1].cells] == [Span(9, 9), Span(10, 10)]
    assert document.rows[1].span == Span(8, 10)
    assert [segment.span for segment in document.skipped] == [Span(11, 11)]


@pytest.mark.parametrize(
    ("name", "text", "line", "detail"),
    [
        (
            "t.txt",
            "| Basis |\nA |\nB |\n|---|---|---|\n| Focus |\nx |\n| Scope |\ny |\nz |\n",
            5,
            "row has 2 cells but the header has 3 (missing cell)",
        ),
        (
            "t.txt",
            "| Basis |\nA |\nB |\n|---|---|---|\n| Focus |\nx |\ny |\n| Scope |\nw |\nEnd.\n",
            8,
            "row has 2 cells but the header has 3 (missing cell)",
        ),
    ],
    ids=["broken form missing cell", "last row"],
)
def test_broken_pipe_table_row_with_wrong_cell_count_is_an_error(
    name: str, text: str, line: int, detail: str
) -> None:
    for strict in (False, True):
        with pytest.raises(SourceError) as caught:
            parse_document(name, text, strict=strict)
        assert str(caught.value) == f"{name}:{line}: {detail}"


@pytest.mark.parametrize(
    ("text", "line", "reason", "rows"),
    [
        (
            "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y |\n| Scope | only one |\n",
            4,
            EMPTY_CELL,
            [("Goal", [("A", "x"), ("B", "y")]), ("Scope", [("A", "only one")])],
        ),
        (
            "| Aspect | A | B |\n|---|---|---|\n| Goal | x | y | z |\n| Scope | p | q |\n",
            3,
            EXTRA_CELL,
            [("Goal", [("A", "x"), ("B", "y")]), ("Scope", [("A", "p"), ("B", "q")])],
        ),
    ],
    ids=["missing cell", "extra cell"],
)
def test_markdown_row_with_wrong_cell_count_is_skipped_or_fatal_in_strict_mode(
    text: str, line: int, reason: str, rows: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    document = parse_document("t.md", text)
    assert as_tuples(document.rows) == rows
    assert [(s.span, s.reason) for s in document.skipped] == [(Span(line, line), reason)]
    with pytest.raises(SourceError) as caught:
        parse_document("t.md", text, strict=True)
    assert str(caught.value) == f"t.md:{line}: {reason}"


def test_empty_markdown_cell_is_skipped_or_fatal_in_strict_mode() -> None:
    text = "| Aspect | A | B |\n|---|---|---|\n| Goal | x |  |\n| Scope | y | z |\n"
    document = parse_document("t.md", text)
    assert as_tuples(document.rows) == [
        ("Goal", [("A", "x")]),
        ("Scope", [("A", "y"), ("B", "z")]),
    ]
    (skipped,) = document.skipped
    assert (skipped.span, skipped.reason) == (Span(3, 3), EMPTY_CELL)
    assert skipped.excerpt == "Goal / B"
    with pytest.raises(SourceError, match=r"^t\.md:3: empty cell"):
        parse_document("t.md", text, strict=True)


def test_empty_cell_in_broken_pipe_table_is_reported_on_its_line() -> None:
    text = "| Basis |\nA |\nB |\n|---|---|---|\n| Focus |\n|\nz |\n"
    document = parse_document("t.txt", text)
    assert as_tuples(document.rows) == [("Focus", [("B", "z")])]
    assert [(s.span, s.reason) for s in document.skipped] == [(Span(6, 6), "empty cell for A")]


# CSV


def test_csv_fixture() -> None:
    document = parse_fixture("marketing_vs_sales.csv")
    assert document.formats == ["csv"]
    assert as_tuples(document.rows) == [
        (
            "Focus",
            [
                ("Marketing", "Creating demand, awareness and interest"),
                ("Sales", "Converting demand into revenue"),
            ],
        ),
        (
            "Time horizon",
            [("Marketing", "Long term"), ("Sales", "Short term: this quarter's targets")],
        ),
        ("Key metric", [("Marketing", 'Share of voice, "brand lift"'), ("Sales", "Closed deals")]),
    ]
    # Line 3 is blank; the quoted field with an embedded newline covers lines 4-5.
    assert [row.span for row in document.rows] == [Span(2, 2), Span(4, 5), Span(6, 6)]
    assert document.rows[1].cells[1].span == Span(4, 5)
    assert document.skipped == []


def test_iter_csv_rows_streams_from_iter_source_lines() -> None:
    data = (FIXTURES / "marketing_vs_sales.csv").read_bytes()
    lines = iter_source_lines("m.csv", io.BytesIO(data), max_bytes=10**6)
    rows = list(iter_csv_rows("m.csv", lines))
    assert [row.aspect for row in rows] == ["Focus", "Time horizon", "Key metric"]
    assert rows[1].span == Span(4, 5)


def test_iter_csv_rows_handles_100000_rows_lazily() -> None:
    pulled = 0

    def lines() -> Iterator[str]:
        nonlocal pulled
        yield "Aspect,A,B"
        for number in range(100_000):
            pulled += 1
            yield f"aspect {number},a {number},b {number}"

    rows = iter_csv_rows("big.csv", lines())
    first = next(rows)
    assert (first.aspect, first.span) == ("aspect 0", Span(2, 2))
    assert pulled == 1
    ((count, last),) = deque(enumerate(rows, start=2), maxlen=1)
    assert count == 100_000
    assert (last.aspect, last.cells[1].text, last.span) == (
        "aspect 99999",
        "b 99999",
        Span(100_001, 100_001),
    )


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ('Aspect,A,B\nGoal,"x\nstill x,y\n', 2, "malformed CSV: unexpected end of data"),
        ('Aspect,A,B\nGoal,"x"y,z\n', 2, "malformed CSV: ',' expected after '\"'"),
    ],
    ids=["unterminated quote", "bad quote"],
)
def test_csv_errors_name_the_line(text: str, line: int, detail: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_document("data.csv", text)
    assert str(caught.value) == f"data.csv:{line}: {detail}"


@pytest.mark.parametrize(
    "text",
    ["Aspect,A,\nGoal,x,y\n", "Aspect\nGoal\n"],
    ids=["one discipline column", "one column"],
)
def test_a_csv_that_names_fewer_than_two_disciplines_is_not_a_comparison(text: str) -> None:
    with pytest.raises(SourceError, match=r"^data\.csv: no comparison rows"):
        parse_document("data.csv", text)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Aspect,A,B\nGoal,x,y\nScope,only one\n", 3, "empty cell"),
        ("Aspect,A,B\n\nGoal,x,y,z\nScope,p,q\n", 3, None),
        ("Aspect,A,B\nScope,x,y\nSCOPE,again,again\n", 3, "duplicate aspect"),
    ],
    ids=["fewer fields", "more fields", "one aspect twice"],
)
def test_an_irregular_csv_row_is_skipped_not_fatal(
    text: str, line: int, reason: str | None
) -> None:
    document = parse_document("data.csv", text)
    assert document.rows
    if reason is None:  # a field beyond the header's columns belongs to no discipline
        assert [row.aspect for row in document.rows] == ["Goal", "Scope"]
        return
    assert [(s.span.start, s.reason.split(":")[0]) for s in document.skipped] == [(line, reason)]
    with pytest.raises(SourceError, match=rf"^data\.csv:{line}: {reason}"):
        parse_document("data.csv", text, strict=True)


def test_csv_empty_cell_is_skipped_or_fatal_in_strict_mode() -> None:
    text = "Topic,Marketing,Sales\nGoal,,Revenue\n"
    document = parse_document("d.CSV", text)
    assert as_tuples(document.rows) == [("Goal", [("Sales", "Revenue")])]
    assert [(s.span, s.reason, s.excerpt) for s in document.skipped] == [
        (Span(2, 2), "empty cell: the source says nothing here", "Goal / Marketing")
    ]
    with pytest.raises(SourceError, match=r"^d\.CSV:2: empty cell"):
        parse_document("d.CSV", text, strict=True)


# HTML


def test_html_fixture() -> None:
    document = parse_fixture("leadership_vs_management.html")
    assert document.formats == ["html-table"]
    assert as_tuples(document.rows) == [
        (
            "Focus",
            [
                ("Leadership", "Setting direction & inspiring people"),
                ("Management", "Planning, organising and controlling work"),
            ],
        ),
        (
            "Approach",
            [("Leadership", "Influence and vision"), ("Management", "Authority and process")],
        ),
        (
            "Change",
            [
                ("Leadership", "Drives change"),
                ("Management", "Keeps operations stable \u2014 manages change"),
            ],
        ),
    ]
    focus = document.rows[0]
    assert focus.span == Span(13, 16)  # the lines holding its text, not a <tr> alone
    assert [cell.span for cell in focus.cells] == [Span(14, 14), Span(15, 16)]
    assert document.rows[2].span == Span(23, 23)
    # What is not a table is reported, not silently dropped: the page title and a paragraph.
    assert [(s.span.start, s.reason.split(":")[0]) for s in document.skipped] == [
        (5, "heading or short line"),
        (6, "prose"),
    ]


def test_html_without_thead_uses_first_row_and_ignores_layout_tables() -> None:
    text = (
        "<table><tr><td>Only one cell</td></tr></table>\n"
        "<table>\n<tr><td>Aspect</td><td>Marketing</td><td>Sales</td></tr>\n"
        "<tr><td>Goal<td>Demand<td>Revenue\n</table>"
    )
    document = parse_document("page.htm", text)
    assert as_tuples(document.rows) == [("Goal", [("Marketing", "Demand"), ("Sales", "Revenue")])]
    assert document.rows[0].span == Span(4, 4)


@pytest.mark.parametrize(
    "body",
    ["<tr><td>Goal</td><td>x</td></tr>", "<tr><td>Goal</td><td>x</td><td>y</td><td>z</td></tr>"],
    ids=["missing cell", "extra cell"],
)
def test_an_html_row_with_the_wrong_cell_count_never_rejects_the_table(body: str) -> None:
    text = (
        "<table>\n<tr><th>Aspect</th><th>A</th><th>B</th></tr>\n"
        f"{body}\n<tr><td>Scope</td><td>p</td><td>q</td></tr>\n</table>\n"
    )
    document = parse_document("page.html", text)
    assert [row.aspect for row in document.rows] == ["Goal", "Scope"]
    missing = [s.span.start for s in document.skipped if s.reason.startswith("empty cell")]
    assert missing == ([3] if body.count("<td>") == 2 else [])


def test_html_empty_cell_is_skipped_or_fatal_in_strict_mode() -> None:
    text = (
        "<table>\n<tr><th></th><th>A</th><th>B</th></tr>\n"
        "<tr><td>Goal</td><td> </td><td>y</td></tr>\n</table>"
    )
    document = parse_document("page.html", text)
    assert as_tuples(document.rows) == [("Goal", [("B", "y")])]
    assert [(s.span, s.reason.split(":")[0]) for s in document.skipped] == [
        (Span(3, 3), "empty cell")
    ]
    with pytest.raises(SourceError, match=r"^page\.html:3: empty cell"):
        parse_document("page.html", text, strict=True)


def test_html_without_tables_has_no_records() -> None:
    with pytest.raises(
        SourceError, match=r"^page\.html: no comparison rows, definitions, uses or FAQs found$"
    ):
        parse_document("page.html", "<p>Leadership and management differ.</p>")
