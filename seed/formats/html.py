"""HTML pages as blocks, every block and cell with the source lines its text stands on.

Parsing: BeautifulSoup with the ``html5lib`` tree builder. html5lib implements the WHATWG
tree-construction algorithm, so a page gets the tree a browser builds (implied ``</p>``, ``</li>``
and ``</td>``, an implied ``<tbody>``, stray text fostered out of tables), and bs4 records for
every start tag the line of its closing ``>``. Text nodes carry no position, so one pass over the
tree in document order gives each text node its first line: the line of the nearest preceding start
tag, plus the newlines of the text in between (comments and script text included, since they take
up source lines too). A tag html5lib implied (no ``>`` at its recorded position) does not reset the
count. Before parsing, every line break ``str.splitlines`` knows becomes ``\\n``, so the numbers
match ``Document.lines``. A block's span runs from the first to the last line holding its text: a
``<td>`` alone on its line, or a closing tag on the next, does not stretch it. lxml also records
element lines, but libxml2's HTML parser does not build HTML5 trees; selectolax (lexbor) builds
them but records no positions.

Main content: the page's ``<main>`` (or ``role="main"``), else its one ``<article>`` when that
holds most of the page's text, else ``<body>``. Everything outside it is dropped, and so is
everything inside it that is navigation, a page header or footer, an aside, a form, a dialog, a
hidden element, or whose ``id``/``class`` names it an advert, a cookie banner, a newsletter box,
share links, a sidebar, a breadcrumb, related links, comments or a popup. Each such region becomes
a :class:`Dropped` with the span of its text and the reason, for the import report; scripts,
styles, templates, embedded media and form controls are dropped without a word. This is our own
code rather than trafilatura or readability because those return cleaned text without source line
numbers, and every fact the importer stores must keep the line it came from.

Text: inline tags are flattened without adding spaces (``<b>Data</b>science`` reads
"Datascience", as a browser shows it); block tags and ``<br>`` separate words; entities are
decoded; whitespace, NBSP included, is collapsed. A table cell holding a list gets the list's
items as ``items`` and, as its ``text``, any text outside the list followed by the items joined
by ``"; "``. A table nested in a cell is not part of the cell's text: it is its own
:class:`Table`, placed right after the table that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

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
from seed.records import SourceError, Span
from seed.text import excerpt, normalise_space

OUTSIDE_MAIN = "outside main content"

Item = Block | Dropped

# Tags whose content is never shown as text, dropped without a report.
_INVISIBLE_TAGS = frozenset(
    {
        "script", "style", "template", "head", "title", "meta", "link", "base", "svg",
        "canvas", "iframe", "object", "embed", "audio", "video", "picture", "img", "map",
        "datalist",
    }
)  # fmt: skip
# Form controls: their labels are interface, not content, so they go without a report too; in a
# dropped region (a cookie banner's "Accept all") their text still counts for its span.
_CONTROLS = frozenset({"button", "input", "select", "option", "optgroup", "textarea"})
_SILENT_TAGS = _INVISIBLE_TAGS | _CONTROLS
# Tags that end a run of words: text on either side of one is never glued together.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center",
        "details", "dialog", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "listing", "main", "menu", "nav", "noscript", "ol", "p",
        "pre", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
_FLOW_STOP = _BLOCK_TAGS - {"br"}
_WORD_BREAK_TAGS = _BLOCK_TAGS | _CONTROLS  # controls are laid out as boxes of their own
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol", "menu"})
_NESTED_IN_ITEM = _LISTS | {"dl", "table"}
_NESTED_IN_CELL = _LISTS | {"table"}
_TABLE_SECTIONS = frozenset({"thead", "tbody", "tfoot"})
# The HTML spec's limits; rowspan="0" ("to the end of the section") is read as 1.
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534
# html5lib drops the newline right after these start tags, as the spec says.
_LEADING_NEWLINE_DROPPED = frozenset({"pre", "listing", "textarea"})
# A <header>/<footer> inside one of these belongs to it, not to the page.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})

_TAG_REASONS = {
    "nav": "navigation",
    "aside": "aside",
    "form": "form",
    "dialog": "popup",
    "search": "search",
    "noscript": "script",
}
_ROLE_REASONS = {
    "navigation": "navigation",
    "menubar": "navigation",
    "banner": "page header",
    "contentinfo": "page footer",
    "complementary": "aside",
    "search": "search",
    "form": "form",
    "dialog": "popup",
    "alertdialog": "popup",
}
# Whole id/class values that name the page's header or footer in pre-HTML5 layouts.
_LAYOUT_NAMES = {
    "header": "page header",
    "site-header": "page header",
    "masthead": "page header",
    "footer": "page footer",
    "site-footer": "page footer",
    "page-footer": "page footer",
    "colophon": "page footer",
}


@dataclass(frozen=True, slots=True)
class _NameRule:
    """Words of an id or class name that mark a region: whole words, or a word's start."""

    reason: str
    words: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def matches(self, word: str) -> bool:
        return word in self.words or word.startswith(self.prefixes)


