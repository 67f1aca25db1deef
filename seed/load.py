"""The one effectful step: import prepared sources into the database, in one transaction.

**Two steps.** Every source is first checked and parsed (:mod:`seed.prepare`) before the write
transaction opens, and every error of every file is collected; if there is any, one error
carrying all of them is raised and nothing is written. Then one write transaction loads every
source. Either every source imports or none does: an error found while loading (an aspect a
table describes twice once its labels are resolved, say) rolls the whole transaction back, and so
does killing the process, so the database is always as it was or fully updated.

**Identity.** A re-import updates a source's facts in place instead of replacing them, so every
fact the source still states keeps its id. A description is its source, aspect and discipline;
definitions, uses and FAQs are matched within their list by their text, then by similarity
(:mod:`seed.identity`). A matched fact whose text changed is updated (its ``revision`` moves and
it leaves an ``update`` change row), a new one is created, and one the source no longer states
is deleted (a ``delete`` change row); the others are not written at all.

**Where a fact is** (``position``, ``line_start``, ``line_end``) is not part of what it says:
a line inserted at the top of a file moves every span below it, an item inserted at the top of
a list every position after it. Those are updated in place without moving the fact's revision
(:func:`app.store.bulk.update_rows` with ``tracked=False``); the source's own revision moves, as
its file changed, so every resource that shows the fact gets a new ETag all the same.

**Curated facts** (``imported_values`` set, see :mod:`app.store.curation`) are compared by the
values the import gave them: a field the curator changed is never written by an import (the
source's new value goes to ``imported_values``), and a curated fact the source no longer states
is kept.

**Nothing changed, nothing written.** A source whose file has the hash it was imported with is
not parsed (``force`` parses it again). A source whose facts, text and report all come out as
stored is not written, so a re-import that changes nothing takes no dataset version, moves no
revision and leaves no change row: ``versus seed --force`` twice leaves the same ids, revisions
and version.

**In bulk.** Rows are prepared and loaded a batch at a time: per batch one query reads the stored
descriptions of the batch's aspects, and only what differs is written, in bulk (``COPY`` on
PostgreSQL; see :mod:`app.store.bulk`). Memory stays flat whatever the size of the file.
"""

from __future__ import annotations

import gc
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Integer, Table, bindparam, func, select, type_coerce
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.store.bulk import delete_ids, insert_rows, update_rows
from app.store.changes import current_changes
from app.store.dialect import fetch, one_of_param
from app.store.engines import refresh_statistics, write_session
from app.store.models import Definition, Description, Discipline, DisciplineUse, Faq, Source
from app.store.search_index import deferred_indexing, optimize_search_index
from app.store.versions import dataset_version
from seed.identity import match, normalised
from seed.manifest import Manifest, SourceSpec
from seed.names import Names
from seed.prepare import BATCH_ROWS, PreparedSource, Row, Spill, display_path, prepare_sources
from seed.records import SkippedSegment, SourceError, SourceErrors
from seed.report import ImportReport, SourceReport
from seed.source_text import store_source_text
from seed.vocabulary import ASPECTS, DISCIPLINES, Vocabulary

__all__ = [
    "BATCH_ROWS", "DEFAULT_MAX_BYTES", "STREAMED_CSV_BYTES", "LoadObserver", "LoadOptions",
    "display_path", "load_sources",
]  # fmt: skip

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# A CSV file larger than this is streamed (UTF-8 only, flat memory); smaller ones are decoded
# whole, with charset detection, and parsed like every other format.
STREAMED_CSV_BYTES = 4 * 1024 * 1024
LOCATORS = ("position", "line_start", "line_end")  # where a fact is, not what it says
ANALYZE_AFTER_ROWS = 10_000  # on PostgreSQL, a load that writes more gathers statistics at once


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


_DESCRIPTIONS = _table(Description)
_DESCRIPTION_FIELDS = ("label", "text")
# The stored descriptions of a batch's aspects: built once, run through the driver (fetch).
_STORED_DESCRIPTIONS = select(
    _DESCRIPTIONS.c.id, _DESCRIPTIONS.c.aspect_id, _DESCRIPTIONS.c.discipline_id,
    _DESCRIPTIONS.c.label, _DESCRIPTIONS.c.text, _DESCRIPTIONS.c.position,
    _DESCRIPTIONS.c.line_start, _DESCRIPTIONS.c.line_end,
    type_coerce(_DESCRIPTIONS.c.imported_values.is_not(None), Integer).label("curated"),
).where(
    _DESCRIPTIONS.c.source_id == bindparam("source"),
    one_of_param(_DESCRIPTIONS.c.aspect_id, "aspects"),
)  # fmt: skip
_STORED_NAMES = tuple(column.name for column in _STORED_DESCRIPTIONS.selected_columns)


