"""Sources over HTTP: attribution on every source, and the text of each, line by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.models import Source
from seed.decode import decode
from seed.load import load_sources
from seed.manifest import load_manifest
from tests.seed_helpers import load_bundled

BUNDLED = {spec.slug: spec.path for spec in load_manifest().sources}
LINES = "/v1/sources/structured-comparison/lines"


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    load_bundled(engine)
    return client


def _file_lines(slug: str) -> list[str]:
    path = BUNDLED[slug]
    return list(decode(path.name, path.read_bytes(), max_bytes=1 << 26).lines)


def test_sources_carry_attribution_and_their_line_count(api: TestClient) -> None:
    listed = api.get("/v1/sources").json()["items"]
    one = api.get("/v1/sources/structured-comparison").json()
    for source in [*listed, one]:
        assert {"url", "author", "licence", "retrieved", "lines"} <= set(source)
    assert one["lines"] == len(_file_lines("structured-comparison"))
    assert (one["url"], one["author"], one["licence"], one["retrieved"]) == (None,) * 4


def test_attribution_from_the_manifest_is_served(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "teams.csv").write_text("Aspect,Red,Blue\nRole,Attacks,Defends\n")
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nfile = "teams.csv"\nurl = "https://example.org/teams"\n'
        'author = "A. Writer"\nlicence = "CC BY 4.0"\nretrieved = 2026-11-20\n'
    )
    manifest = load_manifest(tmp_path / "sources.toml")
    load_sources(engine, manifest.sources, manifest)
    body = client.get("/v1/sources/teams").json()
    assert body["url"] == "https://example.org/teams"
    assert (body["author"], body["licence"], body["retrieved"]) == (
        "A. Writer", "CC BY 4.0", "2026-11-20",
    )  # fmt: skip
    assert client.get("/v1/sources?format=csv").text.splitlines()[0].count("licence") == 1


def test_a_range_of_lines(api: TestClient) -> None:
    response = api.get(f"{LINES}?start=12&end=14")
    assert response.status_code == 200
    body = response.json()
    expected = _file_lines("structured-comparison")
    assert body["items"] == [{"number": n, "text": expected[n - 1]} for n in (12, 13, 14)]
    assert (body["start"], body["end"], body["total"]) == (12, 14, len(expected))
    assert body["source"]["slug"] == "structured-comparison"
    assert body["next"] == f"{LINES}?start=15&end=17"
    assert response.headers["x-total-count"] == str(len(expected))
    assert response.headers["link"] == f'<{LINES}?start=15&end=17>; rel="next"'


def test_walking_next_reads_the_whole_text_once(api: TestClient) -> None:
    expected = _file_lines("twenty-five-differences")
    url: str | None = "/v1/sources/twenty-five-differences/lines?end=50"
    seen: list[str] = []
    while url:
        body = api.get(url).json()
        seen.extend(item["text"] for item in body["items"])
        url = body["next"]
    assert seen == expected
    first = api.get("/v1/sources/twenty-five-differences/lines").json()
    assert len(first["items"]) == min(200, len(expected))


def test_an_end_past_the_last_line_stops_there(api: TestClient) -> None:
    total = len(_file_lines("structured-comparison"))
    body = api.get(f"{LINES}?start={total - 1}&end={total + 500}").json()
    assert [item["number"] for item in body["items"]] == [total - 1, total]
    assert body["end"] == total
    assert body["next"] is None


@pytest.mark.parametrize(
    ("query", "status", "name", "detail"),
    [
        ("start=14&end=12", 400, "end", "is before `start`"),
        ("start=9999", 400, "start", "past the end"),
        ("start=0", 422, "start", "greater than or equal to 1"),
        ("start=abc", 422, "start", "valid integer"),
        ("end=-3", 422, "end", "greater than or equal to 1"),
        ("start=99999999999999999999", 422, "start", "less than or equal to"),
        ("lines=3", 400, "lines", "lines"),
    ],
)
def test_bad_ranges_are_problems(
    api: TestClient, query: str, status: int, name: str, detail: str
) -> None:
    response = api.get(f"{LINES}?{query}")
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert detail in body["detail"]
    if status != 400 or name != "lines":
        assert body["invalid_params"][0]["name"] == name


def test_one_answer_holds_at_most_200_lines(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Aspect,A,B\n" + "".join(f"Aspect {n},a {n},b {n}\n" for n in range(300)))
    manifest = load_manifest()
    load_sources(engine, [manifest.spec_for(path)], manifest)
    too_many = client.get("/v1/sources/long/lines?start=1&end=201")
    assert too_many.status_code == 400
    assert "ask for at most 200" in too_many.json()["detail"]
    assert len(client.get("/v1/sources/long/lines?start=50&end=249").json()["items"]) == 200
    first = client.get("/v1/sources/long/lines").json()
    assert (len(first["items"]), first["end"], first["total"]) == (200, 200, 301)
    assert first["next"] == "/v1/sources/long/lines?start=201"


def test_an_unknown_source_is_a_404_with_suggestions(api: TestClient) -> None:
    response = api.get("/v1/sources/structured-comparisn/lines")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "structured-comparison" in response.json()["suggestions"]


def test_a_source_without_stored_text_is_a_404_that_says_how_to_fix_it(
    api: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        session.execute(update(Source).values(line_count=0))
        session.commit()
    response = api.get(LINES)
    assert response.status_code == 404
    assert "versus seed --force" in response.json()["detail"]


@pytest.mark.parametrize(
    ("format_", "media", "first_line"),
    [("csv", "text/csv", "number,text"), ("text", "text/plain", "number  text")],
)
def test_lines_as_csv_and_text(api: TestClient, format_: str, media: str, first_line: str) -> None:
    response = api.get(f"{LINES}?start=13&end=13&format={format_}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.text.splitlines()[0].rstrip() == first_line
    assert "What is Operations Management?" in response.text


def test_lines_revalidate_with_their_etag(api: TestClient) -> None:
    first = api.get(f"{LINES}?start=1&end=5")
    etag = first.headers["etag"]
    again = api.get(f"{LINES}?start=1&end=5", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert first.headers["cache-control"].startswith("public")


def test_the_text_follows_a_reimport(client: TestClient, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text("Aspect,Red,Blue\nRole,Attacks,Defends\nGoal,Find gaps,Close gaps\n")
    manifest = load_manifest()
    load_sources(engine, [manifest.spec_for(path)], manifest)
    before = client.get("/v1/sources/teams/lines")
    path.write_text("Aspect,Red,Blue\nRole,Emulates attackers,Defends\n")
    load_sources(engine, [manifest.spec_for(path)], manifest)
    after = client.get("/v1/sources/teams/lines", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert [item["text"] for item in after.json()["items"]] == [
        "Aspect,Red,Blue", "Role,Emulates attackers,Defends",
    ]  # fmt: skip


def test_openapi_documents_the_lines_and_attribution(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/sources/{slug}/lines"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"slug", "start", "end", "format"}
    assert {"400", "404", "422"} <= set(operation["responses"])
    assert "text/csv" in operation["responses"]["200"]["content"]
    source = document["components"]["schemas"]["Source"]["properties"]
    for name in ("url", "author", "licence", "retrieved", "lines"):
        assert source[name].get("description"), name
    line = document["components"]["schemas"]["Line"]["properties"]
    assert set(line) == {"number", "text"}