# In priority order: "cookie-banner" is a cookie banner, not an advert; "sidebar-ad" is an advert.
_NAME_RULES = tuple(
    _NameRule(reason, frozenset(words.split()), tuple(prefixes.split()))
    for reason, words, prefixes in (
        ("cookie banner", "consent gdpr", "cookie"),
        ("newsletter", "", "newsletter subscri"),
        ("share links", "share shares sharethis addthis", "social sharing"),
        (
            "advertising",
            "ad ads adslot adunit adsense adbox banner banners anzeige anzeigen werbung publicite"
            " publicidad",
            "advert sponsor promo",
        ),
        ("comments", "comment comments disqus", ""),
        ("popup", "modal lightbox", "popup"),
        ("related links", "related", ""),
        ("navigation", "nav navbar navigation pagination pager", "breadcrumb"),
        ("aside", "", "sidebar"),
    )
)
# "cookieBanner" -> cookie, banner; "ad-slot" -> ad, slot; "shadow" stays one word.
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Run:
    """A piece of raw text on one source line; ``line`` 0 marks a word break between blocks."""

    text: str
    line: int


_BREAK = _Run(" ", 0)

# What walking an element's inline content yields: text, a region dropped inside it, or an
# element the caller asked to handle itself (a nested list or table).
_Piece = _Run | Dropped | Tag


@dataclass(frozen=True, slots=True)
class _Lines:
    """Where each text node and tag of one parsed page starts, keyed by object id."""

    strings: dict[int, int]
    tags: dict[int, int]

    def runs(self, string: NavigableString) -> Iterator[_Run]:
        start = self.strings[id(string)]
        parts = str(string).split("\n")
        for offset, part in enumerate(parts):
            yield _Run(part if offset == len(parts) - 1 else part + "\n", start + offset)

    def of(self, tag: Tag) -> int:
        return self.tags.get(id(tag), 1)


@dataclass(slots=True)
class _Gathered:
    runs: list[_Run] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    stopped: list[Tag] = field(default_factory=list)


def parse_html(file_name: str, text: str) -> Document:
    """Parse one HTML page into blocks (main content only) and the regions it dropped.

    Raises :class:`SourceError` for a page nested too deeply to walk (hundreds of levels: the
    walk is recursive, as the tree is).
    """
    source = "\n".join(text.splitlines())
    soup = BeautifulSoup(source, "html5lib")
    lines = _locate(soup, source.split("\n"))
    body = soup.body if soup.body is not None else soup
    try:
        root = _content_root(body)
        items = list(_flow(root, lines) if root is body else _page(body, root, lines))
    except RecursionError:
        raise SourceError(file_name, "HTML elements nested too deeply to read") from None
    return Document(
        file_name=file_name,
        kind="html",
        lines=tuple(text.splitlines()),
        blocks=[item for item in items if not isinstance(item, Dropped)],
        dropped=[item for item in items if isinstance(item, Dropped)],
    )


# Source lines


def _locate(soup: BeautifulSoup, source_lines: list[str]) -> _Lines:
    """Give every text node the line it starts on, walking the tree in document order."""
    strings: dict[int, int] = {}
    tags: dict[int, int] = {}
    line = 1
    for node in soup.descendants:
        if isinstance(node, Tag):
            line = _start_tag_line(node, source_lines) or line
            tags[id(node)] = line
        elif isinstance(node, NavigableString):
            strings[id(node)] = line
            line += node.count("\n")
    return _Lines(strings, tags)


