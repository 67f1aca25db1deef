"""Turn a source file's bytes into text, refusing files that cannot be imported.

Every refusal is a ``SourceError`` naming the file and, where one exists, the offending line, so
the import report can point the user straight at the problem.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from seed.records import SourceError

CHUNK_SIZE = 64 * 1024
_BOM = "\ufeff"


def decode_source(file_name: str, data: bytes, *, max_bytes: int) -> str:
    """Decode a whole UTF-8 source file, stripping a BOM."""
    if len(data) > max_bytes:
        raise SourceError(file_name, f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
    if not data:
        raise SourceError(file_name, "file is empty")
    _check_no_nul(file_name, data, lines_before=0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _bad_utf8(file_name, data, error, lines_before=0) from None
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise SourceError(file_name, "file contains only whitespace")
    return text


def iter_source_lines(file_name: str, stream: BinaryIO, *, max_bytes: int) -> Iterator[str]:
    """Yield the decoded lines of ``stream`` one at a time, without line terminators.

    Applies the same checks as ``decode_source`` while reading, so memory stays bounded by the
    chunk size and the longest line rather than the file size. The empty/whitespace-only check can
    only be made at the end, after any blank lines have been yielded.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    total = 0
    newlines_before = 0  # newline bytes in the chunks already decoded
    partial = ""
    at_start = True
    seen_content = False
    while chunk := stream.read(CHUNK_SIZE):
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(file_name, f"file is over the {max_bytes}-byte limit")
        _check_no_nul(file_name, chunk, lines_before=newlines_before)
        text = _decode_chunk(file_name, decoder, chunk, newlines_before)
        newlines_before += chunk.count(b"\n")
        if at_start and text:
            text = text.removeprefix(_BOM)
            at_start = False
        *complete, partial = (partial + text).split("\n")
        for line in complete:
            seen_content = seen_content or bool(line.strip())
            yield line.removesuffix("\r")
    _decode_chunk(file_name, decoder, b"", newlines_before, final=True)
    if total == 0:
        raise SourceError(file_name, "file is empty")
    if partial:
        seen_content = seen_content or bool(partial.strip())
        yield partial.removesuffix("\r")
    if not seen_content:
        raise SourceError(file_name, "file contains only whitespace")


def _decode_chunk(
    file_name: str,
    decoder: codecs.IncrementalDecoder,
    chunk: bytes,
    newlines_before: int,
    *,
    final: bool = False,
) -> str:
    # The decoder reports error offsets into its own pending bytes plus this chunk; the pending
    # bytes are an unfinished multi-byte sequence, so they never hold a newline.
    pending = decoder.getstate()[0]
    try:
        return decoder.decode(chunk, final=final)
    except UnicodeDecodeError as error:
        raise _bad_utf8(file_name, pending + chunk, error, lines_before=newlines_before) from None


def _check_no_nul(file_name: str, data: bytes, *, lines_before: int) -> None:
    position = data.find(b"\x00")
    if position >= 0:
        line = lines_before + data.count(b"\n", 0, position) + 1
        raise SourceError(file_name, "binary content (NUL byte), not a text file", line=line)


def _bad_utf8(
    file_name: str, data: bytes, error: UnicodeDecodeError, *, lines_before: int
) -> SourceError:
    line = lines_before + data.count(b"\n", 0, error.start) + 1
    message = f"not valid UTF-8 text: byte 0x{data[error.start]:02x} ({error.reason})"
    return SourceError(file_name, message, line=line)
