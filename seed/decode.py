"""The decode layer: a source file's bytes become normalised text and numbered lines.

Every format parser reads a :class:`Decoded`, so every parser numbers lines the same way: lines
are split on ``\\r\\n``, ``\\r`` and ``\\n`` only. ``str.splitlines`` is not used because it also
breaks on form feeds, ``\\x0b``, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029, which editors do
not show as line breaks, and every later line number would then be off from the one a user sees.

Every refusal is a :class:`SourceError` naming the file and, where one exists, the offending line,
so the import report can point the user straight at the problem.

Encodings, in order:

1. A byte-order mark decides: UTF-32 LE/BE, UTF-8 or UTF-16 LE/BE (UTF-32 LE is checked before
   UTF-16 LE because its mark starts with the same two bytes). The mark is stripped.
2. Strict UTF-8, which is what most files are.
3. Otherwise a detection with charset-normalizer, biased towards cp1252: cp1252 is what Windows
   tools (Excel, Word, Notepad) write, its curly quotes (0x93/0x94) are the usual reason a file is
   not UTF-8, and for Western text cp1252, latin-1 and several other code pages all decode
   cleanly, where charset-normalizer would often pick cp1250 or even mac_turkish. cp1252 is taken
   when it decodes without undefined bytes and either the file has too few non-ASCII bytes for a
   statistical guess or its text is no messier than the detector's best guess. Any other guess is
   taken only when it decodes strictly and without C1 controls, and never a mark-less UTF-16/32.
4. A file that is mostly well-formed UTF-8 with a few bad bytes is damaged UTF-8, not another
   encoding: decoding it as cp1252 would turn every correct accent into mojibake, so it is refused
   with the line and byte of the first bad sequence.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from seed.records import SourceError

# The marks, longest first where one is a prefix of another.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that never occur in text (tab, LF, VT, FF and CR do), and DEL.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_C1_CHARS = re.compile(r"[\x80-\x9f]")
BINARY_SAMPLE = 64 * 1024  # the control-character share is measured on the file's start
MAX_CONTROL_SHARE = 0.05
MIN_CONTROLS = 8  # a short note with a stray control character or two is still text

# A well-formed UTF-8 multi-byte sequence (overlong and surrogate forms are rare enough to ignore).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ASCII = bytes(range(128))
MIN_NON_ASCII_FOR_DETECTION = 16  # below this, a statistical guess is noise: assume cp1252
MESS_SAMPLE = 100_000  # characters of the cp1252 reading that are scored
MESS_TOLERANCE = 0.01

DELIMITERS = (",", ";", "\t", "|")
# RFC 4180 quoting; a space after a delimiter is skipped so that hand-written `a, "b, c"` quotes.
CSV_QUOTING: dict[str, Any] = {"quotechar": '"', "doublequote": True, "skipinitialspace": True}
SNIFF_RECORDS = 20  # records compared for a consistent field count
SNIFF_LINES = 50  # physical lines read for the sample, so quoted multi-line cells fit
SNIFF_CHARS = 64 * 1024
CSV_SHARE = 0.8  # share of sampled records with the usual field count, for "looks like CSV"
CSV_MIN_RECORDS = 3
MARKDOWN_MIN_SIGNALS = 2

_SUFFIX_KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}
_HTML_MARKERS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (r"<body[\s>]", r"<table[\s>]", r"<p[\s>]", r"<div[\s>]")
)
_MARKDOWN_SIGNALS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        r"^#{1,6}[ \t]+\S",  # ATX heading
        r"^[ \t]*\S[^\n]*\n=+[ \t]*$",  # setext heading (a "---" underline is also a pdf rule)
        r"\*\*[^*\n]+\*\*|__[^_\n]+__",  # bold
        r"\[[^\]\n]+\]\([^)\s]+\)",  # link
        r"^[ \t]*```",  # code fence
    )
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded source. ``lines`` carry no terminators (index 0 is line 1); ``text`` is the
    same lines, each ended by ``"\\n"`` whatever the file used, so ``split_lines(text) == lines``
    (a bare ``"\\n".join`` would lose a blank last line). ``newline`` is the file's own line
    ending, or ``"mixed"``."""

    text: str
    lines: tuple[str, ...]
    encoding: str  # a Python codec name: "utf-8", "utf-16-le", "cp1252", ...
    bom: bool
    newline: str  # "\n", "\r\n", "\r" or "mixed"


