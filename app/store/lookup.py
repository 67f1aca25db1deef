"""Finding a discipline, aspect or source by the key a user typed.

Precedence follows Skosmos: the slug, then the exact name, then the name ignoring case, spaces,
hyphens and punctuation, then an alias. A miss is a 404 whose ``suggestions`` list the closest
keys, so a typo ("operatons") still leads somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import col

from app.domain.errors import BadRequest, NotFound
from app.domain.names import slugify
from app.store.models import Aspect, AspectAlias, Discipline, DisciplineAlias, Source
from app.store.remembered import remembered

MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 60


@dataclass(frozen=True)
class Term:
    """A discipline or aspect as lookups see it."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class _Vocabulary:
    noun: str
    table: Any
    name_column: Any  # the exact-name match after the slug
    alias_table: Any | None
    alias_fk: Any | None
    collection: str


ASPECTS = _Vocabulary(
    "aspect", Aspect, Aspect.name, AspectAlias, AspectAlias.aspect_id, "/v1/aspects"
)
DISCIPLINES = _Vocabulary(
    "discipline", Discipline, Discipline.name, DisciplineAlias, DisciplineAlias.discipline_id,
    "/v1/disciplines",
)  # fmt: skip
# A source's file name is its "name"; sources have no aliases.
SOURCES = _Vocabulary("source", Source, Source.file_name, None, None, "/v1/sources")


def find_term(connection: Connection, vocabulary: _Vocabulary, key: str) -> Term | None:
    """The term ``key`` names, by the precedence above; remembered per dataset version."""
    return remembered(
        connection, ("term", vocabulary.noun, key), lambda: _find_term(connection, vocabulary, key)
    )


def _find_term(connection: Connection, vocabulary: _Vocabulary, key: str) -> Term | None:
    table = vocabulary.table
    columns = (col(table.id), col(table.slug), col(vocabulary.name_column))
    row = connection.execute(select(*columns).where(col(table.slug) == key)).first()
    if row is None:
        query = select(*columns).where(col(vocabulary.name_column) == key).limit(1)
        row = connection.execute(query).first()
    normalised = slugify(key)
    if row is None and normalised:
        row = connection.execute(select(*columns).where(col(table.slug) == normalised)).first()
    if row is None and normalised and vocabulary.alias_table is not None:
        alias = vocabulary.alias_table
        query = select(*columns).join(alias, col(vocabulary.alias_fk) == col(table.id))
        row = connection.execute(query.where(col(alias.key) == normalised).limit(1)).first()
    return Term(row.id, row.slug, row[2]) if row is not None else None


def require_term(connection: Connection, vocabulary: _Vocabulary, key: str) -> Term:
    """The term for ``key``, or a 404 problem with suggestions."""
    term = find_term(connection, vocabulary, key)
    if term is None:
        found = suggest(connection, vocabulary, key)
        raise NotFound(
            f"No {vocabulary.noun} matches {key!r}.{_did_you_mean(found)} "
            f"{vocabulary.collection} lists them all.",
            suggestions=found,
        )
    return term


def require_filter(connection: Connection, vocabulary: _Vocabulary, name: str, key: str) -> Term:
    """Like :func:`require_term`, for a query filter: a miss is a 400 naming the parameter."""
    term = find_term(connection, vocabulary, key)
    if term is None:
        found = suggest(connection, vocabulary, key)
        raise BadRequest(
            f"The {name} filter names no {vocabulary.noun}: {key!r}.{_did_you_mean(found)}",
            invalid_params=[{"in": "query", "name": name, "reason": f"no such {vocabulary.noun}"}],
            suggestions=found,
        )
    return term


def _did_you_mean(found: list[str]) -> str:
    return f" Did you mean {', '.join(found)}?" if found else ""


def suggest(connection: Connection, vocabulary: _Vocabulary, key: str) -> list[str]:
    """Slugs of the terms whose slug, name or alias is closest to ``key`` (typo-tolerant)."""
    choices = remembered(
        connection, ("choices", vocabulary.noun), lambda: _choices(connection, vocabulary)
    )
    matches = process.extract(
        key, choices, scorer=fuzz.WRatio, processor=_fold, limit=MAX_SUGGESTIONS * 3,
        score_cutoff=SUGGESTION_CUTOFF,
    )  # fmt: skip
    slugs: list[str] = []
    for _choice, _score, choice_key in matches:
        slug = choice_key.split("\x00", 1)[0]
        if slug not in slugs:
            slugs.append(slug)
    return slugs[:MAX_SUGGESTIONS]


def _choices(connection: Connection, vocabulary: _Vocabulary) -> dict[str, str]:
    """Every name a term of ``vocabulary`` goes by, keyed by its slug and kind of name."""
    table, alias = vocabulary.table, vocabulary.alias_table
    choices: dict[str, str] = {}
    for slug, name in connection.execute(select(col(table.slug), col(vocabulary.name_column))):
        choices[f"{slug}\x00slug"] = slug
        choices[f"{slug}\x00name"] = name
    if alias is not None:
        query = select(col(table.slug), col(alias.alias)).join(
            alias, col(vocabulary.alias_fk) == col(table.id)
        )
        for slug, name in connection.execute(query):
            choices[f"{slug}\x00{name}"] = name
    return choices


def _fold(text: str) -> str:
    return slugify(text).replace("-", " ")
