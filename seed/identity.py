"""Which stored fact a freshly parsed one is: the keys a re-import matches facts on.

A description's key is structural: its source, aspect and discipline (unique in the database).
Definitions, uses and FAQs have no such key, so they are matched within their list (a source's
definitions of one discipline, its uses of one discipline, its FAQs), in three rounds:

1. the same text, normalised (case folded, whitespace collapsed): the whole fact first, then its
   head alone (a use's title, an FAQ's question), so an FAQ whose answer was edited stays one;
2. of the facts left on both sides, the most similar pairs by rapidfuzz's ratio, each at or
   above :data:`SIMILAR`, best first, so an edited definition keeps its id;
3. what is left is new (a parsed fact) or gone (a stored one).

Position plays no part: inserting an item at the top of a list matches every other item to the
fact it was. Equal facts pair off in document order.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from rapidfuzz import fuzz

# A score of 0 to 100: above it two facts are one fact, edited. An edit of a few words in a
# sentence scores 85 to 95; two different definitions of one discipline rarely reach 60.
SIMILAR = 75.0
MAX_PAIRS = 1_000_000  # unmatched pairs compared at most (a list of a thousand facts each side)

T = TypeVar("T")
U = TypeVar("U")


def normalised(text: str) -> str:
    """``text`` for comparing: case folded, runs of whitespace made one space."""
    return " ".join(text.casefold().split())


def match(
    old: Sequence[T],
    new: Sequence[U],
    *,
    keys: Sequence[tuple[Callable[[T], Hashable], Callable[[U], Hashable]]],
    similar: tuple[Callable[[T], str], Callable[[U], str]],
    threshold: float = SIMILAR,
) -> dict[int, int]:
    """Pair items of ``new`` with items of ``old``: ``{new index: old index}``.

    ``keys`` are the rounds of exact matching (a key of an old item, the same key of a new one),
    tried in order; ``similar`` gives the text the similarity round compares.
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for old_key, new_key in keys:
        waiting: dict[Hashable, deque[int]] = defaultdict(deque)
        for index, item in enumerate(old):
            if index not in taken:
                waiting[old_key(item)].append(index)
        for index, new_item in enumerate(new):
            if index in pairs:
                continue
            candidates = waiting.get(new_key(new_item))
            if candidates:
                pairs[index] = candidates.popleft()
                taken.add(pairs[index])
    left_new = [index for index in range(len(new)) if index not in pairs]
    left_old = [index for index in range(len(old)) if index not in taken]
    if left_new and left_old and len(left_new) * len(left_old) <= MAX_PAIRS:
        old_text, new_text = similar
        olds = [(j, normalised(old_text(old[j]))) for j in left_old]
        ranked = []
        for i in left_new:
            text = normalised(new_text(new[i]))
            for j, other in olds:
                score = fuzz.ratio(text, other, score_cutoff=threshold)
                if score >= threshold:
                    ranked.append((-score, abs(i - j), i, j))
        ranked.sort()
        for _, _, new_index, old_index in ranked:
            if new_index not in pairs and old_index not in taken:
                pairs[new_index] = old_index
                taken.add(old_index)
    return pairs
