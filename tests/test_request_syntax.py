"""Requests that say something twice, or say it malformed, are 400 problems naming what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.asgi_helpers import call
from tests.seed_helpers import load_bundled


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


def assert_problem(response_status: int, body: dict[str, Any], where: str, name: str) -> None:
    assert response_status == 400
    assert body["status"] == 400
    assert [(p["in"], p["name"]) for p in body["invalid_params"]] == [(where, name)]


@pytest.mark.parametrize(
    ("url", "where", "name"),
    [
        ("/v1/aspects?q=%zz", "query", "q"),
        ("/v1/aspects?q=%ff", "query", "q"),  # not UTF-8
        ("/v1/aspects?q=caf%C3", "query", "q"),  # a UTF-8 sequence cut short
        ("/v1/aspects?q=100%", "query", "q"),
        ("/v1/search?q=%E9t%E9", "query", "q"),  # Latin-1, not UTF-8
        ("/v1/aspects?limit=2&%zz=1", "query", ""),
        ("/v1/aspects/%ff", "path", "path"),
        ("/v1/aspects/%zz", "path", "path"),
        ("/v1/aspects/scope%", "path", "path"),
        ("/nope/%ff", "path", "path"),
    ],
)
def test_invalid_percent_encoding_is_a_400_problem(
    api: TestClient, url: str, where: str, name: str
) -> None:
    response = api.get(url)
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response.status_code, response.json(), where, name)
    assert "percent-encoding" in response.json()["detail"]
    assert "%C3%A9" in response.json()["detail"]  # how to write it right


@pytest.mark.parametrize(
    "url",
    ["/v1/search?q=%C3%A9t%C3%A9", "/v1/aspects/Key%20Performance%20Indicators%20(KPIs)",
     "/v1/aspects?q=supply+chain", "/v1/aspects?q=100%25"],
)  # fmt: skip
def test_valid_percent_encoding_is_read(api: TestClient, url: str) -> None:
    assert api.get(url).status_code == 200


@pytest.mark.parametrize(
    "hosts",
    [["a.example", "b.example"], ["a b"], ["[::1"], ["a/b"], ["a.example:http"], ["é.example"]],
)
def test_a_repeated_or_malformed_host_is_a_400_problem(api: TestClient, hosts: list[str]) -> None:
    headers = [(b"host", host.encode()) for host in hosts] + [(b"origin", b"https://app.example")]
    answer = call(api.app, b"/v1/aspects", headers=headers)
    assert answer.headers["content-type"] == "application/problem+json"
    assert_problem(answer.status, answer.json(), "header", "Host")
    assert answer.json()["request_id"] == answer.headers["x-request-id"]
    assert answer.headers["access-control-allow-origin"] == "*"


def test_an_http_1_1_request_without_host_is_a_400_problem(api: TestClient) -> None:
    answer = call(api.app, b"/v1/aspects", headers=[])
    assert_problem(answer.status, answer.json(), "header", "Host")
    assert "must have a Host header" in answer.json()["detail"]
    assert call(api.app, b"/v1/aspects", headers=[], http_version="1.0").status == 200


@pytest.mark.parametrize(
    "host", ["api.example.org", "api.example.org:8000", "127.0.0.1:80", "[::1]:8000", "localhost"]
)
def test_valid_hosts_are_served(api: TestClient, host: str) -> None:
    assert call(api.app, b"/v1/aspects", headers=[(b"host", host.encode())]).status == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/v1/aspects?q=a&q=b", "q"),
        ("/v1/descriptions?discipline=production&discipline=operations", "discipline"),
        ("/v1/aspects?limit=1&limit=2", "limit"),
        ("/v1/aspects?sort=slug&sort=-slug", "sort"),
        ("/v1/aspects?format=json&format=csv", "format"),
        ("/v1/aspects?offset=1&offset=2", "offset"),
        ("/v1/search?q=quality&q=scope", "q"),
        ("/v1/compare?aspect=scope&aspect=focus", "aspect"),
        ("/v1/compare?disciplines=production&disciplines=operations", "disciplines"),
        ("/v1/sources/structured-comparison/lines?start=1&start=2", "start"),
        ("/problems/not-found?x=1&x=2", "x"),  # unknown comes first
    ],
)
def test_a_parameter_given_twice_is_a_400_problem(api: TestClient, url: str, name: str) -> None:
    response = api.get(url)
    assert_problem(response.status_code, response.json(), "query", name)
    if name != "x":
        assert "may appear once" in response.json()["detail"]
        assert f"'{name}' (2 times)" in response.json()["detail"]


def test_kind_may_be_repeated(api: TestClient) -> None:
    repeated = api.get("/v1/search?q=quality&kind=definition&kind=faq")
    assert repeated.status_code == 200
    assert repeated.json() == api.get("/v1/search?q=quality&kind=definition,faq").json()


@pytest.mark.parametrize(
    ("url", "name", "needle"),
    [
        ("/v1/compare?disciplines=production,production", "disciplines", "'production' twice"),
        ("/v1/compare?aspect=scope&disciplines=production,operations,Production",
         "disciplines", "as 'production' and 'Production'"),
        ("/v1/compare?disciplines=production,production-management", "disciplines",
         "Production Management (production-management) twice, as 'production' and "
         "'production-management'"),
        ("/v1/search?q=quality&kind=faq,faq", "kind", "'faq' more than once"),
        ("/v1/search?q=quality&kind=faq&kind=FAQ", "kind", "'faq' more than once"),
    ],
)  # fmt: skip
def test_a_list_naming_one_thing_twice_is_a_400_problem(
    api: TestClient, url: str, name: str, needle: str
) -> None:
    response = api.get(url)
    assert_problem(response.status_code, response.json(), "query", name)
    assert needle in response.json()["detail"]


def test_compare_without_aspect_or_disciplines_names_both(api: TestClient) -> None:
    body = api.get("/v1/compare").json()
    assert {p["name"] for p in body["invalid_params"]} == {"aspect", "disciplines"}
