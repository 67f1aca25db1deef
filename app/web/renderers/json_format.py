"""JSON, the default: the model as its schema documents it."""

from __future__ import annotations

import orjson
from pydantic import BaseModel

from app.web.renderers.registry import Renderer, Views


def _render(views: Views) -> bytes:
    model = views.model
    if isinstance(model, BaseModel):
        return model.__pydantic_serializer__.to_json(model)
    # A mapping already shaped as the JSON: plain values, in its schema's key order.
    return orjson.dumps(model)


JSON = Renderer(
    name="json",
    media_type="application/json",
    ranges=("application/json", "application/*", "*/*"),
    needs="model",
    render=_render,
    description="JSON, as the schema describes it (the default).",
)
