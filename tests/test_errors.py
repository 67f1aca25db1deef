"""Every error is RFC 9457 problem+json with a status equal to the HTTP status, never a trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import Query
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.domain.errors import Conflict
from app.main import create_app


@pytest.fixture
def error_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The real app plus routes that fail in each way the handlers must translate."""
    app = create_app(settings, engine)

    def boom() -> None:
        raise RuntimeError("secret internals: SELECT * FROM source")

    def conflict() -> None:
        raise Conflict("The slug 'focus' is taken.", slug="focus")

    def needs_int(limit: int = Query(ge=1, le=200)) -> dict[str, int]:
        return {"limit": limit}

    app.add_api_route("/_test/boom", boom)
    app.add_api_route("/_test/conflict", conflict)
    app.add_api_route("/_test/needs-int", needs_int)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def assert_problem(response_status: int, body: dict[str, object], content_type: str) -> None:
    assert content_type == "application/problem+json"
    assert body["status"] == response_status
    assert str(body["type"]).startswith("/problems/")
    assert str(body["title"]) == body["title"]
    assert body["title"]
    assert str(body["detail"]) == body["detail"]
    assert body["detail"]


def test_unknown_path_is_404_problem(error_client: TestClient) -> None:
    response = error_client.get("/nope")
    assert response.status_code == 404
    assert_problem(404, response.json(), response.headers["content-type"])
    assert response.json()["instance"] == "/nope"
    assert "/docs" in response.json()["detail"]


def test_wrong_method_is_405_with_allow(error_client: TestClient) -> None:
    response = error_client.delete("/healthz")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert_problem(405, response.json(), response.headers["content-type"])
    assert "DELETE is not allowed" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("limit=abc", "valid integer"),
        ("limit=0", "greater than or equal to 1"),
        ("", "Field required"),
    ],
)
def test_invalid_parameter_is_422_naming_it(
    error_client: TestClient, query: str, reason: str
) -> None:
    response = error_client.get(f"/_test/needs-int?{query}")
    assert response.status_code == 422
    body = response.json()
    assert_problem(422, body, response.headers["content-type"])
    assert body["invalid_params"][0]["in"] == "query"
    assert body["invalid_params"][0]["name"] == "limit"
    assert reason in body["invalid_params"][0]["reason"]
    assert "'limit'" in body["detail"]


def test_app_error_carries_extensions(error_client: TestClient) -> None:
    response = error_client.get("/_test/conflict")
    assert response.status_code == 409
    body = response.json()
    assert_problem(409, body, response.headers["content-type"])
    assert body["slug"] == "focus"


def test_unexpected_error_is_500_problem_without_internals(
    error_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = error_client.get("/_test/boom")
    assert response.status_code == 500
    assert_problem(500, response.json(), response.headers["content-type"])
    assert "secret" not in response.text
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert "secret internals" in caplog.text  # logged for the operator instead


def test_problem_types_resolve(error_client: TestClient) -> None:
    response = error_client.get("/nope")
    type_response = error_client.get(response.json()["type"])
    assert type_response.status_code == 200
    assert type_response.json()["status"] == 404
    assert error_client.get("/problems/no-such-type").status_code == 404
    assert {p["status"] for p in error_client.get("/problems").json()} >= {
        400,
        404,
        405,
        422,
        500,
        503,
    }
