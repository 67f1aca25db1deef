"""Full-text search: user text to a safe query, ranked hits, their objects and marked snippets.

Whatever the user types becomes a list of words (runs of letters and digits); every word must
match, the last one also as a prefix while it is still being typed (the query ends in a letter
or digit) or when it is followed by ``*``. The words are passed as quoted literals (FTS5) or bound
parameters (PostgreSQL), never as query syntax, so no input can produce a syntax error. Snippets
are built here rather than by the database, so they are the same on both backends, and escaped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from app import queries
from app.errors import BadRequest
from app.models import Aspect, Definition, Description, DisciplineUse, Faq
from app.search_index import INDEXED, KINDS, NAME, PG_VECTOR, ROWID_STRIDE, IndexedTable
from app.sql import AnySelect, fetch

WORD = re.compile(r"[^\W_]+")  # what both index tokenizers call a word
MAX_TERM_CHARS = 200  # PostgreSQL ignores words over 2047 bytes; longer ones match nothing
SNIPPET_WORDS = 16
SNIPPET_LEAD = 4  # words shown before the first match
MAX_WORD_CHARS = 80  # a "word" may be a whole CJK sentence: shorten it in a snippet
MAX_GAP_CHARS = 40  # and so may the punctuation, symbols or emoji between two words
MARK, END_MARK, CUT = "<mark>", "</mark>", "…"
_BM25_WEIGHTS = "2.0, 1.0"  # title, body
_PG_RANK_NORMALISATION = 1  # divide by 1 + log(length): short, exact documents rank higher


@dataclass(frozen=True)
class Terms:
    """The words of a query, lower-cased; ``prefix`` is the last word when it is still open."""

    exact: tuple[str, ...]
    prefix: str | None

    @property
    def empty(self) -> bool:
        return not self.exact and self.prefix is None

    def term_of(self, word: str) -> str | None:
        """The query term a (lower-cased) word of a text matches, if any."""
        if word in self.exact:
            return word
        if self.prefix is not None and word.startswith(self.prefix):
            return self.prefix
        return None


def parse_terms(query: str) -> Terms:
    query = unicodedata.normalize("NFC", query)
    words = [word.lower() for word in WORD.findall(query)]
    # The last word is still being typed, or the user asked for a prefix with "*".
    open_ended = bool(words) and (WORD.match(query[-1]) is not None or query.rstrip()[-1] == "*")
    prefix = words.pop() if open_ended else None
    if prefix is not None and len(prefix) > MAX_TERM_CHARS:
        prefix = None
    exact = tuple(dict.fromkeys(word for word in words if len(word) <= MAX_TERM_CHARS))
    return Terms(exact, prefix)


def parse_kinds(values: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds named in ``kind`` parameters (each comma-separated); all kinds if none."""
    named = [part.strip().lower() for value in values or () for part in value.split(",")]
    named = [part for part in named if part]
    unknown = [part for part in named if part not in KINDS]
    if unknown:
        raise BadRequest(
            f"Unknown kind {', '.join(map(repr, unknown))}. Valid kinds: {', '.join(KINDS)}.",
            invalid_params=[{"in": "query", "name": "kind", "reason": "unknown kind"}],
        )
    return tuple(kind for kind in KINDS if kind in named) or KINDS


