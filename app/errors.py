"""One error model: every error response is RFC 9457 ``application/problem+json``.

Routes raise an :class:`AppError` subclass; framework errors (unknown path, wrong method,
invalid parameters) and unexpected exceptions are translated by the handlers below into the same
shape. A response never carries a stack trace or SQL: unexpected errors are logged, and the client
gets a generic 500 problem.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"

logger = logging.getLogger("versus.errors")


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


class AppError(Exception):
    """An unexpected error on the server; it has been logged. Retrying may help."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal Server Error"

    def __init__(
        self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class BadRequest(AppError):
    """The request is malformed: an unknown parameter, a bad cursor, an unsupported format."""

    status, slug, title = 400, "bad-request", "Bad Request"


class NotFound(AppError):
    """Nothing exists at this path or under this key; `suggestions` may list close keys."""

    status, slug, title = 404, "not-found", "Not Found"


class MethodNotAllowed(AppError):
    """The path exists but not for this HTTP method; the `Allow` header lists the methods."""

    status, slug, title = 405, "method-not-allowed", "Method Not Allowed"


class NotAcceptable(AppError):
    """No media type the Accept header lists can be produced; the detail names those that can."""

    status, slug, title = 406, "not-acceptable", "Not Acceptable"


class Conflict(AppError):
    """The change conflicts with the data as it is (for example a duplicate key)."""

    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    """An `If-Match` precondition did not hold: the resource changed since it was read."""

    status, slug, title = 412, "precondition-failed", "Precondition Failed"


class InvalidParameters(AppError):
    """A parameter has an invalid value; `invalid_params` names each one and why."""

    status, slug, title = 422, "invalid-parameters", "Invalid Parameters"


class ServiceUnavailable(AppError):
    """The service cannot answer now (for example the database is down or not migrated)."""

    status, slug, title = 503, "service-unavailable", "Service Unavailable"


PROBLEM_TYPES: tuple[type[AppError], ...] = (
    AppError,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    PreconditionFailed,
    InvalidParameters,
    ServiceUnavailable,
)
_BY_STATUS = {cls.status: cls for cls in PROBLEM_TYPES if cls is not AppError}


def problem_response(error: AppError, request: Request | None = None) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    body.update(error.extensions)
    return Response(
        orjson.dumps(body), status_code=error.status, headers=error.headers, media_type=PROBLEM_JSON
    )


def _from_http_exception(exc: StarletteHTTPException, request: Request) -> AppError:
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return NotFound(f"No route matches {request.url.path}. See /docs for the API's paths.")
    if exc.status_code == 405:
        methods = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")  # app.http.head_as_get answers HEAD wherever GET is allowed
            headers["Allow"] = ", ".join(methods)
        allowed = headers.get("Allow") or "another method"
        return MethodNotAllowed(
            f"{request.method} is not allowed on {request.url.path}; use {allowed}.",
            headers=headers,
        )
    error_class = _BY_STATUS.get(exc.status_code)
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


async def _handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    error = AppError("The server failed to answer this request. The error has been logged.")
    return problem_response(error, request)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(Exception, _handle_unexpected)
