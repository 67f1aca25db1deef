"""Whitespace and line helpers shared by the reader and the parsers."""

from __future__ import annotations

EXCERPT_LENGTH = 80


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space and strip the ends."""
    return " ".join(text.split())


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only, so line numbers match what an editor shows.

    ``str.splitlines`` would also break on form feeds, U+2028 and friends, shifting every later
    line number away from the one a user sees.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """The first ``limit`` characters of ``text``, whitespace-normalised, marked when cut."""
    flat = normalise_space(text)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"
