"""The request pipeline: every request passes every layer; routes declare what they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings, load_settings
from app.domain.errors import AppError, NotFound
from app.main import VersusApp, create_app
from app.store import migrate
from app.store.engines import create_db_engine
from app.store.models import Definition
from app.web.declare import DATASET_READ, Declaration, DeclaredRouter
from app.web.responses import render
from app.web.routing import StrictQueryRoute
from tests.seed_helpers import load_bundled, load_files


class Counting:
    """A pure ASGI middleware, added the usual way, that counts what passes it."""

    seen: list[tuple[str, int]]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        Counting.seen = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                Counting.seen.append((scope["path"], message["status"]))
            await send(message)

        await self.app(scope, receive, counted)


@pytest.fixture
def app(settings: Settings, engine: Engine) -> VersusApp:
    load_bundled(engine)
    return create_app(settings, engine)


@pytest.fixture
def api(app: VersusApp) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_added_middleware_sees_every_request(app: VersusApp) -> None:
    app.add_middleware(Counting)
    with TestClient(app, raise_server_exceptions=False) as api:
        etag = api.get("/v1/aspects").headers["etag"]  # a miss
        api.get("/v1/aspects")  # a hit
        api.get("/v1/aspects", headers={"If-None-Match": etag})  # a 304
        api.get("/v1/aspects/nothing-like-this")  # an error from the route
        api.get("/v1/aspects?format=xml")  # an error before the route
        api.get("/nope")  # no route at all
        api.head("/v1/aspects")
    assert Counting.seen == [
        ("/v1/aspects", 200), ("/v1/aspects", 200), ("/v1/aspects", 304),
        ("/v1/aspects/nothing-like-this", 404), ("/v1/aspects", 400), ("/nope", 404),
        ("/v1/aspects", 200),
    ]  # fmt: skip
    assert app.conditional.hits >= 2


def test_observers_are_told_of_every_request(app: VersusApp) -> None:
    seen: list[tuple[str, int, int]] = []

    class Observer:
        def observe(self, scope: Scope, status: int, seconds: float, body_bytes: int) -> None:
            assert seconds >= 0
            seen.append((scope["path"], status, body_bytes))

    app.observe(Observer())
    plain = {"Accept-Encoding": "identity"}
    with TestClient(app) as api:
        size = len(api.get("/v1/aspects", headers=plain).content)
        api.get("/v1/aspects", headers=plain)
        api.get("/healthz", headers=plain)
    assert seen == [("/v1/aspects", 200, size), ("/v1/aspects", 200, size), ("/healthz", 200, 15)]


async def _secret(request: Request) -> Response:
    if request.headers.get("authorization") != "Bearer s3cret":
        raise AppError("who are you?", headers={"WWW-Authenticate": "Bearer"})
    return render(request, {"secret": "the recipe"})


def _require_credentials(app: VersusApp, calls: list[str]) -> None:
    async def guard(request: Request) -> None:
        calls.append(request.url.path)
        if "authorization" not in request.headers:
            error = AppError("Send a key.", headers={"WWW-Authenticate": "Bearer"})
            error.status, error.slug, error.title = 401, "unauthorized", "Unauthorized"
            raise error

    router = DeclaredRouter(
        prefix="/v1",
        route_class=StrictQueryRoute,
        declaration=Declaration(
            public=True, cacheable=True, dataset=True, views=("model",), guards=(guard,)
        ),
    )
    router.get("/secret")(_secret)
    app.include_router(router)


def test_an_answer_to_a_credential_is_never_replayed_to_anyone_else(app: VersusApp) -> None:
    calls: list[str] = []
    _require_credentials(app, calls)
    with TestClient(app, raise_server_exceptions=False) as api:
        keyed = api.get("/v1/secret", headers={"Authorization": "Bearer s3cret"})
        assert keyed.status_code == 200
        assert keyed.headers["cache-control"] == "private, no-cache"
        anonymous = api.get("/v1/secret")
        assert anonymous.status_code == 401
        assert "the recipe" not in anonymous.text
        assert anonymous.headers["www-authenticate"] == "Bearer"
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert (
            api.get("/v1/secret", headers={"If-None-Match": keyed.headers["etag"]}).status_code
            == 401
        )
    assert calls == ["/v1/secret"] * 3  # the guard ran for each, cached or not


def test_requests_with_credentials_bypass_the_shared_cache(app: VersusApp) -> None:
    with TestClient(app) as api:
        api.get("/v1/aspects")
        hits = app.conditional.hits
        response = api.get("/v1/aspects", headers={"Cookie": "session=1"})
        assert response.headers["cache-control"] == "private, no-cache"
        assert app.conditional.hits == hits
        assert (
            api.get("/v1/aspects").headers["cache-control"] == "public, max-age=0, must-revalidate"
        )


def test_a_failing_read_runs_its_endpoint_once(app: VersusApp) -> None:
    calls: list[str] = []

    async def failing(request: Request) -> Response:
        calls.append(request.url.path)
        raise NotFound("Nothing here.")

    router = DeclaredRouter(prefix="/v1", route_class=StrictQueryRoute, declaration=DATASET_READ)
    router.get("/failing")(failing)
    app.include_router(router)
    with TestClient(app) as api:
        assert api.get("/v1/failing").status_code == 404
    assert calls == ["/v1/failing"]


def test_a_cross_origin_revalidation_is_a_304_with_cors_headers(api: TestClient) -> None:
    origin = {"Origin": "https://app.example"}
    for path in ("/v1/aspects", "/v1/aspects/scope"):
        etag = api.get(path, headers=origin).headers["etag"]
        for _ in range(2):  # a miss, then a hit
            again = api.get(path, headers={**origin, "If-None-Match": etag})
            assert again.status_code == 304
            assert again.headers["access-control-allow-origin"] == "*"
            assert "ETag" in again.headers["access-control-expose-headers"]


def test_a_database_outage_is_a_503_problem_with_cors_headers(settings: Settings) -> None:
    unreachable = create_db_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    app = create_app(settings, unreachable)
    with TestClient(app, raise_server_exceptions=False) as api:
        for path in ("/v1/aspects", "/v1/aspects/scope", "/v1/search?q=x"):
            response = api.get(path, headers={"Origin": "https://app.example"})
            assert response.status_code == 503, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert response.headers["access-control-allow-origin"] == "*"
            body = response.json()
            assert body["status"] == 503
            assert body["request_id"] == response.headers["x-request-id"]
            assert "Traceback" not in response.text
        assert api.get("/healthz").status_code == 200
        assert api.get("/readyz").status_code == 503
    unreachable.dispose()


def test_the_host_header_never_steers_links(api: TestClient) -> None:
    evil = api.get("/v1/aspects?limit=2", headers={"Host": "evil.example"})
    assert evil.json()["next"].startswith("/v1/aspects?")
    for response in (evil, api.get("/v1/aspects?limit=2")):
        assert "evil" not in response.text
        assert "evil" not in response.headers["link"]


def test_links_start_with_the_public_url(engine: Engine) -> None:
    load_bundled(engine)
    settings = load_settings(_env_file=None, public_url="https://api.example.org/")
    with TestClient(create_app(settings, engine)) as api:
        page = api.get("/v1/aspects?limit=2", headers={"Host": "evil.example"})
        assert page.json()["next"].startswith("https://api.example.org/v1/aspects?limit=2&cursor=")
        search = api.get("/v1/search?q=management&limit=1").json()
        assert search["next"].startswith("https://api.example.org/v1/search?")


def test_a_reset_database_never_answers_for_the_old_one(
    tmp_path: Path, empty_database_url: str
) -> None:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    load_bundled(engine)
    app = create_app(load_settings(_env_file=None), engine)
    other = tmp_path / "other.csv"
    other.write_text("Aspect,Cooking,Baking\nHeat,Stove,Oven\n")
    with TestClient(app) as api:
        before = api.get("/v1/sources")
        tag = before.headers["etag"]
        migrate.downgrade(engine, "base")
        migrate.upgrade(engine)
        load_files(engine, other)
        after = api.get("/v1/sources", headers={"If-None-Match": tag})
        assert after.status_code == 200
        assert [s["file"] for s in after.json()["items"]] == ["other.csv"]
        assert after.headers["x-dataset-version"] != before.headers["x-dataset-version"]
    engine.dispose()


def test_a_resource_etag_stays_while_other_data_changes(api: TestClient, engine: Engine) -> None:
    aspect = api.get("/v1/aspects/scope")
    collection = api.get("/v1/definitions")
    with Session(engine) as session:
        session.execute(update(Definition).where(Definition.id == 1).values(text="Changed."))
        session.commit()
    again = api.get("/v1/aspects/scope", headers={"If-None-Match": aspect.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["x-dataset-version"] != aspect.headers["x-dataset-version"]
    changed = api.get("/v1/definitions", headers={"If-None-Match": collection.headers["etag"]})
    assert changed.status_code == 200
    discipline = api.get("/v1/disciplines/production")
    with Session(engine) as session:
        session.execute(update(Definition).values(text="Changed again."))
        session.commit()
    headers = {"If-None-Match": discipline.headers["etag"]}
    assert api.get("/v1/disciplines/production", headers=headers).status_code == 200


def test_collections_carry_last_modified_and_honour_if_modified_since(api: TestClient) -> None:
    first = api.get("/v1/aspects")
    modified = first.headers["last-modified"]
    assert modified.endswith(" GMT")
    assert api.get("/v1/aspects", headers={"If-Modified-Since": modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert api.get("/v1/aspects", headers={"If-Modified-Since": old}).status_code == 200


def test_every_answer_carries_a_request_id_and_reads_their_version(api: TestClient) -> None:
    response = api.get("/v1/aspects", headers={"X-Request-ID": "trace-42"})
    assert response.headers["x-request-id"] == "trace-42"
    assert response.headers["x-dataset-version"].startswith("1.")
    made = api.get("/v1/aspects", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(made.headers["x-request-id"]) == 24
    problem = api.get("/v1/aspects/zzz", headers={"X-Request-ID": "trace-43"})
    assert problem.json()["request_id"] == "trace-43"


def test_format_is_case_insensitive_and_unknown_is_a_400(api: TestClient) -> None:
    assert api.get("/v1/aspects?format=JSON").status_code == 200
    assert api.get("/v1/aspects?format=CSV").headers["content-type"].startswith("text/csv")
    bad = api.get("/v1/aspects?format=yaml")
    assert bad.status_code == 400
    assert bad.json()["invalid_params"][0]["name"] == "format"


def test_a_new_format_is_one_renderer_and_one_registration(
    settings: Settings, engine: Engine
) -> None:
    from app.web.renderers import FORMATS, Renderer, Views

    def shout(views: Views) -> bytes:
        assert views.table is not None
        rows = views.table().rows
        return "\n".join(str(row.get("slug", "")).upper() for row in rows).encode()

    toy = Renderer("shout", "text/x-shout", ("text/x-shout",), "table", shout,
                   schema={"type": "string"}, description="Slugs, loudly.")  # fmt: skip
    load_bundled(engine)
    app = create_app(settings, engine, formats=FORMATS.with_(toy))
    with TestClient(app) as api:
        by_name = api.get("/v1/aspects?limit=2&format=shout")
        assert by_name.headers["content-type"].startswith("text/x-shout")
        assert by_name.text == "APPLICATION\nCHALLENGES-FACED"
        by_accept = api.get("/v1/aspects?limit=2", headers={"Accept": "text/x-shout"})
        assert by_accept.text == by_name.text
        assert by_accept.headers["etag"] != api.get("/v1/aspects?limit=2").headers["etag"]
        operation = api.get("/openapi.json").json()["paths"]["/v1/aspects"]["get"]
    (param,) = [p for p in operation["parameters"] if p["name"] == "format"]
    assert param["schema"]["enum"] == ["json", "csv", "text", "shout"]
    assert "text/x-shout" in operation["responses"]["200"]["content"]
    with TestClient(create_app(settings, engine)) as api:
        assert api.get("/v1/aspects?format=shout").status_code == 400


def test_each_200_documents_one_json_schema_and_the_formats_as_their_own_types(
    api: TestClient,
) -> None:
    paths: dict[str, Any] = api.get("/openapi.json").json()["paths"]
    content = paths["/v1/aspects"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("Page_Aspect_")
    assert content["text/csv"]["schema"]["type"] == "string"
    assert content["text/plain"]["schema"]["type"] == "string"
    health = paths["/healthz"]["get"]["responses"]["200"]["content"]
    assert list(health) == ["application/json"]
