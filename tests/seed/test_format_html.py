"""The HTML format parser: blocks and line spans on the importer fixtures, and small pages."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seed.blocks import (
    Block,
    DefinitionList,
    Document,
    Heading,
    Line,
    ListBlock,
    Paragraph,
    Table,
    TableCell,
)
from seed.formats.html import OUTSIDE_MAIN, parse_html
from seed.records import SourceError, Span

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importer"
HTML_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.html"))

# The reasons each fixture's dropped regions are reported with.
EXPECTED_REASONS = {
    "html_data_science_analytics_ml.html": {
        "page header",
        "navigation",
        "share links",
        "advertising",
        "page footer",
        "cookie banner",
    },
    "html_psychology_vs_psychiatry.html": {
        "page header",
        "navigation",
        "aside",
        "page footer",
        "cookie banner",
    },
    "html_virus_vs_bacteria.html": {"cookie banner", "page header", "aside", "page footer"},
    "lang_de_vwl_vs_bwl.html": {"cookie banner", "page header", "advertising", "page footer"},
    "names_dietitian_vs_nutritionist.html": {
        "cookie banner",
        "page header",
        "aside",
        "page footer",
    },
}


def load(name: str) -> tuple[Document, dict[str, Any]]:
    path = FIXTURES / name
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    return parse_html(name, path.read_text("utf-8")), expected


def page(body: str) -> Document:
    return parse_html("page.html", body)


def texts(blocks: list[Block] | tuple[Block, ...]) -> Iterator[str]:
    """Every text a block holds: headings, paragraphs, items, terms, definitions, cells."""
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            yield block.text
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield item.text
                yield from texts(item.children)
        elif isinstance(block, DefinitionList):
            for entry in block.items:
                yield entry.term
                yield from (definition.text for definition in entry.definitions)
        else:
            yield block.caption or ""
            yield from (cell.text for row in block.rows for cell in row.cells)


def tables(document: Document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def only(document: Document, kind: type[Any]) -> Any:
    found = [block for block in document.blocks if isinstance(block, kind)]
    assert len(found) == 1, document.blocks
    return found[0]


def span(cell: TableCell | Block) -> tuple[int, int]:
    return (cell.span.start, cell.span.end)


# Fixtures: the comparison cells a table extractor will read


def grid(table: Table) -> list[list[TableCell | None]]:
    """The table as a grid of positions, each spanned cell repeated where it reaches."""
    taken: dict[tuple[int, int], TableCell] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row.cells:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, c + dc)] = cell
            c += cell.colspan
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c)) for c in range(width)] for r in range(len(table.rows))]


def comparison_cells(
    table: Table, names: dict[str, str]
) -> dict[tuple[str, str], tuple[str, tuple[int, int]]]:
    """(aspect, discipline) -> (text, span), below the first row whose headers name disciplines;
    each row's first cell is its aspect."""
    rows = grid(table)
    found_headers = (index for index, row in enumerate(rows) if len(columns_of(row, names)) >= 2)
    header = next(found_headers, None)
    if header is None:
        return {}
    columns = columns_of(rows[header], names)
    found = {}
    for row in rows[header + 1 :]:
        aspect = row[0]
        for c, discipline in columns.items():
            cell = row[c]
            if aspect is not None and cell is not None and cell is not aspect:
                found[(aspect.text, discipline)] = (cell.text, span(cell))
    return found


def columns_of(row: list[TableCell | None], names: dict[str, str]) -> dict[int, str]:
    """Column -> discipline, for the header cells that name one."""
    return {
        c: names[cell.text.lower()]
        for c, cell in enumerate(row)
        if cell is not None and cell.text.lower() in names
    }


def discipline_names(expected: dict[str, Any]) -> dict[str, str]:
    names = {name.lower(): name for name in expected["disciplines"]}
    for name, aliases in expected["aliases"].items():
        names.update((alias.lower(), name) for alias in aliases)
    return names


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_fixture_cells_have_their_text_and_lines(name: str) -> None:
    document, expected = load(name)
    names = discipline_names(expected)
    found: dict[tuple[str, str], tuple[str, tuple[int, int]]] = {}
    for table in tables(document):
        found.update(comparison_cells(table, names))
    for cell in expected["cells"]:
        key = (cell["aspect"], cell["discipline"])
        assert found.get(key) == (cell["text"], tuple(cell["lines"])), key


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_fixture_has_one_comparison_table(name: str) -> None:
    document, expected = load(name)
    names = discipline_names(expected)
    assert [bool(comparison_cells(table, names)) for table in tables(document)] == [True]


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_fixture_definitions_are_paragraphs_on_their_lines(name: str) -> None:
    document, expected = load(name)
    paragraphs = {
        (block.text, span(block)) for block in document.blocks if isinstance(block, Paragraph)
    }
    for definition in expected["definitions"]:
        assert (definition["text"], tuple(definition["lines"])) in paragraphs


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_fixture_junk_is_in_no_block(name: str) -> None:
    document, expected = load(name)
    content = list(texts(document.blocks))
    for junk in expected["junk"]:
        assert not [text for text in content if junk in text], junk


@pytest.mark.parametrize("name", HTML_FIXTURES)
def test_fixture_junk_lines_are_reported_as_dropped(name: str) -> None:
    document, expected = load(name)
    assert {region.reason for region in document.dropped} == EXPECTED_REASONS[name]
    dropped_lines = {
        number
        for region in document.dropped
        for number in range(region.span.start, region.span.end + 1)
    }
    for junk in expected["junk"]:
        holding = {
            number
            for number, line in enumerate(document.lines, start=1)
            if junk in html.unescape(line).replace("\xa0", " ")
        }
        assert holding & dropped_lines, junk


def test_fixture_document_keeps_its_lines() -> None:
    document, _ = load("html_virus_vs_bacteria.html")
    assert document.kind == "html"
    assert document.lines[30] == "    <h1>Virus vs Bacteria: What&rsquo;s the Difference?</h1>"
    assert document.blocks[0] == Heading(
        1, "Virus vs Bacteria: What\u2019s the Difference?", Span(31, 31)
    )


def test_fixture_caption_lists_and_header_rows() -> None:
    document, _ = load("html_psychology_vs_psychiatry.html")
    table = only(document, Table)
    assert table.caption == "Psychology and psychiatry compared"
    assert [row.header for row in table.rows[:3]] == [True, True, False]  # thead, a group row
    treatments = table.rows[6].cells[1]
    assert treatments.items == (
        "Cognitive behavioural therapy (CBT)",
        "Psychological assessment and testing",
        "Family and group therapy",
    )
    assert table.rows[2].cells[0] == TableCell("Degree", Span(41, 41), header=True, scope="row")


# Line spans


def test_cell_span_is_the_lines_of_its_text_not_its_tags() -> None:
    document = page(
        "<table>\n<tr>\n<td>\n  first part\n  second part\n</td>\n<td>x</td></tr>\n</table>"
    )
    row = only(document, Table).rows[0]
    assert (row.cells[0].text, span(row.cells[0])) == ("first part second part", (4, 5))
    assert span(row.cells[1]) == (7, 7)
    assert span(row) == (4, 7)


def test_paragraph_keeps_each_source_line() -> None:
    document = page("<p>One <b>bold\nword</b> and\n\n  more.</p>")
    paragraph = only(document, Paragraph)
    assert paragraph.text == "One bold word and more."
    assert paragraph.span == Span(1, 4)
    assert paragraph.lines == (Line(1, "One bold"), Line(2, "word and"), Line(4, "more."))


def test_text_before_any_tag_and_implied_body() -> None:
    document = page("Loose text\non two lines\n<p>Then a paragraph</p>")
    assert [(block.text, span(block)) for block in document.blocks] == [
        ("Loose text on two lines", (1, 2)),
        ("Then a paragraph", (3, 3)),
    ]


def test_line_breaks_are_those_of_splitlines() -> None:
    document = page("<p>a</p>\r\n<p>b</p>\r<p>c</p>\x0c<p>d</p>\u2028<p>e</p>")
    assert [span(block)[0] for block in document.blocks] == [1, 2, 3, 4, 5]
    assert len(document.lines) == 5


def test_pre_counts_the_newline_html_drops() -> None:
    document = page("<pre>\nfirst\nsecond</pre>\n<p>after</p>")
    assert [(block.text, span(block)) for block in document.blocks] == [
        ("first second", (2, 3)),
        ("after", (4, 4)),
    ]


def test_multi_line_start_tags_and_comments_keep_the_count() -> None:
    document = page('<div\n  class="x">\n<!-- a\ncomment -->\n<p\n>text</p></div>')
    assert span(only(document, Paragraph)) == (6, 6)


def test_spans_stay_right_in_a_long_page() -> None:
    body = "\n".join(f"<p>Paragraph {n} &amp; more</p>" for n in range(1, 4001))
    document = page(body)
    assert len(document.blocks) == 4000
    for number, block in enumerate(document.blocks, start=1):
        assert (block.text, span(block)) == (f"Paragraph {number} & more", (number, number))


