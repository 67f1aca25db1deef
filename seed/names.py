"""Names a document defines: "Human Resource Management (HRM)" makes "HRM" another name of
Human Resource Management, for the disciplines and aspects the document goes on to name.

An abbreviation is taken only where its letters fit the name it follows: the name's first letter
is the abbreviation's, and the abbreviation's letters appear in the name in order ("SRE" in
"Site Reliability Engineering", "VWL" in "Volkswirtschaftslehre"). One abbreviation defined for
two different names ("PM" for Project and Product Management) is ambiguous: it is reported and
becomes the alias of neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.domain.names import slugify
from seed.records import Span

_MAX_NAME_WORDS = 6
# "(HRM)", "(SRE)", "(KPIs)", "(R&D)": a capital, then up to nine letters, "&", "." or "/".
_DEFINED = re.compile(r"\((?P<abbr>[A-Z][A-Za-z&./]{1,9})\)")
_WORD = re.compile(r"[^\W\d_][\w'\u2019&-]*")
_TRAILING = re.compile(r"^(?P<name>.*\S)\s*\((?P<abbr>[A-Z][A-Za-z&./]{1,9})\)\s*$")


def fits(abbreviation: str, name: str) -> bool:
    """Whether ``abbreviation`` abbreviates ``name`` (see the module docstring)."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    # A trailing lowercase "s" is a plural ("KPIs"), not a letter of the name.
    if len(letters) > 2 and abbreviation.endswith("s") and abbreviation[:-1].isupper():
        letters = letters[:-1]
    text = name.lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    position = 1
    for letter in letters[1:]:
        found = text.find(letter, position)
        if found < 0:
            return False
        position = found + 1
    return True


def split_trailing(label: str) -> tuple[str, str | None]:
    """``"Site Reliability Engineering (SRE)"`` → ``("Site Reliability Engineering", "SRE")``;
    a label without a fitting trailing abbreviation comes back whole."""
    match = _TRAILING.match(label)
    if match and fits(match["abbr"], match["name"]):
        return match["name"], match["abbr"]
    return label, None


@dataclass(frozen=True, slots=True)
class Ambiguous:
    abbreviation: str
    names: tuple[str, ...]
    span: Span


@dataclass(slots=True)
class Names:
    """The abbreviations one document defines, by the abbreviation's key."""

    defined: dict[str, str] = field(default_factory=dict)
    ambiguous: list[Ambiguous] = field(default_factory=list)

    def canonical(self, label: str) -> tuple[str, tuple[str, ...]]:
        """The name to file ``label`` under, and the other names it should answer to."""
        name, abbreviation = split_trailing(label)
        if abbreviation is not None:
            return name, (abbreviation, label)
        full = self.defined.get(slugify(label))
        if full is not None and slugify(full) != slugify(label):
            return full, (label,)
        return label, ()


def find_names(lines: Iterable[tuple[int, str]]) -> Names:
    """Every abbreviation defined in ``lines`` (line number, text)."""
    found: dict[str, tuple[str, str, int]] = {}  # key → (abbreviation, name, line)
    clashes: dict[str, Ambiguous] = {}
    for number, text in lines:
        for match in _DEFINED.finditer(text):
            abbreviation = match["abbr"]
            name = _name_before(text[: match.start()], abbreviation)
            if name is None:
                continue
            key = slugify(abbreviation)
            earlier = found.get(key)
            if earlier is None:
                found[key] = (abbreviation, name, number)
            elif slugify(earlier[1]) != slugify(name):
                known = clashes.get(key)
                both = (*(known.names if known else (earlier[1],)), name)
                clashes[key] = Ambiguous(abbreviation, both, Span(earlier[2], number))
    result = Names()
    for key, (_, name, _) in found.items():
        if key not in clashes:
            result.defined[key] = name
    result.ambiguous = list(clashes.values())
    return result


def _name_before(text: str, abbreviation: str) -> str | None:
    """The longest run of the last few words before the parenthesis that ``abbreviation``
    abbreviates, starting with a word whose first letter is the abbreviation's."""
    words = _WORD.findall(text)[-_MAX_NAME_WORDS:]
    tail = text.rstrip()
    if not words or not tail or not tail.endswith(words[-1]):
        return None  # "(HRM)" not right after a word: "… 2023 (HRM)", "… ), (HRM)"
    for start in range(len(words)):
        candidate = " ".join(words[start:])
        starts_well = (
            words[start][0].isupper() or words[start][0].lower() == abbreviation[0].lower()
        )
        if (
            starts_well
            and fits(abbreviation, candidate)
            and _initials_fit(abbreviation, words[start:])
        ):
            return candidate
    return None


def _initials_fit(abbreviation: str, words: list[str]) -> bool:
    """No more significant words than the abbreviation has letters: "Project management
    (PM)", not "Our Project management (PM)"."""
    significant = [w for w in words if len(w) > 3 or w[0].isupper()]
    letters = sum(c.isalpha() for c in abbreviation.rstrip("s")) or 1
    return len(significant) <= max(letters, 1)
