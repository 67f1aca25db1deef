"""Names and keys: how labels written by sources become slugs that identify one thing.

A key is the slug form of a label: case, spaces, hyphens and punctuation do not matter, so
"Decision-Making", "decision making" and "Decision Making" share the key ``decision-making``.
Words do matter: "Decision-Making Level" is another key, and nothing here ever merges two labels
because they share a word. Anything looser than the key is a curated alias.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "with"}
)
MAX_SLUG_LENGTH = 200


def slugify(label: str) -> str:
    """The key of ``label``: ASCII, lowercase, words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.lower().replace("&", " and ")
    return _NON_ALNUM.sub("-", ascii_text).strip("-")[:MAX_SLUG_LENGTH].rstrip("-")


def display_name(label: str) -> str:
    """A name for a new aspect or discipline: the label, title-cased only if written all lowercase.

    Sources that write "level of responsibility" in running prose get "Level of Responsibility";
    a label that already has capitals ("KPIs", "Decision-Making") is kept as written.
    """
    if label != label.lower():
        return label
    words = label.split(" ")
    return " ".join(
        word if index and word in _SMALL_WORDS else word[:1].upper() + word[1:]
        for index, word in enumerate(words)
    )