def _start_tag_line(tag: Tag, source_lines: list[str]) -> int | None:
    """The line the tag's content starts on, or None for a tag html5lib implied.

    html5lib records the position of the start tag's ``>``; for an implied tag it records wherever
    the tokenizer was, which may be past text that comes before the tag in the tree.
    """
    number, column = tag.sourceline, tag.sourcepos
    if number is None or column is None or not 1 <= number <= len(source_lines):
        return None
    line = source_lines[number - 1]
    if not 0 <= column < len(line) or line[column] != ">":
        return None
    newline_dropped = column == len(line) - 1 and number < len(source_lines)
    if tag.name in _LEADING_NEWLINE_DROPPED and newline_dropped:
        return number + 1
    return number


def _is_text(node: PageElement) -> bool:
    """A text node a reader sees: not a comment, doctype, CDATA or processing instruction."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


# Runs of text


def _text(runs: Iterable[_Run]) -> str:
    return normalise_space("".join(run.text for run in runs))


def _cover(spans: Iterable[Span | None]) -> Span | None:
    """The smallest span holding every given span."""
    present = [span for span in spans if span is not None]
    if not present:
        return None
    return Span(min(span.start for span in present), max(span.end for span in present))


def _runs_span(runs: Iterable[_Run]) -> Span | None:
    """First to last line holding visible text."""
    return _cover(Span(run.line, run.line) for run in runs if run.line and run.text.strip())


def _per_line(runs: Iterable[_Run]) -> tuple[Line, ...]:
    """Each source line's plain text; a word break counts with the line before it."""
    grouped: dict[int, list[str]] = {}
    current = 0
    for run in runs:
        current = run.line or current
        grouped.setdefault(current, []).append(run.text)
    found = ((number, normalise_space("".join(parts))) for number, parts in grouped.items())
    return tuple(Line(number, text) for number, text in sorted(found) if number and text)


# What is dropped


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _names(tag: Tag) -> list[str]:
    return [*_attr(tag, "id").split(), *_attr(tag, "class").split()]


def _name_reason(tag: Tag) -> str | None:
    """The reason an element's id or class names give for dropping it, if any."""
    names = _names(tag)
    if not any(parent.name in _SECTIONING for parent in tag.parents):
        for name in names:
            if name.lower() in _LAYOUT_NAMES:
                return _LAYOUT_NAMES[name.lower()]
    words = [word.lower() for name in names for word in _NAME_WORD.findall(name)]
    for rule in _NAME_RULES:
        if any(rule.matches(word) for word in words):
            return rule.reason
    if any(key.startswith(("data-ad-", "data-ad_")) for key in tag.attrs):
        return "advertising"
    return None


def _role_reason(tag: Tag) -> str | None:
    roles = _attr(tag, "role").lower().split()
    return next((_ROLE_REASONS[role] for role in roles if role in _ROLE_REASONS), None)


def _tag_reason(tag: Tag) -> str | None:
    if tag.name in ("header", "footer"):
        nested = any(parent.name in _SECTIONING for parent in tag.parents)
        if tag.name == "header":
            return None if nested else "page header"  # an article's header holds its title
        return "section footer" if nested else "page footer"
    return _TAG_REASONS.get(tag.name)


def _is_hidden(tag: Tag) -> bool:
    hidden = tag.get("hidden")
    if hidden is not None and _attr(tag, "hidden").lower() != "until-found":
        return True
    return bool(_HIDING_STYLE.search(_attr(tag, "style")))


def _drop_reason(tag: Tag) -> str | None:
    """Why an element is not content: None if it is, "" to drop it without a report.

    Names come first because they are the most specific: a ``<div role="dialog">`` named
    "cookie-banner" is a cookie banner, an ``<aside class="anzeige">`` an advert.
    """
    if tag.name in _SILENT_TAGS:
        return ""
    return (
        _name_reason(tag)
        or _role_reason(tag)
        or _tag_reason(tag)
        or ("hidden" if _is_hidden(tag) else None)
    )


def _region(runs: list[_Run], reason: str) -> Iterator[Dropped]:
    """A dropped region, reported when it held any text."""
    span = _runs_span(runs)
    if span is not None:
        yield Dropped(span, reason, excerpt(_text(runs)))


def _dropped(tag: Tag, reason: str, lines: _Lines) -> Iterator[Dropped]:
    if reason:
        gathered = _gather(_pieces(tag, lines, frozenset(), classify=False))
        yield from _region(gathered.runs, reason)


# Main content


def _tags(node: Tag) -> Iterator[Tag]:
    return (child for child in node.descendants if isinstance(child, Tag))


