"""Names and keys: how labels written by sources become slugs that identify one thing.

A key is the slug form of a label: case, spaces, hyphens and punctuation do not matter, so
"Decision-Making", "decision making" and "Decision Making" share the key ``decision-making``.
Words do matter: "Decision-Making Level" is another key, and nothing here ever merges two labels
because they share a word. Anything looser than the key is a curated alias.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[\W_]+")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs", "with"}
)
MAX_SLUG_LENGTH = 200


@lru_cache(maxsize=16_384)
def slugify(label: str) -> str:
    """The key of ``label``: lowercase letters and digits, accents dropped ("é" is "e"), words
    joined by single hyphens. Letters of every script count ("מדעי המחשב" has a key); marks
    that only decorate a letter (accents, Hebrew points) do not."""
    if label.isascii():  # nothing to decompose: the common case, and an importer's hot path
        bare = label
    else:
        decomposed = unicodedata.normalize("NFKD", label)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.lower().replace("&", " and ")
    return _NON_ALNUM.sub("-", bare).strip("-")[:MAX_SLUG_LENGTH].rstrip("-")


def number_variants(key: str) -> tuple[str, ...]:
    """The key with its last word in the other grammatical number: ``kpis`` → ``kpi``,
    ``dietitian`` → ``dietitians``, ``strategy`` → ``strategies``. Only the last word changes
    (the head noun of a name), so nothing that differs in another word ever matches."""
    head, _, last = key.rpartition("-")
    if len(last) < 3 or not last.isalpha():
        return ()
    prefix = f"{head}-" if head else ""
    variants: list[str] = []
    if last.endswith("ies") and len(last) > 4:
        variants.append(last[:-3] + "y")
    elif last.endswith(("ses", "xes", "zes", "ches", "shes")):
        variants.append(last[:-2])
    if last.endswith("s") and not last.endswith("ss"):
        variants.append(last[:-1])
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        variants.append(last[:-1] + "ies")
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        variants.append(last + "es")
    else:
        variants.append(last + "s")
    return tuple(dict.fromkeys(prefix + variant for variant in variants if variant != last))


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
