"""Markdown and plain-text documents as blocks, each with the source lines it came from.

Parsing: markdown-it-py with the CommonMark rules plus the GFM table rule, and two
mdit-py-plugins: ``deflist`` (``Term`` / ``: definition``) and ``front_matter`` (a YAML block
at the top, which is metadata, not content, and yields no block). A CommonMark parser rather than
our own line rules because Markdown's block structure (lazy continuation lines, list nesting by
indentation, setext headings, tables without outer pipes, ``\\|`` in cells) is exactly what
hand-written rules get wrong. Every block token carries ``map``, its 0-based ``[start, end)``
line range, which becomes a 1-based inclusive :class:`Span`; trailing blank lines a container
swallowed (a list item before the next one) are trimmed off.

Text: inline tokens are flattened to plain text. Text and code spans are kept, emphasis markers
dropped, a link keeps its text (not its URL), an image its alt text, entities are decoded by the
parser, ``\\|`` is a pipe, a line break is a space, inline HTML tags are removed (``<br>`` is a
space), and whitespace, NBSP included, is collapsed. A paragraph's ``lines`` hold each source
line's own text: the inline tokens are split at their soft and hard breaks, which fall exactly at
the line ends. An HTML block is reduced to its text (an empty one yields nothing); a code block
is kept as a paragraph of its lines, since at this layer nothing is content-screened.

Plain text (:func:`parse_text`) goes through the same parser after two changes. First,
:mod:`seed.formats.fixed_width` finds tables laid out in columns of spaces (text copied from
PDFs) and page furniture; those lines are blanked (kept as empty lines, so every later line
keeps its number) and the tables come back as :class:`Table` blocks. Second, the indented-code
rule is off: a plain-text document has no code blocks, and an indented line is running text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from seed.blocks import (
    Block,
    DefinitionItem,
    DefinitionList,
    Document,
    Dropped,
    Heading,
    Line,
    ListBlock,
    ListItem,
    Paragraph,
    Table,
    TableCell,
    TableRow,
)
from seed.formats.fixed_width import scan_fixed_width
from seed.records import Span
from seed.text import excerpt, normalise_space

MARKDOWN_KIND = "markdown"
TEXT_KIND = "text"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the breaks markdown-it itself counts lines by
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_HIDDEN_HTML = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TEXT_TOKENS = frozenset({"text", "text_special", "code_inline"})
_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})


FRONT_MATTER = "front matter: metadata, not content"


def parse_markdown(file_name: str, text: str) -> Document:
    """Parse a Markdown document into blocks."""
    lines = source_lines(text)
    tokens = _parser(plain_text=False).parse("\n".join(lines))
    root = SyntaxTreeNode(tokens)
    blocks = list(_blocks(root.children, lines))
    dropped = [
        Dropped(_span(node, lines), FRONT_MATTER, excerpt(node.content))
        for node in root.children
        if node.type == "front_matter"
    ]
    return Document(
        file_name=file_name,
        kind=MARKDOWN_KIND,
        lines=tuple(lines),
        blocks=blocks,
        dropped=dropped,
    )


def parse_text(file_name: str, text: str) -> Document:
    """Parse a plain-text document: fixed-width tables first, the rest as CommonMark."""
    lines = source_lines(text)
    scan = scan_fixed_width(lines, clean=plain_inline)
    rest = ["" if number in scan.claimed else line for number, line in enumerate(lines, 1)]
    blocks = [*_parse_blocks(rest, plain_text=True), *scan.tables]
    blocks.sort(key=lambda block: block.span.start)
    return Document(
        file_name=file_name,
        kind=TEXT_KIND,
        lines=tuple(lines),
        blocks=blocks,
        dropped=list(scan.dropped),
    )


def source_lines(text: str) -> list[str]:
    """The decoded lines, split where markdown-it splits them (``\\r\\n``, ``\\r``, ``\\n``).

    Splitting on exactly the parser's line breaks keeps token maps and :attr:`Document.lines`
    in step; a final line break does not start another line, and a BOM is not text.
    """
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def plain_inline(source: str) -> str:
    """The plain text of a piece of inline Markdown: ``**Main goal**`` reads ``Main goal``."""
    tokens = _parser(plain_text=True).parseInline(source)
    return normalise_space(" ".join(line for token in tokens for line in _inline_lines(token)))


@lru_cache(maxsize=2)
def _parser(*, plain_text: bool) -> MarkdownIt:
    """One configured parser per mode; markdown-it keeps no state between documents."""
    parser = MarkdownIt("commonmark").enable("table").use(deflist_plugin).use(front_matter_plugin)
    if plain_text:
        parser.disable("code")
    return parser


def _parse_blocks(lines: Sequence[str], *, plain_text: bool) -> list[Block]:
    tokens = _parser(plain_text=plain_text).parse("\n".join(lines))
    return list(_blocks(SyntaxTreeNode(tokens).children, lines))


# Spans and inline text


def _span(node: SyntaxTreeNode, lines: Sequence[str]) -> Span:
    """The node's lines, 1-based and inclusive, without the blank lines it ends with.

    A deflist term reports an empty range (``[n, n]``); it still stands on line ``n + 1``.
    """
    start, end = node.map or (0, 1)
    first = start + 1
    last = max(first, min(end, len(lines)))
    while last > first and not lines[last - 1].strip():
        last -= 1
    return Span(first, last)


def _inline_lines(inline: Token) -> list[str]:
    """The inline token's plain text, one string per source line (split at its line breaks)."""
    found = [""]
    for child in inline.children or ():
        if child.type in _BREAK_TOKENS:
            found.append("")
        elif child.type in _TEXT_TOKENS:
            found[-1] += child.content
        elif child.type == "image":
            found[-1] += " ".join(_inline_lines(child))  # the alt text, itself inline markup
        elif child.type == "html_inline" and _BREAK_TAG.fullmatch(child.content):
            found[-1] += " "
    return found


