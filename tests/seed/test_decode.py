"""decode and sniff_kind: encodings, line splitting, each kind of refusal, and kind sniffing."""

from __future__ import annotations

import codecs
import random

import pytest

from seed.decode import Decoded, decode, detect_delimiter, sniff_kind, split_lines
from seed.records import SourceError

LIMIT = 100_000


def _decode(data: bytes, name: str = "notes.txt") -> Decoded:
    return decode(name, data, max_bytes=LIMIT)


def _refusal(data: bytes, *, max_bytes: int = LIMIT) -> SourceError:
    with pytest.raises(SourceError) as caught:
        decode("notes.txt", data, max_bytes=max_bytes)
    assert caught.value.file_name == "notes.txt"
    return caught.value


# Byte-order marks


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_bom_decides_the_encoding_and_is_stripped(bom: bytes, encoding: str) -> None:
    decoded = _decode(bom + "Aspect,Café\r\nScope,Übung\r\n".encode(encoding))
    assert decoded.encoding == encoding
    assert decoded.bom is True
    assert decoded.lines == ("Aspect,Café", "Scope,Übung")
    assert decoded.text == "Aspect,Café\nScope,Übung\n"
    assert decoded.newline == "\r\n"


def test_utf8_without_bom() -> None:
    decoded = _decode("naïve \u2013 \u201cquoted\u201d\n".encode())
    assert (decoded.encoding, decoded.bom) == ("utf-8", False)
    assert decoded.lines == ("naïve \u2013 \u201cquoted\u201d",)


def test_text_after_a_bom_must_be_valid_in_that_encoding() -> None:
    error = _refusal(codecs.BOM_UTF8 + b"ok\nbad \xff\n")
    assert error.line == 2
    assert "UTF-8 byte-order mark" in error.message
    assert "byte 0xff on line 2" in error.message


def test_a_bom_alone_is_an_empty_file() -> None:
    assert "empty" in _refusal(codecs.BOM_UTF8).message


# Single-byte encodings


