"""Probes: /healthz always answers; /readyz only when the database is reachable and migrated."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

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
        "read_only": False,
    }


@pytest.mark.parametrize(
    ("statement", "unreadable"),
    [
        ("ALTER TABLE aspect RENAME TO aspect_renamed", ["aspect"]),
        ("ALTER TABLE discipline RENAME COLUMN name TO title", ["discipline"]),
    ],
)
def test_readyz_when_a_table_cannot_be_read(
    settings: Settings, empty_database_url: str, statement: str, unreadable: list[str]
) -> None:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(statement))
    with TestClient(create_app(settings, engine)) as client:
        response = client.get("/readyz")
    engine.dispose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["database"] == "unreadable"
    assert body["unreadable"] == unreadable
    assert f"cannot be read: {unreadable[0]}." in body["detail"]
    assert "SELECT" not in response.text


def test_readyz_says_when_the_database_is_read_only(
    settings: Settings, empty_database_url: str
) -> None:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    url = make_url(empty_database_url)
    if url.get_backend_name() == "sqlite":
        # What the engine opens a file it cannot write as (tests/test_read_only.py makes one).
        read_only_url = f"sqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        with engine.begin() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
            )
        read_only_url = empty_database_url
    engine.dispose()
    read_only = create_db_engine(read_only_url)
    with TestClient(create_app(settings, read_only)) as client:
        response = client.get("/readyz")
    read_only.dispose()
    assert response.status_code == 200, response.text
    assert response.json()["read_only"] is True


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
