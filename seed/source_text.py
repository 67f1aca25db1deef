"""What the loader stores of a source besides its facts: its attribution and its decoded lines."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from app.store.models import Source
from app.store.source_text import replace_text
from seed.manifest import SourceSpec
from seed.reading import iter_source_lines


def store_source_text(
    session: Session,
    source: Source,
    spec: SourceSpec,
    lines: Iterable[str] | None,
    *,
    name: str,
    max_bytes: int,
) -> None:
    """Give the flushed ``source`` the attribution of ``spec`` and the text ``lines``, replacing
    what it had. ``None`` means the file was streamed: its lines are streamed again from disk
    (the same UTF-8 reader, so the same line numbers and errors, named ``name``), one block in
    memory at a time."""
    if source.id is None:
        raise RuntimeError("the source row has not been flushed")
    for column, value in spec.attribution.stored().items():
        setattr(source, column, value)
    connection = session.connection()
    if lines is not None:
        source.line_count = replace_text(connection, source.id, lines)
        return
    with spec.path.open("rb") as stream:
        streamed = iter_source_lines(name, stream, max_bytes=max_bytes)
        source.line_count = replace_text(connection, source.id, streamed)
