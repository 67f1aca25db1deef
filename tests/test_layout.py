"""The layout by role holds: each layer imports only the layers beneath it.

``app.domain`` (names, terms, snippets, errors) is pure; ``app.store`` (models, engines, queries,
change tracking) builds on it; ``app.web`` (pipeline, routes, renderers) on both; the importer
``seed`` on store and domain. Only the composition roots (``app.cli``, ``app.main``) see it all.
Route modules build no SQL: their statements live in ``app.store``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package → prefixes its modules must never import
FORBIDDEN = {
    "app/domain": ("app.store", "app.web", "app.cli", "app.main", "seed", "sqlalchemy",
                   "sqlmodel", "fastapi", "starlette"),
    "app/store": ("app.web", "app.cli", "app.main", "seed", "fastapi"),
    "app/web": ("seed", "app.cli"),
    # Routes say what to answer; the statements that read the data live in app/store.
    "app/web/routes": ("seed", "app.cli", "sqlmodel", "sqlalchemy", "app.store.models"),
    "seed": ("app.web", "app.cli", "app.main"),
}  # fmt: skip
ALLOWED = ("sqlalchemy.engine",)  # the Connection a route is handed, as a type


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_only_what_lies_beneath(package: str) -> None:
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in sorted(_imports(path)):
            if name.startswith(ALLOWED):
                continue
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []
