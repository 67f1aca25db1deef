"""Reads sent straight to their operation (app.web.direct) answer exactly what the stack does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from starlette.types import Receive, Scope, Send

from app.config import load_settings
from app.main import VersusApp, create_app
from tests.seed_helpers import load_bundled

# What a client with no Origin and no gzip sends (curl, wrk, most scripts).
PLAIN = {"accept-encoding": "identity"}

READS = [
    "/v1/aspects",
    "/v1/aspects?limit=3&sort=-name",
    "/v1/aspects?discipline=operations&q=cost",
    "/v1/aspects/scope",
    "/v1/aspects/SCOPE",
    "/v1/aspects/scope?format=csv",
    "/v1/disciplines",
    "/v1/disciplines/production",
    "/v1/descriptions?aspect=scope&limit=2",
    "/v1/descriptions?limit=5&offset=5",
    "/v1/definitions?format=text",
    "/v1/uses",
    "/v1/faqs?q=inventory",
    "/v1/sources",
    "/v1/sources/twenty-five-differences",
    "/v1/compare?aspect=scope",
    "/v1/compare?disciplines=production,operations&limit=2",
    "/v1/search?q=supply%20chain",
    "/v1/search?q=kpi&kind=faq,description&limit=1",
]
# The direct path hands these to the stack, whose handlers answer them.
ERRORS = [
    "/v1/aspects/no-such-aspect",
    "/v1/aspects?limit=0",
    "/v1/aspects?cursor=not-a-cursor",
    "/v1/aspects?disipline=operations",
    "/v1/search?q=%20",
    "/v1/search?q=x&kind=nothing",
    "/v1/aspects?q=a%00b",
    "/v1/no-such-collection",
    "/v1/aspects/",
]
URLS = READS + ERRORS


@pytest.fixture
def app(engine: Engine) -> VersusApp:
    load_bundled(engine)
    # No response cache: every request reaches an operation.
    return create_app(load_settings(_env_file=None, response_cache_entries=0), engine)


@pytest.fixture
def stacked(app: VersusApp) -> list[str]:
    """The paths that went through the whole stack (counted, then passed on)."""
    seen: list[str] = []
    stack = app._stack

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])
        await stack(scope, receive, send)

    app._stack = counting  # type: ignore[method-assign]
    return seen


def _answer(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, Any], bytes]:
    response = client.get(url, headers=headers, follow_redirects=False)
    return response.status_code, dict(response.headers), response.content


def test_direct_answers_are_the_stacks(app: VersusApp, stacked: list[str]) -> None:
    direct = app.direct_reads
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = {url: _answer(client, url, **PLAIN) for url in URLS}
        assert stacked == [url.partition("?")[0] for url in ERRORS]
        app.direct_reads = None
        try:
            for url in URLS:
                assert answers[url] == _answer(client, url, **PLAIN), url
        finally:
            app.direct_reads = direct


def test_cursors_and_next_links_agree(app: VersusApp, stacked: list[str]) -> None:
    with TestClient(app) as client:
        url: str | None = "/v1/aspects?limit=7"
        pages = 0
        while url:
            direct = client.get(url, headers=PLAIN)
            app.direct_reads, kept = None, app.direct_reads
            assert client.get(url, headers=PLAIN).content == direct.content
            app.direct_reads = kept
            url = direct.json()["next"]
            pages += 1
    assert pages > 2
    assert len(stacked) == pages  # only the comparison requests went through the stack


@pytest.mark.parametrize(
    "headers", [{"origin": "https://example.org"}, {"accept-encoding": "gzip, br"}]
)
def test_requests_a_middleware_changes_take_the_stack(
    app: VersusApp, stacked: list[str], headers: dict[str, str]
) -> None:
    with TestClient(app) as client:
        assert client.get("/v1/aspects/scope", headers=headers).status_code == 200
    assert stacked == ["/v1/aspects/scope"]


def test_large_answers_still_vary_on_accept_encoding(app: VersusApp) -> None:
    with TestClient(app) as client:
        large = client.get("/v1/aspects?limit=50", headers=PLAIN)
        small = client.get("/v1/aspects?limit=1&format=text", headers=PLAIN)
    assert "Accept-Encoding" in large.headers["vary"]
    assert len(small.content) < 1024
    assert "Accept-Encoding" not in small.headers["vary"]
