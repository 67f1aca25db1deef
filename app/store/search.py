"""Full-text search: user text to a safe query, ranked hits, their objects and marked snippets.

The query's words (:mod:`app.domain.terms`) are passed as quoted literals (FTS5) or bound
parameters (PostgreSQL), never as query syntax, so no input can produce a syntax error. Snippets
come from :mod:`app.domain.snippets`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from app.domain.errors import BadRequest
from app.domain.snippets import make_snippet
from app.domain.terms import Terms, parse_terms
from app.store.dialect import AnySelect, fetch
from app.store.models import Aspect, Definition, Description, DisciplineUse, Faq
from app.store.reads import common
from app.store.search_index import INDEXED, KINDS, NAME, PG_VECTOR, ROWID_STRIDE, IndexedTable

_BM25_WEIGHTS = "2.0, 1.0"  # title, body
_PG_RANK_NORMALISATION = 1  # divide by 1 + log(length): short, exact documents rank higher


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

_Loaded = dict[int, tuple[common.Fact, list[str]]]  # id -> (object, texts a snippet may show)


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
        # The keys in the order the hit schemas (app.web.routes.search) serialise them.
        items.append({
            "score": round(position.score, 6),
            "snippet": make_snippet(fields, terms),
            "kind": position.kind,
            "object": fact,
        })  # fmt: skip
    return items


def _load_aspects(connection: Connection, ids: list[int]) -> _Loaded:
    aliases = common.aliases_of(connection, Aspect, ids)
    rows = fetch(connection, _by_ids(Aspect), {"ids": ids})
    return {
        row.id: ({"slug": row.slug, "name": row.name}, [row.name, *aliases.get(row.id, [])])
        for row in rows
    }


def _load_descriptions(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Description), {"ids": ids})
    return {row.id: (common.to_description(row), [row.text, row.label]) for row in rows}


def _load_definitions(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Definition), {"ids": ids})
    return {row.id: (common.to_definition(row), [row.text]) for row in rows}


def _load_uses(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(DisciplineUse), {"ids": ids})
    return {row.id: (common.to_use(row), [row.text, row.title]) for row in rows}


def _load_faqs(connection: Connection, ids: list[int]) -> _Loaded:
    rows = fetch(connection, _by_ids(Faq), {"ids": ids})
    return {row.id: (common.to_faq(row), [row.question, row.answer]) for row in rows}


@cache
def _by_ids(table: Any) -> AnySelect:
    """The rows of ``table`` whose ids are bound as ``ids``, with what their objects need."""
    query = _SELECTS[table]()
    return query.where(col(table.id).in_(common.ids_param()))


_SELECTS: dict[Any, Callable[[], AnySelect]] = {
    Aspect: lambda: select(col(Aspect.id), col(Aspect.slug), col(Aspect.name)),
    Description: common.description_select,
    Definition: common.definition_select,
    DisciplineUse: common.use_select,
    Faq: common.faq_select,
}
_LOADERS: dict[str, Callable[[Connection, list[int]], _Loaded]] = {
    "aspect": _load_aspects,
    "description": _load_descriptions,
    "definition": _load_definitions,
    "use": _load_uses,
    "faq": _load_faqs,
}
