"""The read API over the bundled dataset: collections, filters, items, compare, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.models import Aspect, Definition, Description, Discipline, DisciplineUse, Faq, Source
from tests.seed_helpers import load_bundled

COLLECTIONS = {
    "/v1/disciplines": Discipline,
    "/v1/aspects": Aspect,
    "/v1/descriptions": Description,
    "/v1/definitions": Definition,
    "/v1/uses": DisciplineUse,
    "/v1/faqs": Faq,
    "/v1/sources": Source,
}


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _identity(item: dict[str, Any]) -> Any:
    return item.get("id", item.get("slug"))


def walk(api: TestClient, url: str) -> Iterator[dict[str, Any]]:
    """Every item of a collection, following `next` links."""
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        yield from body["items"]
        url = body["next"]
        assert (response.headers.get("link") is not None) == (url is not None)


@pytest.mark.parametrize("path", COLLECTIONS)
def test_collection_shape_and_total(api: TestClient, engine: Engine, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "limit", "next"}
    assert body["total"] == _count(engine, COLLECTIONS[path])
    assert response.headers["x-total-count"] == str(body["total"])
    assert body["limit"] == 20
    assert len(body["items"]) == min(20, body["total"])


@pytest.mark.parametrize("path", COLLECTIONS)
def test_walking_next_visits_every_row_once(api: TestClient, engine: Engine, path: str) -> None:
    seen = [_identity(item) for item in walk(api, f"{path}?limit=3")]
    assert len(seen) == len(set(seen)) == _count(engine, COLLECTIONS[path])


@pytest.mark.parametrize("sort", ["-slug", "name", "-name"])
def test_walking_other_sorts_visits_every_aspect_once(api: TestClient, sort: str) -> None:
    seen = [item["slug"] for item in walk(api, f"/v1/aspects?limit=7&sort={sort}")]
    assert len(seen) == len(set(seen)) == 44
    key = "slug" if "slug" in sort else "name"
    values = [item[key] for item in walk(api, f"/v1/aspects?limit=50&sort={sort}")]
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_offset_pages(api: TestClient) -> None:
    first = api.get("/v1/aspects?limit=5").json()["items"]
    second = api.get("/v1/aspects?limit=5&offset=5").json()
    assert [a["slug"] for a in second["items"]] != [a["slug"] for a in first]
    everything = [a["slug"] for a in api.get("/v1/aspects?limit=10").json()["items"]]
    assert [a["slug"] for a in second["items"]] == everything[5:10]
    assert "offset=10" in second["next"]


@pytest.mark.parametrize(
    ("query", "status", "needle"),
    [
        ("limit=0", 422, "greater than or equal to 1"),
        ("limit=201", 422, "less than or equal to 200"),
        ("limit=ten", 422, "valid integer"),
        ("cursor=garbage", 400, "cursor is not valid"),
        ("cursor=eyJzIjoibmFtZSIsImsiOlsiYSIsMV19", 400, "cursor is not valid"),  # other sort
        ("cursor=abc&offset=3", 400, "not both"),
        ("offset=-1", 422, "greater than or equal to 0"),
        ("format=xml", 400, "offers json, csv, text"),
        ("sort=size", 422, "'slug'"),
        ("discipline=astronomy", 400, "names no discipline"),
        ("source=nowhere", 400, "names no source"),
        ("disipline=production", 400, "did you mean 'discipline'"),
        ("include=everything", 422, "descriptions"),
    ],
)
def test_bad_parameters_are_4xx_problems(
    api: TestClient, query: str, status: int, needle: str
) -> None:
    response = api.get(f"/v1/aspects?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert needle in response.text


def test_filter_miss_suggests_keys(api: TestClient) -> None:
    body = api.get("/v1/descriptions?discipline=operatons").json()
    assert body["suggestions"][0] == "operations-management"
    assert body["invalid_params"] == [
        {"in": "query", "name": "discipline", "reason": "no such discipline"}
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("discipline=production&source=basis-of-difference-table", 12),
        ("source=closely-related-fields", 3),
        ("q=supply%20chain", 7),
        ("q=KPI", 1),  # matched through its alias and descriptions
        ("discipline=Operation%20management&q=innovation", 1),
    ],
)
def test_aspect_filters(api: TestClient, query: str, expected: int) -> None:
    assert api.get(f"/v1/aspects?{query}").json()["total"] == expected


def test_aspect_filters_match_descriptions_by_discipline(api: TestClient) -> None:
    items = api.get("/v1/aspects?source=closely-related-fields").json()["items"]
    assert {item["slug"] for item in items} == {"focus", "scope", "level-of-responsibility"}


def test_include_descriptions_embeds_the_filtered_descriptions(api: TestClient) -> None:
    body = api.get(
        "/v1/aspects?include=descriptions&source=structured-comparison&discipline=production"
    ).json()
    assert body["total"] == 10
    for aspect in body["items"]:
        assert len(aspect["descriptions"]) == 1
        description = aspect["descriptions"][0]
        assert description["source"]["slug"] == "structured-comparison"
        assert description["discipline"]["slug"] == "production-management"
    plain = api.get("/v1/aspects").json()["items"][0]
    assert "descriptions" not in plain


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aspect=kpis", 4),
        ("aspect=Focus&discipline=operations-management", 3),
        ("source=twenty-five-differences", 50),
        ("q=six%20sigma", 1),
    ],
)
def test_description_filters(api: TestClient, query: str, expected: int) -> None:
    body = api.get(f"/v1/descriptions?{query}").json()
    assert body["total"] == expected


def test_description_carries_provenance(api: TestClient) -> None:
    items = api.get("/v1/descriptions?aspect=focus&source=basis-of-difference-table").json()
    by_discipline = {d["discipline"]["slug"]: d for d in items["items"]}
    production = by_discipline["production-management"]
    assert production["text"] == "Primarily on manufacturing physical goods"
    assert (production["line_start"], production["line_end"]) == (6, 6)
    assert production["source"] == {
        "slug": "basis-of-difference-table",
        "title": "Production vs Operations Management: basis of difference table",
        "file": "000_792e2d49130623ec.txt",
    }
    assert production["label"] == "Focus"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v1/definitions?discipline=production", 4),
        ("/v1/definitions?source=production-operations-differences", 2),
        ("/v1/uses?discipline=operations-management", 5),
        ("/v1/uses?source=basis-of-difference-table", 0),
        ("/v1/faqs?q=technology", 1),
        ("/v1/faqs?source=twenty-five-differences", 6),
    ],
)
def test_fact_filters(api: TestClient, path: str, expected: int) -> None:
    assert api.get(path).json()["total"] == expected


@pytest.mark.parametrize(
    "key", ["kpis", "KPIs", "Key Performance Indicators (KPIs)", "key-performance-indicators-kpis",
            "KEY PERFORMANCE INDICATORS KPIS", "kpi"],
)  # fmt: skip
def test_aspect_lookup_by_any_name(api: TestClient, key: str) -> None:
    response = api.get(f"/v1/aspects/{key}")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "key-performance-indicators-kpis"
    assert body["aliases"] == ["KPIs", "KPI", "Key Performance Indicators"]
    sources = {d["source"]["slug"] for d in body["descriptions"]}
    assert sources == {"twenty-five-differences", "structured-comparison"}


def test_aspect_miss_is_404_with_suggestions(api: TestClient) -> None:
    response = api.get("/v1/aspects/scpoe")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["suggestions"][0] == "scope"
    assert "Did you mean scope" in response.json()["detail"]


def test_discipline_lookup_with_definitions_and_uses(api: TestClient) -> None:
    body = api.get("/v1/disciplines/Operation%20management").json()
    assert body["slug"] == "operations-management"
    assert len(body["definitions"]) == 4
    assert len(body["uses"]) == 5
    assert body["uses"][0]["title"] == "Efficiency and Productivity Improvement"
    assert api.get("/v1/disciplines/astronmy").status_code == 404


@pytest.mark.parametrize("key", ["structured-comparison", "004_c9fa020e8998d7ce.txt"])
def test_source_lookup_with_report(api: TestClient, key: str) -> None:
    body = api.get(f"/v1/sources/{key}").json()
    assert body["slug"] == "structured-comparison"
    assert body["formats"] == ["definitions", "run-together-table"]
    assert body["counts"]["descriptions"] == 20
    assert any("advertising" in s["reason"] for s in body["report"]["skipped"])
    assert body["imported_at"].endswith(("Z", "+00:00"))


def test_compare_one_aspect(api: TestClient) -> None:
    body = api.get("/v1/compare?aspect=focus").json()
    assert body["aspect"] == {"slug": "focus", "name": "Focus"}
    assert [d["slug"] for d in body["disciplines"]] == [
        "operations-management", "production-management",
    ]  # fmt: skip
    rows = {row["source"]["slug"]: row for row in body["rows"]}
    assert set(rows) == {
        "basis-of-difference-table",
        "closely-related-fields",
        "structured-comparison",
    }
    table = rows["basis-of-difference-table"]
    assert table["cells"]["production-management"] == "Primarily on manufacturing physical goods"
    assert table["lines"]["production-management"] == {"line_start": 6, "line_end": 6}
    assert rows["closely-related-fields"]["label"] == "focus"


def test_compare_with_chosen_disciplines_keeps_nulls(api: TestClient, engine: Engine) -> None:
    body = api.get("/v1/compare?aspect=scope&disciplines=Production").json()
    assert [d["slug"] for d in body["disciplines"]] == ["production-management"]
    assert all(set(row["cells"]) == {"production-management"} for row in body["rows"])


def test_compare_whole_table_walks_shared_aspects(api: TestClient) -> None:
    url = "/v1/compare?disciplines=production-management,operations-management&limit=10"
    aspects = []
    while url:
        body = api.get(url).json()
        aspects += [item["aspect"]["slug"] for item in body["items"]]
        for item in body["items"]:
            assert all(row["cells"]["production-management"] for row in item["rows"])
        url = body["next"]
    assert len(aspects) == len(set(aspects)) == 44


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 400), ("aspect=nothing-like-this", 404), ("disciplines=astronomy", 400),
     ("aspect=focus&disciplines=production,nope", 400)],
)  # fmt: skip
def test_compare_errors(api: TestClient, query: str, status: int) -> None:
    response = api.get(f"/v1/compare?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/aspects?discipline=%00",
        "/v1/aspects/%00",
        "/v1/search?q=%00",
        "/v1/compare?aspect=a%00",
    ],
)
def test_nul_characters_are_refused_as_bad_requests(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
