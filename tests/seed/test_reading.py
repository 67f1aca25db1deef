"""decode_source and iter_source_lines: what they accept, and each kind of file they refuse."""

from __future__ import annotations

import io

import pytest

from seed import reading
from seed.reading import decode_source, iter_source_lines
from seed.records import SourceError

LIMIT = 1_000

BAD_INPUTS = [
    # (id, data, message fragment, line)
    ("empty", b"", "file is empty", None),
    ("whitespace only", b" \n\t\r\n  \n", "only whitespace", None),
    ("NBSP only", "\u00a0\n\u00a0".encode(), "only whitespace", None),
    ("BOM then whitespace", b"\xef\xbb\xbf \n", "only whitespace", None),
    ("NUL byte", b"first\nsecond\nthi\x00rd\n", "binary content (NUL byte)", 3),
    ("invalid UTF-8", b"ok\nstill ok\nbad \xff byte\n", "not valid UTF-8 text: byte 0xff", 3),
    (
        "Latin-1 text",
        "line one\ncaf\u00e9\n".encode("latin-1"),
        "not valid UTF-8 text: byte 0xe9",
        2,
    ),
    ("truncated character", b"ok\ncaf\xc3", "not valid UTF-8 text: byte 0xc3", 2),
]


@pytest.mark.parametrize(
    ("data", "fragment", "line"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_decode_source_refuses(data: bytes, fragment: str, line: int | None) -> None:
    with pytest.raises(SourceError) as caught:
        decode_source("notes.txt", data, max_bytes=LIMIT)
    assert caught.value.file_name == "notes.txt"
    assert caught.value.line == line
    assert fragment in caught.value.message
    where = "notes.txt" if line is None else f"notes.txt:{line}"
    assert str(caught.value).startswith(f"{where}: ")


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 64 * 1024])
@pytest.mark.parametrize(
    ("data", "fragment", "line"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_iter_source_lines_refuses(
    monkeypatch: pytest.MonkeyPatch, chunk_size: int, data: bytes, fragment: str, line: int | None
) -> None:
    monkeypatch.setattr(reading, "CHUNK_SIZE", chunk_size)
    with pytest.raises(SourceError) as caught:
        list(iter_source_lines("big.csv", io.BytesIO(data), max_bytes=LIMIT))
    assert caught.value.file_name == "big.csv"
    assert caught.value.line == line
    assert fragment in caught.value.message


def test_decode_source_refuses_oversized_file() -> None:
    with pytest.raises(SourceError, match=r"^big\.txt: file is 11 bytes, over the 10-byte limit$"):
        decode_source("big.txt", b"0123456789\n", max_bytes=10)


def test_iter_source_lines_refuses_oversized_stream() -> None:
    with pytest.raises(SourceError, match=r"^big\.csv: file is over the 10-byte limit$"):
        list(iter_source_lines("big.csv", io.BytesIO(b"a,b\n" * 3), max_bytes=10))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfAspect,A,B\n", "Aspect,A,B\n"),
        ("caf\u00e9 \u2019quoted\u2019\r\n".encode(), "caf\u00e9 \u2019quoted\u2019\r\n"),
        (b"exactly ten", "exactly ten"),
    ],
    ids=["BOM stripped", "non-ASCII kept", "at the limit"],
)
def test_decode_source_accepts(data: bytes, expected: str) -> None:
    assert decode_source("ok.txt", data, max_bytes=len(data)) == expected


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 64 * 1024])
def test_iter_source_lines_yields_decoded_lines(
    monkeypatch: pytest.MonkeyPatch, chunk_size: int
) -> None:
    monkeypatch.setattr(reading, "CHUNK_SIZE", chunk_size)
    data = "\ufeffAspect,A\r\n\u00e9t\u00e9,\u2018x\u2019\n\nlast".encode()
    lines = list(iter_source_lines("s.csv", io.BytesIO(data), max_bytes=LIMIT))
    assert lines == ["Aspect,A", "\u00e9t\u00e9,\u2018x\u2019", "", "last"]


def test_iter_source_lines_reports_bad_byte_line_in_a_later_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reading, "CHUNK_SIZE", 4)
    data = b"row 1\nrow 2\nrow 3\nrow \xe2\x80 4\n"
    lines = iter_source_lines("s.csv", io.BytesIO(data), max_bytes=LIMIT)
    assert [next(lines), next(lines), next(lines)] == ["row 1", "row 2", "row 3"]
    with pytest.raises(SourceError) as caught:
        next(lines)
    assert str(caught.value).startswith("s.csv:4: not valid UTF-8 text")


class _CountingStream(io.BytesIO):
    """Records how many bytes have been read, to show the reader does not slurp the file."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_iter_source_lines_reads_lazily() -> None:
    stream = _CountingStream(b"Aspect,A,B\n" + b"x,y,z\n" * 100_000)
    lines = iter_source_lines("s.csv", stream, max_bytes=10_000_000)
    assert next(lines) == "Aspect,A,B"
    assert stream.bytes_read == reading.CHUNK_SIZE
    assert sum(1 for _ in lines) == 100_000
    assert stream.bytes_read == 11 + 6 * 100_000
