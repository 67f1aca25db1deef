"""OpenAPI document: FastAPI's, corrected to say what the server really sends.

FastAPI documents validation errors with its own ``HTTPValidationError`` JSON shape; the service
answers RFC 9457 problems instead. It knows nothing of the pipeline either, so the headers the
pipeline adds (validators, caching, pagination, request ids), the 304 a revalidation gets, the
conditional request headers and the 503 of a database outage are declared here, for each
operation from its route's declaration (:mod:`app.web.declare`).

``tests/snapshots/openapi.json`` holds the document as last agreed; a test fails when the live
one differs, so every change to the contract is made on purpose. Regenerate it with
``.venv/bin/python -m clients.dump_openapi tests/snapshots/openapi.json``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.web.declare import PRIVATE, Declaration
from app.web.pipeline.routes import flat_routes
from app.web.problems import PROBLEM_JSON, Problem
from app.web.renderers import Registry, Renderer
from app.web.routing import NOT_ACCEPTABLE

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_SYNTAX = (
    "An unknown query parameter, one given twice, or a request HTTP forbids (invalid "
    "percent-encoding; a missing, repeated or malformed Host)."
)
_TEXT = {"type": "string"}
# Every header the pipeline sends, with whether the responses it is declared on always carry it.
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id: the client's own `X-Request-ID` when it is a plain "
        "token, else one made for it. Problem bodies carry it as `request_id`.",
        "required": True,
        "schema": _TEXT,
    },
    "Cache-Control": {
        "description": "`public, max-age=0, must-revalidate` for reads of the dataset (shared "
        "caches keep them and revalidate), `private, no-cache` when the request had "
        "credentials, `public, max-age=300` for static answers, `private, no-store` for "
        "probes, `no-store` for problems.",
        "required": True,
        "schema": _TEXT,
    },
    "Vary": {
        "description": "What else the answer depends on: `Accept, Accept-Encoding, Origin` for "
        "reads of the dataset, `Origin` (and `Accept-Encoding` when gzipped) for the others.",
        "required": True,
        "schema": _TEXT,
    },
    "ETag": {
        "description": "Strong entity tag of this representation (format and compression "
        "included): a collection's changes with the dataset, a resource's only with the rows it "
        "shows. Send it in `If-None-Match` to revalidate.",
        "required": True,
        "schema": _TEXT,
    },
    "X-Dataset-Version": {
        "description": "The dataset version the answer was read at: on every 200 and 304 of a "
        "read of the dataset, and on its problems once the version was read.",
        "required": False,
        "schema": _TEXT,
    },
    "Last-Modified": {
        "description": "When the dataset last changed, on collections; send it in "
        "`If-Modified-Since` to revalidate.",
        "required": False,
        "schema": _TEXT,
    },
    "Link": {
        "description": '`<URL>; rel="next"`: the next page, when there is one (as `next`).',
        "required": False,
        "schema": _TEXT,
    },
    "X-Total-Count": {
        "description": "How many rows all pages hold together (as `total`), on every page.",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying, when the database does not answer.",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    },
}
_CONDITIONAL_PARAMETERS = {
    "If-None-Match": "ETags of representations the client holds, or `*` for any: when one "
    "is this request's, the answer is 304 without a body (and `*` matches only an answer that "
    "exists, never an error).",
    "If-Modified-Since": "An HTTP date, ignored with `If-None-Match`: when the dataset has not "
    "changed since, the answer is 304 without a body.",
}


def _headers(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
    }


def _document_formats(operation: dict[str, Any], offered: tuple[Renderer, ...]) -> None:
    """The ``format`` parameter and the 200's media types, from the formats the route offers."""
    if len(offered) < 2:
        return
    names = [renderer.name for renderer in offered]
    operation.setdefault("parameters", []).append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "The answer's format, overriding the Accept header: "
            + "; ".join(f"`{r.name}` ({r.description.rstrip('.')})" for r in offered)
            + ". Case does not matter.",
            "schema": {"type": "string", "enum": names, "examples": [names[1]]},
        }
    )
    ok = operation.get("responses", {}).get("200")
    if ok is None:
        return
    content = ok.setdefault("content", {})
    for renderer in offered:
        media = renderer.media_type.split(";")[0]
        if renderer.schema is not None:
            content[media] = {"schema": renderer.schema}
    ok["description"] = (
        f"{offered[0].media_type.split(';')[0]} by default; "
        + ", ".join(r.media_type.split(";")[0] for r in offered[1:])
        + " with ?format= or Accept."
    )


