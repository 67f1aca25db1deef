"""Recognise advertising and contact details (phone numbers, e-mail and postal addresses, calls
to action), which must never become records and are reported as such when skipped."""

from __future__ import annotations

import re

PHONE = "phone number"
EMAIL = "e-mail address"
POSTAL = "postal address"
CALL_TO_ACTION = "call to action"

PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15

_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
_LABELLED_PHONE = re.compile(
    r"\b(?:phone|tel|telephone|mobile|call us)\b\.?\s*(?:no\.?)?\s*:?\s*\+?\d", re.IGNORECASE
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Street words are matched capitalised only, so ordinary prose ("the road ahead") is not taken.
_STREET = re.compile(
    r"\b(?:Road|Rd\.|Street|St\.|Lane|Avenue|Ave\.|Marg|Nagar|Opp\.?|Opposite|P\.?O\.? Box"
    r"|Sr\. No)(?=\W|$)"
)
# An Indian PIN after a dash or comma ("Pune \u2013 412 308,"), or a US state and ZIP code.
_POSTCODE = re.compile(
    r"(?:[-\u2013\u2014,]\s*\d{3}\s?\d{3}|\b[A-Z]{2} \d{5}(?:-\d{4})?)(?=\s*(?:[,.]|$))"
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:apply (?:online|now|today)|contact (?:us|details)|get in touch|reach out|call us"
    r"|enrol(?:l)?(?:ment)? (?:now|today|online|is open|opens|closes)"
    r"|register (?:now|today|online|here)|registration (?:is )?(?:open|required|closes)"
    r"|(?:enrol(?:l)?ing|registering|signing up|applying) (?:in|for|on|at|today|now)\b"
    r"|book (?:now|today|a (?:place|call|consultation|demo))|sign up (?:now|today)"
    r"|visit our (?:campus|website|office|site))\b",
    re.IGNORECASE,
)


def contact_kinds(text: str) -> list[str]:
    """The kinds of contact detail ``text`` contains, in a fixed order; empty when none."""
    kinds = []
    if _LABELLED_PHONE.search(text) or any(
        _is_phone(match.group()) for match in _PHONE_CANDIDATE.finditer(text)
    ):
        kinds.append(PHONE)
    if _EMAIL.search(text):
        kinds.append(EMAIL)
    if _STREET.search(text) or _POSTCODE.search(text):
        kinds.append(POSTAL)
    if _CALL_TO_ACTION.search(text):
        kinds.append(CALL_TO_ACTION)
    return kinds


def _is_phone(candidate: str) -> bool:
    digits = sum(character.isdigit() for character in candidate)
    return PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS
