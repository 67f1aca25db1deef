"""Probes: /healthz always answers; /readyz only when the database is reachable and migrated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.store import migrate
from app.store.engines import create_db_engine


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_migrated(settings: Settings, empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    with TestClient(create_app(settings, engine)) as client:
        response = client.get("/readyz")
    engine.dispose()
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "revision": migrate.head_revision(),
    }


def test_readyz_when_not_migrated(settings: Settings, empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    with TestClient(create_app(settings, engine)) as client:
        response = client.get("/readyz")
    engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["database"] == "outdated"
    assert body["head"] == migrate.head_revision()
    assert "versus db upgrade" in body["detail"]


def test_readyz_when_database_unreachable(settings: Settings) -> None:
    engine = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with TestClient(create_app(settings, engine)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable"
    assert "VERSUS_DATABASE_URL" in body["detail"]
    assert "psycopg" not in response.text  # no driver internals leak
