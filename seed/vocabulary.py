"""Resolving the labels sources write to discipline and aspect ids, creating what is new.

A label resolves, in order, through: a curated alias (the manifest), the slug of an existing
term, an alias stored in the database, and — for disciplines only — the label with "Management"
appended ("Production" → Production Management when such a discipline exists); then the same
with its last word in the other number ("Dietitians" finds "Dietitian", "KPI" finds "KPIs").
A label that resolves to nothing creates a new term. Lookups are batched and the cache is
bounded, so a 100,000-row file costs a few queries per batch and flat memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import insert, literal, select, union_all
from sqlmodel import Session

from app.domain.names import display_name, number_variants, slugify
from app.store.bulk import insert_rows
from app.store.dialect import fetch, one_of_param
from app.store.models import Aspect, AspectAlias, Discipline, DisciplineAlias
from seed.manifest import Term

CACHE_LIMIT = 20_000
CREATED_SAMPLE = 100  # slugs of new terms kept for a report; a huge file creates far more


@dataclass(frozen=True)
class _Kind:
    table: Any
    alias_table: Any
    alias_fk: str
    suffix_fallback: str | None  # a word whose addition may complete a short label


DISCIPLINES = _Kind(Discipline, DisciplineAlias, "discipline_id", "management")
ASPECTS = _Kind(Aspect, AspectAlias, "aspect_id", None)


@cache
def _lookups(kind: _Kind) -> tuple[Any, Any]:
    """The statements that find terms by slug, and by slug or alias key (one round trip):
    built once, run by fetch."""
    table, alias = kind.table, kind.alias_table
    by_slug = select(table.slug, table.id).where(one_of_param(table.slug, "keys"))
    by_alias = select(alias.key, getattr(alias, kind.alias_fk)).where(
        one_of_param(alias.key, "keys")
    )
    by_either = union_all(
        by_slug.add_columns(literal(0).label("is_alias")),
        by_alias.add_columns(literal(1).label("is_alias")),
    )
    return by_slug, by_either


class Vocabulary:
    """Label → id for one kind of term, within one load's transaction."""

    def __init__(self, session: Session, kind: _Kind, curated: Sequence[Term]) -> None:
        self._session = session
        self._kind = kind
        self._curated: dict[str, Term] = {}
        for term in curated:
            for name in (term.name, *term.aliases):
                self._curated[slugify(name)] = term
        self._ids: dict[str, int] = {}
        self._created: list[str] = []
        self._created_total = 0
        self.last_created: set[int] = set()  # ids of the terms the last resolve() created

    def take_created(self) -> tuple[int, list[str]]:
        """How many terms were created since the last call, and the first of their slugs."""
        taken = (self._created_total, self._created)
        self._created, self._created_total = [], 0
        return taken

    def sync_curated(self) -> None:
        """Give terms that already exist the curated aliases they lack."""
        terms = {slugify(term.name): term for term in self._curated.values()}
        self._lookup(set(terms))
        for slug, term in terms.items():
            if slug in self._ids:
                self._add_aliases(self._ids[slug], slug, term.aliases)

    def resolve(self, labels: Iterable[str]) -> dict[str, int]:
        """Ids for ``labels`` (each must have a non-empty slug), creating the missing terms."""
        self.last_created = set()
        if len(self._ids) > CACHE_LIMIT:
            self._ids.clear()
        # A label's own key wins whenever it names a term: looked up alone first, a label
        # already known (every label of a re-import) costs one key, not all its candidates.
        curated = self._curated
        first = {}
        for label in set(labels):
            key = slugify(label)
            term = curated.get(key)
            first[label] = slugify(term.name) if term else key
        self._lookup(set(first.values()) - self._ids.keys())
        wanted = {
            label: self._candidates(label) for label, key in first.items() if key not in self._ids
        }
        self._lookup({key for keys in wanted.values() for key in keys} - self._ids.keys())
        missing = {
            keys[0]: label
            for label, keys in wanted.items()
            if not any(key in self._ids for key in keys)
        }
        self._create(missing)
        resolved = {label: self._ids[key] for label, key in first.items() if label not in wanted}
        for label, keys in wanted.items():
            key = next(key for key in keys if key in self._ids)
            resolved[label] = self._ids[key]
            if key in number_variants(keys[0]) and slugify(label) not in self._ids:
                # Found in the other number: the label as written answers too ("KPI").
                self._add_aliases(resolved[label], key, [display_name(label)])
        return resolved

    def _candidates(self, label: str) -> list[str]:
        key = slugify(label)
        term = self._curated.get(key)
        keys = [slugify(term.name)] if term else [key]
        if self._kind.suffix_fallback and not key.endswith(self._kind.suffix_fallback):
            keys.append(f"{key}-{self._kind.suffix_fallback}")
        # Singular and plural name one thing ("KPI" finds "KPIs"); tried after the label itself.
        keys += [variant for key in list(keys) for variant in number_variants(key)]
        return keys

    def _lookup(self, keys: set[str]) -> None:
        if not keys:
            return
        _, by_either = _lookups(self._kind)
        rows = fetch(self._session.connection(), by_either, {"keys": sorted(keys)}, tuples=True)
        # A slug wins over an alias with the same key.
        self._ids.update((key, term_id) for key, term_id, is_alias in rows if not is_alias)
        for key, term_id, is_alias in rows:
            if is_alias:
                self._ids.setdefault(key, term_id)

    def _create(self, labels_by_slug: dict[str, str]) -> None:
        """Insert one new term per slug, in one statement, named after its label."""
        if not labels_by_slug:
            return
        rows = []
        for slug, label in labels_by_slug.items():
            term = self._curated.get(slug)
            rows.append({"slug": slug, "name": term.name if term else display_name(label)})
        table = self._kind.table.__table__
        # In bulk (COPY on PostgreSQL), then one lookup: SQLite runs INSERT … RETURNING row by row.
        insert_rows(self._session.connection(), table, rows)
        by_slug, _ = _lookups(self._kind)
        created = fetch(self._session.connection(), by_slug, {"keys": sorted(labels_by_slug)})
        for slug, term_id in created:
            self._ids[slug] = term_id
            self.last_created.add(term_id)
            self._created_total += 1
            if len(self._created) < CREATED_SAMPLE:
                self._created.append(slug)
            if term := self._curated.get(slug):
                self._add_aliases(term_id, slug, term.aliases)

    def add_aliases(self, term_id: int, name: str, aliases: Sequence[str]) -> None:
        """Make ``aliases`` other names of the term ``name`` resolved to; an alias that already
        names any term is left as it is."""
        new = [alias for alias in aliases if self._ids.get(slugify(alias)) != term_id]
        if new:
            self._add_aliases(term_id, slugify(name), new)

    def _add_aliases(self, term_id: int, slug: str, aliases: Sequence[str]) -> None:
        rows: list[dict[str, Any]] = []
        seen = {slug}
        for alias in aliases:
            key = slugify(alias)
            if key and key not in seen:
                seen.add(key)
                rows.append({self._kind.alias_fk: term_id, "alias": alias, "key": key})
        alias_key = self._kind.alias_table.key
        taken = set(self._session.execute(select(alias_key).where(alias_key.in_(seen))).scalars())
        rows = [row for row in rows if row["key"] not in taken]
        if rows:
            self._session.execute(insert(self._kind.alias_table), rows)
        for row in rows:
            self._ids[str(row["key"])] = term_id
