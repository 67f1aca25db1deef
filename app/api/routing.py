"""The route class every API route uses: unknown query parameters are an error, not ignored.

A typo such as ``?disipline=operations`` must not silently return unfiltered data, so a query
parameter the operation does not declare is a 400 problem that names it and lists the ones the
operation takes (with the closest as a suggestion).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from rapidfuzz import process

from app.errors import BadRequest

# Parameters every GET operation accepts, whether or not it declares them.
GLOBAL_QUERY_PARAMS = frozenset({"format"})


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class StrictQueryRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        allowed = frozenset(_query_names(self.dependant)) | GLOBAL_QUERY_PARAMS

        async def strict_handler(request: Request) -> Response:
            unknown = sorted(set(request.query_params.keys()) - allowed)
            if unknown:
                raise _unknown_parameters(unknown, allowed)
            _reject_nul(request)
            return await handler(request)

        return strict_handler


def _reject_nul(request: Request) -> None:
    # No text in the dataset holds a NUL, and PostgreSQL cannot even compare one: refuse it here.
    for where, params in (("query", request.query_params.multi_items()),
                          ("path", list(request.path_params.items()))):  # fmt: skip
        for name, value in params:
            if "\x00" in str(value):
                raise BadRequest(
                    f"The {where} parameter {name!r} contains a NUL character; remove it.",
                    invalid_params=[{"in": where, "name": name, "reason": "contains NUL"}],
                )


def _unknown_parameters(unknown: list[str], allowed: frozenset[str]) -> BadRequest:
    hints = []
    for name in unknown:
        match = process.extractOne(name, sorted(allowed), score_cutoff=70)
        hints.append(f"{name!r} (did you mean {match[0]!r}?)" if match else repr(name))
    return BadRequest(
        f"Unknown query parameter {', '.join(hints)}. This operation accepts: "
        f"{', '.join(sorted(allowed))}.",
        invalid_params=[
            {"in": "query", "name": name, "reason": "unknown parameter"} for name in unknown
        ],
    )


def read_router(tag: str) -> APIRouter:
    """A router for read endpoints under ``/v1``: strict query, ``format``, documented formats."""
    # Imported here: app.api.params and responses build on this module's route class.
    from app.api.params import format_param
    from app.api.responses import FORMAT_RESPONSES

    return APIRouter(
        prefix="/v1",
        tags=[tag],
        route_class=StrictQueryRoute,
        dependencies=[Depends(format_param)],
        responses=FORMAT_RESPONSES,
    )