def _document_caching(
    operation: dict[str, Any], declared: Declaration, schemas: dict[str, Any]
) -> None:
    """The headers of the 200 and, for reads of the dataset, its 304, the conditional request
    headers and the 503 of an outage."""
    responses = operation.setdefault("responses", {})
    ok = responses.get("200")
    if ok is None:
        return
    sent = ["X-Request-ID", "Cache-Control", "Vary"]
    if declared.dataset:
        collection = () if declared.revisioned else ("Last-Modified",)
        validators = ["ETag", "X-Dataset-Version", *collection]
        sent += validators
        responses["304"] = {
            "description": "Not Modified: the representation the request's `If-None-Match` (or "
            "`If-Modified-Since`) names is still current. No body.",
            "headers": _headers("X-Request-ID", "Cache-Control", "Vary", *validators),
        }
        asked = ["If-None-Match", *(() if declared.revisioned else ("If-Modified-Since",))]
        operation.setdefault("parameters", []).extend(
            {"name": name, "in": "header", "required": False, "schema": _TEXT,
             "description": _CONDITIONAL_PARAMETERS[name]}
            for name in asked
        )  # fmt: skip
        responses["503"] = _problem_response(
            503, "The database does not answer: retry after `Retry-After` seconds."
        )
        responses["503"]["headers"] = _headers("Retry-After")
    if _paged(ok, schemas):
        sent += ["Link", "X-Total-Count"]
    ok["headers"] = _headers(*sent)


def _paged(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """Whether the JSON body is (or can be) a page, ``{"items", "total", "next", …}``: pages
    carry ``Link`` and ``X-Total-Count``."""
    pending = [response.get("content", {}).get("application/json", {}).get("schema", {})]
    while pending:
        schema = pending.pop()
        if "$ref" in schema:
            schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        pending += schema.get("anyOf", []) + schema.get("oneOf", [])
        if {"total", "next"} <= set(schema.get("properties", {})):
            return True
    return False


def _document_errors(operation: dict[str, Any], dataset: bool) -> None:
    responses = operation.setdefault("responses", {})
    # Any operation can fail on the server, get an unknown query parameter or refuse what
    # Accept-Encoding asks for; one that takes input can reject it, and one with path
    # parameters can find nothing there.
    parameters = operation.get("parameters", [])
    responses.setdefault("400", _problem_response(400, _SYNTAX))
    responses.setdefault("406", _problem_response(406, NOT_ACCEPTABLE))
    responses.setdefault("500", _problem_response(500))
    if any(p.get("in") in ("path", "query") for p in parameters) or operation.get("requestBody"):
        responses.setdefault("422", _problem_response(422))
    if any(parameter.get("in") == "path" for parameter in parameters):
        responses.setdefault("404", _problem_response(404))
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
            response["headers"] = {
                **_headers("X-Request-ID", "Cache-Control"),
                **_headers(*(("X-Dataset-Version",) if dataset else ())),
                **response.get("headers", {}),
            }
    operation["responses"] = dict(sorted(responses.items()))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    components["headers"] = HEADERS
    formats: Registry = app.state.formats
    declarations: dict[int, Declaration] = {}  # by operation
    for route in flat_routes(app.routes):
        declared = getattr(route, "declaration", None)
        if isinstance(route, APIRoute) and declared is not None and route.include_in_schema:
            path_item = schema.get("paths", {}).get(route.path_format, {})
            for method in route.methods or ():
                if method.lower() in path_item:
                    declarations[id(path_item[method.lower()])] = declared
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            declared = declarations.get(id(operation), PRIVATE)
            _document_formats(operation, formats.offered(declared.views))
            _document_caching(operation, declared, schemas)
            _document_errors(operation, declared.dataset)
    app.openapi_schema = schema
    return schema