def _content_root(body: Tag) -> Tag:
    """The element holding the page's content: <main>, a dominant <article>, else <body>."""
    for tag in _tags(body):
        is_main = tag.name == "main" or "main" in _attr(tag, "role").lower().split()
        if is_main and not _is_hidden(tag):
            return tag
    articles = [
        tag
        for tag in _tags(body)
        if tag.name == "article" and not any(parent.name == "article" for parent in tag.parents)
    ]
    # A lone <article> may be a teaser card beside the real content; take it only if it is most
    # of the page.
    if len(articles) == 1 and 2 * len(articles[0].get_text()) >= len(body.get_text()):
        return articles[0]
    return body


def _page(node: Tag, root: Tag, lines: _Lines) -> Iterator[Item]:
    """The items of ``node``, which holds the content root: the root's own, and every other child
    as a dropped region."""
    for child in node.children:
        if child is root:
            yield from _flow(root, lines)
        elif isinstance(child, Tag) and any(parent is child for parent in root.parents):
            yield from _page(child, root, lines)
        elif isinstance(child, Tag):
            reason = _drop_reason(child)
            yield from _dropped(child, OUTSIDE_MAIN if reason is None else reason, lines)
        elif _is_text(child) and isinstance(child, NavigableString):
            yield from _region(list(lines.runs(child)), OUTSIDE_MAIN)


# Walking content


def _pieces(
    node: Tag, lines: _Lines, stop: frozenset[str], classify: bool = True
) -> Iterator[_Piece]:
    """The inline content of ``node`` in document order, flattened.

    Elements named in ``stop`` are yielded for the caller; block elements and ``<br>`` become
    word breaks; with ``classify``, elements that are not content are yielded as dropped regions.
    """
    for child in node.children:
        if isinstance(child, NavigableString):
            if _is_text(child):
                yield from lines.runs(child)
        elif isinstance(child, Tag):
            yield from _child_pieces(child, lines, stop, classify)


def _child_pieces(
    tag: Tag, lines: _Lines, stop: frozenset[str], classify: bool
) -> Iterator[_Piece]:
    reason = _drop_reason(tag) if classify else ("" if tag.name in _INVISIBLE_TAGS else None)
    if reason is not None:
        yield from _dropped(tag, reason, lines)
        yield _BREAK
    elif tag.name in stop:
        yield tag
    elif tag.name in _WORD_BREAK_TAGS:
        yield _BREAK
        yield from _pieces(tag, lines, stop, classify)
        yield _BREAK
    else:
        yield from _pieces(tag, lines, stop, classify)


def _gather(pieces: Iterable[_Piece]) -> _Gathered:
    gathered = _Gathered()
    for piece in pieces:
        if isinstance(piece, _Run):
            gathered.runs.append(piece)
        elif isinstance(piece, Dropped):
            gathered.dropped.append(piece)
        else:
            gathered.stopped.append(piece)
    return gathered


def _flow(container: Tag, lines: _Lines) -> Iterator[Item]:
    """Blocks of an element holding mixed content: each run of inline text between block
    elements is a paragraph (so ``<div>`` text and ``<blockquote>`` text are paragraphs too)."""
    pending: list[_Run] = []
    for piece in _pieces(container, lines, _FLOW_STOP):
        if isinstance(piece, _Run):
            pending.append(piece)
        elif isinstance(piece, Dropped):
            yield piece
        else:
            yield from _paragraph(pending)
            pending = []
            yield from _block(piece, lines)
    yield from _paragraph(pending)


def _block(tag: Tag, lines: _Lines) -> Iterator[Item]:
    if tag.name in _HEADINGS:
        yield from _heading(tag, lines)
    elif tag.name in _LISTS:
        yield from _list(tag, lines)
    elif tag.name == "dl":
        yield from _definition_list(tag, lines)
    elif tag.name == "table":
        yield from _table(tag, lines)
    elif tag.name != "hr":
        yield from _flow(tag, lines)


def _paragraph(runs: list[_Run]) -> Iterator[Paragraph]:
    text, span = _text(runs), _runs_span(runs)
    if text and span is not None:
        yield Paragraph(text, span, _per_line(runs))


def _heading(tag: Tag, lines: _Lines) -> Iterator[Item]:
    gathered = _gather(_pieces(tag, lines, frozenset()))
    yield from gathered.dropped
    text, span = _text(gathered.runs), _runs_span(gathered.runs)
    if text and span is not None:
        yield Heading(int(tag.name[1]), text, span)


