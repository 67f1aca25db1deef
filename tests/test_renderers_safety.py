"""Text from the sources cannot act on whoever reads it: in a terminal (format=text), control
characters and bidirectional overrides are shown as escapes; in a spreadsheet (format=csv), a
cell that would be a formula starts with ``'``."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.web.renderers import Table, Views
from app.web.renderers.csv_format import to_csv
from app.web.renderers.text_format import TEXT, to_text
from tests.factories import make_aspect, make_description, make_discipline, make_source


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("red \x1b[31malert\x1b[0m", "red \\x1b[31malert\\x1b[0m"),
        ("title \x1b]0;owned\x07 bell", "title \\x1b]0;owned\\x07 bell"),
        ("C1 \x9b31m csi", "C1 \\x9b31m csi"),
        ("nul\x00 and del\x7f", "nul\\x00 and del\\x7f"),
        ("abc\u202edcba\u202c done", "abc\\u202edcba\\u202c done"),
        ("isolate \u2067x\u2069", "isolate \\u2067x\\u2069"),
        ("two\nlines\tand\r\ntabs", "two lines and tabs"),
        ("Hebrew \u05e9\u05dc\u05d5\u05dd and an RLM \u200f stay", None),
    ],
)
def test_text_shows_what_a_terminal_would_act_on_as_escapes(value: str, shown: str | None) -> None:
    rendered = to_text(["text"], [{"text": value}])
    assert rendered.splitlines()[2] == (value if shown is None else shown)


def test_text_escapes_the_footer_and_keeps_columns_aligned() -> None:
    rows = [{"a": "\x1b[2J", "b": "B1"}, {"a": "plain", "b": "B2"}]
    views = Views(model={}, table=lambda: Table(rows=rows, footer=["more: \x1b]52;c;cGF5\x07"]))
    lines = TEXT.render(views).decode().splitlines()
    assert lines[2].index("B1") == lines[3].index("B2")  # the escape is as wide as it is shown
    assert lines[-1] == "more: \\x1b]52;c;cGF5\\x07"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (
            '=HYPERLINK("https://evil.example","click")',
            '\'=HYPERLINK("https://evil.example","click")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a = b", "a = b"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(value: str, cell: str) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(["text", "n"], [{"text": value, "n": -1}]))))
    assert rows[1] == [cell, "-1"]  # numbers are the service's own, never formulas


def test_descriptions_reach_terminals_and_spreadsheets_defused(
    client: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        source = make_source(session)
        aspect = make_aspect(session)
        discipline = make_discipline(session)
        make_description(session, source, aspect, discipline, text="=cmd|' /C calc'!A0 \x1b[5m")
        session.commit()
    text = client.get("/v1/descriptions?format=text").text
    assert "\x1b" not in text
    assert "\\x1b[5m" in text
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/descriptions?format=csv").text)))
    assert rows[0]["text"] == "'=cmd|' /C calc'!A0 \x1b[5m"
    assert client.get("/v1/descriptions").json()["items"][0]["text"].startswith("=cmd")
