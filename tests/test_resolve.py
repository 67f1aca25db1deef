"""The planned parameter resolver (app.web.resolve) answers exactly what FastAPI's would."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.responses import Response

from app.web.problems import install_error_handlers
from app.web.routes import aspects, compare, disciplines, facts, search, sources
from app.web.routing import StrictQueryRoute


async def paging(
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    cursor: Annotated[str | None, Query(max_length=5)] = None,
) -> dict[str, Any]:
    return {"limit": limit, "cursor": cursor}


async def documented(
    format_: Annotated[Literal["json", "csv"] | None, Query(alias="format")] = None,
) -> None:
    """A router-level dependency whose value is discarded."""


async def endpoint(
    request: Request,
    key: Annotated[str, Path(max_length=8)],
    page: Annotated[dict[str, Any], Depends(paging)],
    q: Annotated[str, Query(min_length=1)],
    kind: Annotated[list[str] | None, Query()] = None,
    sort: Literal["a", "-a"] = "a",
    flag: bool = False,
) -> Response:
    return JSONResponse(
        {"path": request.url.path, "key": key, "page": page, "q": q, "kind": kind,
         "sort": sort, "flag": flag}
    )  # fmt: skip


async def with_header(request: Request, token: Annotated[str | None, Header()] = None) -> Response:
    return JSONResponse({"token": token})


def build(route_class: type[APIRoute]) -> tuple[FastAPI, APIRouter]:
    app = FastAPI()
    router = APIRouter(route_class=route_class, dependencies=[Depends(documented)])
    router.add_api_route("/items/{key}", endpoint, methods=["GET"])
    router.add_api_route("/header", with_header, methods=["GET"])
    app.include_router(router)
    install_error_handlers(app)
    return app, router


PLANNED, PLANNED_ROUTER = build(StrictQueryRoute)
FASTAPI, _ = build(APIRoute)

CASES = [
    "/items/abc?q=x",
    "/items/abc?q=x&limit=5&cursor=ab&kind=a&kind=b&sort=-a&flag=true",
    "/items/abc?q=x&kind=a,b",
    "/items/abc?q=x&flag=yes",
    "/items/abc?q=x&flag=maybe",
    "/items/abc",  # q missing
    "/items/abc?q=",  # too short
    "/items/abcdefghijk?q=x",  # path too long
    "/items/abc?q=x&limit=0",
    "/items/abc?q=x&limit=abc",
    "/items/abc?q=x&cursor=toolong",
    "/items/abc?q=x&sort=b",
    "/items/abc?q=x&format=csv",
    "/items/abc?q=x&format=xml",
    "/items/abc?limit=0&format=xml",  # errors from the route and both dependencies at once
    "/items/caf%C3%A9?q=%C3%A9t%C3%A9",
    "/header",
]


@pytest.mark.parametrize("url", CASES)
def test_planned_routes_answer_what_fastapi_answers(url: str) -> None:
    planned = TestClient(PLANNED).get(url, headers={"token": "t"})
    reference = TestClient(FASTAPI).get(url, headers={"token": "t"})
    assert planned.status_code == reference.status_code
    assert planned.json() == reference.json()


def test_routes_outside_the_subset_keep_fastapis_resolver() -> None:
    planned = {route.path: route.planned for route in PLANNED_ROUTER.routes}  # type: ignore[attr-defined]
    assert planned == {"/items/{key}": True, "/header": False}


@pytest.mark.parametrize("module", [aspects, compare, disciplines, facts, search, sources])
def test_every_read_operation_is_planned(module: Any) -> None:
    # A read route that falls back to FastAPI's resolver still works, but costs more per
    # request: this keeps one from doing so unnoticed.
    routes = [route for route in module.router.routes if isinstance(route, StrictQueryRoute)]
    assert routes
    assert all(route.planned for route in routes), [r.path for r in routes if not r.planned]