# Lists


def _int_attr(tag: Tag, name: str, default: int) -> int:
    try:
        return int(_attr(tag, name).strip())
    except ValueError:
        return default


def _roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, numeral in numerals:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


def _alpha(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _marker(ordered: bool, number: int, style: str) -> str:
    """The marker a browser shows: "-" for bullets, "1." / "a." / "iv." for an <ol type>."""
    if not ordered:
        return "-"
    if number > 0 and style in ("a", "A"):
        label = _alpha(number)
        return (label.upper() if style == "A" else label) + "."
    if 0 < number < 4000 and style in ("i", "I"):
        label = _roman(number)
        return (label.upper() if style == "I" else label) + "."
    return f"{number}."


def _list(tag: Tag, lines: _Lines) -> Iterator[Item]:
    ordered = tag.name == "ol"
    countdown = tag.get("reversed") is not None
    entries = [child for child in tag.children if isinstance(child, Tag)]
    count = sum(entry.name == "li" for entry in entries)
    number = _int_attr(tag, "start", count if countdown else 1)
    style = _attr(tag, "type")
    items: list[ListItem] = []
    for entry in entries:
        reason = _drop_reason(entry)
        if reason is not None:
            yield from _dropped(entry, reason, lines)
            continue
        if entry.name == "li":
            number = _int_attr(entry, "value", number)
            marker = _marker(ordered, number, style)
            number += -1 if countdown else 1
        else:
            marker = ""  # stray content between items: kept, with no marker of its own
        item, extra = _list_item(entry, marker, lines)
        yield from extra
        if item is not None:
            items.append(item)
    span = _cover(_item_spans(items))
    if items and span is not None:
        yield ListBlock(ordered, tuple(items), span)


def _item_spans(items: Iterable[ListItem]) -> Iterator[Span]:
    for item in items:
        yield item.span
        yield from (child.span for child in item.children)


def _list_item(tag: Tag, marker: str, lines: _Lines) -> tuple[ListItem | None, list[Dropped]]:
    """One item: its own text, and its nested lists, definition lists and tables as children."""
    gathered = _gather(_pieces(tag, lines, _NESTED_IN_ITEM))
    dropped = list(gathered.dropped)
    children: list[Block] = []
    for nested in gathered.stopped:
        for item in _block(nested, lines):
            if isinstance(item, Dropped):
                dropped.append(item)
            else:
                children.append(item)
    text = _text(gathered.runs)
    span = _runs_span(gathered.runs) or _cover(child.span for child in children)
    if span is None:
        return None, dropped
    return ListItem(text, span, marker, tuple(children), _per_line(gathered.runs)), dropped


def _flatten(block: ListBlock) -> Iterator[ListItem | Block]:
    """A list's items depth first, with any non-list block nested in an item after it."""
    for item in block.items:
        yield item
        for child in item.children:
            if isinstance(child, ListBlock):
                yield from _flatten(child)
            else:
                yield child


# Definition lists


def _definition_entries(tag: Tag) -> Iterator[Tag]:
    """The <dt> and <dd> of a <dl>, including those HTML lets a <div> wrap."""
    for child in tag.children:
        if isinstance(child, Tag) and child.name in ("dt", "dd"):
            yield child
        elif isinstance(child, Tag) and child.name == "div" and _drop_reason(child) is None:
            yield from _definition_entries(child)


def _definition_list(tag: Tag, lines: _Lines) -> Iterator[Item]:
    """Terms and their definitions; several <dt> before the same <dd> each get them."""
    groups: list[tuple[list[tuple[str, Span]], list[Paragraph]]] = []
    for entry in _definition_entries(tag):
        gathered = _gather(_pieces(entry, lines, frozenset()))
        yield from gathered.dropped
        text, span = _text(gathered.runs), _runs_span(gathered.runs)
        if not text or span is None:
            continue
        if entry.name == "dt":
            if not groups or groups[-1][1]:
                groups.append(([], []))
            groups[-1][0].append((text, span))
        else:
            if not groups:
                groups.append(([], []))
            groups[-1][1].append(Paragraph(text, span, _per_line(gathered.runs)))
    items = [
        DefinitionItem(term, term_span, tuple(definitions))
        for terms, definitions in groups
        for term, term_span in (terms or [("", definitions[0].span)])
    ]
    span = _cover([item.term_span for item in items] + [d.span for _, ds in groups for d in ds])
    if items and span is not None:
        yield DefinitionList(tuple(items), span)


# Tables


def _table(tag: Tag, lines: _Lines) -> Iterator[Item]:
    """A table, then the tables nested in its cells; a layout table
    (``role="presentation"``) is read as ordinary content, cell by cell."""
    if _attr(tag, "role").lower() in ("presentation", "none"):
        yield from _layout_table(tag, lines)
        return
    rows: list[TableRow] = []
    extra: list[Item] = []
    caption: str | None = None
    caption_span: Span | None = None
    for child in tag.children:
        if not isinstance(child, Tag):
            continue
        reason = _drop_reason(child) if child.name != "caption" else None
        if reason is not None:
            extra.extend(_dropped(child, reason, lines))
        elif child.name == "caption":
            gathered = _gather(_pieces(child, lines, frozenset({"table"})))
            extra.extend(gathered.dropped)
            extra.extend(item for nested in gathered.stopped for item in _table(nested, lines))
            caption = _text(gathered.runs) or None
            caption_span = _runs_span(gathered.runs)
        elif child.name == "tr":
            rows.extend(_row(child, False, lines, extra))
        elif child.name in _TABLE_SECTIONS:
            rows.extend(_section_rows(child, lines, extra))
    span = _cover([caption_span, *(row.span for row in rows)])
    if rows and span is not None:
        yield Table(tuple(rows), span, caption)
    yield from extra


def _section_rows(section: Tag, lines: _Lines, extra: list[Item]) -> Iterator[TableRow]:
    for tr in section.children:
        if not isinstance(tr, Tag) or tr.name != "tr":
            continue
        reason = _drop_reason(tr)
        if reason is not None:
            extra.extend(_dropped(tr, reason, lines))
        else:
            yield from _row(tr, section.name == "thead", lines, extra)


def _row(tr: Tag, in_head: bool, lines: _Lines, extra: list[Item]) -> Iterator[TableRow]:
    """A row; the blocks its cells hold besides their text go to ``extra``."""
    cells = [
        _cell(child, lines, extra)
        for child in tr.children
        if isinstance(child, Tag) and child.name in ("td", "th")
    ]
    if not cells:
        return
    span = _cover(cell.span for cell in cells if cell.text) or Span(lines.of(tr), lines.of(tr))
    header = in_head or all(cell.header for cell in cells)
    yield TableRow(tuple(cells), span, header)


def _cell(tag: Tag, lines: _Lines, extra: list[Item]) -> TableCell:
    gathered = _gather(_pieces(tag, lines, _NESTED_IN_CELL))
    extra.extend(gathered.dropped)
    items: list[ListItem] = []
    for nested in gathered.stopped:
        for block in _block(nested, lines):
            parts = _flatten(block) if isinstance(block, ListBlock) else [block]
            for part in parts:
                if isinstance(part, ListItem):
                    items.append(part)
                else:
                    extra.append(part)
    own = _text(gathered.runs)
    listed = tuple(item.text for item in items if item.text)
    text = " ".join(part for part in (own, "; ".join(listed)) if part)
    line = lines.of(tag)
    span = _cover([_runs_span(gathered.runs), *(_runs_span_of_item(item) for item in items)])
    scope = _attr(tag, "scope").strip().lower() or None
    return TableCell(
        text=text,
        span=span if text and span is not None else Span(line, line),
        header=tag.name == "th",
        scope=scope,
        colspan=min(max(1, _int_attr(tag, "colspan", 1)), _MAX_COLSPAN),
        rowspan=min(max(1, _int_attr(tag, "rowspan", 1)), _MAX_ROWSPAN),
        items=listed,
    )


def _runs_span_of_item(item: ListItem) -> Span | None:
    """An item's own text lines (its nested blocks are counted as items of their own)."""
    return _cover(Span(line.number, line.number) for line in item.lines) if item.text else None


def _layout_table(tag: Tag, lines: _Lines) -> Iterator[Item]:
    for child in tag.children:
        if not isinstance(child, Tag):
            continue
        reason = _drop_reason(child)
        if reason is not None:
            yield from _dropped(child, reason, lines)
        elif child.name in ("td", "th"):
            yield from _flow(child, lines)
        elif child.name == "tr" or child.name in _TABLE_SECTIONS:
            yield from _layout_table(child, lines)