def test_cp1252_curly_quotes() -> None:
    text = "Skills,with \u201cdouble-entry\u201d \u2013 the bookkeeper\u2019s job\u2026\r\n"
    decoded = _decode(text.encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.lines == (text.rstrip("\r\n"),)
    assert decoded.newline == "\r\n"


def test_cp1252_is_preferred_over_other_code_pages_that_fit() -> None:
    # charset-normalizer alone reads this as cp1250 ("ď" for "ï") or mac_turkish.
    text = "L\u2019été à Paris : « naïve » café, œuvre, déjà.\nGröße, Übergänge und Straße.\n"
    decoded = _decode(text.encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert decoded.text == text


def test_latin1_only_text_reads_as_latin1() -> None:
    # Every printable latin-1 character is the same character in cp1252.
    text = "Café crème, £5 or ½ price, señor, Ørsted, déjà vu\n"
    decoded = _decode(text.encode("latin-1"))
    assert decoded.encoding in {"cp1252", "iso8859-1"}
    assert decoded.text == text


def test_a_clearly_cyrillic_file_is_not_forced_into_cp1252() -> None:
    text = "Привет, как дела? Это тестовый текст на русском языке.\nВторая строка текста.\n"  # noqa: RUF001
    decoded = _decode(text.encode("cp1251"))
    assert decoded.encoding == "cp1251"
    assert decoded.text == text


def test_undecodable_bytes_name_the_line_and_byte() -> None:
    rng = random.Random(0)
    noise = bytes(rng.randrange(0x20, 0x100) for _ in range(200))
    data = b"ok\nfine\nstill fine\n" + noise
    first_bad = next(byte for byte in noise if byte >= 0x80)
    error = _refusal(data)
    assert error.line == 4
    assert "not valid UTF-8 text and no other encoding fits" in error.message
    assert f"byte 0x{first_bad:02x} on line 4" in error.message
    assert str(error).startswith("notes.txt:4: ")


def test_mostly_utf8_with_stray_bytes_is_damaged_utf8_not_cp1252() -> None:
    data = "Scope,café \u2013 naïve\n".encode() + b"Skills,\x93double-entry\x94 recording\n"
    error = _refusal(data)
    assert error.line == 2
    assert "byte 0x93 on line 2" in error.message
    assert "rest of the file is UTF-8" in error.message


# Binary content


def test_nul_bytes_are_binary_and_name_the_line() -> None:
    noise = random.Random(1).randbytes(300).replace(b"\n", b"").replace(b"\r", b"")
    error = _refusal(b"first\r\nsecond\nthird " + b"\x00" + noise)
    assert error.line == 3
    assert "binary content (NUL byte)" in error.message


def test_a_high_share_of_control_characters_is_binary() -> None:
    error = _refusal(b"header\n" + b"\x01\x02\x03\x04ab\x05\x06cd\n" * 50)
    assert "control characters" in error.message
    assert error.line == 2


def test_nul_characters_after_a_utf16_bom_are_binary() -> None:
    data = codecs.BOM_UTF16_LE + "one\ntwo\x00three\n".encode("utf-16-le")
    error = _refusal(data)
    assert error.line == 2
    assert "NUL" in error.message


def test_form_feeds_tabs_and_an_escape_or_two_are_text() -> None:
    decoded = _decode(b"page one\tcol\x0cpage two\n\x1b[1mbold\x1b[0m and a long line of text\n")
    assert len(decoded.lines) == 2


# Line splitting


def test_mixed_newlines() -> None:
    decoded = _decode(b"a\r\nb\nc\rd\n")
    assert decoded.lines == ("a", "b", "c", "d")
    assert decoded.text == "a\nb\nc\nd\n"
    assert decoded.newline == "mixed"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_one_newline_style(newline: str) -> None:
    decoded = _decode(newline.join(["a", "b", ""]).encode())
    assert decoded.lines == ("a", "b")
    assert decoded.newline == newline


def test_no_newline_at_all_counts_as_lf() -> None:
    decoded = _decode(b"just one line")
    assert decoded.lines == ("just one line",)
    assert decoded.newline == "\n"


@pytest.mark.parametrize("separator", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"])
def test_other_unicode_line_separators_do_not_split(separator: str) -> None:
    decoded = _decode(f"one{separator}still one\ntwo\n".encode())
    assert decoded.lines == (f"one{separator}still one", "two")


def test_a_final_newline_adds_no_line_but_a_blank_last_line_is_kept() -> None:
    assert _decode(b"a\nb\n").lines == ("a", "b")
    assert _decode(b"a\nb\n\n").lines == ("a", "b", "")
    assert _decode(b"a\r\n\r\nb").lines == ("a", "", "b")


@pytest.mark.parametrize("data", [b"a\nb", b"a\r\nb\r\n", b"a\n\n", b"a\r\rb\r\n\r\n"])
def test_text_splits_back_into_the_same_lines(data: bytes) -> None:
    decoded = _decode(data)
    assert tuple(split_lines(decoded.text)) == decoded.lines
    assert "\r" not in decoded.text


def test_split_lines_matches_decode() -> None:
    assert split_lines("a\r\nb\rc\n\x0cd\n") == ["a", "b", "c", "\x0cd"]
    assert split_lines("") == []
    assert split_lines("\n") == [""]


# Empty, whitespace-only and oversized files


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "file is empty"),
        (b" \n\t\r\n  \n", "only whitespace"),
        ("\u00a0\n\u00a0".encode(), "only whitespace"),
        (codecs.BOM_UTF8 + b" \r\n", "only whitespace"),
        (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "only whitespace"),
    ],
    ids=["empty", "whitespace", "nbsp", "bom then whitespace", "utf-16 whitespace"],
)
def test_empty_and_whitespace_files_are_refused(data: bytes, fragment: str) -> None:
    error = _refusal(data)
    assert fragment in error.message
    assert error.line is None


def test_the_size_limit_names_size_limit_and_option() -> None:
    error = _refusal(b"x" * 2_001, max_bytes=2_000)
    assert "2,001 bytes" in error.message
    assert "2,000-byte limit" in error.message
    assert "--max-bytes" in error.message
    assert error.line is None


