"""The one effectful step: import parsed sources into the database, in one transaction.

Either every source imports or none does: any error rolls the whole transaction back, and so does
killing the process, so the database is always as it was or fully updated. A source whose file is
byte-for-byte what was imported before is left alone (no write, no version bump) unless forced;
a changed one has its facts replaced. Rows go in in batches, so a large CSV streams through in
flat memory.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.domain.names import slugify
from app.store.changes import begin_changes
from app.store.engines import refresh_statistics, write_session
from app.store.models import Definition, Description, Discipline, DisciplineUse, Faq, Source
from app.store.search_index import deferred_indexing, optimize_search_index
from app.store.versions import dataset_version
from seed.decode import decode, sniff_kind
from seed.manifest import Manifest, SourceSpec
from seed.names import Names, find_names
from seed.parse import iter_csv_rows, parse_document
from seed.reading import iter_source_lines
from seed.records import ComparisonRow, ParsedDocument, SkippedSegment, SourceError
from seed.report import ImportReport, SourceReport
from seed.vocabulary import ASPECTS, DISCIPLINES, Vocabulary

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
BATCH_ROWS = 1000
# A CSV file larger than this is streamed (UTF-8 only, flat memory); smaller ones are decoded
# whole, with charset detection, and parsed like every other format.
STREAMED_CSV_BYTES = 4 * 1024 * 1024
_FACT_TABLES: tuple[Any, ...] = (Description, Definition, DisciplineUse, Faq)
_DESCRIPTION_TABLE: Any = Description.__table__  # type: ignore[attr-defined]


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
    force: bool = False  # re-import sources whose file has not changed
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
    """Import ``specs`` in order; raises :class:`SourceError` (database unchanged) on bad input."""
    options = options or LoadOptions()
    try:
        with write_session(engine) as session:
            loader = _Loader(session, manifest, options, observer or _Silent())
            reports = [loader.load(spec) for spec in specs]
            changed = any(report.status != "unchanged" for report in reports)
            if not options.dry_run:
                if changed:
                    optimize_search_index(session.connection())
                # Also for a database loaded before loads gathered statistics.
                refresh_statistics(session.connection(), only_if_missing=not changed)
            version = begin_changes(session) if changed else dataset_version(session).number
            if options.dry_run:
                raise _DryRunDone(ImportReport(reports, version, dry_run=True))
    except _DryRunDone as done:
        return done.report
    return ImportReport(reports, version)


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
        self._document_names: dict[str, Names] = {}
        self._names = Names()

    def load(self, spec: SourceSpec) -> SourceReport:
        name = display_path(spec.path)
        sha256 = _check_and_hash(name, spec.path, self._options.max_bytes)
        source = self._session.scalars(select(Source).where(col(Source.slug) == spec.slug)).first()
        if source is not None and source.sha256 == sha256 and not self._options.force:
            unchanged = _unchanged(source)
            self._observer.source_loaded(unchanged)
            return unchanged
        report = SourceReport(spec.path.name, spec.slug, spec.title, sha256)
        with ExitStack() as stack:
            document, rows = self._parse(name, spec.path, stack)
            self._names = self._document_names.pop(name, Names())
            for ambiguous in self._names.ambiguous:
                report.skip(_ambiguous_segment(ambiguous))
            source = self._prepare_source(source, spec, sha256, report)
            with deferred_indexing(self._session.connection()):
                self._insert_rows(name, source, rows, report)
                self._insert_other_facts(_row_id(source), document, report)
                self._session.flush()
        report.formats = document.formats or ["csv"]
        for segment in document.skipped:
            report.skip(segment)
        report.counts["aspects"] = self._count_aspects(source)
        for kind, vocabulary in (("disciplines", self._disciplines), ("aspects", self._aspects)):
            report.created_total[kind], report.created[kind] = vocabulary.take_created()
        if report.counts["descriptions"] == 0 and document.record_count == 0:
            raise SourceError(name, "no comparison rows, definitions, uses or FAQs found")
        source.format = ",".join(report.formats)[:100]
        source.report = report.as_stored()
        self._session.flush()
        self._observer.source_loaded(report)
        return report

    def _parse(
        self, name: str, path: Path, stack: ExitStack
    ) -> tuple[ParsedDocument, Iterable[ComparisonRow]]:
        if path.suffix.lower() == ".csv" and path.stat().st_size > STREAMED_CSV_BYTES:
            # Streamed: the rows are read while they are inserted, never all held at once.
            stream = stack.enter_context(path.open("rb"))
            lines = iter_source_lines(name, stream, max_bytes=self._options.max_bytes)
            return ParsedDocument(path.name, formats=["csv"]), iter_csv_rows(name, lines)
        decoded = decode(name, path.read_bytes(), max_bytes=self._options.max_bytes)
        kind = sniff_kind(path.name, decoded)
        document = parse_document(name, decoded.text, strict=self._options.strict, kind=kind)
        self._document_names[name] = find_names(enumerate(decoded.lines, start=1))
        return document, document.rows

    def _prepare_source(
        self, source: Source | None, spec: SourceSpec, sha256: str, report: SourceReport
    ) -> Source:
        if source is None:
            source = Source(slug=spec.slug, title=spec.title, file_name="", format="", sha256="")
            self._session.add(source)
        else:
            report.status = "replaced"
            for table in _FACT_TABLES:
                self._session.execute(delete(table).where(table.source_id == source.id))
        source.title, source.file_name, source.sha256 = spec.title, spec.path.name, sha256
        source.imported_at = datetime.now(UTC)
        self._session.flush()
        return source

    def _insert_rows(
        self, name: str, source: Source, rows: Iterable[ComparisonRow], report: SourceReport
    ) -> None:
        position = 0
        for batch in _batches(rows, BATCH_ROWS):
            values = self._description_values(name, source, batch, position)
            try:
                # The unique key catches an aspect the source described in an earlier batch; the
                # savepoint keeps the transaction usable to find out where.
                with self._session.begin_nested():
                    # Core, not ORM, insert: the ORM's bulk path costs more than the database.
                    self._session.connection().execute(insert(_DESCRIPTION_TABLE), values)
            except IntegrityError:
                raise self._duplicate_error(name, source, values) from None
            position += len(batch)
            report.counts["descriptions"] += len(values)
            self._observer.rows_loaded(len(batch))

    def _description_values(
        self, name: str, source: Source, batch: list[ComparisonRow], position: int
    ) -> list[dict[str, Any]]:
        for row in batch:
            _check_label(name, row.aspect, row.span.start)
            for cell in row.cells:
                _check_label(name, cell.discipline, cell.span.start)
        aspect_ids = self._resolve(self._aspects, [row.aspect for row in batch])
        discipline_ids = self._resolve(
            self._disciplines, [c.discipline for r in batch for c in r.cells]
        )
        values: dict[tuple[int, int], dict[str, Any]] = {}
        for offset, row in enumerate(batch, start=position + 1):
            for cell in row.cells:
                pair = (aspect_ids[row.aspect], discipline_ids[cell.discipline])
                if pair in values:
                    raise _described_twice(name, values[pair], row.aspect, cell.discipline,
                                           cell.span.start)  # fmt: skip
                values[pair] = {
                    "source_id": source.id,
                    "aspect_id": pair[0],
                    "discipline_id": pair[1],
                    "label": row.aspect,
                    "text": cell.text,
                    "position": offset,
                    "line_start": cell.span.start,
                    "line_end": cell.span.end,
                }
        return list(values.values())

    def _resolve(self, vocabulary: Vocabulary, labels: list[str]) -> dict[str, int]:
        """Ids for ``labels``, each filed under the name the document gives it ("HRM" under
        Human Resource Management when the document defines it), which also answers to the
        label and the abbreviation."""
        canonical = {label: self._names.canonical(label) for label in set(labels)}
        ids = vocabulary.resolve(name for name, _ in canonical.values())
        resolved = {}
        for label, (name, aliases) in canonical.items():
            resolved[label] = ids[name]
            if aliases:
                vocabulary.add_aliases(ids[name], name, aliases)
        return resolved

    def _duplicate_error(
        self, name: str, source: Source, values: list[dict[str, Any]]
    ) -> SourceError:
        query = select(
            col(Description.aspect_id), col(Description.discipline_id), col(Description.line_start)
        ).where(
            col(Description.source_id) == source.id,
            col(Description.aspect_id).in_({v["aspect_id"] for v in values}),
        )
        earlier = {(a, d): line for a, d, line in self._session.execute(query)}
        for value in values:
            first_line = earlier.get((value["aspect_id"], value["discipline_id"]))
            if first_line is not None:
                discipline = self._session.get(Discipline, value["discipline_id"])
                label = discipline.name if discipline else str(value["discipline_id"])
                return _described_twice(
                    name, {"line_start": first_line}, value["label"], label, value["line_start"]
                )
        return SourceError(name, "a row conflicts with one already imported")

    def _insert_other_facts(
        self, source_id: int, document: ParsedDocument, report: SourceReport
    ) -> None:
        labels = [d.discipline for d in document.definitions]
        ids = self._resolve(self._disciplines, labels + [use.discipline for use in document.uses])
        # Positions count per discipline, so two lists about one discipline never collide.
        counters: Counter[tuple[str, int]] = Counter()

        def position(kind: str, discipline_id: int) -> int:
            counters[kind, discipline_id] += 1
            return counters[kind, discipline_id]

        facts: list[Definition | DisciplineUse | Faq] = []
        for item in document.definitions:
            discipline_id = ids[item.discipline]
            facts.append(Definition(
                source_id=source_id, discipline_id=discipline_id, text=item.text,
                position=position("definition", discipline_id),
                line_start=item.span.start, line_end=item.span.end,
            ))  # fmt: skip
        for use in document.uses:
            discipline_id = ids[use.discipline]
            facts.append(DisciplineUse(
                source_id=source_id, discipline_id=discipline_id, title=use.title, text=use.text,
                position=position("use", discipline_id),
                line_start=use.span.start, line_end=use.span.end,
            ))  # fmt: skip
        for number, faq in enumerate(document.faqs, start=1):
            facts.append(Faq(
                source_id=source_id, question=faq.question, answer=faq.answer, position=number,
                line_start=faq.span.start, line_end=faq.span.end,
            ))  # fmt: skip
        self._session.add_all(facts)
        report.counts["definitions"] = len(document.definitions)
        report.counts["uses"] = len(document.uses)
        report.counts["faqs"] = len(document.faqs)

    def _count_aspects(self, source: Source) -> int:
        query = select(func.count(func.distinct(col(Description.aspect_id)))).where(
            col(Description.source_id) == source.id
        )
        return int(self._session.execute(query).scalar_one())


def _described_twice(
    name: str, first: dict[str, Any], aspect: str, discipline: str, line: int
) -> SourceError:
    return SourceError(
        name,
        f"aspect {aspect!r} is described twice for discipline {discipline!r} "
        f"(first on line {first['line_start']})",
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


def _check_label(name: str, label: str, line: int) -> None:
    if not slugify(label):
        raise SourceError(name, f"label {label!r} has no letters or digits", line=line)


def _check_and_hash(name: str, path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise SourceError(name, "no such file")
    if not path.is_file():
        raise SourceError(name, "not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceError(
            name, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)"
        )
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _batches(rows: Iterable[ComparisonRow], size: int) -> Iterator[list[ComparisonRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
