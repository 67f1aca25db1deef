"""The format registry: each format is one :class:`Renderer`, registered once.

Negotiation (``?format=`` and ``Accept``), the 400 for an unknown format, the 406 for an Accept
nothing can satisfy, and the media types OpenAPI documents all come from here. A renderer needs
one *view* of a response: ``model`` (the JSON-shaped answer) or ``table`` (rows and columns);
a route offers the views it can build, and so every format that needs one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from app.domain.errors import BadRequest, NotAcceptable
from app.web.qvalues import weighted


@dataclass(frozen=True)
class Table:
    """A tabular view of a response."""

    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[str] | None = None  # default: every flattened key, in first-seen order
    text_columns: Sequence[str] | None = None  # the narrower set for a terminal
    footer: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Views:
    """What a route hands the renderer: the model, and a table built only when asked for."""

    model: BaseModel | Mapping[str, Any]
    table: Callable[[], Table] | None = None


@dataclass(frozen=True)
class Renderer:
    """One format: its name for ``?format=``, its media type, the Accept ranges it answers
    (most specific first), the view it needs, and the function that renders it."""

    name: str
    media_type: str  # as sent in Content-Type
    ranges: tuple[str, ...]  # Accept media ranges it answers
    needs: str  # "model" or "table"
    render: Callable[[Views], bytes]
    schema: dict[str, Any] | None = None  # OpenAPI schema of a non-JSON body
    description: str = ""


class Registry:
    """The formats the service speaks, in order of preference (the first is the default)."""

    def __init__(self, renderers: Iterable[Renderer] = ()) -> None:
        self._renderers: dict[str, Renderer] = {}
        for renderer in renderers:
            self.register(renderer)

    def register(self, renderer: Renderer) -> None:
        if renderer.name in self._renderers:
            raise ValueError(f"format {renderer.name!r} is registered already")
        self._renderers[renderer.name] = renderer

    def with_(self, *renderers: Renderer) -> Registry:
        """A copy with more formats (for an app that speaks more than the default ones)."""
        return Registry([*self._renderers.values(), *renderers])

    def __getitem__(self, name: str) -> Renderer:
        return self._renderers[name]

    def offered(self, views: Iterable[str]) -> tuple[Renderer, ...]:
        """The formats a route that builds ``views`` offers."""
        wanted = set(views)
        return tuple(r for r in self._renderers.values() if r.needs in wanted)

    def negotiate(self, asked: str | None, accept: str, views: Iterable[str]) -> Renderer:
        """The format asked for: ``?format=`` wins over ``Accept``; the first offered when
        neither says. Raises a 400 problem for an unknown ``format``, 406 for an Accept that
        lists nothing offered. Quality values are read as :mod:`app.web.qvalues` says."""
        offered = self.offered(views)
        if asked is not None:
            for renderer in offered:
                if renderer.name == asked.lower():
                    return renderer
            names = ", ".join(r.name for r in offered)
            raise BadRequest(
                f"Unknown format {asked!r}; this operation offers {names} "
                "(or ask with an Accept header).",
                invalid_params=[{"in": "query", "name": "format", "reason": "unknown format"}],
            )
        if not accept.strip():
            return offered[0]
        return _from_accept(accept, offered)


def _from_accept(accept: str, offered: Sequence[Renderer]) -> Renderer:
    best: tuple[float, int, int] | None = None
    chosen: Renderer | None = None
    entries = weighted(accept)
    if not entries:  # only commas and blanks: no preference
        return offered[0]
    for order, (media, quality) in enumerate(entries):
        if quality <= 0:
            continue
        for preference, renderer in enumerate(offered):
            if _answers(renderer, media):
                rank = (quality, -order, -preference)
                if best is None or rank > best:
                    best, chosen = rank, renderer
                break
    if chosen is None:
        available = ", ".join(r.media_type.split(";")[0] for r in offered)
        names = "|".join(r.name for r in offered)
        raise NotAcceptable(
            f"Cannot answer in any type the Accept header lists ({accept!r}). Available: "
            f"{available} (or ?format={names})."
        )
    return chosen


def _answers(renderer: Renderer, media: str) -> bool:
    if media in renderer.ranges:
        return True
    return media.endswith("+json") and "application/json" in renderer.ranges
