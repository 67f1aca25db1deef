"""The first step of an import: read and parse every source before the write transaction opens.

Every file is checked, hashed and parsed, and every :class:`SourceError` of every file is
collected: one bad file does not hide another's errors. If there are any, one error carrying
all of them is raised (:class:`SourceErrors`, one line each) and nothing is written. A file
whose hash is the one stored for its source is not parsed at all, unless the import is forced.

Comparison rows, which a large file has by the hundred thousand, are written to a spill file as
they are parsed, in batches, and read back one batch at a time by the load; the other records
(definitions, uses, FAQs) are few and stay in memory. A CSV file over
:data:`STREAMED_CSV_BYTES` is read line by line and never held whole, so memory stays flat
whatever the size of the file.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from app.domain.names import slugify
from app.store.models import Source
from seed.decode import decode, sniff_kind
from seed.manifest import SourceSpec
from seed.names import Names, find_names
from seed.parse import iter_csv_rows, parse_document
from seed.reading import iter_source_lines
from seed.records import (
    ComparisonRow,
    DefinitionRecord,
    FaqRecord,
    SkippedSegment,
    SourceError,
    SourceErrors,
    UseRecord,
)

BATCH_ROWS = 1000
# A CSV file larger than this is streamed (UTF-8 only, flat memory); smaller ones are decoded
# whole, with charset detection, and parsed like every other format.
STREAMED_CSV_BYTES = 4 * 1024 * 1024
ERRORS_PER_FILE = 20  # label errors reported per file; the rest are counted
NO_RECORDS = "no comparison rows, definitions, uses or FAQs found"
_ASCII_KEY = re.compile(r"[A-Za-z0-9&]")

# A comparison row as spilled: the aspect's label and its cells, each (discipline label, text,
# first line, last line).
Cell = tuple[str, str, int, int]
Row = tuple[str, tuple[Cell, ...]]


class Spill:
    """A temporary file the prepared rows of every source wait in, in pickled batches."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def write(self, batch: list[Row]) -> int:
        """Append ``batch``; returns where it starts."""
        self._stream.seek(0, 2)
        offset = self._stream.tell()
        pickle.dump(batch, self._stream, protocol=pickle.HIGHEST_PROTOCOL)
        return offset

    def read(self, offset: int, count: int) -> Iterator[list[Row]]:
        """The ``count`` batches written from ``offset`` on."""
        for _ in range(count):
            self._stream.seek(offset)
            batch: list[Row] = pickle.load(self._stream)
            offset = self._stream.tell()
            yield batch


@dataclass
class PreparedSource:
    """A source checked and parsed, ready to load; ``unchanged`` when it was not parsed because
    the file is what its source was imported from."""

    spec: SourceSpec
    name: str  # the path as the user would type it, for messages
    sha256: str
    unchanged: bool = False
    formats: list[str] = field(default_factory=list)
    skipped: list[SkippedSegment] = field(default_factory=list)
    definitions: list[DefinitionRecord] = field(default_factory=list)
    uses: list[UseRecord] = field(default_factory=list)
    faqs: list[FaqRecord] = field(default_factory=list)
    names: Names = field(default_factory=Names)
    lines: Sequence[str] | None = None  # the decoded lines; None for a streamed file
    row_count: int = 0
    _spill: Spill | None = None
    _offset: int = 0
    _batches: int = 0

    def row_batches(self) -> Iterator[list[Row]]:
        """The comparison rows, in document order, a batch at a time."""
        if self._spill is not None and self._batches:
            yield from self._spill.read(self._offset, self._batches)

    def _add_batch(self, spill: Spill, batch: list[Row]) -> None:
        offset = spill.write(batch)
        if not self._batches:
            self._spill, self._offset = spill, offset
        self._batches += 1
        self.row_count += len(batch)


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def prepare_sources(
    engine: Engine,
    specs: Sequence[SourceSpec],
    spill: Spill,
    *,
    force: bool = False,
    strict: bool = False,
    max_bytes: int,
    streamed_csv_bytes: int = STREAMED_CSV_BYTES,
) -> list[PreparedSource]:
    """Check and parse ``specs``; raises every error of every file at once (see the module)."""
    stored = _stored_hashes(engine, specs)
    slugs = [spec.slug for spec in specs]
    # Two files for one source: each is loaded over the other, so neither may be skipped.
    repeated = {slug for slug in slugs if slugs.count(slug) > 1}
    prepared: list[PreparedSource] = []
    errors: list[SourceError] = []
    for spec in specs:
        name = display_path(spec.path)
        try:
            sha256 = check_and_hash(name, spec.path, max_bytes)
            if stored.get(spec.slug) == sha256 and not force and spec.slug not in repeated:
                prepared.append(PreparedSource(spec, name, sha256, unchanged=True))
                continue
            source = PreparedSource(spec, name, sha256)
            _parse(source, spill, strict=strict, max_bytes=max_bytes, streamed=streamed_csv_bytes)
            prepared.append(source)
        except SourceErrors as failed:
            errors.extend(failed.errors)
        except SourceError as error:
            errors.append(error)
    if errors:
        raise SourceErrors.of(errors)
    return prepared