@dataclass(frozen=True, slots=True)
class DelimiterGuess:
    """The best delimiter for a sample: ``share`` of its ``records`` have ``fields`` fields."""

    delimiter: str
    fields: int
    share: float
    records: int


def decode(file_name: str, data: bytes, *, max_bytes: int) -> Decoded:
    """Decode a whole source file, or refuse it with a :class:`SourceError`."""
    if len(data) > max_bytes:
        raise SourceError(
            file_name,
            f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit "
            "(raise it with --max-bytes)",
        )
    if not data:
        raise SourceError(file_name, "file is empty")
    declared = _bom_encoding(data)
    if declared is not None:
        bom, encoding = declared
        text = _decode_declared(file_name, data[len(bom) :], encoding)
        _refuse_binary_text(file_name, text)
    else:
        _refuse_binary_bytes(file_name, data)
        text, encoding = _decode_undeclared(file_name, data)
    if not text:
        raise SourceError(file_name, "file is empty (nothing after the byte-order mark)")
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise SourceError(file_name, "file contains only whitespace")
    return Decoded(
        text="".join(f"{line}\n" for line in lines),
        lines=tuple(lines),
        encoding=encoding,
        bom=declared is not None,
        newline=newline_style(text),
    )


def split_lines(text: str) -> list[str]:
    """Split on ``\\r\\n``, ``\\r`` and ``\\n`` only; a final terminator adds no empty line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def newline_style(text: str) -> str:
    """``"\\n"``, ``"\\r\\n"`` or ``"\\r"`` when the text uses one ending only (``"\\n"`` when it
    has none), else ``"mixed"``. Excel's CSV is "mixed": CRLF rows, LF inside quoted cells."""
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}
    used = [ending for ending, count in counts.items() if count]
    if not used:
        return "\n"
    return used[0] if len(used) == 1 else "mixed"


