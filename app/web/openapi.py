"""OpenAPI document: FastAPI's, with every error response declared as problem+json.

FastAPI documents validation errors with its own ``HTTPValidationError`` JSON shape; the service
answers RFC 9457 problems instead, so the generated document is corrected here to say what the
server really sends.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.web.pipeline.routes import flat_routes
from app.web.problems import PROBLEM_JSON, Problem
from app.web.renderers import Registry, Renderer

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
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
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    formats: Registry = app.state.formats
    for route in flat_routes(app.routes):
        declared = getattr(route, "declaration", None)
        if isinstance(route, APIRoute) and declared is not None and route.include_in_schema:
            path_item = schema.get("paths", {}).get(route.path_format, {})
            for method in route.methods or ():
                if method.lower() in path_item:
                    _document_formats(path_item[method.lower()], formats.offered(declared.views))
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            # Any operation can fail on the server or get an unknown query parameter; one that
            # takes input can reject it, and one with path parameters can find nothing there.
            parameters = operation.get("parameters", [])
            for status in (400, 500):
                responses.setdefault(str(status), _problem_response(status))
            if parameters or operation.get("requestBody"):
                responses.setdefault("422", _problem_response(422))
            if any(parameter.get("in") == "path" for parameter in parameters):
                responses.setdefault("404", _problem_response(404))
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
    app.openapi_schema = schema
    return schema
