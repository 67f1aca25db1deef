"""Requests the HTTP server lets through but HTTP forbids, refused as 400 problems.

The server (uvicorn) answers what it cannot parse at all with a plain-text 400 of its own
before the app sees it; what it parses but does not check reaches the app, and is refused
here, as problem+json like every other error, naming what is wrong:

- a missing ``Host`` on an HTTP/1.1 request, more than one ``Host``, or one that is not a host
  name or address with an optional port (RFC 9112 §3.2);
- invalid percent-encoding in the path or the query string: a ``%`` not followed by two hex
  digits, or escapes that do not decode to UTF-8 (the server would pass them on as the
  replacement character, so a key or filter would silently name something else).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote_to_bytes

from starlette.types import Scope

from app.domain.errors import BadRequest

# uri-host [":" port] (RFC 3986 §3.2.2): an IP literal, or a registered name or IPv4 address.
_HOST = re.compile(
    rb"(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9._~!$&'()*+,;=:-]+\]"
    rb"|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::[0-9]*)?"
)
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def check_request(scope: Scope, hosts: Sequence[bytes]) -> BadRequest | None:
    """The problem with the request's syntax, if it has one; ``hosts`` are its ``Host``
    header values."""
    if len(hosts) > 1:
        return _bad(
            "header", "Host", f"The request has {len(hosts)} Host headers; send exactly one."
        )
    if not hosts and scope.get("http_version") == "1.1":
        return _bad("header", "Host", "An HTTP/1.1 request must have a Host header; add one.")
    if hosts and not _HOST.fullmatch(hosts[0]):
        return _bad(
            "header", "Host", f"The Host header {hosts[0].decode('latin-1')!r} is not a host "
            "name or address with an optional port (such as api.example.org:8000).",
        )  # fmt: skip
    raw_path: bytes = scope.get("raw_path") or b""
    if not _well_encoded(raw_path):
        return _bad(
            "path", "path", "The path has invalid percent-encoding: write each byte as % and "
            "two hex digits, and encode text as UTF-8 (é is %C3%A9).",
        )  # fmt: skip
    query: bytes = scope.get("query_string", b"")
    if b"%" in query or not query.isascii():
        return _check_query(query)
    return None


def _check_query(query: bytes) -> BadRequest | None:
    for item in query.split(b"&"):
        name, _, value = item.partition(b"=")
        if not _well_encoded(name):
            return _bad(
                "query", "", "A query parameter's name has invalid percent-encoding: write "
                "each byte as % and two hex digits, and encode text as UTF-8 (é is %C3%A9).",
            )  # fmt: skip
        if not _well_encoded(value):
            shown = unquote_to_bytes(name.replace(b"+", b" ")).decode()
            return _bad(
                "query", shown, f"The query parameter {shown!r} has invalid percent-encoding: "
                "write each byte as % and two hex digits, and encode text as UTF-8 "
                "(é is %C3%A9).",
            )  # fmt: skip
    return None


def _well_encoded(part: bytes) -> bool:
    if b"%" not in part:
        return part.isascii()
    if not part.isascii() or _BAD_ESCAPE.search(part):
        return False
    try:
        unquote_to_bytes(part).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad(where: str, name: str, detail: str) -> BadRequest:
    reason = "malformed" if where == "header" else "invalid percent-encoding"
    return BadRequest(detail, invalid_params=[{"in": where, "name": name, "reason": reason}])
