"""Full-text search across aspects, descriptions, definitions, uses and FAQs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection
from starlette.responses import Response

from app.domain.errors import BadRequest, InvalidParameters
from app.domain.snippets import SNIPPET_WORDS
from app.store.search import parse_kinds, search
from app.store.search_index import KINDS
from app.web import schemas
from app.web.pagination import with_query
from app.web.renderers import Table
from app.web.responses import page_footer, page_headers, render
from app.web.routing import bad_request, read_router

router = read_router("search")

MAX_QUERY_CHARS = 4096
MAX_LIMIT = 200
# What the `next` link of a page of `q=supply chain` (the first example of `q`) holds.
EXAMPLE_CURSOR = "WyI1ZmM0ZDNmOWM0YTAyNDI1IiwzLjIxLCJkZXNjcmlwdGlvbiIsNjJd"

DESCRIPTION = f"""
Ranked full-text search over aspect names and aliases, descriptions (text and label),
definitions, uses (title and text) and FAQs (question and answer).

**Matching.** The query is split into words (runs of letters and digits; everything else,
including quotes, `*`, `-`, `:`, parentheses and words such as `AND`, `OR`, `NOT`, `NEAR`, is a
separator, never syntax). A hit contains every word; the last word also matches as a prefix
(`manag` finds *management*) unless the query ends with a space or punctuation other than `*`
(`manag* ` is a prefix too, `manag ` is not). Matching ignores
case but not accents, and does not stem (`manufacture` does not find *manufacturing*): the same
on SQLite and PostgreSQL. An aspect matches when its name or one of its aliases has every word.
A query without any word answers an empty page; a missing or blank `q` is a 422 problem.

**Ranking.** Best first by `score` (bm25 on SQLite, `ts_rank` on PostgreSQL, so values differ
between backends; higher is better), then by kind and id, so the order is total and stable.
Titles (aspect names, labels, use titles, questions) weigh more than bodies.

**Snippets.** `snippet` is HTML: about {SNIPPET_WORDS} words of the best-matching field,
escaped (`&lt;`, `&gt;`, `&amp;`), each matched word wrapped in `<mark>` and `</mark>`, with `…`
where the text was cut. It is safe to insert into a page as HTML.

**Paging.** Follow `next` until it is `null`; each hit appears exactly once.
"""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _Hit(_Out):
    score: float = Field(description="Relevance, higher is better; compare within one query.")
    snippet: str = Field(
        description="HTML-escaped extract with each match in <mark>…</mark>.",
        examples=["…focus on a broader spectrum, including <mark>supply</mark> <mark>chain</mark> "
                  "management, process improvement…"],
    )  # fmt: skip


class SearchAspectHit(_Hit):
    kind: Literal["aspect"]
    object: schemas.AspectRef


class SearchDescriptionHit(_Hit):
    kind: Literal["description"]
    object: schemas.Description


class SearchDefinitionHit(_Hit):
    kind: Literal["definition"]
    object: schemas.Definition


class SearchUseHit(_Hit):
    kind: Literal["use"]
    object: schemas.Use


class SearchFaqHit(_Hit):
    kind: Literal["faq"]
    object: schemas.Faq


SearchHit = Annotated[
    SearchAspectHit | SearchDescriptionHit | SearchDefinitionHit | SearchUseHit | SearchFaqHit,
    Field(discriminator="kind"),
]


class SearchPage(_Out):
    query: str = Field(description="The query as given.", examples=["supply chain"])
    items: list[SearchHit]
    total: int = Field(description="How many hits the query has in all pages.", examples=[17])
    limit: int = Field(examples=[20])
    next: str | None = Field(description="The next page's URL; null on the last page.")


@router.get(
    "/search",
    operation_id="search",
    response_model=SearchPage,
    summary="Search everything",
    description=DESCRIPTION,
    responses={
        **bad_request("Here also: an unknown `kind`, a kind named twice, or a cursor not "
                      "taken from a `next` link of the same `q` and `kind`."),
        422: {"description": "`q` is missing or blank, or `limit` is out of range."},
    },
)  # fmt: skip
def search_everything(
    request: Request,
    connection: Connection,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description="What to look for: words, in any order; see above for the rules.",
            examples=["supply chain", "KPIs", "scope"],
        ),
    ],
    kind: Annotated[
        list[str] | None,
        Query(
            description=f"Only hits of these kinds, comma-separated or repeated: "
            f"{', '.join(KINDS)}, each once (a kind named twice is a 400). All kinds by "
            "default.",
            examples=[["description,faq"], ["aspect"]],
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description=f"Hits per page, 1 to {MAX_LIMIT}.", examples=[20]),
    ] = 20,
    cursor: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Opaque position from a previous page's `next` link, for the same `q` "
            "and `kind`; do not build it (any other is a 400 naming `cursor`).",
            examples=[EXAMPLE_CURSOR],
        ),
    ] = None,
) -> Response:
    if not q.strip():
        raise InvalidParameters(
            "The query parameter 'q' is blank. Give at least one word to search for.",
            invalid_params=[{"in": "query", "name": "q", "reason": "blank"}],
        )
    result = search(connection, q, kinds=_kinds(kind), limit=limit, cursor=cursor)
    next_url = None
    if result.next_cursor is not None:
        next_url = with_query(request, {"cursor": result.next_cursor})
    # Shaped as SearchPage serialises (the hits are, see app.store.search): no model to build.
    page = {"query": q, "items": result.items, "total": result.total, "limit": limit,
            "next": next_url}  # fmt: skip

    def table() -> Table:
        rows = [
            {"kind": hit["kind"], "score": hit["score"], "snippet": hit["snippet"],
             "object": hit["object"]}
            for hit in result.items
        ]  # fmt: skip
        footer = page_footer(len(rows), result.total, next_url)
        return Table(rows, text_columns=("kind", "score", "snippet"), footer=footer)

    return render(request, page, table, headers=page_headers(result.total, next_url))


def _kinds(values: list[str] | None) -> tuple[str, ...]:
    """The kinds ``kind`` names (comma-separated, repeated or both); a kind named twice is a
    400 naming it."""
    named = [part.strip().lower() for value in values or () for part in value.split(",")]
    twice = sorted({kind for kind in named if kind and named.count(kind) > 1})
    if twice:
        raise BadRequest(
            f"`kind` names {', '.join(map(repr, twice))} more than once; name each kind once.",
            invalid_params=[{"in": "query", "name": "kind", "reason": f"{k} twice"} for k in twice],
        )
    return parse_kinds(values)