class LoadObserver(Protocol):
    """Told of progress as it happens, for a progress bar."""

    def rows_loaded(self, count: int) -> None: ...

    def source_loaded(self, report: SourceReport) -> None: ...


class _Silent:
    def rows_loaded(self, count: int) -> None:
        pass

    def source_loaded(self, report: SourceReport) -> None:
        pass


@dataclass(frozen=True)
class LoadOptions:
    strict: bool = False  # an unparseable segment inside a table is an error, not a skip
    dry_run: bool = False  # parse and report, then roll everything back
    force: bool = False  # parse and compare sources whose file has not changed
    max_bytes: int = DEFAULT_MAX_BYTES


class _DryRunDone(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def load_sources(
    engine: Engine,
    specs: Sequence[SourceSpec],
    manifest: Manifest,
    options: LoadOptions | None = None,
    observer: LoadObserver | None = None,
) -> ImportReport:
    """Import ``specs`` in order; raises :class:`SourceError` (database unchanged) on bad input,
    a :class:`SourceErrors` listing every error when there are several."""
    options = options or LoadOptions()
    with _no_cyclic_gc(), tempfile.TemporaryFile(prefix="versus-seed-") as stream:
        prepared = prepare_sources(
            engine, specs, Spill(stream), force=options.force, strict=options.strict,
            max_bytes=options.max_bytes, streamed_csv_bytes=STREAMED_CSV_BYTES,
        )  # fmt: skip
        try:
            with write_session(engine) as session:
                loader = _Loader(session, manifest, options, observer or _Silent())
                reports = [loader.load(source) for source in prepared]
                loader.raise_errors()
                session.flush()
                connection = session.connection()
                changes = current_changes(connection)
                if not options.dry_run:
                    if changes is not None:
                        optimize_search_index(connection)
                    # Also for a database loaded before loads gathered statistics. PostgreSQL's
                    # autovacuum catches up with a small load by itself.
                    few = connection.dialect.name == "postgresql" and (
                        loader.rows_written < ANALYZE_AFTER_ROWS
                    )
                    refresh_statistics(connection, only_if_missing=changes is None or few)
                version = changes.version if changes else dataset_version(session).number
                if options.dry_run:
                    raise _DryRunDone(ImportReport(reports, version, dry_run=True))
        except _DryRunDone as done:
            return done.report
    return ImportReport(reports, version)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Without the cyclic garbage collector: a load allocates millions of short-lived tuples,
    which reference counting frees, and the collector would only scan them, again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Kind:
    """A kind of fact other than descriptions: how its facts are grouped and matched."""

    table: Table
    content: tuple[str, ...]  # what the fact says: a change of these is a change of the fact
    by_discipline: bool  # listed per discipline (else per source)
    keys: tuple[tuple[str, ...], ...]  # the rounds of exact matching, as fields compared
    counted: str  # its name in the report's counts


_KINDS = (
    _Kind(_table(Definition), ("text",), True, (("text",),), "definitions"),
    _Kind(_table(DisciplineUse), ("title", "text"), True, (("title", "text"), ("title",)), "uses"),
    _Kind(_table(Faq), ("question", "answer"), False, (("question", "answer"), ("question",)),
          "faqs"),
)  # fmt: skip


class _Writes:
    """What a batch writes to one table, collected and then written in bulk."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._reset()

    def _reset(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []  # content changes: the revision moves
        self.moves: list[dict[str, Any]] = []  # locators only: the revision stays
        self.curated: list[dict[str, Any]] = []  # updates of curated facts, each its own keys
        self.deletes: list[int] = []

    def compare(self, stored: dict[str, Any], new: dict[str, Any], fields: Sequence[str]) -> None:
        """Write what differs between ``stored`` (with ``id`` and ``imported_values``) and the
        same fact as the source now states it."""
        imported: dict[str, Any] = stored["imported_values"] or {}
        changed = [f for f in fields if new[f] != imported.get(f, stored[f])]
        if not imported:
            if changed:
                self.updates.append({"id": stored["id"], **{f: new[f] for f in fields},
                                     **{f: new[f] for f in LOCATORS}})  # fmt: skip
            elif any(new[f] != stored[f] for f in LOCATORS):
                self.moves.append({"id": stored["id"], **{f: new[f] for f in LOCATORS}})
            return
        # Curated: the curator's fields stay; what the source says of them is recorded apart.
        update: dict[str, Any] = {"id": stored["id"]}
        kept = dict(imported)
        for name in changed:
            if name in imported:
                kept[name] = new[name]
            else:
                update[name] = new[name]
        for name in list(kept):
            if kept[name] == stored[name]:  # the source now says what the curator did
                del kept[name]
        if kept != imported:
            update["imported_values"] = kept or None
        if len(update) > 1:
            self.curated.append({**update, **{f: new[f] for f in LOCATORS}})
        elif any(new[f] != stored[f] for f in LOCATORS):
            self.moves.append({"id": stored["id"], **{f: new[f] for f in LOCATORS}})

    def write(self, session: Session) -> int:
        """Write everything collected (inserts first: see deferred_indexing); returns how many
        rows were written."""
        connection = session.connection()
        insert_rows(connection, self.table, self.inserts)
        update_rows(connection, self.table, self.updates)
        update_rows(connection, self.table, self.moves, tracked=False)
        for row in self.curated:
            update_rows(connection, self.table, [row])
        delete_ids(connection, self.table, self.deletes)
        wrote = len(self.inserts) + len(self.updates) + len(self.moves) + len(self.curated)
        wrote += len(self.deletes)
        self._reset()
        return wrote


class _Seen:
    """The stored rows (ids up to ``high_water``) a load has matched, as a bitmap: a bit per
    id, so the descriptions of a 100,000-row table cost 25 kB."""

    def __init__(self, high_water: int) -> None:
        self.high_water = high_water
        self.bits = bytearray((high_water >> 3) + 1)
        self.count = 0

    def has(self, value: int) -> bool:
        return value <= self.high_water and bool(self.bits[value >> 3] & (1 << (value & 7)))


class _Loader:
    def __init__(
        self, session: Session, manifest: Manifest, options: LoadOptions, observer: LoadObserver
    ) -> None:
        self._session = session
        self._options = options
        self._observer = observer
        self._disciplines = Vocabulary(session, DISCIPLINES, manifest.disciplines)
        self._aspects = Vocabulary(session, ASPECTS, manifest.aspects)
        self._disciplines.sync_curated()
        self._aspects.sync_curated()
        self._names = Names()
        self._errors: list[SourceError] = []
        self.rows_written = 0  # facts created, updated and deleted

    def raise_errors(self) -> None:
        if self._errors:
            raise SourceErrors.of(self._errors)

    def load(self, prepared: PreparedSource) -> SourceReport:
        spec = prepared.spec
        source = self._session.scalars(select(Source).where(col(Source.slug) == spec.slug)).first()
        if prepared.unchanged:
            if source is None or source.sha256 != prepared.sha256:
                raise SourceError(prepared.name, "its source changed while this import ran; "
                                  "run the import again")  # fmt: skip
            unchanged = _unchanged(source)
            self._observer.source_loaded(unchanged)
            return unchanged
        report = SourceReport(spec.path.name, spec.slug, spec.title, prepared.sha256)
        report.formats = prepared.formats or ["csv"]
        self._names = prepared.names
        for ambiguous in self._names.ambiguous:
            report.skip(_ambiguous_segment(ambiguous))
        new = source is None
        if source is None:
            source = Source(slug=spec.slug, title=spec.title, file_name=spec.path.name,
                            format="", sha256=prepared.sha256)  # fmt: skip
            self._session.add(source)
            self._session.flush()
        source_id = _row_id(source)
        with deferred_indexing(self._session.connection()):
            wrote = self._load_descriptions(prepared, source_id, report, new=new)
            wrote = self._load_other_facts(prepared, source_id, report, new=new) or wrote
        for segment in prepared.skipped:
            report.skip(segment)
        report.counts["aspects"] = self._count_aspects(source_id)
        for kind, vocabulary in (("disciplines", self._disciplines), ("aspects", self._aspects)):
            report.created_total[kind], report.created[kind] = vocabulary.take_created()
        report.status = "imported" if new else "replaced"
        fields = {"title": spec.title, "file_name": spec.path.name, "sha256": prepared.sha256,
                  "format": ",".join(report.formats)[:100]}  # fmt: skip
        # A source imported before sources kept their text (line_count 0) gets it now.
        text_changed = new or source.sha256 != prepared.sha256 or not source.line_count
        attribution = spec.attribution.stored()
        stored = report.as_stored()
        if not (
            wrote
            or text_changed
            or any(getattr(source, name) != value for name, value in fields.items())
            or any(getattr(source, name) != value for name, value in attribution.items())
            or not _same_report(source.report, stored)
        ):
            report.status = "unchanged"
            self._observer.source_loaded(report)
            return report
        for name, value in fields.items():
            if getattr(source, name) != value:
                setattr(source, name, value)
        source.imported_at = datetime.now(UTC)
        source.report = stored
        if text_changed or any(getattr(source, n) != v for n, v in attribution.items()):
            # Attribution and text; a streamed file (no decoded lines kept) is streamed again.
            store_source_text(self._session, source, spec, prepared.lines, name=prepared.name,
                              max_bytes=self._options.max_bytes)  # fmt: skip
        self._session.flush()
        self._observer.source_loaded(report)
        return report

    # -- descriptions ---------------------------------------------------------------------

    def _load_descriptions(
        self, prepared: PreparedSource, source_id: int, report: SourceReport, *, new: bool
    ) -> bool:
        """Load the rows a batch at a time: per batch, one query for the stored descriptions
        of its aspects, then the differences in bulk; at the end, delete what no row named."""
        connection = self._session.connection()
        table = _DESCRIPTIONS
        # Rows inserted from here on have greater ids: never taken for stored ones.
        high_water = int(connection.execute(select(func.max(table.c.id))).scalar_one() or 0)
        stored_count = 0 if new else self._count(table, source_id)
        seen = _Seen(high_water)
        writes = _Writes(table)
        wrote = False
        position = 0
        for batch in prepared.row_batches():
            values, created = self._description_values(prepared.name, batch, position)
            position += len(batch)
            report.counts["descriptions"] += len(values)
            wanted = {aspect for aspect, _ in values} - created
            if wanted:
                params = {"source": source_id, "aspects": sorted(wanted)}
                stored = fetch(connection, _STORED_DESCRIPTIONS, params, tuples=True)
                self._match_descriptions(prepared.name, stored, values, seen, writes)
            writes.inserts = [
                {"source_id": source_id, "aspect_id": aspect_id, "discipline_id": discipline_id,
                 "label": label, "text": text, "position": position, "line_start": start,
                 "line_end": end}
                for (aspect_id, discipline_id), (label, text, position, start, end)
                in values.items()
            ]  # fmt: skip
            wrote = self._write(writes) or wrote
            self._observer.rows_loaded(len(batch))
        if stored_count > seen.count:
            query = select(table.c.id, table.c.imported_values).where(
                table.c.source_id == source_id, table.c.id <= high_water
            )
            writes.deletes = [
                int(row.id)
                for row in connection.execute(query)
                if not seen.has(row.id) and row.imported_values is None
            ]
            wrote = self._write(writes) or wrote
        return wrote

    def _match_descriptions(
        self,
        name: str,
        stored: list[Any],
        values: dict[tuple[int, int], tuple[str, str, int, int, int]],
        seen: _Seen,
        writes: _Writes,
    ) -> None:
        """Compare the stored descriptions of a batch's aspects with the batch's (``values``,
        which keeps the new ones): a hundred thousand rows a re-import, so kept lean."""
        bits, high_water, pop = seen.bits, seen.high_water, values.pop
        for row in stored:
            fact_id = row[0]
            value = pop((row[1], row[2]), None)
            if value is None:
                continue  # a discipline the table no longer has: deleted at the end
            index, mask = fact_id >> 3, 1 << (fact_id & 7)
            if fact_id > high_water or bits[index] & mask:
                self._errors.append(_described_twice(
                    name, row[6], value[0], self._discipline_name(row[2]), value[3]
                ))  # fmt: skip
                continue
            bits[index] |= mask
            seen.count += 1
            if not row[8] and value[0] == row[3] and value[1] == row[4]:
                if value[2:] != row[5:8]:  # says the same, somewhere else
                    writes.moves.append(
                        {"id": fact_id, "position": value[2], "line_start": value[3],
                         "line_end": value[4]}
                    )  # fmt: skip
                continue
            new_value = dict(zip((*_DESCRIPTION_FIELDS, *LOCATORS), value, strict=True))
            stored_value = dict(zip(_STORED_NAMES, row, strict=True))
            stored_value["imported_values"] = (
                self._imported_values(_DESCRIPTIONS, fact_id) if row[8] else None
            )
            writes.compare(stored_value, new_value, _DESCRIPTION_FIELDS)

    def _description_values(
        self, name: str, batch: list[Row], position: int
    ) -> tuple[dict[tuple[int, int], tuple[str, str, int, int, int]], set[int]]:
        """The batch's descriptions by (aspect, discipline), each (label, text, position, first
        line, last line), and the aspects created for it."""
        aspect_ids = self._resolve(self._aspects, [aspect for aspect, _ in batch])
        created = set(self._aspects.last_created)
        discipline_ids = self._resolve(
            self._disciplines, list({cell[0] for _, cells in batch for cell in cells})
        )
        values: dict[tuple[int, int], tuple[str, str, int, int, int]] = {}
        for offset, (aspect, cells) in enumerate(batch, start=position + 1):
            aspect_id = aspect_ids[aspect]
            for discipline, text, line_start, line_end in cells:
                pair = (aspect_id, discipline_ids[discipline])
                if pair in values:
                    self._errors.append(_described_twice(
                        name, values[pair][3], aspect, discipline, line_start
                    ))  # fmt: skip
                    continue
                values[pair] = (aspect, text, offset, line_start, line_end)
        return values, created

    def _resolve(self, vocabulary: Vocabulary, labels: list[str]) -> dict[str, int]:
        """Ids for ``labels``, each filed under the name the document gives it ("HRM" under
        Human Resource Management when the document defines it), which also answers to the
        label and the abbreviation."""
        names = self._names
        if not names.defined and not any("(" in label for label in labels):
            # Only a name the document defines or a trailing "(ABBR)" files a label elsewhere.
            return vocabulary.resolve(labels)
        canonical = {label: names.canonical(label) for label in set(labels)}
        ids = vocabulary.resolve(name for name, _ in canonical.values())
        resolved = {}
        for label, (name, aliases) in canonical.items():
            resolved[label] = ids[name]
            if aliases:
                vocabulary.add_aliases(ids[name], name, aliases)
        return resolved

    def _write(self, writes: _Writes) -> bool:
        count = writes.write(self._session)
        self.rows_written += count
        return count > 0

    def _imported_values(self, table: Table, fact_id: int) -> dict[str, Any] | None:
        query = select(table.c.imported_values).where(table.c.id == fact_id)
        value: dict[str, Any] | None = self._session.connection().execute(query).scalar_one()
        return value

    def _discipline_name(self, discipline_id: int) -> str:
        discipline = self._session.get(Discipline, discipline_id)
        return discipline.name if discipline else str(discipline_id)

    # -- definitions, uses and FAQs -------------------------------------------------------

    def _load_other_facts(
        self, prepared: PreparedSource, source_id: int, report: SourceReport, *, new: bool
    ) -> bool:
        labels = [item.discipline for item in prepared.definitions]
        labels += [item.discipline for item in prepared.uses]
        ids = self._resolve(self._disciplines, labels) if labels else {}
        # Positions count per discipline, so two lists about one discipline never collide.
        counters: Counter[tuple[str, int | None]] = Counter()

        def fact(kind: _Kind, discipline: str | None, item: Any, **content: str) -> dict[str, Any]:
            value: dict[str, Any] = {"source_id": source_id, **content}
            discipline_id = None
            if discipline is not None:
                discipline_id = value["discipline_id"] = ids[discipline]
            counters[kind.counted, discipline_id] += 1
            value["position"] = counters[kind.counted, discipline_id]
            value["line_start"], value["line_end"] = item.span.start, item.span.end
            return value

        definitions, uses, faqs = _KINDS
        parsed = {
            definitions: [fact(definitions, d.discipline, d, text=d.text)
                          for d in prepared.definitions],
            uses: [fact(uses, u.discipline, u, title=u.title, text=u.text) for u in prepared.uses],
            faqs: [fact(faqs, None, f, question=f.question, answer=f.answer)
                   for f in prepared.faqs],
        }  # fmt: skip
        wrote = False
        for kind, facts in parsed.items():
            report.counts[kind.counted] = len(facts)
            if new and not facts:
                continue
            wrote = self._sync(kind, source_id, facts, new=new) or wrote
        return wrote

    def _sync(self, kind: _Kind, source_id: int, facts: list[dict[str, Any]], *, new: bool) -> bool:
        """Match ``facts`` to the stored facts of their lists and write the differences."""
        table = kind.table
        stored: list[dict[str, Any]] = []
        if not new:
            query = (
                select(table)
                .where(table.c.source_id == source_id)
                .order_by(table.c.position, table.c.id)
            )
            stored = [dict(row._mapping) for row in self._session.connection().execute(query)]
        group: Callable[[dict[str, Any]], Hashable] = (
            (lambda fact: fact["discipline_id"]) if kind.by_discipline else (lambda fact: None)
        )
        lists: defaultdict[Hashable, tuple[list[dict[str, Any]], list[dict[str, Any]]]]
        lists = defaultdict(lambda: ([], []))
        for row in stored:
            lists[group(row)][0].append(row)
        for item in facts:
            lists[group(item)][1].append(item)
        writes = _Writes(table)
        for old, parsed in lists.values():
            pairs = _match(kind, old, parsed)
            for index, item in enumerate(parsed):
                if index in pairs:
                    writes.compare(old[pairs[index]], item, kind.content)
                else:
                    writes.inserts.append(item)
            matched = set(pairs.values())
            writes.deletes += [
                row["id"] for index, row in enumerate(old)
                if index not in matched and row["imported_values"] is None
            ]  # fmt: skip
        return self._write(writes)

    # -- counts ---------------------------------------------------------------------------

    def _count(self, table: Table, source_id: int) -> int:
        query = select(func.count()).select_from(table).where(table.c.source_id == source_id)
        return int(self._session.connection().execute(query).scalar_one())

    def _count_aspects(self, source_id: int) -> int:
        query = select(func.count(func.distinct(col(Description.aspect_id)))).where(
            col(Description.source_id) == source_id
        )
        return int(self._session.execute(query).scalar_one())


def _match(kind: _Kind, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[int, int]:
    """Pair parsed facts with stored ones by what the import gave them (see seed.identity)."""

    def view(row: dict[str, Any]) -> dict[str, Any]:
        imported = row.get("imported_values") or {}
        return {name: imported.get(name, row[name]) for name in kind.content}

    old_views = [view(row) for row in old]
    new_views = [view(item) for item in new]

    def key(fields: tuple[str, ...]) -> Callable[[dict[str, Any]], Hashable]:
        return lambda fact: tuple(normalised(fact[name]) for name in fields)

    def text(fact: dict[str, Any]) -> str:
        return "\n".join(fact[name] for name in kind.content)

    keys = [(key(fields), key(fields)) for fields in kind.keys]
    return match(old_views, new_views, keys=keys, similar=(text, text))


def _described_twice(
    name: str, first_line: int, aspect: str, discipline: str, line: int
) -> SourceError:
    return SourceError(
        name,
        f"aspect {aspect!r} is described twice for discipline {discipline!r} "
        f"(first on line {first_line})",
        line=line,
    )


def _ambiguous_segment(ambiguous: Any) -> SkippedSegment:
    names = " and ".join(repr(name) for name in ambiguous.names)
    return SkippedSegment(
        span=ambiguous.span,
        reason=f"ambiguous abbreviation {ambiguous.abbreviation!r}: defined for {names}, "
        "so it is an alias of neither",
        excerpt=ambiguous.abbreviation,
    )


def _row_id(source: Source) -> int:
    if source.id is None:
        raise RuntimeError("the source row has not been flushed")
    return source.id


def _unchanged(source: Source) -> SourceReport:
    stored = dict(source.report or {})
    stored["status"] = "unchanged"
    return SourceReport(**stored)


# What a report says of one import, not of the source: left out when comparing.
_OF_THE_IMPORT = ("status", "created", "created_total")


def _same_report(stored: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    def kept(report: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in report.items() if key not in _OF_THE_IMPORT}

    return kept(dict(stored or {})) == kept(new)
