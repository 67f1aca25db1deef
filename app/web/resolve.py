"""Parameters of read operations, resolved once per request at the cost of their validation.

FastAPI's own resolver re-inspects every parameter's declaration on every request (is it a
sequence? a model? which alias?) and walks the dependency tree with an exit stack; on a read that
runs in well under a millisecond, that is more than half the time. The read operations use a
small subset of what it supports: query and path parameters, ``async`` dependencies that take
only query parameters, and the request. For an operation that stays within that subset,
:func:`plan` works out those decisions once, when the route is built, and the request path only
looks values up and validates them with a pydantic ``TypeAdapter`` built from the same
declaration FastAPI documents. Errors are the ``RequestValidationError`` FastAPI raises, with
the same locations and messages. Anything outside the subset keeps FastAPI's resolver.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any

from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined
from starlette.requests import Request

_SEQUENCES = (list, tuple, set, frozenset, Sequence)
_IMMUTABLE = (type(None), bool, int, float, str, bytes, tuple, frozenset)


@dataclass(frozen=True)
class _Param:
    """One query or path parameter: where to find it and how to validate it."""

    name: str  # the endpoint's argument
    alias: str  # the name in the URL
    location: str  # "query" or "path"
    many: bool  # a list parameter: every occurrence, not the last
    adapter: TypeAdapter[Any]
    required: bool
    default: Any

    def resolve(self, request: Request, values: dict[str, Any], errors: list[Any]) -> None:
        if self.location == "path":
            raw: Any = request.path_params.get(self.alias)
        elif self.many:
            raw = request.query_params.getlist(self.alias) or None
        else:
            raw = request.query_params.get(self.alias)
        loc = (self.location, self.alias)
        if raw is None:
            if self.required:
                errors.append(
                    {"type": "missing", "loc": loc, "msg": "Field required", "input": None}
                )
            else:
                default = self.default
                values[self.name] = (
                    default if isinstance(default, _IMMUTABLE) else deepcopy(default)
                )
            return
        try:
            values[self.name] = self.adapter.validate_python(raw)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                errors.append({**error, "loc": (*loc, *error["loc"])})


@dataclass(frozen=True)
class _Dependency:
    """An ``async`` dependency taking only query parameters; ``name`` None discards its value."""

    name: str | None
    call: Callable[..., Awaitable[Any]]
    params: tuple[_Param, ...]


Resolver = Callable[[Request], Awaitable[dict[str, Any]]]


def plan(dependant: Dependant) -> Resolver | None:
    """A resolver for ``dependant``'s arguments, or None if it needs FastAPI's full resolver."""
    if not _plain(dependant, top=True):
        return None
    # In FastAPI's order, so errors are listed as it lists them: dependencies, then the
    # operation's own path and query parameters.
    params = tuple(_param(field, "path") for field in dependant.path_params) + tuple(
        _param(field, "query") for field in dependant.query_params
    )
    dependencies = []
    for sub in dependant.dependencies:
        if not _plain(sub, top=False):
            return None
        call = sub.call
        assert call is not None
        sub_params = tuple(_param(field, "query") for field in sub.query_params)
        dependencies.append(_Dependency(sub.name, call, sub_params))
    request_name = dependant.request_param_name

    async def resolve(request: Request) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors: list[Any] = []
        for dependency in dependencies:
            arguments: dict[str, Any] = {}
            failed = len(errors)
            for param in dependency.params:
                param.resolve(request, arguments, errors)
            if len(errors) == failed:
                value = await dependency.call(**arguments)
                if dependency.name is not None:
                    values[dependency.name] = value
        for param in params:
            param.resolve(request, values, errors)
        if errors:
            raise RequestValidationError(errors)
        if request_name is not None:
            values[request_name] = request
        return values

    return resolve


def _plain(dependant: Dependant, *, top: bool) -> bool:
    """Whether ``dependant`` uses only what :func:`plan` resolves."""
    if dependant.header_params or dependant.cookie_params or dependant.body_params:
        return False
    if dependant.own_oauth_scopes or dependant.websocket_param_name:
        return False
    if dependant.http_connection_param_name or dependant.response_param_name:
        return False
    if dependant.background_tasks_param_name or dependant.security_scopes_param_name:
        return False
    if top:
        return True
    call = dependant.call
    return (
        call is not None
        and inspect.iscoroutinefunction(call)
        and not dependant.dependencies
        and not dependant.path_params
        and dependant.request_param_name is None
    )


def _param(field: Any, location: str) -> _Param:
    info = field.field_info
    annotation = info.annotation
    required = info.is_required()
    default = None if info.default is PydanticUndefined else info.default
    return _Param(
        name=field.name,
        alias=field.alias,
        location=location,
        many=location == "query" and is_sequence(annotation),
        adapter=TypeAdapter(Annotated[annotation, info]),  # type: ignore[arg-type]
        required=required,
        default=default,
    )


def is_sequence(annotation: Any) -> bool:
    """Whether a parameter of this type takes every occurrence in the query, not one."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType):
        return any(is_sequence(arg) for arg in typing.get_args(annotation) if arg is not None)
    if origin is Annotated:
        return is_sequence(typing.get_args(annotation)[0])
    target = origin or annotation
    return (
        isinstance(target, type) and issubclass(target, _SEQUENCES) and target not in (str, bytes)
    )