@dataclass(frozen=True)
class Position:
    """Where a hit stands in the ranking: score descending, then kind and id ascending."""

    score: float
    kind: str
    ref_id: int


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, each ``{"kind", "score", "snippet", "object"}`` as the API serialises it."""

    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None


def search(
    connection: Connection,
    query: str,
    *,
    kinds: Sequence[str] = KINDS,
    limit: int = 20,
    cursor: str | None = None,
) -> SearchResult:
    """One page of hits for ``query``, best first, after the position ``cursor`` names."""
    terms = parse_terms(query)
    fingerprint = _fingerprint(terms, kinds)
    after = decode_cursor(cursor, fingerprint) if cursor is not None else None
    if terms.empty:
        return SearchResult([], 0, None)
    positions, total = _rank(connection, terms, kinds, limit + 1, after)
    page = positions[:limit]
    items = _hits(connection, page, terms)
    more = len(positions) > limit
    return SearchResult(items, total, encode_cursor(page[-1], fingerprint) if more else None)


# --- ranking ---------------------------------------------------------------------------------


def _rank(
    connection: Connection, terms: Terms, kinds: Sequence[str], limit: int, after: Position | None
) -> tuple[list[Position], int]:
    params: dict[str, Any] = {"limit": limit}
    if connection.dialect.name == "postgresql":
        if terms.exact:
            params["words"] = " ".join(terms.exact)
        if terms.prefix is not None:
            params["prefix"] = "'" + terms.prefix.replace("\\", "\\\\").replace("'", "''") + "':*"
    else:
        phrases = [_fts5_phrase(word) for word in terms.exact]
        if terms.prefix is not None:
            phrases.append(_fts5_phrase(terms.prefix) + "*")
        params["match"] = " AND ".join(phrases)
    if after is not None:
        params |= {"after_score": after.score, "after_kind": after.kind, "after_id": after.ref_id}
    statement = _rank_statement(
        connection.dialect.name, tuple(kinds), bool(terms.exact), terms.prefix is not None,
        after is not None,
    )  # fmt: skip
    rows = fetch(connection, statement, params)
    positions = [Position(float(r.score), r.kind, int(r.ref_id)) for r in rows if r.kind]
    return positions, int(rows[0].total) if rows else 0


@cache
def _rank_statement(
    dialect: str, kinds: tuple[str, ...], exact: bool, prefix: bool, after: bool
) -> TextClause:
    """The ranking statement for a shape of query; the words and the cursor are bound."""
    entries = [entry for entry in INDEXED if entry.kind in kinds]
    hits = _pg_hits(entries, exact, prefix) if dialect == "postgresql" else _sqlite_hits(entries)
    condition = "1 = 1"
    if after:
        condition = (
            "score < :after_score OR (score = :after_score AND "
            "(kind > :after_kind OR (kind = :after_kind AND ref_id > :after_id)))"
        )
    # One statement: the total and the page share one evaluation of the match; the LEFT JOIN
    # still yields the total when the page is empty.
    return text(
        f"WITH {hits} "
        "SELECT c.total, p.kind, p.ref_id, p.score FROM (SELECT count(*) AS total FROM hits) c "
        f"LEFT JOIN (SELECT kind, ref_id, score FROM hits WHERE {condition} "
        "ORDER BY score DESC, kind, ref_id LIMIT :limit) p ON 1 = 1 "
        "ORDER BY p.score DESC, p.kind, p.ref_id"
    )


def _sqlite_hits(entries: Sequence[IndexedTable]) -> str:
    code, row_id = f"r % {ROWID_STRIDE}", f"r / {ROWID_STRIDE}"
    kind = " ".join(f"WHEN {e.code} THEN '{e.kind}'" for e in entries)
    alias = next(e.code for e in INDEXED if e.table == "aspect_alias")
    ref_id = (
        f"CASE {code} WHEN {alias} THEN (SELECT aspect_id FROM aspect_alias WHERE id = {row_id}) "
        f"ELSE {row_id} END"
    )
    codes = ", ".join(str(e.code) for e in entries)
    # bm25() only works in the statement that runs the MATCH: MATERIALIZED stops SQLite from
    # merging it into the grouping query. bm25 is lower for better matches; negated, higher is
    # better on both backends.
    return (
        f"matched AS MATERIALIZED (SELECT rowid AS r, -bm25({NAME}, {_BM25_WEIGHTS}) AS score "
        f"FROM {NAME} WHERE {NAME} MATCH :match AND rowid % {ROWID_STRIDE} IN ({codes})), "
        f"hits AS (SELECT CASE {code} {kind} END AS kind, {ref_id} AS ref_id, "
        "max(score) AS score FROM matched GROUP BY 1, 2)"
    )


def _fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _pg_hits(entries: Sequence[IndexedTable], exact: bool, prefix: bool) -> str:
    parts = []
    if exact:
        parts.append("plainto_tsquery('simple'::regconfig, :words)")
    if prefix:
        parts.append("to_tsquery('simple'::regconfig, :prefix)")
    tsquery = "(" + " && ".join(parts) + ")"
    branches = []
    # ts_rank is a float4; as float8 it survives the round trip through a cursor exactly.
    for entry in entries:
        vector = f"t.{PG_VECTOR}"
        ref_id = "t.aspect_id" if entry.table == "aspect_alias" else "t.id"
        branches.append(
            f"SELECT '{entry.kind}' AS kind, {ref_id} AS ref_id, "
            f"ts_rank({vector}, {tsquery}, {_PG_RANK_NORMALISATION})::float8 AS score "
            f"FROM {entry.table} t WHERE {vector} @@ {tsquery}"
        )
    # An aspect can match by its name and by several aliases: it is one hit, at its best score.
    return (
        "hits AS (SELECT kind, ref_id, max(score) AS score FROM ("
        + " UNION ALL ".join(branches)
        + ") AS m GROUP BY kind, ref_id)"
    )


# --- cursors ---------------------------------------------------------------------------------


def _fingerprint(terms: Terms, kinds: Sequence[str]) -> str:
    payload = orjson.dumps([terms.exact, terms.prefix, sorted(kinds)])
    return hashlib.sha256(payload).hexdigest()[:16]


def encode_cursor(position: Position, fingerprint: str) -> str:
    payload = [fingerprint, position.score, position.kind, position.ref_id]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, fingerprint: str) -> Position:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found, score, kind, ref_id = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        valid = (
            isinstance(score, int | float)
            and not isinstance(score, bool)
            and kind in KINDS
            and isinstance(ref_id, int)
            and not isinstance(ref_id, bool)
            and 0 <= ref_id < 2**63  # beyond, SQLite's driver raises instead of comparing
        )
    except (ValueError, TypeError, UnicodeEncodeError, binascii.Error):
        valid = False
    if not valid:
        raise _bad_cursor("The cursor is not valid.")
    if found != fingerprint:
        raise _bad_cursor("The cursor belongs to another query (q or kind changed).")
    return Position(float(score), kind, ref_id)


def _bad_cursor(why: str) -> BadRequest:
    return BadRequest(
        f"{why} Search without a cursor, then follow each page's `next` link.",
        invalid_params=[{"in": "query", "name": "cursor", "reason": "not a valid cursor"}],
    )


# --- objects and snippets --------------------------------------------------------------------

_Loaded = dict[int, tuple[queries.Fact, list[str]]]  # id -> (object, texts a snippet may show)


def _hits(
    connection: Connection, positions: Sequence[Position], terms: Terms
) -> list[dict[str, Any]]:
    loaded: dict[str, _Loaded] = {}
    for kind in {position.kind for position in positions}:
        ids = [p.ref_id for p in positions if p.kind == kind]
        loaded[kind] = _LOADERS[kind](connection, ids)
    items = []
    for position in positions:
        found = loaded[position.kind].get(position.ref_id)
        if found is None:  # deleted since it was ranked (PostgreSQL reads committed rows)
            continue
        fact, fields = found
        # The keys in the order the hit schemas (app.api.routes.search) serialise them.
        items.append({
            "score": round(position.score, 6),
            "snippet": make_snippet(fields, terms),
            "kind": position.kind,
            "object": fact,
        })  # fmt: skip
    return items


def _load_aspects(connection: Connection, ids: list[int]) -> _Loaded:
    aliases = queries.aliases_of(connection, Aspect, ids)
    rows = fetch(connection, _by_ids(Aspect), {"ids": ids})
    return {
        row.id: ({"slug": row.slug, "name": row.name}, [row.name, *aliases.get(row.id, [])])
        for row in rows
    }


def _load_descriptions(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Description), {"ids": ids})
    return {row.id: (queries.to_description(row), [row.text, row.label]) for row in rows}


def _load_definitions(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Definition), {"ids": ids})
    return {row.id: (queries.to_definition(row), [row.text]) for row in rows}


def _load_uses(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(DisciplineUse), {"ids": ids})
    return {row.id: (queries.to_use(row), [row.text, row.title]) for row in rows}


def _load_faqs(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Faq), {"ids": ids})
    return {row.id: (queries.to_faq(row), [row.question, row.answer]) for row in rows}


@cache
def _by_ids(table: Any) -> AnySelect:
    """The rows of ``table`` whose ids are bound as ``ids``, with what their objects need."""
    query = _SELECTS[table]()
    return query.where(col(table.id).in_(queries.ids_param()))


_SELECTS: dict[Any, Callable[[], AnySelect]] = {
    Aspect: lambda: select(col(Aspect.id), col(Aspect.slug), col(Aspect.name)),
    Description: queries.description_select,
    Definition: queries.definition_select,
    DisciplineUse: queries.use_select,
    Faq: queries.faq_select,
}
_LOADERS: dict[str, Callable[[Connection, list[int]], _Loaded]] = {
    "aspect": _load_aspects,
    "description": _load_descriptions,
    "definition": _load_definitions,
    "use": _load_uses,
    "faq": _load_faqs,
}


def make_snippet(fields: Sequence[str], terms: Terms) -> str:
    """A short, HTML-escaped extract of the field that matches most query terms (ties: first)."""
    field, best_score = fields[0] if fields else "", -1
    best: tuple[str, dict[int, str]] | list[str] | None = None
    for candidate in fields:  # scored on the words alone; positions only for the one shown
        found: tuple[str, dict[int, str]] | list[str]
        if candidate.isascii():
            spaced = " " + candidate.lower().translate(_ASCII_SPACES) + " "
            hits = _ascii_hits(spaced, terms)
            found, score = (spaced, hits), len(set(hits.values()))
        else:
            found = _lowered_words(candidate)
            score = _score(found, terms)
        if score > best_score:
            field, best, best_score = candidate, found, score
    if isinstance(best, tuple):
        return _ascii_snippet(field, best[1])
    lowered = best if best is not None else []
    count = len(lowered)
    if not count:
        return _no_words(field)
    hits = {i: t for i, word in enumerate(lowered) if (t := terms.term_of(word)) is not None}
    start = _best_window(hits, count)
    end = min(count, start + SNIPPET_WORDS)
    shown = list(itertools.islice(WORD.finditer(field), end))  # spans: up to the last shown
    escape = _escape if _needs_escaping(field) else _same
    parts = [CUT] if start > 0 else []
    offset = shown[start].start() if start > 0 else 0
    for index in range(start, end):
        match = shown[index]
        parts.append(escape(_shorten(field[offset : match.start()], MAX_GAP_CHARS)))
        word = escape(_shorten(match.group(), MAX_WORD_CHARS))
        parts.append(f"{MARK}{word}{END_MARK}" if index in hits else word)
        offset = match.end()
    parts.append(escape(_shorten(field[offset:], MAX_GAP_CHARS)) if end == count else CUT)
    return " ".join("".join(parts).split())


def _ascii_snippet(field: str, hits: dict[int, str]) -> str:
    """:func:`make_snippet` for an ASCII text, from its pieces rather than word by word.

    Splitting at the words gives gap, word, gap, …, gap in one call: word ``i`` is piece
    ``2i + 1``, the window is one slice of the list, and only a window holding a piece too long
    to show whole, or a text with something to escape, needs a second look at each piece.
    """
    pieces = _ASCII_PIECES.split(field)
    count = len(pieces) // 2
    if not count:
        return _no_words(field)
    start = _best_window(hits, count)
    end = min(count, start + SNIPPET_WORDS)
    # From the gap before the first word when the window starts the text, else from the window's
    # first word; to the text's tail when the window ends it, else to the last word shown.
    first = 2 * start + 1 if start > 0 else 0
    window = pieces[first : 2 * end + 1 if end == count else 2 * end]
    if max(map(len, window)) > MAX_GAP_CHARS:  # a gap over its limit, or a word maybe over its
        window = [
            _shorten(piece, MAX_WORD_CHARS if (first + at) % 2 else MAX_GAP_CHARS)
            for at, piece in enumerate(window)
        ]
    if _needs_escaping(field):
        window = [_escape(piece) for piece in window]
    for index in hits:
        if start <= index < end:
            at = 2 * index + 1 - first
            window[at] = f"{MARK}{window[at]}{END_MARK}"
    if start > 0:
        window.insert(0, CUT)
    if end < count:
        window.append(CUT)
    return " ".join("".join(window).split())


def _no_words(field: str) -> str:
    return html.escape(" ".join(field.split())[: SNIPPET_WORDS * 8], quote=False)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + CUT


def _needs_escaping(text: str) -> bool:
    # html.escape(quote=False) only rewrites these: most texts need no escaping at all.
    return "&" in text or "<" in text or ">" in text


# In an ASCII text, a word is a run of ASCII letters and digits; lower-casing keeps its length.
_ASCII_PIECES = re.compile(r"([A-Za-z0-9]+)")  # split() keeps the words: gap, word, …, gap
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _ascii_hits(spaced: str, terms: Terms) -> dict[int, str]:
    """Word index → the term it matches, in word order, for an ASCII text lower-cased with
    everything but letters and digits turned into spaces and a space added at each end.

    Each word is found by searching for it between spaces, so the scan is the string search's,
    not a loop over words. A word equal to an exact term is that term even when it also starts
    with the prefix, as in :meth:`Terms.term_of`.
    """
    at_char: dict[int, str] = {}
    needles = [(" " + terms.prefix, terms.prefix)] if terms.prefix is not None else []
    needles += [(f" {term} ", term) for term in terms.exact]  # after the prefix: they win
    for needle, term in needles:
        at = spaced.find(needle)
        while at >= 0:
            at_char[at] = term
            at = spaced.find(needle, at + 1)
    hits: dict[int, str] = {}
    index, last = 0, 0
    for at in sorted(at_char):
        index += len(spaced[last:at].split())  # the words between the previous hit and this one
        last = at
        hits[index] = at_char[at]
    return hits


def _lowered_words(field: str) -> list[str]:
    # Lower-casing may change a non-ASCII text's length or its word breaks: word by word there.
    return [word.lower() for word in WORD.findall(field)]


def _score(words: Sequence[str], terms: Terms) -> int:
    """How many distinct query terms the (lower-cased) ``words`` match."""
    return len({terms.term_of(word) for word in set(words)} - {None})


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _same(text: str) -> str:
    return text


def _best_window(hits: dict[int, str], count: int) -> int:
    """The first word of the window showing the most distinct terms, then the most matches.

    ``hits`` maps the index of each matching word (of ``count``), in word order, to the term it
    matches. Windows start a few words before each hit, so their starts only grow: the hits
    inside are a slice of the list that both ends of move forward.
    """
    indices, matched = list(hits), list(hits.values())
    best, best_key = 0, (0, 0)
    low = high = 0
    for index in indices:
        start = max(0, min(index - SNIPPET_LEAD, count - SNIPPET_WORDS))
        while indices[low] < start:
            low += 1
        high = max(high, low)
        while high < len(indices) and indices[high] < start + SNIPPET_WORDS:
            high += 1
        key = (len(set(matched[low:high])), high - low)
        if key > best_key:
            best, best_key = start, key
    return best
