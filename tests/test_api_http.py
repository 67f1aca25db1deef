"""Formats and HTTP behaviour of the read API: CSV, text, ETag/304, HEAD, CORS, gzip."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.asgi_helpers import call
from tests.seed_helpers import FIXTURES, load_bundled, load_files

READ_PATHS = [
    "/v1/disciplines",
    "/v1/aspects",
    "/v1/descriptions",
    "/v1/definitions",
    "/v1/uses",
    "/v1/faqs",
    "/v1/sources",
    "/v1/aspects/scope",
    "/v1/disciplines/production",
    "/v1/sources/twenty-five-differences",
    "/v1/compare?aspect=scope",
    "/v1/compare?disciplines=production,operations",
]


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


def _with(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


@pytest.mark.parametrize("path", READ_PATHS)
def test_csv_for_every_read(api: TestClient, path: str) -> None:
    response = api.get(_with(path, "format=csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) >= 2
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize("path", READ_PATHS)
def test_text_for_every_read(api: TestClient, path: str) -> None:
    response = api.get(path, headers={"Accept": "text/plain"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    header, rule = response.text.splitlines()[:2]
    assert set(rule) <= {"-", " "}
    assert len(header.split()) >= 2


def test_csv_of_compare_has_a_column_per_discipline(api: TestClient) -> None:
    response = api.get("/v1/compare?aspect=focus&disciplines=production,operations",
                       headers={"Accept": "text/csv"})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "aspect", "source", "label", "production-management", "operations-management",
    ]  # fmt: skip
    by_source = {row["source"]: row for row in rows}
    assert by_source["structured-comparison"]["production-management"] == (
        "Concentrates on manufacturing of physical products."
    )


def test_text_of_a_collection_ends_with_the_page_line(api: TestClient) -> None:
    text = api.get("/v1/aspects?limit=5&format=text").text
    assert text.rstrip().splitlines()[-1].startswith("5 of 44; next page: /v1/aspects?")


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json", "application/json"),
        ("text/csv;q=0.9, text/plain;q=0.5", "text/csv; charset=utf-8"),
        ("*/*", "application/json"),
        ("text/html, text/*;q=0.8", "text/plain; charset=utf-8"),
        ("application/problem+json", "application/json"),
    ],
)
def test_accept_header_negotiation(api: TestClient, accept: str, content_type: str) -> None:
    response = api.get("/v1/aspects", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_unacceptable_accept_is_406(api: TestClient) -> None:
    response = api.get("/v1/aspects", headers={"Accept": "application/xml, image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/csv" in response.json()["detail"]


@pytest.mark.parametrize("path", READ_PATHS)
def test_etag_and_304_on_every_read(api: TestClient, path: str) -> None:
    first = api.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert api.get(path, headers={"If-None-Match": '"v0-other"'}).status_code == 200


def test_etag_differs_per_representation(api: TestClient) -> None:
    etags = {
        api.get("/v1/aspects").headers["etag"],
        api.get("/v1/aspects?format=csv").headers["etag"],
        api.get("/v1/aspects", headers={"Accept": "text/plain"}).headers["etag"],
        api.get("/v1/aspects?limit=5").headers["etag"],
    }
    assert len(etags) == 4


def test_a_data_change_invalidates_etags(api: TestClient, engine: Engine) -> None:
    response = api.get("/v1/aspects")
    etag = response.headers["etag"]
    load_files(engine, FIXTURES / "project_vs_program.md")
    fresh = api.get("/v1/aspects", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag
    assert fresh.json()["total"] > response.json()["total"]


def test_head_answers_headers_without_body(api: TestClient) -> None:
    get = api.get("/v1/aspects/scope", headers={"Accept-Encoding": "identity"})
    head = api.head("/v1/aspects/scope", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_wrong_method_is_405_with_allow(api: TestClient) -> None:
    response = api.post("/v1/aspects")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.headers["content-type"] == "application/problem+json"


def test_cors_exposes_pagination_and_cache_headers(api: TestClient) -> None:
    response = api.get("/v1/aspects", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert exposed == {
        "ETag", "Link", "X-Total-Count", "X-Request-ID", "X-Dataset-Version", "Last-Modified",
    }  # fmt: skip


def test_large_bodies_are_gzipped(api: TestClient) -> None:
    response = api.get("/v1/descriptions?limit=200", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["total"] == 100
    small = api.get("/v1/disciplines/nope", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/aspects?discipline=nope", 400),
        ("/v1/aspects?limit=0", 422),
        ("/v1/compare?aspect=nope", 404),
        ("/v1/aspects/nope", 404),
        ("/v1/sources/nope/lines", 404),
        ("/v1/nope", 404),
        ("/nope", 404),
    ],
)
@pytest.mark.parametrize(
    "condition",
    [{"If-None-Match": "*"}, {"If-None-Match": 'W/"x", *'},
     {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}],
)  # fmt: skip
def test_a_condition_never_turns_an_error_into_a_304(
    api: TestClient, path: str, status: int, condition: dict[str, str]
) -> None:
    for _ in range(2):  # nothing is cached for an error: the same again
        response = api.get(path, headers=condition)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", READ_PATHS)
def test_if_none_match_star_is_a_304_for_what_exists(api: TestClient, path: str) -> None:
    first = api.get(path, headers={"If-None-Match": "*"})  # a miss: the route answers first
    assert first.status_code == 304
    assert first.content == b""
    api.get(path)
    again = api.get(path, headers={"If-None-Match": "*"})  # now from the cache
    assert again.status_code == 304
    assert again.headers["etag"] == api.get(path).headers["etag"]


@pytest.mark.parametrize(
    ("path", "condition"),
    [("/v1/aspects/scope", None), ("/v1/aspects/scope", b"*"), ("/v1/aspects", b"*")],
)
def test_a_304_the_route_answered_is_one_start_and_one_empty_body(
    api: TestClient, path: str, condition: bytes | None
) -> None:
    etag = api.get(path, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    # ?format=json: the same representation under another cache key, so the route answers.
    headers = [(b"host", b"testserver"), (b"accept-encoding", b"gzip"),
               (b"if-none-match", condition or etag.encode())]  # fmt: skip
    answer = call(api.app, path.encode(), b"format=json", headers)
    assert [m["type"] for m in answer.messages] == ["http.response.start", "http.response.body"]
    assert answer.status == 304
    assert answer.body == b""


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("*/*;q=abc", "application/json"),
        ("text/csv;q=abc, application/json;q=0.5", "text/csv; charset=utf-8"),
        ("text/plain;q=, application/json;q=0.9", "text/plain; charset=utf-8"),
        ("application/json;q=2, text/csv", "application/json"),
        ("text/csv;q=nan, application/json;q=0.9", "text/csv; charset=utf-8"),
        (", ,", "application/json"),
    ],
)
def test_a_malformed_quality_counts_as_1(api: TestClient, accept: str, content_type: str) -> None:
    response = api.get("/v1/aspects", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_a_zero_quality_still_refuses(api: TestClient) -> None:
    assert api.get("/v1/aspects", headers={"Accept": "text/csv;q=0"}).status_code == 406
    assert api.get("/v1/aspects", headers={"Accept": "*/*;q=-1"}).status_code == 406


LARGE = "/v1/descriptions?limit=200"  # well over the 1 KiB below which nothing is gzipped
SMALL = "/v1/disciplines?limit=1"


@pytest.mark.parametrize(
    ("accept_encoding", "large", "small"),
    [
        ("gzip", "gzip", None),
        ("gzip;q=0", None, None),
        ("gzip;q=0, deflate", None, None),
        ("gzip;q=0.5", "gzip", None),
        ("GZIP", "gzip", None),
        ("x-gzip", "gzip", None),
        ("*", "gzip", None),
        ("*;q=0.5, identity", None, None),  # identity preferred
        ("br", None, None),
        ("", None, None),
        ("identity;q=0, gzip", "gzip", "gzip"),  # identity refused: even a small body
        ("*;q=0, gzip", "gzip", "gzip"),
        ("gzip;q=abc", "gzip", None),
    ],
)
def test_accept_encoding_is_honoured(
    api: TestClient, accept_encoding: str, large: str | None, small: str | None
) -> None:
    for path, expected in ((LARGE, large), (SMALL, small), (LARGE, large), (SMALL, small)):
        response = api.get(path, headers={"Accept-Encoding": accept_encoding})
        assert response.status_code == 200
        assert response.headers.get("content-encoding") == expected, (path, accept_encoding)
        assert response.json()["items"]


@pytest.mark.parametrize("accept_encoding", ["identity;q=0", "*;q=0", "gzip;q=0, identity;q=0"])
def test_refusing_every_coding_is_a_406_problem(api: TestClient, accept_encoding: str) -> None:
    for path in (LARGE, "/v1/aspects/scope", "/healthz"):
        response = api.get(path, headers={"Accept-Encoding": accept_encoding})
        assert response.status_code == 406
        assert response.headers["content-type"] == "application/problem+json"
        assert "Accept-Encoding" in response.json()["detail"]


def test_each_coding_has_its_own_etag(api: TestClient) -> None:
    for path in (SMALL, "/v1/aspects/scope"):
        etags = {
            api.get(path, headers={"Accept-Encoding": coding}).headers["etag"]
            for coding in ("identity", "gzip", "identity;q=0, gzip")
        }
        assert len(etags) == 3, path
