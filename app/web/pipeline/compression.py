"""Compression: gzip for the requests whose ``Accept-Encoding`` accepts it, as RFC 9110
§12.5.3 reads the header.

:func:`coding` turns the header into what the answer gets: ``identity``, ``gzip`` (bodies over
the minimum size; smaller ones are not worth it), ``gzip-always`` (``identity`` is refused, by
``identity;q=0`` or by ``*;q=0`` without an ``identity`` entry, so even a small body is
gzipped), or None when both are refused, which is a 406 problem. ``gzip;q=0`` refuses gzip;
``x-gzip`` is gzip; ``*`` stands for every coding the header does not name; the coding with the
higher quality wins, gzip on a tie, and identity, when the header does not name it, comes after
every coding it lists. Without the header, or with it empty, the answer is not compressed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from starlette.middleware.gzip import GZipResponder
from starlette.types import ASGIApp, Receive, Scope, Send

from app.domain.errors import NotAcceptable
from app.web.pipeline.problems import answer_error
from app.web.qvalues import weighted

Coding = Literal["identity", "gzip", "gzip-always"]
_HEADER = b"accept-encoding"


@lru_cache(maxsize=256)
def coding(accept_encoding: str | None) -> Coding | None:
    """The coding an answer to a request with this ``Accept-Encoding`` (None: without one)
    gets; None when the header refuses every coding the server has."""
    if accept_encoding is None:
        return "identity"
    named: dict[str, float] = {}
    for name, quality in weighted(accept_encoding):
        name = "gzip" if name == "x-gzip" else name
        named[name] = max(quality, named.get(name, 0.0))
    star = named.get("*")
    gzip = named.get("gzip", star if star is not None else 0.0)
    # Not named, identity stays acceptable but comes after every coding the header lists.
    identity = named.get("identity", star)
    if gzip > 0 and (identity is None or gzip >= identity):
        return "gzip" if identity is None or identity > 0 else "gzip-always"
    return "identity" if identity is None or identity > 0 else None


def accept_encoding(scope: Scope) -> str | None:
    """The request's ``Accept-Encoding``, its lines joined; None without one."""
    lines = [value for name, value in scope["headers"] if name == _HEADER]
    return b", ".join(lines).decode("latin-1") if lines else None


class Compression:
    """gzip (Starlette's) where :func:`coding` says so; a 406 problem where it finds nothing
    acceptable; the other requests pass straight through."""

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = accept_encoding(scope) if scope["type"] == "http" else None
        if header is None:
            await self.app(scope, receive, send)
            return
        chosen = coding(header)
        if chosen == "identity":
            await self.app(scope, receive, send)
        elif chosen is not None:
            minimum = self.minimum_size if chosen == "gzip" else 0
            await GZipResponder(self.app, minimum)(scope, receive, send)
        else:
            refused = NotAcceptable(
                f"The Accept-Encoding header ({header!r}) refuses every coding this server "
                "has: gzip and identity (no coding). Accept one of them, or send no "
                "Accept-Encoding."
            )
            await answer_error(refused, scope, receive, send)
