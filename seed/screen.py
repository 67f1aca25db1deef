"""Screening: every extracted record is checked for what is never comparison content —
advertising and prices, contact details, web addresses, calls to action, share and copyright
lines — before it is loaded. A record that fails is skipped with the specific reason.
"""

from __future__ import annotations

import re

from seed.parsers.contact import contact_kinds

_URL = re.compile(r"\bhttps?://\S+|\bwww\.[\w-]+\.\w+|\b[\w-]+\.(?:com|org|net|io|example)\b/")
_CODES = r"USD|EUR|GBP|INR|ILS|CHF|AUD|CAD|NZD|JPY|SEK|NOK|DKK"
_AMOUNT = re.compile(rf"[$€£¥₹₪]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:{_CODES}|€|£|₪)|\b(?:{_CODES})\s?\d")
# A price is advertising when it is offered: a salary or a budget in a comparison is content.
_OFFER = re.compile(
    r"\b(?:fee|fees|price|pricing|discount|offer|enrol\w*|buy|only|per (?:month|year)|/\s?mo"
    r"|/\s?month|/\s?yr|plan|tuition|course|bootcamp|save|off|free trial|coupon"
    r"|tarifs?|prix|frais|remise|promo\w*|preis\w*|gebühr\w*|rabatt|angebot\w*|kursgebühr"
    r"|precio|matrícula|descuento)\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"^(?:share (?:this|on|via)|tweet this|follow us|like us on|subscribe\b|sign up (?:for|to)\b)"
    r"|\bshare (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email|pinterest|reddit)\b"
    r"|\b(?:subscribe to|sign up for|join) (?:our|the) (?:newsletter|mailing list)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\ball rights reserved\b|\bcopyright\b", re.IGNORECASE)
_MESSENGER = re.compile(r"\b(?:whatsapp|telegram|wechat|skype)\b", re.IGNORECASE)

ADVERTISING = "advertising"
PRICE = "price"
URL = "web address"
SHARE = "share or newsletter line"
COPYRIGHT = "copyright line"


def junk_reasons(text: str) -> list[str]:
    """Why ``text`` is not comparison content; empty when it may be."""
    reasons = list(contact_kinds(text))
    if _MESSENGER.search(text) and "phone number" not in reasons:
        reasons.append("messenger contact")
    if _URL.search(text):
        reasons.append(URL)
    if _AMOUNT.search(text) and _OFFER.search(text):
        reasons.append(PRICE)
    if _SHARE.search(text):
        reasons.append(SHARE)
    if _COPYRIGHT.search(text):
        reasons.append(COPYRIGHT)
    return reasons


def junk_reason(*texts: str) -> str | None:
    """One line saying why any of ``texts`` is junk, or None when none is."""
    found: list[str] = []
    for text in texts:
        found.extend(reason for reason in junk_reasons(text) if reason not in found)
    if not found:
        return None
    return f"advertising/contact details ({', '.join(found)}): not comparison content"