# Text


def test_entities_and_whitespace() -> None:
    document = page(
        "<p>20&nbsp;&ndash;&nbsp;300&#160;nm, 5 &micro;m &amp; &lt;tags&gt; &#x263A;</p>"
    )
    assert only(document, Paragraph).text == "20 \u2013 300 nm, 5 \u00b5m & <tags> \u263a"


def test_inline_tags_glue_and_block_tags_separate() -> None:
    document = page(
        "<table><tr><td><b>Data</b>science<br>and <em>more</em><div>block</div>tail</td></tr>"
        "</table>"
    )
    assert only(document, Table).rows[0].cells[0].text == "Datascience and more block tail"


def test_div_text_and_blockquote_are_paragraphs() -> None:
    document = page(
        "<div>Loose <span>div</span> text<p>A paragraph</p>after it</div>\n"
        "<blockquote>Quoted words</blockquote>"
    )
    assert [block.text for block in document.blocks] == [
        "Loose div text",
        "A paragraph",
        "after it",
        "Quoted words",
    ]
    assert all(isinstance(block, Paragraph) for block in document.blocks)


def test_headings() -> None:
    document = page("<h2>Two <small>small</small></h2>\n<h5>Five</h5>")
    assert document.blocks == [
        Heading(2, "Two small", Span(1, 1)),
        Heading(5, "Five", Span(2, 2)),
    ]


# Lists and definition lists


def test_lists_markers_and_nesting() -> None:
    document = page(
        '<ol start="3">\n<li>Three\n  <ul>\n   <li>inner</li>\n  </ul>\n</li>\n<li>Four</li>\n</ol>'
    )
    block = only(document, ListBlock)
    assert block.ordered
    assert [(item.marker, item.text, span(item)) for item in block.items] == [
        ("3.", "Three", (2, 2)),
        ("4.", "Four", (7, 7)),
    ]
    inner = block.items[0].children[0]
    assert isinstance(inner, ListBlock)
    assert [(item.marker, item.text, span(item)) for item in inner.items] == [
        ("-", "inner", (4, 4))
    ]
    assert block.span == Span(2, 7)


def test_ordered_list_types_and_values() -> None:
    document = page('<ol type="i"><li>a</li><li value="4">b</li><li>c</li></ol>')
    assert [item.marker for item in only(document, ListBlock).items] == ["i.", "iv.", "v."]
    document = page("<ol reversed><li>a</li><li>b</li><li>c</li></ol>")
    assert [item.marker for item in only(document, ListBlock).items] == ["3.", "2.", "1."]


def test_definition_list() -> None:
    document = page(
        "<dl>\n<dt>Virus</dt>\n<dd>A tiny\nagent.</dd>\n<dt>Bacterium</dt><dt>Bacteria</dt>"
        "\n<dd>A cell.</dd>\n</dl>"
    )
    block = only(document, DefinitionList)
    assert [(entry.term, span(entry.definitions[0])) for entry in block.items] == [
        ("Virus", (3, 4)),
        ("Bacterium", (6, 6)),
        ("Bacteria", (6, 6)),
    ]
    assert block.items[0].term_span == Span(2, 2)
    assert block.items[0].definitions[0].lines == (Line(3, "A tiny"), Line(4, "agent."))


# Tables


def test_list_in_a_cell() -> None:
    document = page(
        "<table><tr><td>\n<ul>\n<li>Jupyter</li>\n<li>pandas <em>and</em> numpy</li>\n</ul>\n"
        "</td><td>Tools: <ul><li>a</li><li>b</li></ul></td></tr></table>"
    )
    first, second = only(document, Table).rows[0].cells
    assert (first.text, first.items, span(first)) == (
        "Jupyter; pandas and numpy",
        ("Jupyter", "pandas and numpy"),
        (3, 4),
    )
    assert (second.text, second.items) == ("Tools: a; b", ("a", "b"))


def test_header_rows_scope_and_spans() -> None:
    document = page(
        "<table><caption>Compared</caption><thead><tr><td></td><th>A</th><th>B</th></tr></thead>"
        '<tr><th colspan="3">Group</th></tr>'
        '<tr><th scope="row">Size</th><td rowspan="2" colspan="2">Big</td></tr></table>'
    )
    table = only(document, Table)
    assert table.caption == "Compared"
    assert [row.header for row in table.rows] == [True, True, False]
    empty = table.rows[0].cells[0]
    assert (empty.text, empty.header, span(empty)) == ("", False, (1, 1))
    size, big = table.rows[2].cells
    assert (size.scope, size.header) == ("row", True)
    assert (big.colspan, big.rowspan) == (2, 2)