def _stored_hashes(engine: Engine, specs: Sequence[SourceSpec]) -> dict[str, str]:
    slugs = {spec.slug for spec in specs}
    query = select(col(Source.slug), col(Source.sha256)).where(col(Source.slug).in_(slugs))
    with engine.connect() as connection:
        return {str(slug): str(sha256) for slug, sha256 in connection.execute(query)}


def check_and_hash(name: str, path: Path, max_bytes: int) -> str:
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


def _parse(
    source: PreparedSource, spill: Spill, *, strict: bool, max_bytes: int, streamed: int
) -> None:
    name, path = source.name, source.spec.path
    if path.suffix.lower() == ".csv" and path.stat().st_size > streamed:
        with path.open("rb") as stream:
            hashing = _HashingReader(stream)
            lines = iter_source_lines(name, cast(BinaryIO, hashing), max_bytes=max_bytes)
            _spill_rows(source, spill, iter_csv_rows(name, lines, strict=strict))
        source.formats = ["csv"]
        read_hash = hashing.hexdigest()
    else:
        data = path.read_bytes()
        read_hash = hashlib.sha256(data).hexdigest()
        decoded = decode(name, data, max_bytes=max_bytes)
        kind = sniff_kind(path.name, decoded)
        names = find_names(enumerate(decoded.lines, start=1))
        document = parse_document(name, decoded.text, strict=strict, kind=kind, names=names)
        checks = _LabelChecks(name)
        items: list[DefinitionRecord | UseRecord] = [*document.definitions, *document.uses]
        for item in items:
            checks.check(item.discipline, item.span.start)
        _spill_rows(source, spill, document.rows, checks)
        source.formats = document.formats
        source.skipped = document.skipped
        source.definitions, source.uses = document.definitions, document.uses
        source.faqs = document.faqs
        source.names = names
        source.lines = decoded.lines
    if read_hash != source.sha256:
        raise SourceError(name, "the file changed while it was read; run the import again")
    if source.row_count == 0 and not (source.definitions or source.uses or source.faqs):
        raise SourceError(name, NO_RECORDS)


def _spill_rows(
    source: PreparedSource,
    spill: Spill,
    rows: Iterable[ComparisonRow],
    checks: _LabelChecks | None = None,
) -> None:
    """Check the labels of ``rows`` and spill them; raises every label error of the file."""
    checks = checks or _LabelChecks(source.name)
    disciplines: set[str] = set()  # the labels of a table's columns, checked once each
    batch: list[Row] = []
    for row in rows:
        aspect, cells = row.aspect, row.cells
        checks.check(aspect, row.span.start)
        for cell in cells:
            if cell.discipline not in disciplines:
                checks.check(cell.discipline, cell.span.start)
                if len(disciplines) < 10_000:
                    disciplines.add(cell.discipline)
        if checks.errors:
            continue  # the load will fail: the rest is only read for its errors
        batch.append((aspect, tuple([(c.discipline, c.text, c.span.start, c.span.end)
                                     for c in cells])))  # fmt: skip
        if len(batch) >= BATCH_ROWS:
            source._add_batch(spill, batch)
            batch = []
    if batch and not checks.errors:
        source._add_batch(spill, batch)
    checks.raise_errors()


class _LabelChecks:
    """Every label must have a key (letters or digits); the errors of one file, collected."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.errors: list[SourceError] = []
        self._more = 0

    def check(self, label: str, line: int) -> None:
        # As slugify would find, faster: an ASCII label has a key if it has a letter, a digit
        # or "&" (which is "and").
        if _ASCII_KEY.search(label) if label.isascii() else slugify(label):
            return
        if len(self.errors) < ERRORS_PER_FILE:
            message = f"label {label!r} has no letters or digits"
            self.errors.append(SourceError(self._name, message, line=line))
        else:
            self._more += 1

    def raise_errors(self) -> None:
        if self._more:
            message = f"{self._more:,} more labels with no letters or digits"
            self.errors.append(SourceError(self._name, message))
        if self.errors:
            raise SourceErrors.of(self.errors)


class _HashingReader:
    """A binary stream that hashes what is read through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