def _inline_of(node: SyntaxTreeNode) -> Token | None:
    for child in node.children:
        if child.type == "inline" and child.token is not None:
            return child.token
    return None


def _inline_text(node: SyntaxTreeNode) -> str:
    inline = _inline_of(node)
    return "" if inline is None else normalise_space(" ".join(_inline_lines(inline)))


def _line_texts(inline: Token, first: int) -> tuple[Line, ...]:
    """Each source line's plain text from line ``first`` on.

    Markup that runs over a line end (a code span, an HTML comment) can hide a break from the
    token stream; then each line of the raw content is rendered on its own instead.
    """
    raw = inline.content.split("\n")
    per_line = _inline_lines(inline)
    if len(per_line) != len(raw):
        per_line = [plain_inline(line) for line in raw]
    texts = ((first + offset, normalise_space(text)) for offset, text in enumerate(per_line))
    return tuple(Line(number, text) for number, text in texts if text)


# Blocks


def _blocks(nodes: Iterable[SyntaxTreeNode], lines: Sequence[str]) -> Iterator[Block]:
    for node in nodes:
        kind = node.type
        if kind == "heading":
            yield Heading(int(node.tag[1:]), _inline_text(node), _span(node, lines))
        elif kind == "paragraph":
            yield from _paragraph(node, lines)
        elif kind in ("bullet_list", "ordered_list"):
            yield _list(node, lines)
        elif kind == "table":
            yield _table(node, lines)
        elif kind == "dl":
            yield _definition_list(node, lines)
        elif kind == "html_block":
            yield from _html_block(node)
        elif kind in ("code_block", "fence"):
            yield from _code(node)
        elif kind not in ("hr", "front_matter"):
            yield from _blocks(node.children, lines)  # a blockquote, or a container we do not know


def _paragraph(node: SyntaxTreeNode, lines: Sequence[str]) -> Iterator[Paragraph]:
    inline = _inline_of(node)
    if inline is None:
        return
    span = _span(node, lines)
    text = normalise_space(" ".join(_inline_lines(inline)))
    if text:
        yield Paragraph(text, span, _line_texts(inline, span.start))


def _list(node: SyntaxTreeNode, lines: Sequence[str]) -> ListBlock:
    ordered = node.type == "ordered_list"
    items = tuple(
        _list_item(child, lines, ordered=ordered)
        for child in node.children
        if child.type == "list_item"
    )
    return ListBlock(ordered=ordered, items=items, span=_span(node, lines))


