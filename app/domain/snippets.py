"""Snippets: a short, HTML-escaped extract of a text with the query's words marked.

Built here rather than by the database, so they are the same on both backends.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence

from app.domain.terms import WORD, Terms

SNIPPET_WORDS = 16
SNIPPET_LEAD = 4  # words shown before the first match
MAX_WORD_CHARS = 80  # a "word" may be a whole CJK sentence: shorten it in a snippet
MAX_GAP_CHARS = 40  # and so may the punctuation, symbols or emoji between two words
MARK, END_MARK, CUT = "<mark>", "</mark>", "…"


def make_snippet(fields: Sequence[str], terms: Terms) -> str:
    """A short, HTML-escaped extract of the field that matches most query terms (ties: first)."""
    field, best_score = fields[0] if fields else "", -1
    best: tuple[str, dict[int, str]] | list[str] | None = None
    for candidate in fields:  # scored on the words alone; positions only for the one shown
        found: tuple[str, dict[int, str]] | list[str]
        if candidate.isascii():
            spaced = " " + candidate.lower().translate(_ASCII_SPACES) + " "
            hits = _ascii_hits(spaced, terms)
            found, score = (spaced, hits), len(set(hits.values()))
        else:
            found = _lowered_words(candidate)
            score = _score(found, terms)
        if score > best_score:
            field, best, best_score = candidate, found, score
    if isinstance(best, tuple):
        return _ascii_snippet(field, best[1])
    lowered = best if best is not None else []
    count = len(lowered)
    if not count:
        return _no_words(field)
    hits = {i: t for i, word in enumerate(lowered) if (t := terms.term_of(word)) is not None}
    start = _best_window(hits, count)
    end = min(count, start + SNIPPET_WORDS)
    shown = list(itertools.islice(WORD.finditer(field), end))  # spans: up to the last shown
    escape = _escape if _needs_escaping(field) else _same
    parts = [CUT] if start > 0 else []
    offset = shown[start].start() if start > 0 else 0
    for index in range(start, end):
        match = shown[index]
        parts.append(escape(_shorten(field[offset : match.start()], MAX_GAP_CHARS)))
        word = escape(_shorten(match.group(), MAX_WORD_CHARS))
        parts.append(f"{MARK}{word}{END_MARK}" if index in hits else word)
        offset = match.end()
    parts.append(escape(_shorten(field[offset:], MAX_GAP_CHARS)) if end == count else CUT)
    return " ".join("".join(parts).split())


def _ascii_snippet(field: str, hits: dict[int, str]) -> str:
    """:func:`make_snippet` for an ASCII text, from its pieces rather than word by word.

    Splitting at the words gives gap, word, gap, …, gap in one call: word ``i`` is piece
    ``2i + 1``, the window is one slice of the list, and only a window holding a piece too long
    to show whole, or a text with something to escape, needs a second look at each piece.
    """
    pieces = _ASCII_PIECES.split(field)
    count = len(pieces) // 2
    if not count:
        return _no_words(field)
    start = _best_window(hits, count)
    end = min(count, start + SNIPPET_WORDS)
    # From the gap before the first word when the window starts the text, else from the window's
    # first word; to the text's tail when the window ends it, else to the last word shown.
    first = 2 * start + 1 if start > 0 else 0
    window = pieces[first : 2 * end + 1 if end == count else 2 * end]
    if max(map(len, window)) > MAX_GAP_CHARS:  # a gap over its limit, or a word maybe over its
        window = [
            _shorten(piece, MAX_WORD_CHARS if (first + at) % 2 else MAX_GAP_CHARS)
            for at, piece in enumerate(window)
        ]
    if _needs_escaping(field):
        window = [_escape(piece) for piece in window]
    for index in hits:
        if start <= index < end:
            at = 2 * index + 1 - first
            window[at] = f"{MARK}{window[at]}{END_MARK}"
    if start > 0:
        window.insert(0, CUT)
    if end < count:
        window.append(CUT)
    return " ".join("".join(window).split())


def _no_words(field: str) -> str:
    return html.escape(" ".join(field.split())[: SNIPPET_WORDS * 8], quote=False)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + CUT


def _needs_escaping(text: str) -> bool:
    # html.escape(quote=False) only rewrites these: most texts need no escaping at all.
    return "&" in text or "<" in text or ">" in text


# In an ASCII text, a word is a run of ASCII letters and digits; lower-casing keeps its length.
_ASCII_PIECES = re.compile(r"([A-Za-z0-9]+)")  # split() keeps the words: gap, word, …, gap
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _ascii_hits(spaced: str, terms: Terms) -> dict[int, str]:
    """Word index → the term it matches, in word order, for an ASCII text lower-cased with
    everything but letters and digits turned into spaces and a space added at each end.

    Each word is found by searching for it between spaces, so the scan is the string search's,
    not a loop over words. A word equal to an exact term is that term even when it also starts
    with the prefix, as in :meth:`Terms.term_of`.
    """
    at_char: dict[int, str] = {}
    needles = [(" " + terms.prefix, terms.prefix)] if terms.prefix is not None else []
    needles += [(f" {term} ", term) for term in terms.exact]  # after the prefix: they win
    for needle, term in needles:
        at = spaced.find(needle)
        while at >= 0:
            at_char[at] = term
            at = spaced.find(needle, at + 1)
    hits: dict[int, str] = {}
    index, last = 0, 0
    for at in sorted(at_char):
        index += len(spaced[last:at].split())  # the words between the previous hit and this one
        last = at
        hits[index] = at_char[at]
    return hits


def _lowered_words(field: str) -> list[str]:
    # Lower-casing may change a non-ASCII text's length or its word breaks: word by word there.
    return [word.lower() for word in WORD.findall(field)]


def _score(words: Sequence[str], terms: Terms) -> int:
    """How many distinct query terms the (lower-cased) ``words`` match."""
    return len({terms.term_of(word) for word in set(words)} - {None})


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _same(text: str) -> str:
    return text


def _best_window(hits: dict[int, str], count: int) -> int:
    """The first word of the window showing the most distinct terms, then the most matches.

    ``hits`` maps the index of each matching word (of ``count``), in word order, to the term it
    matches. Windows start a few words before each hit, so their starts only grow: the hits
    inside are a slice of the list that both ends of move forward.
    """
    indices, matched = list(hits), list(hits.values())
    best, best_key = 0, (0, 0)
    low = high = 0
    for index in indices:
        start = max(0, min(index - SNIPPET_LEAD, count - SNIPPET_WORDS))
        while indices[low] < start:
            low += 1
        high = max(high, low)
        while high < len(indices) and indices[high] < start + SNIPPET_WORDS:
            high += 1
        key = (len(set(matched[low:high])), high - low)
        if key > best_key:
            best, best_key = start, key
    return best
