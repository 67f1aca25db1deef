"""parse_delimited and iter_delimited_rows: the CSV fixtures cell by cell, dialects, spans,
title and footer rows, malformed quoting, and streaming a large file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seed.blocks import Document, Heading, Paragraph, Table, TableRow
from seed.decode import SNIFF_LINES, decode
from seed.formats.delimited import iter_delimited_rows, parse_delimited
from seed.records import SourceError, Span

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importer"
CSV_FIXTURES = sorted(
    path for path in FIXTURES.glob("csv_*") if not path.name.endswith(".expected.json")
)


def _parse_fixture(path: Path) -> tuple[Document, dict[str, Any]]:
    decoded = decode(path.name, path.read_bytes(), max_bytes=1_000_000)
    document = parse_delimited(path.name, decoded.text)
    assert document.lines == decoded.lines
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    return document, expected


def _table(document: Document) -> Table:
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert len(tables) == 1
    return tables[0]


def _span(lines: list[int]) -> Span:
    return Span(lines[0], lines[1])


def test_there_are_five_csv_fixtures() -> None:
    assert len(CSV_FIXTURES) == 5


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=[path.name for path in CSV_FIXTURES])
def test_fixture_cells(path: Path) -> None:
    document, expected = _parse_fixture(path)
    assert document.kind == "csv"
    table = _table(document)
    header, *body = table.rows
    assert header.header
    assert all(cell.header for cell in header.cells)
    assert not any(row.header for row in body)
    columns = {cell.text: index for index, cell in enumerate(header.cells)}
    assert set(expected["disciplines"]) <= set(columns)
    rows: dict[str, TableRow] = {}
    for row in body:
        rows.setdefault(row.cells[0].text, row)
    for want in expected["cells"]:
        row = rows[want["aspect"]]
        cell = row.cells[columns[want["discipline"]]]
        assert (cell.text, cell.span) == (want["text"], _span(want["lines"])), want
        assert row.span == cell.span


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=[path.name for path in CSV_FIXTURES])
def test_fixture_rows_are_exactly_the_aspects_and_skipped_rows(path: Path) -> None:
    document, expected = _parse_fixture(path)
    body = _table(document).rows[1:]
    spans = {_span(cell["lines"]) for cell in expected["cells"]}
    spans |= {_span(skipped["lines"]) for skipped in expected["skipped"]}
    assert {row.span for row in body} == spans
    assert len(body) == len(spans)


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=[path.name for path in CSV_FIXTURES])
def test_fixture_blank_cells_are_empty_text_with_the_row_span(path: Path) -> None:
    document, expected = _parse_fixture(path)
    body = _table(document).rows[1:]
    for skipped in expected["skipped"]:
        if skipped["reason"] != "empty cell":
            continue
        (row,) = [row for row in body if row.span == _span(skipped["lines"])]
        blanks = [cell for cell in row.cells[1:] if cell.text == ""]
        assert blanks
        assert all(cell.span == row.span for cell in blanks)


@pytest.mark.parametrize("path", CSV_FIXTURES, ids=[path.name for path in CSV_FIXTURES])
def test_fixture_junk_stays_out_of_the_table(path: Path) -> None:
    document, expected = _parse_fixture(path)
    texts = [cell.text for row in _table(document).rows for cell in row.cells]
    for junk in expected["junk"]:
        assert not any(junk in text for text in texts), junk


def test_title_row_and_footer_rows_become_blocks() -> None:
    document, _ = _parse_fixture(FIXTURES / "csv_engineering_branches.csv")
    title, table, *footers = document.blocks
    assert isinstance(title, Heading)
    assert title.text == "Civil vs Mechanical vs Electrical Engineering \u2013 at a glance"
    assert title.span == Span(1, 1)
    assert isinstance(table, Table)
    assert table.span == Span(2, 9)
    assert [type(block) for block in footers] == [Paragraph, Paragraph]
    assert [(block.span, block.text[:8]) for block in footers] == [
        (Span(11, 11), "Source: "),
        (Span(12, 12), "Question"),
    ]
    assert isinstance(footers[1], Paragraph)
    assert footers[1].text == (
        "Questions? Email info@engcareersguide.example.com or call 0161 496 0123"
    )


# Dialects


def _rows(name: str, text: str) -> list[TableRow]:
    return list(_table(parse_delimited(name, text)).rows)


def _texts(rows: list[TableRow]) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in rows]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(delimiter: str) -> None:
    text = "\n".join(
        delimiter.join(fields)
        for fields in [("Aspect", "A", "B"), ("One", "a1", "b1"), ("Two", "a2", "b2")]
    )
    expected = [["Aspect", "A", "B"], ["One", "a1", "b1"], ["Two", "a2", "b2"]]
    assert _texts(_rows("table.csv", text)) == expected


def test_tsv_uses_tab_even_when_commas_are_more_regular() -> None:
    text = "Aspect\tA, one\tB, two\nOne\ta, 1\tb, 1\n"
    expected = [["Aspect", "A, one", "B, two"], ["One", "a, 1", "b, 1"]]
    assert _texts(_rows("table.tsv", text)) == expected


def test_quoted_delimiters_and_doubled_quotes() -> None:
    text = 'Aspect,A,B\nDocs,"Uses ""SRS"", mostly","x; y"\n'
    assert _texts(_rows("t.csv", text))[1] == ["Docs", 'Uses "SRS", mostly', "x; y"]


def test_a_space_before_an_opening_quote_is_skipped() -> None:
    text = 'Aspect, A, B\nDocs, "x, y", "z"\nTeam, small, 5" screen\n'
    assert _texts(_rows("t.txt", text))[1:] == [
        ["Docs", "x, y", "z"],
        ["Team", "small", '5" screen'],
    ]


# Spans and cell text


def test_crlf_rows_with_lf_inside_quotes_keep_the_spans_decode_numbers() -> None:
    data = (
        b'Aspect,A,B\r\nRisk,"found\nearly","found\nlate\nor never"\r\n\r\nTeam,small,"large"\r\n'
    )
    decoded = decode("t.csv", data, max_bytes=10_000)
    assert decoded.newline == "mixed"
    rows = _rows("t.csv", decoded.text)
    assert [row.span for row in rows] == [Span(1, 1), Span(2, 5), Span(7, 7)]
    assert _texts(rows)[1] == ["Risk", "found early", "found late or never"]
    assert all(cell.span == Span(2, 5) for cell in rows[1].cells)


def test_raw_text_with_crlf_gives_the_same_spans_as_decoded_text() -> None:
    raw = 'Aspect,A,B\r\nRisk,"x\ny",z\r\nTeam,a,b\r\n'
    normalised = raw.replace("\r\n", "\n")
    assert [r.span for r in _rows("t.csv", raw)] == [r.span for r in _rows("t.csv", normalised)]


def test_form_feed_inside_a_cell_does_not_start_a_line() -> None:
    rows = _rows("t.csv", "Aspect,A,B\nOne,page\x0cbreak,b\nTwo,a,b\n")
    assert [row.span for row in rows] == [Span(1, 1), Span(2, 2), Span(3, 3)]
    assert rows[1].cells[1].text == "page break"


def test_whitespace_and_nbsp_are_collapsed() -> None:
    rows = _rows("t.csv", "Aspect , A ,B\n  One\u00a0two ,\u00a0a\u00a0\u00a0b\t,  \n")
    assert _texts(rows) == [["Aspect", "A", "B"], ["One two", "a b", ""]]


def test_blank_cells_are_kept_and_blank_rows_skipped() -> None:
    rows = _rows("t.csv", "Aspect,A,B\n\n,,\n  ,\u00a0, \nOne,,b\nTwo,a,\n")
    assert _texts(rows) == [["Aspect", "A", "B"], ["One", "", "b"], ["Two", "a", ""]]
    assert [row.span for row in rows] == [Span(1, 1), Span(5, 5), Span(6, 6)]


def test_ragged_rows_are_kept_as_written() -> None:
    rows = _rows("t.csv", "Aspect,A,B\nOne,a\nTwo,a,b,extra\nThree,a,b\n")
    assert [len(row.cells) for row in rows] == [3, 2, 4, 3]


def test_single_field_rows_inside_the_table_stay_rows() -> None:
    document = parse_delimited("t.csv", "Aspect,A,B\nPurpose,,\nOne,a,b\nNote only\nTwo,a,b\n")
    assert len(document.blocks) == 1
    expected = [["Purpose", "", ""], ["One", "a", "b"], ["Note only"]]
    assert _texts(list(_table(document).rows))[1:4] == expected


def test_header_with_an_empty_corner_cell() -> None:
    rows = _rows("t.csv", ",Agile,Waterfall\nApproach,a,b\n")
    assert rows[0].header
    assert _texts(rows)[0] == ["", "Agile", "Waterfall"]


def test_several_title_rows_heading_then_paragraphs() -> None:
    document = parse_delimited("t.csv", "Big title,,\n,Subtitle,\n\nAspect,A,B\nOne,a,b\n© 2024\n")
    kinds = [type(block) for block in document.blocks]
    assert kinds == [Heading, Paragraph, Table, Paragraph]
    assert [block.span for block in document.blocks] == [
        Span(1, 1),
        Span(2, 2),
        Span(4, 5),
        Span(6, 6),
    ]


def test_no_header_row_means_no_table() -> None:
    document = parse_delimited("t.csv", "Just a title\n\nand a note\n")
    assert [type(block) for block in document.blocks] == [Heading, Paragraph]


# Errors


def test_an_unclosed_quote_names_the_line_the_record_starts_on() -> None:
    with pytest.raises(SourceError) as caught:
        parse_delimited("t.csv", 'Aspect,A,B\nOne,a,b\nTwo,"never closed,b\nThree,a,b\n')
    assert caught.value.line == 3
    assert "malformed CSV" in caught.value.message
    assert str(caught.value).startswith("t.csv:3: ")


def test_text_after_a_closing_quote_is_malformed() -> None:
    with pytest.raises(SourceError) as caught:
        parse_delimited("t.csv", 'Aspect,A,B\nOne,"a"b,c\n')
    assert caught.value.line == 2


# Streaming


def _generated_lines(count: int, pulled: list[int]) -> Iterator[str]:
    yield "Aspect,A,B"
    for number in range(count):
        pulled[0] += 1
        if number % 1000 == 999:
            yield f'Aspect {number},"a'
            yield 'wrapped",b'
        else:
            yield f"Aspect {number},a {number},b {number}"


def test_iter_delimited_rows_streams_without_reading_ahead() -> None:
    pulled = [0]
    rows = iter_delimited_rows("big.csv", _generated_lines(100_000, pulled))
    header = next(rows)
    assert header.header
    assert pulled[0] <= SNIFF_LINES
    next(rows)
    assert pulled[0] <= SNIFF_LINES + 1


def test_iter_delimited_rows_spans_over_100000_rows() -> None:
    pulled = [0]
    count = 0
    last: TableRow | None = None
    for row in iter_delimited_rows("big.csv", _generated_lines(100_000, pulled)):
        count += 1
        last = row
    assert count == 100_001
    assert last is not None
    # A header line, then 100,000 rows of which 100 hold a quoted two-line cell: 100,101 lines,
    # and the last row is one of the two-line ones.
    assert last.span == Span(100_100, 100_101)
    assert last.cells[1].text == "a wrapped"


def test_iter_delimited_rows_accepts_lines_with_terminators() -> None:
    lines = ["Aspect;A;B\r\n", 'One;"x\r\n', 'y";b\r\n', "Two;a;b\n"]
    rows = list(iter_delimited_rows("t.txt", lines))
    assert [row.span for row in rows] == [Span(1, 1), Span(2, 3), Span(4, 4)]
    assert _texts(rows)[1] == ["One", "x y", "b"]


def test_parse_delimited_agrees_with_iter_delimited_rows() -> None:
    path = FIXTURES / "csv_agile_vs_waterfall.csv"
    decoded = decode(path.name, path.read_bytes(), max_bytes=1_000_000)
    streamed = list(iter_delimited_rows(path.name, decoded.lines))
    assert list(_table(parse_delimited(path.name, decoded.text)).rows) == streamed
