"""One error model: the errors the service answers with, each with its HTTP status.

Anything below the web layer raises an :class:`AppError` subclass; :mod:`app.web.problems`
renders every one as RFC 9457 ``application/problem+json``.
"""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "/problems/"  # each error's ``type`` is this followed by its slug


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


class RequestTimeout(AppError):
    """The request did not arrive whole in time (`VERSUS_READ_TIMEOUT`); the connection is
    closed. Send it again, all at once."""

    status, slug, title = 408, "request-timeout", "Request Timeout"


class HeaderFieldsTooLarge(AppError):
    """The request line and headers are larger than the server accepts
    (`VERSUS_MAX_HEADER_BYTES`); the connection is closed. Send fewer or shorter headers."""

    status, slug, title = 431, "header-fields-too-large", "Request Header Fields Too Large"


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
    RequestTimeout,
    HeaderFieldsTooLarge,
    ServiceUnavailable,
)
BY_STATUS = {cls.status: cls for cls in PROBLEM_TYPES if cls is not AppError}
