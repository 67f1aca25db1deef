"""Bad input, request by request: every one is a 4xx ``application/problem+json`` that says what
was wrong, with no traceback and no SQL, and the database is unchanged afterwards."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.seed_helpers import load_bundled, snapshot


def _cursor(value: object) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


LONG = "x" * 5000
# (method, path, headers, expected status); the path carries the bad query.
CASES: list[tuple[str, str, dict[str, str], int]] = [
    # Unknown things
    ("GET", "/v1/nothing-here", {}, 404),
    ("GET", "/v1/aspects/no-such-aspect", {}, 404),
    ("GET", "/v1/disciplines/no-such-discipline", {}, 404),
    ("GET", "/v1/sources/no-such-source", {}, 404),
    ("GET", "/v1/sources/no-such-source/lines", {}, 404),
    ("GET", "/problems/no-such-problem", {}, 404),
    ("GET", "/v1/aspects?discipline=no-such-discipline", {}, 400),
    ("GET", "/v1/descriptions?source=no-such-source", {}, 400),
    ("GET", "/v1/compare?disciplines=production,no-such-discipline", {}, 400),
    # Methods
    ("POST", "/v1/aspects", {}, 405),
    ("PUT", "/v1/aspects/focus", {}, 405),
    ("DELETE", "/v1/sources/basis-of-difference-table", {}, 405),
    ("PATCH", "/v1/disciplines/production-management", {}, 405),
    # Numbers
    ("GET", "/v1/aspects?limit=0", {}, 422),
    ("GET", "/v1/aspects?limit=-1", {}, 422),
    ("GET", "/v1/aspects?limit=abc", {}, 422),
    ("GET", "/v1/aspects?limit=1e3", {}, 422),
    ("GET", "/v1/aspects?limit=100000", {}, 422),
    ("GET", "/v1/aspects?limit=99999999999999999999999", {}, 422),
    ("GET", "/v1/descriptions?offset=-5", {}, 422),
    ("GET", "/v1/descriptions?offset=abc", {}, 422),
    ("GET", "/v1/sources/basis-of-difference-table/lines?start=0", {}, 422),
    ("GET", "/v1/sources/basis-of-difference-table/lines?start=abc", {}, 422),
    ("GET", "/v1/sources/basis-of-difference-table/lines?start=9&end=3", {}, 400),
    ("GET", "/v1/sources/basis-of-difference-table/lines?start=99999", {}, 400),
    ("GET", "/v1/sources/basis-of-difference-table/lines?end=0", {}, 422),
    # Sorts, formats, kinds
    ("GET", "/v1/aspects?sort=nonsense", {}, 422),
    ("GET", "/v1/descriptions?sort=;DROP TABLE aspect", {}, 422),
    ("GET", "/v1/aspects?format=xml", {}, 400),
    ("GET", "/v1/aspects?format=", {}, 400),
    ("GET", "/v1/aspects", {"Accept": "application/xml"}, 406),
    ("GET", "/v1/aspects", {"Accept": "image/png, text/html;q=0.5"}, 406),
    ("GET", "/v1/search?q=focus&kind=nonsense", {}, 400),
    ("GET", "/v1/search?q=focus&kind=faq,faq", {}, 400),
    ("GET", "/v1/aspects?include=nonsense", {}, 422),
    # Missing or contradictory parameters
    ("GET", "/v1/search", {}, 422),
    ("GET", "/v1/search?q=", {}, 422),
    ("GET", "/v1/compare", {}, 400),
    ("GET", "/v1/compare?aspect=no-such-aspect", {}, 404),
    ("GET", "/v1/compare?disciplines=production,production", {}, 400),
    ("GET", "/v1/aspects?cursor=abc&offset=5", {}, 400),
    ("GET", "/v1/aspects?q=a&q=b", {}, 400),
    ("GET", "/v1/aspects?limit=5&limit=6", {}, 400),
    ("GET", "/v1/descriptions?discipline=production&discipline=operations", {}, 400),
    # Oversized and odd text
    ("GET", f"/v1/aspects?q={LONG}", {}, 422),
    ("GET", f"/v1/search?q={LONG}", {}, 422),
    ("GET", f"/v1/aspects/{LONG}", {}, 422),
    ("GET", "/v1/aspects?limit=", {}, 422),
    ("GET", "/v1/aspects?q=%ZZ", {}, 400),
    ("GET", "/v1/aspects/%ZZ", {}, 400),
    # Forged cursors
    ("GET", "/v1/aspects?cursor=not-base64!!", {}, 400),
    ("GET", "/v1/aspects?cursor=" + _cursor([1, 2]), {}, 400),
    ("GET", "/v1/aspects?cursor=" + _cursor({"s": "id", "k": [[1, 2]]}), {}, 400),
    ("GET", "/v1/descriptions?cursor=" + _cursor({"s": "id", "k": [2**63]}), {}, 400),
    ("GET", "/v1/descriptions?cursor=" + _cursor({"s": "id", "k": [True]}), {}, 400),
    ("GET", "/v1/descriptions?cursor=" + _cursor({"s": "id", "k": ["x"]}), {}, 400),
    ("GET", "/v1/descriptions?cursor=" + _cursor({"s": "id", "k": [{"a": 1}]}), {}, 400),
    ("GET", "/v1/descriptions?cursor=" + _cursor({"s": "nonsense", "k": [1]}), {}, 400),
    ("GET", "/v1/search?q=focus&cursor=" + _cursor({"x": 1}), {}, 400),
    # Conditional and other headers
    ("GET", "/v1/aspects/no-such-aspect", {"If-None-Match": "*"}, 404),
    ("GET", "/v1/aspects?limit=0", {"If-None-Match": "*"}, 422),
    ("GET", "/v1/aspects", {"Host": "bad host name"}, 400),
]


@pytest.fixture
def seeded_client(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    CASES,
    ids=[f"{method} {path[:60]}" for method, path, _, _ in CASES],
)
def test_bad_input_is_a_problem_that_says_what_was_wrong(
    seeded_client: TestClient,
    engine: Engine,
    method: str,
    path: str,
    headers: dict[str, str],
    status: int,
) -> None:
    before = snapshot(engine)
    response = seeded_client.request(method, path, headers=headers)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem.get("detail"), problem
    text = response.text
    for leak in ("Traceback", 'File "', "sqlalchemy", "sqlite3", "psycopg", "SELECT "):
        assert leak not in text
    assert snapshot(engine) == before
