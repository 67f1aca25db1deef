"""The words of a search query: what both full-text backends and the snippets agree a word is.

Whatever the user types becomes a list of words (runs of letters and digits); every word must
match, the last one also as a prefix while it is still being typed (the query ends in a letter
or digit) or when it is followed by ``*``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WORD = re.compile(r"[^\W_]+")  # what both index tokenizers call a word
MAX_TERM_CHARS = 200  # PostgreSQL ignores words over 2047 bytes; longer ones match nothing


@dataclass(frozen=True)
class Terms:
    """The words of a query, lower-cased; ``prefix`` is the last word when it is still open."""

    exact: tuple[str, ...]
    prefix: str | None

    @property
    def empty(self) -> bool:
        return not self.exact and self.prefix is None

    def term_of(self, word: str) -> str | None:
        """The query term a (lower-cased) word of a text matches, if any."""
        if word in self.exact:
            return word
        if self.prefix is not None and word.startswith(self.prefix):
            return self.prefix
        return None


def parse_terms(query: str) -> Terms:
    query = unicodedata.normalize("NFC", query)
    words = [word.lower() for word in WORD.findall(query)]
    # The last word is still being typed, or the user asked for a prefix with "*".
    open_ended = bool(words) and (WORD.match(query[-1]) is not None or query.rstrip()[-1] == "*")
    prefix = words.pop() if open_ended else None
    if prefix is not None and len(prefix) > MAX_TERM_CHARS:
        prefix = None
    exact = tuple(dict.fromkeys(word for word in words if len(word) <= MAX_TERM_CHARS))
    return Terms(exact, prefix)
