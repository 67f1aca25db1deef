"""Responses built as plain dicts (the read path skips pydantic models) must be exactly what the
documented models would serialise: same keys, same order, same bytes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.engine import Engine

from app.web import schemas
from app.web.routes.search import SearchPage
from tests.seed_helpers import load_bundled


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


CASES: list[tuple[str, Any]] = [
    ("/v1/aspects?limit=7", schemas.Page[schemas.Aspect]),
    ("/v1/aspects?include=descriptions&limit=5", schemas.Page[schemas.Aspect]),
    ("/v1/aspects?q=cost&discipline=production", schemas.Page[schemas.Aspect]),
    ("/v1/aspects/kpis", schemas.Aspect),
    ("/v1/descriptions?limit=9&sort=-id", schemas.Page[schemas.Description]),
    ("/v1/descriptions?aspect=focus&discipline=production", schemas.Page[schemas.Description]),
    ("/v1/definitions", schemas.Page[schemas.Definition]),
    ("/v1/uses", schemas.Page[schemas.Use]),
    ("/v1/faqs", schemas.Page[schemas.Faq]),
    ("/v1/disciplines/production", schemas.Discipline),
    ("/v1/search?q=management&limit=50", SearchPage),
    ("/v1/search?q=focus&kind=aspect", SearchPage),
]


@pytest.mark.parametrize(("path", "model"), CASES)
def test_a_dict_built_body_is_what_its_model_serialises(
    api: TestClient, path: str, model: Any
) -> None:
    response = api.get(path)
    assert response.status_code == 200, response.text
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    validated = adapter.validate_json(response.content)  # every field present and valid
    if isinstance(validated, BaseModel) and hasattr(validated, "items"):
        assert validated.items, f"{path} answered no items: the check would prove nothing"
    assert adapter.dump_json(validated) == response.content
