"""Every error response is RFC 9457 ``application/problem+json``.

Routes raise an :class:`app.domain.errors.AppError` subclass; framework errors (unknown path,
wrong method, invalid parameters) and unexpected exceptions are translated by the handlers below
into the same shape. A response never carries a stack trace or SQL: unexpected errors are
logged, and the client gets a generic 500 problem.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from app.domain.errors import (
    BY_STATUS,
    PROBLEM_BASE,
    AppError,
    InvalidParameters,
    MethodNotAllowed,
    NotFound,
)

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_STATE = "request_id"  # where the request id layer leaves it in scope["state"]


class Problem(BaseModel):
    """An RFC 9457 problem document; extension members may be added by specific problems."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description="URI reference naming the problem type.", examples=["/problems/not-found"]
    )
    title: str = Field(description="Short summary of the problem type.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong in this request, and how to fix it.",
        examples=["No route matches /nope. See /docs for the API's paths."],
    )
    instance: str | None = Field(None, description="The request path the problem occurred on.")


def render_problem(error: AppError, scope: Scope | None = None) -> Response:
    """``error`` as an RFC 9457 document; with the request's ``scope``, its path is the
    ``instance`` and its request id is ``request_id``."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if scope is not None:
        body["instance"] = scope.get("path", "")
        request_id = scope.get("state", {}).get(REQUEST_ID_STATE)
        if request_id:
            body["request_id"] = request_id
    body.update(error.extensions)
    headers = {**error.headers, "Cache-Control": "no-store"}
    return Response(
        orjson.dumps(body), status_code=error.status, headers=headers, media_type=PROBLEM_JSON
    )


def problem_response(error: AppError, request: Request | None = None) -> Response:
    return render_problem(error, None if request is None else request.scope)


def _from_http_exception(exc: StarletteHTTPException, request: Request) -> AppError:
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return NotFound(f"No route matches {request.url.path}. See /docs for the API's paths.")
    if exc.status_code == 405:
        methods = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")  # app.web.cache.head_as_get answers HEAD wherever GET is allowed
            headers["Allow"] = ", ".join(methods)
        allowed = headers.get("Allow") or "another method"
        return MethodNotAllowed(
            f"{request.method} is not allowed on {request.url.path}; use {allowed}.",
            headers=headers,
        )
    error_class = BY_STATUS.get(exc.status_code)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else phrase
    if error_class is None:
        error = AppError(detail, headers=headers)
        error.status, error.title = exc.status_code, phrase
        error.slug = phrase.lower().replace(" ", "-")
        return error
    return error_class(detail, headers=headers)


def _invalid_params(exc: RequestValidationError) -> list[dict[str, str]]:
    params = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        where, name = (location[0], ".".join(location[1:])) if location else ("request", "")
        params.append({"in": where, "name": name, "reason": str(error.get("msg", "invalid"))})
    return params


async def _handle_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return problem_response(exc, request)


async def _handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(_from_http_exception(exc, request), request)


async def _handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    params = _invalid_params(exc)
    names = ", ".join(f"{p['in']} parameter {p['name']!r}: {p['reason']}" for p in params)
    error = InvalidParameters(
        f"The request has invalid parameters. {names}.", invalid_params=params
    )
    return problem_response(error, request)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
