"""The formats the service speaks. Adding one is a module beside these and one line below."""

from __future__ import annotations

from app.web.renderers.csv_format import CSV
from app.web.renderers.json_format import JSON
from app.web.renderers.registry import Registry, Renderer, Table, Views
from app.web.renderers.text_format import TEXT

FORMATS = Registry([JSON, CSV, TEXT])

__all__ = ["FORMATS", "Registry", "Renderer", "Table", "Views"]