def test_a_file_at_the_limit_is_accepted() -> None:
    assert decode("notes.txt", b"x" * 2_000, max_bytes=2_000).lines == ("x" * 2_000,)


# sniff_kind


CSV_TEXT = "Aspect,Agile,Waterfall\nApproach,Iterative,Linear\nTesting,Every sprint,At the end\n"
HTML_PAGE = (
    "<!-- saved from a browser -->\n<!DOCTYPE html>\n<html><head><title>x</title></head>\n"
    "<body><p>Hello</p></body></html>\n"
)
HTML_FRAGMENT = "<div class='page'>\n<p>Intro</p>\n<table><tr><td>a</td></tr></table>\n</div>\n"
MARKDOWN = (
    "# Agile vs Waterfall\n\nSome **bold** prose with a [link](https://x.example).\n\n"
    "| Aspect | Agile | Waterfall |\n|---|---|---|\n| Approach | Iterative | Linear |\n"
    "| Testing | Every sprint | At the end |\n| Risk | Early | Late |\n"
)
PROSE = (
    "Agile and waterfall are two ways to run a project.\n"
    "In agile, work is delivered in short sprints, and requirements evolve.\n"
    "Waterfall, by contrast, completes each phase before the next one begins.\n"
    "Neither is better in general; it depends on the project.\n"
)


def _kind(name: str, text: str) -> str:
    return sniff_kind(name, _decode(text.encode(), name))


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("table.txt", CSV_TEXT, "csv"),
        ("table.txt", CSV_TEXT.replace(",", ";"), "csv"),
        ("table.txt", CSV_TEXT.replace(",", "\t"), "csv"),
        ("table", CSV_TEXT, "csv"),
        ("page.txt", HTML_PAGE, "html"),
        ("page.txt", HTML_FRAGMENT, "html"),
        ("notes.txt", MARKDOWN, "markdown"),
        ("notes.txt", MARKDOWN.replace("# ", "").replace("**", ""), "markdown"),
        ("notes.txt", "Title\n=====\n\n## Section\n\nText.\n", "markdown"),
        ("notes.txt", PROSE, "text"),
        ("notes.txt", "# only one heading-like line\n" + PROSE, "text"),
        ("notes.log", PROSE, "text"),
    ],
    ids=[
        "txt csv",
        "txt semicolons",
        "txt tabs",
        "no suffix csv",
        "txt html page",
        "txt html fragment",
        "txt markdown",
        "txt pipe table only",
        "setext and atx headings",
        "prose with commas",
        "one signal is not markdown",
        "unknown suffix prose",
    ],
)
def test_sniff_kind_by_content(name: str, text: str, kind: str) -> None:
    assert _kind(name, text) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("data.csv", "csv"),
        ("data.TSV", "csv"),
        ("data.tab", "csv"),
        ("page.html", "html"),
        ("page.htm", "html"),
        ("page.xhtml", "html"),
        ("notes.md", "markdown"),
        ("notes.markdown", "markdown"),
    ],
)
def test_sniff_kind_explicit_suffix_wins(name: str, kind: str) -> None:
    # A ".csv" that is really HTML stays csv, an ".md" that is CSV stays markdown, ...
    for text in (HTML_PAGE, CSV_TEXT, PROSE):
        assert _kind(name, text) == kind


def test_detect_delimiter_prefers_consistent_counts_over_commas_in_cells() -> None:
    lines = [
        "Feature;Python;Java",
        "Typing;Dynamic, with hints;Static",
        "Syntax;Concise, indented;Verbose, braces, semicolons",
        "Speed;Slower;Faster",
    ]
    guess = detect_delimiter(lines)
    assert guess is not None
    assert (guess.delimiter, guess.fields, guess.share) == (";", 3, 1.0)


def test_detect_delimiter_finds_none_in_single_column_text() -> None:
    assert detect_delimiter(["just", "words", "here"]) is None
