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

from app.web.problems import PROBLEM_JSON, Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
    }


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
