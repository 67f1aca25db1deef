"""No cached or conditional response is ever stale: a request that starts after a change has
committed sees it, in-process and across several server workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.store import migrate
from app.store.engines import create_db_engine
from app.web.pipeline.conditional import Conditional as ReadCache
from tests.seed_helpers import FIXTURES, load_bundled, load_files

WORKERS = 2


def _cache(client: TestClient) -> ReadCache:
    cache: ReadCache = client.app.conditional  # type: ignore[attr-defined]
    return cache


def test_repeated_reads_are_served_from_the_cache(client: TestClient, engine: Engine) -> None:
    load_bundled(engine)
    first = client.get("/v1/aspects/scope")
    cache = _cache(client)
    hits = cache.hits
    again = client.get("/v1/aspects/scope")
    assert cache.hits == hits + 1
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]


def test_a_change_misses_the_cache(client: TestClient, engine: Engine) -> None:
    load_bundled(engine)
    before = client.get("/v1/aspects?limit=1").json()["total"]
    client.get("/v1/aspects?limit=1")
    load_files(engine, FIXTURES / "marketing_vs_sales.csv")
    after = client.get("/v1/aspects?limit=1").json()["total"]
    assert after > before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(empty_database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`versus serve` with several workers on a seeded database; yields its URL and env."""
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    load_bundled(engine)
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "VERSUS_DATABASE_URL": empty_database_url, "VERSUS_LOG_LEVEL": "warning"}
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
    ]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url)
        yield url, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not become ready in 30 s")


def test_no_worker_serves_stale_data_after_a_change(served: tuple[str, dict[str, str]]) -> None:
    url, env = served
    path = f"{url}/v1/aspects?limit=1"
    with httpx.Client() as http:
        # Many connections, so every worker answers and caches the old state.
        warm = [httpx.get(path) for _ in range(4 * WORKERS)] + [http.get(path) for _ in range(10)]
        old_total = warm[0].json()["total"]
        old_etag = warm[0].headers["etag"]
        assert {r.json()["total"] for r in warm} == {old_total}
        seeded = subprocess.run(
            [sys.executable, "-m", "app.cli", "seed", str(FIXTURES / "project_vs_program.md")],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert seeded.returncode == 0, seeded.stderr
        # Every request that starts now must see the change, whichever worker answers it.
        fresh = [httpx.get(path) for _ in range(4 * WORKERS)] + [http.get(path) for _ in range(10)]
        totals = {r.json()["total"] for r in fresh}
        assert len(totals) == 1  # every worker agrees…
        assert totals.pop() > old_total  # …on the new state
        revalidated = [
            httpx.get(path, headers={"If-None-Match": old_etag}) for _ in range(4 * WORKERS)
        ]
        assert {r.status_code for r in revalidated} == {200}
        assert all(r.headers["etag"] != old_etag for r in revalidated)