def test_nested_table_is_its_own_block_after_the_outer_one() -> None:
    document = page(
        "<table><tr><td>Outer\n<table><tr><td>Inner</td></tr></table>\n</td></tr></table>"
    )
    outer, inner = tables(document)
    assert outer.rows[0].cells[0].text == "Outer"
    assert inner.rows[0].cells[0].text == "Inner"
    assert span(inner) == (2, 2)


def test_presentation_table_is_read_as_content() -> None:
    document = page(
        '<table role="presentation"><tr><td><h1>Title</h1><p>Text</p></td></tr></table>'
    )
    assert [type(block) for block in document.blocks] == [Heading, Paragraph]


# What is dropped


def test_dropping_by_role_and_class_names() -> None:
    document = page(
        '<div role="navigation">Home | Shop</div>\n'
        '<div class="ad-slot">Buy now</div>\n'
        '<div id="cookieBanner">We use cookies</div>\n'
        '<div class="share-buttons">Tweet</div>\n'
        '<div class="newsletter-signup">Sign up</div>\n'
        '<section role="complementary">Aside text</section>\n'
        '<div class="shadow read-more loaded header-adjacent">Kept one</div>\n'
        '<p class="lead"><span class="sponsored">Promo</span>Kept two</p>\n'
        "<div hidden>Hidden text</div>\n"
        '<div style="display: none">Also hidden</div>\n'
        "<script>var junk = 1;</script><style>p {}</style>\n"
        "<form><label>Your e-mail</label><button>Send</button></form>"
    )
    assert [block.text for block in document.blocks] == ["Kept one", "Kept two"]
    assert [(region.reason, region.excerpt, span(region)) for region in document.dropped] == [
        ("navigation", "Home | Shop", (1, 1)),
        ("advertising", "Buy now", (2, 2)),
        ("cookie banner", "We use cookies", (3, 3)),
        ("share links", "Tweet", (4, 4)),
        ("newsletter", "Sign up", (5, 5)),
        ("aside", "Aside text", (6, 6)),
        ("advertising", "Promo", (8, 8)),
        ("hidden", "Hidden text", (9, 9)),
        ("hidden", "Also hidden", (10, 10)),
        ("form", "Your e-mail Send", (12, 12)),
    ]


def test_page_with_main_drops_everything_outside_it() -> None:
    document = page(
        "<body class='has-sidebar'>\n<header><h1>Site</h1></header>\n<div>Loose promo</div>\n"
        "<div class='wrap'>\n<main>\n<header><h1>Article title</h1></header>\n<p>Body</p>\n"
        "<aside>Note</aside>\n</main>\nStray text\n</div>\n<footer>Copyright</footer>\n</body>"
    )
    assert [block.text for block in document.blocks] == ["Article title", "Body"]
    assert [(region.reason, span(region)) for region in document.dropped] == [
        ("page header", (2, 2)),
        (OUTSIDE_MAIN, (3, 3)),
        ("aside", (8, 8)),
        (OUTSIDE_MAIN, (10, 10)),
        ("page footer", (12, 12)),
    ]


def test_role_main_and_a_dominant_article() -> None:
    with_role = page('<div>Menu</div><div role="main"><p>Content</p></div>')
    assert [block.text for block in with_role.blocks] == ["Content"]
    article = page(
        "<div>Brand</div><article><p>A long article body, most of the page.</p>"
        "<footer>Tags: x</footer></article>"
    )
    assert [block.text for block in article.blocks] == ["A long article body, most of the page."]
    assert [region.reason for region in article.dropped] == [OUTSIDE_MAIN, "section footer"]
    teaser = page("<p>The real content of this page is long.</p><article><p>Teaser</p></article>")
    assert [block.text for block in teaser.blocks] == [
        "The real content of this page is long.",
        "Teaser",
    ]


def test_tables_in_dropped_regions_are_dropped() -> None:
    document = page(
        "<main><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "<aside><table><tr><td>Plan</td><td>£499</td></tr></table></aside></main>"
        "<footer><table><tr><td>About us</td></tr></table></footer>"
    )
    assert len(tables(document)) == 1
    assert [region.reason for region in document.dropped] == ["aside", "page footer"]


def test_a_page_nested_too_deeply_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="nested too deeply"):
        page("<div>" * 3000 + "<p>deep</p>")
