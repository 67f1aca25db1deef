"""Flattening a table view into cells: nested objects become dotted columns
(``discipline.slug``), lists of plain values are joined with "; "."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from app.web.renderers.registry import Table


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping):
            flat.update(flatten(item, f"{name}."))
        elif isinstance(item, list) and all(not isinstance(i, Mapping | list) for i in item):
            flat[name] = "; ".join(str(i) for i in item)
        elif isinstance(item, list):
            flat[name] = orjson.dumps(item).decode()
        else:
            flat[name] = item
    return flat


def cells(table: Table, *, narrow: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """The table's columns and flattened rows; ``narrow`` picks its text columns."""
    flat = [flatten(row) for row in table.rows]
    columns = list(table.columns or _keys(flat))
    if narrow and table.text_columns:
        columns = list(table.text_columns)
    return columns, flat


def _keys(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)