def _bom_encoding(data: bytes) -> tuple[bytes, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding
    return None


def _decode_declared(file_name: str, body: bytes, encoding: str) -> str:
    """Decode after a byte-order mark. The mark is a promise, so no other encoding is tried."""
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        before = body[: error.start].decode(encoding, errors="replace")
        line = _text_line_at(before, len(before))
        name = encoding.upper()
        message = (
            f"not valid {name} text although it starts with a {name} byte-order mark: "
            f"byte 0x{body[error.start]:02x} on line {line} ({error.reason})"
        )
        raise SourceError(file_name, message, line=line) from None


def _decode_undeclared(file_name: str, data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    if _is_damaged_utf8(data):
        raise _bad_utf8(file_name, data, utf8_error, "though the rest of the file is UTF-8")
    encoding = _detect_encoding(data)
    if encoding is None:
        raise _bad_utf8(file_name, data, utf8_error, "and no other encoding fits")
    return data.decode(encoding), encoding


def _is_damaged_utf8(data: bytes) -> bool:
    """Whether the file holds at least as many well-formed UTF-8 sequences as bad bytes.

    In a real cp1252 or latin-1 file, byte pairs that happen to form UTF-8 are rare and bad
    sequences are everywhere; in a UTF-8 file with a pasted-in stray byte it is the other way.
    """
    valid = _UTF8_SEQUENCE.subn(b"", data)[1]  # a count, without a list of every match
    if not valid:
        return False
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return valid >= invalid


def _detect_encoding(data: bytes) -> str | None:
    """The most credible single encoding for non-UTF-8 bytes, or ``None``."""
    best = from_bytes(data).best()
    if best is None:
        return None
    cp1252 = _clean_decode(data, "cp1252")
    if cp1252 is not None:
        few_clues = len(data.translate(None, _ASCII)) < MIN_NON_ASCII_FOR_DETECTION
        if few_clues or mess_ratio(cp1252[:MESS_SAMPLE]) <= best.chaos + MESS_TOLERANCE:
            return "cp1252"
    encoding = codecs.lookup(best.encoding).name
    if encoding.startswith(("utf-16", "utf-32")):
        # Without a mark and without NUL bytes (refused before detection), a UTF-16/32 reading
        # is CJK-looking noise made of byte pairs.
        return None
    return encoding if _clean_decode(data, encoding) is not None else None


def _clean_decode(data: bytes, encoding: str) -> str | None:
    """The strict decoding, or ``None`` if it fails or yields C1 controls (0x80-0x9f read as
    latin-1 are a sign the file is cp1252 or something else, never intended text)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if _C1_CHARS.search(text) else text


def _bad_utf8(file_name: str, data: bytes, error: UnicodeDecodeError, why: str) -> SourceError:
    line = _byte_line_at(data, error.start)
    message = (
        f"not valid UTF-8 text {why}: byte 0x{data[error.start]:02x} on line {line} "
        f"({error.reason})"
    )
    return SourceError(file_name, message, line=line)


def _refuse_binary_bytes(file_name: str, data: bytes) -> None:
    """Refuse NUL bytes anywhere, or a high share (and more than a stray few) of control bytes
    at the start. Checked on the bytes, before detection, so no detector turns a binary file
    into text."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _binary(file_name, "NUL byte", _byte_line_at(data, nul))
    sample = data[:BINARY_SAMPLE]
    controls = _CONTROL_BYTES.findall(sample)
    if len(controls) >= MIN_CONTROLS and len(controls) > MAX_CONTROL_SHARE * len(sample):
        first = _CONTROL_BYTES.search(sample)
        line = _byte_line_at(data, first.start()) if first else None
        raise _binary(file_name, _control_share(len(controls), len(sample)), line)


def _refuse_binary_text(file_name: str, text: str) -> None:
    """The same checks on text decoded after a byte-order mark (UTF-16 has NUL bytes by design)."""
    nul = text.find("\x00")
    if nul >= 0:
        raise _binary(file_name, "NUL character", _text_line_at(text, nul))
    sample = text[:BINARY_SAMPLE]
    controls = _CONTROL_CHARS.findall(sample)
    if len(controls) >= MIN_CONTROLS and len(controls) > MAX_CONTROL_SHARE * len(sample):
        first = _CONTROL_CHARS.search(sample)
        line = _text_line_at(text, first.start()) if first else None
        raise _binary(file_name, _control_share(len(controls), len(sample)), line)


def _control_share(controls: int, total: int) -> str:
    return f"{controls / total:.0%} control characters"


def _binary(file_name: str, what: str, line: int | None) -> SourceError:
    return SourceError(file_name, f"binary content ({what}), not a text file", line=line)


def _byte_line_at(data: bytes, position: int) -> int:
    """The 1-based line of ``data[position]``, counting line breaks as :func:`split_lines` does
    (the ends are ASCII bytes in every encoding decoded without a byte-order mark)."""
    before = data[:position]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _text_line_at(text: str, position: int) -> int:
    before = text[:position]
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1


# Delimiter detection, shared by sniff_kind and the delimited-text parser.


def detect_delimiter(lines: Sequence[str], *, complete: bool = True) -> DelimiterGuess | None:
    """The delimiter among ``, ; TAB |`` whose field count is most consistent over the first
    :data:`SNIFF_RECORDS` non-blank records of ``lines`` (no terminators), or ``None`` when no
    delimiter gives a usual field count of at least 2.

    ``csv.Sniffer`` alone is unreliable: a semicolon file with commas in its cells is often
    sniffed as comma-separated. So each candidate is checked by parsing the sample; the
    sniffer's pick breaks ties, then the larger field count. Pass ``complete=False`` when
    ``lines`` are the start of a longer file: the last sampled record may then be cut off inside
    a quoted cell, so it is not counted.
    """
    sample, whole = _sample_text(lines)
    sniffed = _sniffed_delimiter(sample)
    complete = complete and whole
    guesses = [
        guess
        for delimiter in DELIMITERS
        if (guess := _field_consistency(sample, delimiter, complete=complete)) is not None
    ]
    if not guesses:
        return None
    return max(guesses, key=lambda guess: (guess.share, guess.delimiter == sniffed, guess.fields))


def _sample_text(lines: Sequence[str]) -> tuple[str, bool]:
    """The first lines as one text, and whether they are all of ``lines``."""
    sample: list[str] = []
    size = 0
    for line in lines[:SNIFF_LINES]:
        sample.append(line)
        size += len(line) + 1
        if size > SNIFF_CHARS:
            break
    return "\n".join(sample) + "\n", len(sample) == len(lines)


def _sniffed_delimiter(sample: str) -> str | None:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


def _field_consistency(sample: str, delimiter: str, *, complete: bool) -> DelimiterGuess | None:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, **CSV_QUOTING)
    try:
        records = [fields for fields in reader if any(field.strip() for field in fields)]
    except csv.Error:
        return None
    if not complete:
        records = records[:-1]
    counts = Counter(len(fields) for fields in records[:SNIFF_RECORDS])
    if not counts:
        return None
    fields, hits = max(counts.items(), key=lambda item: (item[1], item[0]))
    if fields < 2:
        return None
    return DelimiterGuess(delimiter, fields, hits / counts.total(), counts.total())


# Kind sniffing.


def sniff_kind(file_name: str, decoded: Decoded) -> str:
    """``"csv"``, ``"html"``, ``"markdown"`` or ``"text"``: which parser reads the file.

    Rules, in order:

    1. An explicit suffix wins: ``.csv`` ``.tsv`` ``.tab`` are csv, ``.html`` ``.htm``
       ``.xhtml`` html, ``.md`` ``.markdown`` markdown (case-insensitive). A ``.csv`` holding
       HTML stays csv: whoever named it said what it is, and the CSV parser will report it.
    2. Otherwise (``.txt``, no suffix, anything else) the content decides:

       * html: after leading whitespace, HTML comments and an ``<?xml?>`` declaration the text
         starts with ``<!doctype html`` or ``<html``, or it has at least two of ``<body``,
         ``<table``, ``<p>``, ``<div``;
       * csv: one of ``, ; TAB |`` gives the same field count (at least 2) on at least
         :data:`CSV_SHARE` of the first 20 non-blank records, over at least
         :data:`CSV_MIN_RECORDS` records, and the text has no Markdown pipe-table separator
         (``|---|---|``) and its rows are not ``|``-fenced;
       * markdown: a pipe-table separator line, or at least :data:`MARKDOWN_MIN_SIGNALS` of:
         ATX headings (``# ``), ``===``-underlined headings, ``**bold**``/``__bold__``,
         ``[text](url)`` links, code fences;
       * text: anything else.
    """
    by_suffix = _SUFFIX_KINDS.get(PurePath(file_name).suffix.lower())
    if by_suffix is not None:
        return by_suffix
    head = decoded.text[:SNIFF_CHARS]
    head_lines = decoded.lines[:SNIFF_LINES]
    if _looks_like_html(head):
        return "html"
    pipe_table = any(_is_pipe_separator(line) for line in head_lines)
    if not pipe_table and _looks_like_delimited(decoded.lines):
        return "csv"
    if pipe_table or _markdown_signals(head) >= MARKDOWN_MIN_SIGNALS:
        return "markdown"
    return "text"


def _looks_like_html(head: str) -> bool:
    start = _skip_prologue(head).lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    return sum(1 for marker in _HTML_MARKERS if marker.search(head)) >= 2


def _skip_prologue(text: str) -> str:
    """The text after leading whitespace, a BOM, HTML comments and an XML declaration."""
    text = text.lstrip().removeprefix("\ufeff").lstrip()
    while text.startswith(("<!--", "<?")):
        close = "-->" if text.startswith("<!--") else "?>"
        end = text.find(close)
        if end < 0:
            return ""
        text = text[end + len(close) :].lstrip()
    return text


def _looks_like_delimited(lines: Sequence[str]) -> bool:
    guess = detect_delimiter(lines)
    if guess is None or guess.share < CSV_SHARE or guess.records < CSV_MIN_RECORDS:
        return False
    if guess.delimiter == "|":
        head = [line for line in lines[:SNIFF_LINES] if line.strip()]
        fenced = sum(1 for line in head if line.strip().startswith("|"))
        return fenced * 2 < len(head)
    return True


def _is_pipe_separator(line: str) -> bool:
    """A Markdown table's delimiter row: only pipes, dashes, colons and spaces, with both."""
    stripped = line.strip()
    return "|" in stripped and "-" in stripped and not stripped.strip("|-: \t")


def _markdown_signals(head: str) -> int:
    return sum(len(signal.findall(head)) for signal in _MARKDOWN_SIGNALS)