def _list_item(node: SyntaxTreeNode, lines: Sequence[str], *, ordered: bool) -> ListItem:
    """The item's own text is its leading paragraphs; whatever follows them is nested.

    Its span covers the nested blocks too; ``lines`` has only the item's own lines.
    """
    blocks = list(_blocks(node.children, lines))
    split = next(
        (index for index, block in enumerate(blocks) if not isinstance(block, Paragraph)),
        len(blocks),
    )
    own = [block for block in blocks[:split] if isinstance(block, Paragraph)]
    return ListItem(
        text=" ".join(paragraph.text for paragraph in own),
        span=_span(node, lines),
        marker=f"{node.info}{node.markup}" if ordered else node.markup,
        children=tuple(blocks[split:]),
        lines=tuple(line for paragraph in own for line in paragraph.lines),
    )


def _table(node: SyntaxTreeNode, lines: Sequence[str]) -> Table:
    rows: list[TableRow] = []
    for section in node.children:
        header = section.type == "thead"
        for row in section.children:
            span = _span(row, lines)
            cells = tuple(
                TableCell(_inline_text(cell), span, header=cell.type == "th")
                for cell in row.children
            )
            # GFM drops cells beyond the header's count; keep them, so they are reported.
            raw = _raw_cells(lines[span.start - 1])
            extra = tuple(
                TableCell(plain_inline(text), span) for text in raw[len(cells) :] if text.strip()
            )
            rows.append(TableRow(cells + extra, span, header=header))
    return Table(rows=tuple(rows), span=_span(node, lines))


_CELL_BREAK = re.compile(r"(?<!\\)\|")


def _raw_cells(line: str) -> list[str]:
    """A table line's cells as written, split at unescaped pipes, outer pipes removed."""
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return _CELL_BREAK.split(text)


def _definition_list(node: SyntaxTreeNode, lines: Sequence[str]) -> DefinitionList:
    """Each term with the paragraphs of the ``: …`` definitions that follow it."""
    items: list[DefinitionItem] = []
    for child in node.children:
        if child.type == "dt":
            items.append(DefinitionItem(_inline_text(child), _span(child, lines), ()))
        elif child.type == "dd" and items:
            found = tuple(_as_paragraphs(_blocks(child.children, lines)))
            last = items[-1]
            items[-1] = DefinitionItem(last.term, last.term_span, last.definitions + found)
    return DefinitionList(tuple(items), _span(node, lines))


def _as_paragraphs(blocks: Iterable[Block]) -> Iterator[Paragraph]:
    """A definition's blocks as paragraphs: a nested list gives one per item, so no text is
    lost to a block type a definition cannot hold."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, ListBlock):
            for item in block.items:
                if item.text:
                    yield Paragraph(item.text, item.span, item.lines)
                yield from _as_paragraphs(item.children)
        elif isinstance(block, Heading):
            yield Paragraph(block.text, block.span, (Line(block.span.start, block.text),))
        elif isinstance(block, Table):
            for row in block.rows:
                text = normalise_space(" ".join(cell.text for cell in row.cells))
                if text:
                    yield Paragraph(text, row.span, (Line(row.span.start, text),))
        elif isinstance(block, DefinitionList):
            for entry in block.items:
                yield from entry.definitions


def _html_block(node: SyntaxTreeNode) -> Iterator[Paragraph]:
    """An HTML block's text, tags stripped, entities decoded; comments and scripts are not text.

    Hidden parts are replaced by their line breaks, so every remaining line keeps its number.
    """
    start = (node.map or (0, 1))[0] + 1
    visible = _HIDDEN_HTML.sub(lambda match: "\n" * match.group().count("\n"), node.content)
    texts = (_BREAK_TAG.sub(" ", line) for line in visible.split("\n"))
    found = [
        Line(start + offset, text)
        for offset, raw in enumerate(texts)
        if (text := normalise_space(html.unescape(_TAG.sub("", raw))))
    ]
    if found:
        span = Span(found[0].number, found[-1].number)
        yield Paragraph(" ".join(line.text for line in found), span, tuple(found))


def _code(node: SyntaxTreeNode) -> Iterator[Paragraph]:
    """A code block kept as a paragraph of its lines (a fence's first line is the fence)."""
    start = (node.map or (0, 1))[0] + (2 if node.type == "fence" else 1)
    found = [
        Line(start + offset, text)
        for offset, raw in enumerate(node.content.split("\n"))
        if (text := normalise_space(raw))
    ]
    if found:
        span = Span(found[0].number, found[-1].number)
        yield Paragraph(" ".join(line.text for line in found), span, tuple(found))
