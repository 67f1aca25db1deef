"""A source's decoded lines, kept in compressed blocks beside the source row (``source_text``).

A block holds up to :data:`BLOCK_LINES` consecutive lines (fewer once they reach
:data:`BLOCK_CHARS` characters), joined by ``"\\n"``, encoded as UTF-8 and zlib-compressed. Lines
are written one block at a time as they arrive, so a file streamed line by line is stored in flat
memory; a range of lines is read by inflating only the blocks it falls in. Line numbers are the
ones every fact's span uses: 1-based, as the decode layer split them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from app.store.models import SourceText

BLOCK_LINES = 1000
BLOCK_CHARS = 256 * 1024
_LEVEL = 6  # zlib's default; the streamed benchmark CSV compresses 18:1 at it
_TABLE = SourceText.__table__  # type: ignore[attr-defined]


def pack(lines: list[str]) -> bytes:
    return zlib.compress("\n".join(lines).encode("utf-8"), _LEVEL)


def unpack(data: bytes) -> list[str]:
    return zlib.decompress(data).decode("utf-8").split("\n")


def replace_text(connection: Connection, source_id: int, lines: Iterable[str]) -> int:
    """Store ``lines`` as the text of source ``source_id`` in place of any it had; returns the
    number of lines. Lines must not contain ``"\\n"``."""
    connection.execute(delete(_TABLE).where(_TABLE.c.source_id == source_id))
    count = 0
    for first, block in _blocks(lines):
        last = first + len(block) - 1
        connection.execute(
            insert(_TABLE),
            {"source_id": source_id, "first_line": first, "last_line": last, "data": pack(block)},
        )
        count = last
    return count


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    first, block, chars = 1, [], 0
    for line in lines:
        block.append(line)
        chars += len(line) + 1
        if len(block) >= BLOCK_LINES or chars >= BLOCK_CHARS:
            yield first, block
            first, block, chars = first + len(block), [], 0
    if block:
        yield first, block
