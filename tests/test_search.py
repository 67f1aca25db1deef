"""Full-text search: concrete hits, ranking, snippets, paging, hostile input, and an index that
follows every write. Every test runs on the backend under test and asserts the same hits there.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.domain.snippets import make_snippet
from app.domain.terms import parse_terms
from app.main import create_app
from app.store import migrate
from app.store.engines import create_db_engine, write_session
from app.store.models import Aspect, AspectAlias, Description, Source
from app.store.search import search
from app.store.search_index import INDEXED, NAME
from tests.seed_helpers import FIXTURES, load_bundled, load_files

PROBLEM_JSON = "application/problem+json"
Key = tuple[Any, ...]


@pytest.fixture
def search_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def seeded(engine: Engine, search_client: TestClient) -> TestClient:
    load_bundled(engine)
    return search_client


def _key(item: dict[str, Any]) -> Key:
    """A hit by natural key: ids are not part of what the data says."""
    found = item["object"]
    if not isinstance(found, dict):  # search() hands back response models; the API, JSON
        found = found.model_dump(mode="json")
    if item["kind"] == "aspect":
        return ("aspect", found["slug"])
    discipline = found.get("discipline", {}).get("slug")
    return (item["kind"], found["source"]["slug"], found["line_start"], discipline)


def _search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/search", params={"q": q, "limit": 200, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _keys(client: TestClient, q: str, **params: Any) -> list[Key]:
    return [_key(item) for item in _search(client, q, **params)["items"]]


# --- what is found ---------------------------------------------------------------------------

SUPPLY_CHAIN = {
    ("description", "twenty-five-differences", 62, "operations-management"),  # Focus Areas
    ("description", "twenty-five-differences", 117, "operations-management"),  # Risk Management
    ("description", "twenty-five-differences", 152, "operations-management"),  # Challenges Faced
    ("description", "basis-of-difference-table", 25, "operations-management"),
    ("description", "basis-of-difference-table", 28, "operations-management"),
    ("description", "basis-of-difference-table", 40, "operations-management"),
    ("description", "structured-comparison", 26, "operations-management"),
    ("use", "twenty-five-differences", 23, "operations-management"),
    ("faq", "twenty-five-differences", 180, None),  # the key challenges of operations management
    ("definition", "closely-related-fields", 3, "operations-management"),
    ("definition", "structured-comparison", 13, "operations-management"),
}


def test_supply_chain_finds_the_same_hits_on_every_backend(seeded: TestClient) -> None:
    page = _search(seeded, "supply chain")
    keys = {_key(item) for item in page["items"]}
    assert keys >= SUPPLY_CHAIN
    assert page["total"] == len(page["items"]) == len(keys)
    assert page["query"] == "supply chain"
    assert page["next"] is None
    focus_key = ("description", "twenty-five-differences", 62, "operations-management")
    focus = next(item for item in page["items"] if _key(item) == focus_key)
    assert focus["object"]["aspect"] == {"slug": "focus-areas", "name": "Focus Areas"}
    assert focus["object"]["source"]["file"] == "001_94c4c58cecab1e71.txt"
    assert "broader spectrum, including supply chain management" in focus["object"]["text"]


@pytest.mark.parametrize(
    ("q", "kind", "expected"),
    [
        ("KPIs", "aspect", ("aspect", "key-performance-indicators-kpis")),
        ("key performance indicators", "aspect", ("aspect", "key-performance-indicators-kpis")),
        ("challenges", "faq", ("faq", "twenty-five-differences", 180, None)),
        ("Six Sigma", "faq", ("faq", "twenty-five-differences", 182, None)),
        (
            "critical discipline",
            "definition",
            ("definition", "twenty-five-differences", 8, "operations-management"),
        ),
        (
            "timely delivery",
            "use",
            ("use", "twenty-five-differences", 39, "production-management"),
        ),
        (
            "defect rates",
            "description",
            ("description", "twenty-five-differences", 86, "production-management"),
        ),
    ],
)
def test_each_kind_is_found(seeded: TestClient, q: str, kind: str, expected: Key) -> None:
    assert expected in _keys(seeded, q)
    assert expected in _keys(seeded, q, kind=kind)


def test_an_aspect_is_found_by_its_alias(seeded: TestClient) -> None:
    hits = _search(seeded, "KPI.", kind="aspect")["items"]  # "KPI" only as a whole word
    assert [_key(hit) for hit in hits] == [("aspect", "key-performance-indicators-kpis")]
    assert hits[0]["object"] == {
        "slug": "key-performance-indicators-kpis",
        "name": "Key Performance Indicators (KPIs)",
    }
    assert hits[0]["snippet"] == "<mark>KPI</mark>"


def test_kind_filter(seeded: TestClient) -> None:
    assert {k[0] for k in _keys(seeded, "supply chain", kind="faq")} == {"faq"}
    both = {k[0] for k in _keys(seeded, "supply chain", kind="faq, Use")}
    assert both == {"faq", "use"}
    repeated = seeded.get("/v1/search", params=[("q", "supply"), ("kind", "faq"), ("kind", "use")])
    assert {item["kind"] for item in repeated.json()["items"]} == {"faq", "use"}


def test_unknown_kind_is_a_bad_request_naming_it(seeded: TestClient) -> None:
    response = seeded.get("/v1/search", params={"q": "scope", "kind": "aspect,faqs"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    detail = response.json()["detail"]
    assert "'faqs'" in detail
    assert "aspect, description, definition, use, faq" in detail


def test_an_exact_aspect_name_ranks_first(seeded: TestClient) -> None:
    items = _search(seeded, "scope")["items"]
    assert _key(items[0]) == ("aspect", "scope")
    assert items[0]["snippet"] == "<mark>Scope</mark>"
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_snippets_mark_the_matches(seeded: TestClient) -> None:
    for item in _search(seeded, "supply chain")["items"]:
        assert "<mark>" in item["snippet"], item
        assert len(item["snippet"].replace("<mark>", "").split()) <= 20
    focus = _search(seeded, "broader spectrum supply", kind="description")["items"][0]
    assert focus["snippet"] == (
        "…management focuses on a <mark>broader</mark> <mark>spectrum</mark>, including "
        "<mark>supply</mark> chain management, process improvement, and strategic decision-making."
    )


def test_the_last_word_is_a_prefix_while_it_is_being_typed(seeded: TestClient) -> None:
    assert ("aspect", "scope") in _keys(seeded, "sco", kind="aspect")
    assert _keys(seeded, "sco ", kind="aspect") == []  # a finished word must match whole


# --- snippets and terms, without a database ---------------------------------------------------


def test_snippet_is_cut_around_the_match_and_escaped() -> None:
    text = " ".join(f"w{n}" for n in range(40)) + " <b>Supply</b> & chain " + "x " * 30
    snippet = make_snippet([text], parse_terms("supply chain"))
    # "b" of the tag is a word too: four words lead up to the match
    assert snippet.startswith(
        "…w37 w38 w39 &lt;b&gt;<mark>Supply</mark>&lt;/b&gt; &amp; <mark>chain"
    )
    assert snippet.endswith("x…")
    assert len(snippet.split()) <= 20


@pytest.mark.parametrize(
    "text",
    ["東" * 5000 + " supply", "😀" * 5000 + " supply " + "😀" * 5000, "supply" + "!" * 9000],
)
def test_snippet_stays_short_whatever_the_text(text: str) -> None:
    snippet = make_snippet([text], parse_terms("supply"))
    assert "<mark>supply</mark>" in snippet
    assert len(snippet) < 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a gap over 40 characters is cut, and so is a word over 80, wherever they fall
        ("supply" + "!" * 50 + " chain", "<mark>supply</mark>" + "!" * 40 + "…<mark>chain</mark>"),
        ("x" * 90 + " supply, " + "?" * 45, "x" * 80 + "… <mark>supply</mark>, " + "?" * 38 + "…"),
        # the window with both terms wins over the first match
        (
            "supply " + " ".join(f"w{n}" for n in range(20)) + " supply chain end",
            "…w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 <mark>supply</mark> "
            "<mark>chain</mark> end",
        ),
        (
            "A & B supply " + " ".join(f"w{n}" for n in range(20)),
            "A &amp; B <mark>supply</mark> w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12…",
        ),
    ],
)
def test_snippet_windows_shortens_and_escapes(text: str, expected: str) -> None:
    assert make_snippet([text], parse_terms("supply chain")) == expected


def test_snippet_prefers_the_field_with_most_terms() -> None:
    terms = parse_terms("supply chain")
    assert make_snippet(["Supply", "A supply chain."], terms) == (
        "A <mark>supply</mark> <mark>chain</mark>."
    )


def test_a_word_is_one_term_even_when_it_also_starts_with_the_prefix() -> None:
    terms = parse_terms("manage manag")  # "manage" exactly, and words starting with "manag"
    # "Manage" is the exact term only, so each field matches one term: the first one wins.
    assert make_snippet(["Manage it.", "Management"], terms) == "<mark>Manage</mark> it."
    assert make_snippet(["Manage it.", "Management: manage!"], terms) == (
        "<mark>Management</mark>: <mark>manage</mark>!"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x_supply-chain", "x_<mark>supply</mark>-<mark>chain</mark>"),
        ("x_supply-chain é", "x_<mark>supply</mark>-<mark>chain</mark> é"),  # word by word
        ("supplychain supply2 SUPPLY", "supplychain supply2 <mark>SUPPLY</mark>"),
        ("chain.supply,chain", "<mark>chain</mark>.<mark>supply</mark>,<mark>chain</mark>"),
    ],
)
def test_words_are_runs_of_letters_and_digits_in_any_text(text: str, expected: str) -> None:
    assert make_snippet([text], parse_terms("supply chain ")) == expected


@pytest.mark.parametrize(
    ("q", "exact", "prefix"),
    [
        ('"supply chain"', ("supply", "chain"), None),
        ("supply cha", ("supply",), "cha"),
        ("NOT supply AND -chain.", ("not", "supply", "and", "chain"), None),
        ("manag* ", (), "manag"),
        ("supply supply", ("supply",), "supply"),
        ("title:(a OR b)", ("title", "a", "or", "b"), None),
        ("!!! ...", (), None),
        ("x" * 201, (), None),
    ],
)
def test_user_text_becomes_plain_words(q: str, exact: tuple[str, ...], prefix: str | None) -> None:
    terms = parse_terms(q)
    assert (terms.exact, terms.prefix) == (exact, prefix)


# --- paging ----------------------------------------------------------------------------------


def test_paging_visits_every_hit_once_in_rank_order(seeded: TestClient) -> None:
    everything = _search(seeded, "management")
    assert everything["total"] > 50
    expected = [_key(item) for item in everything["items"]]
    seen: list[Key] = []
    url: str | None = "/v1/search?q=management&limit=7"
    while url is not None:
        page = seeded.get(url).json()
        assert page["total"] == everything["total"]
        assert len(page["items"]) <= 7
        seen += [_key(item) for item in page["items"]]
        url = page["next"]
    assert seen == expected
    assert len(set(seen)) == len(seen)


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def test_a_bad_cursor_says_to_follow_next(seeded: TestClient) -> None:
    first = _search(seeded, "management", limit=3)
    cursor = first["next"].split("cursor=")[1]
    fingerprint, score, kind, _ = orjson.loads(base64.urlsafe_b64decode(cursor + "=="))
    for params in (
        {"q": "management", "cursor": "not-a-cursor"},
        {"q": "management", "cursor": "!!"},
        {"q": "management", "cursor": "é"},
        {"q": "management", "cursor": _cursor(["x", 1, "nope", 1])},
        {"q": "management", "cursor": _cursor({"a": 1, "b": 2, "c": 3, "d": 4})},
        {"q": "management", "cursor": _cursor([fingerprint, score, kind, 2**63])},
        {"q": "management", "cursor": _cursor([fingerprint, True, kind, 1])},
        {"q": "operations", "cursor": cursor},  # a cursor from another query
        {"q": "management", "kind": "faq", "cursor": cursor},
    ):
        response = seeded.get("/v1/search", params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"] == PROBLEM_JSON
        assert "`next`" in response.json()["detail"]


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"supply chain"', '"unbalanced', 'supply"', "'", "''", "\\", "`",
    "*", "sup*", "**", "*supply", "NEAR", "NEAR(supply chain)", "supply NEAR/2 chain",
    "AND", "OR", "NOT", "supply AND", "OR chain", "NOT supply", "supply AND OR NOT chain",
    "-", "--", "supply -chain", "-supply", ":", "title:supply", "body:", "{title}: supply",
    "(", ")", "(supply", "supply)", "((()))", "^supply", "supply^2", "+supply", "~chain",
    "%", "%s", "%(q)s", ":q", "_", "?", "'; DROP TABLE aspect; --",
    "café", "naïve résumé", "Ünïcödé", "İstanbul", "straße", "東京タワー", "供应链 supply",
    "😀", "supply 😀 chain", "👩‍👩‍👧", "\u200b", "\u0301", "ǅ", "½", "1e5", "3.5", "0",
    "!@#$%^&*()", "...", "…", "a", "x" * 2048, "supply " * 300, "é" * 1500,
    "<script>alert(1)</script>", "&amp;", "q=1&kind=faq", " ".join(f"w{n}" for n in range(400)),
    "東京" * 1000, "supply chain " + "ab" * 150,
]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_fails(seeded: TestClient, q: str) -> None:
    response = seeded.get("/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["query"] == q
    assert page["total"] >= len(page["items"])


@pytest.mark.parametrize("q", ["\x00", "supply\x00chain"])
def test_a_nul_character_is_a_bad_request(seeded: TestClient, q: str) -> None:
    response = seeded.get("/v1/search", params={"q": q})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("q", ["!!!", "...", "😀", "()", '""', "\u200b"])
def test_a_query_without_words_finds_nothing(seeded: TestClient, q: str) -> None:
    assert _search(seeded, q) == {"query": q, "items": [], "total": 0, "limit": 200, "next": None}


@pytest.mark.parametrize("q", ["", " ", "\t\n", None, "x" * 4097])
def test_missing_blank_or_huge_q_is_422(seeded: TestClient, q: str | None) -> None:
    response = seeded.get("/v1/search", params={} if q is None else {"q": q})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["invalid_params"][0]["name"] == "q"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 0}, 422),
        ({"limit": 201}, 422),
        ({"limit": "many"}, 422),
        ({"kind": ""}, 200),
        ({"kind": ",,"}, 200),
        ({"kind": "all"}, 400),
        ({"sort": "score"}, 400),
    ],
)
def test_bad_parameters_are_problems(
    seeded: TestClient, params: dict[str, Any], status: int
) -> None:
    response = seeded.get("/v1/search", params={"q": "scope", **params})
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"] == PROBLEM_JSON


def test_words_are_split_alike_on_both_backends(
    engine: Engine, search_client: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(
        "Aspect,Red Team,Blue Team\n"
        # Contact details would be screened out of the import: these only look alike.
        'Motto,Café au lait for everyone,"Write to blue@example, see example.org or .com"\n'
        "Tempo,Decision-making in 3.5 seconds,It's a naïve approach\n",
        encoding="utf-8",
    )
    load_files(engine, path)
    for q, hits in [
        ("café", 1), ("cafe", 0), ("Café AU LAIT", 1), ("example", 1), ("example org", 1),
        ("blue", 1), ("com", 1), ("decision", 1), ("making", 1), ("decision making", 1),
        ("5 seconds", 1), ("naïve", 1), ("naive", 0), ("it s", 1),
    ]:  # fmt: skip
        assert _search(search_client, q)["total"] == hits, q


# --- the index follows the data ---------------------------------------------------------------


def test_a_loaded_file_becomes_searchable_and_a_change_replaces_it(
    engine: Engine, search_client: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "project_vs_program.md"
    shutil.copy(FIXTURES / "project_vs_program.md", path)
    assert _search(search_client, "endeavour")["total"] == 0
    load_files(engine, path)
    assert _keys(search_client, "endeavour") == [
        ("description", "project-vs-program", 14, "project-management")
    ]
    assert _keys(search_client, "budget schedule", kind="definition")

    path.write_text(path.read_text().replace("endeavour", "undertaking"))
    assert load_files(engine, path).sources[0].status == "replaced"
    assert _search(search_client, "endeavour")["total"] == 0
    assert _search(search_client, "undertaking")["total"] == 1


def test_a_forced_reload_leaves_no_duplicate_hits(engine: Engine, seeded: TestClient) -> None:
    before = _keys(seeded, "management")
    load_bundled(engine, force=True)
    load_bundled(engine, force=True)
    after = _keys(seeded, "management")
    assert sorted(after) == sorted(before)
    assert len(set(after)) == len(after)
    _assert_index_matches_rows(engine)


def test_deleting_a_source_removes_its_facts_from_the_index(
    engine: Engine, seeded: TestClient
) -> None:
    assert ("faq", "twenty-five-differences", 180, None) in _keys(seeded, "challenges")
    with write_session(engine) as session:
        session.exec(delete(Source).where(col(Source.slug) == "twenty-five-differences"))
    keys = _keys(seeded, "supply chain")
    assert keys
    assert all(key[1] != "twenty-five-differences" for key in keys)
    _assert_index_matches_rows(engine)


def test_aliases_and_edits_are_followed(engine: Engine, seeded: TestClient) -> None:
    with write_session(engine) as session:
        scope = session.exec(select(Aspect).where(col(Aspect.slug) == "scope")).one()
        session.add(AspectAlias(aspect_id=scope.id, alias="Reach Of Work", key="reach-of-work"))
        text_row = session.exec(select(Description).where(col(Description.id) == 3)).one()
        text_row.text = "Limited to the zymurgy process"
    assert _keys(seeded, "reach", kind="aspect") == [("aspect", "scope")]
    assert len(_keys(seeded, "zymurgy")) == 1
    assert _search(seeded, "zymurgy")["items"][0]["object"]["text"].startswith("Limited to")
    with write_session(engine) as session:
        alias = session.exec(select(AspectAlias).where(col(AspectAlias.alias) == "Reach Of Work"))
        alias.one().alias = "Breadth Of Work"
    assert _keys(seeded, "reach", kind="aspect") == []
    assert _keys(seeded, "breadth", kind="aspect") == [("aspect", "scope")]
    with write_session(engine) as session:
        session.exec(delete(AspectAlias).where(col(AspectAlias.key) == "reach-of-work"))
    assert _keys(seeded, "breadth", kind="aspect") == []
    _assert_index_matches_rows(engine)


def _assert_index_matches_rows(engine: Engine) -> None:
    """On SQLite, the FTS table holds exactly one row per indexed row (no orphans, no doubles)."""
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's expression indexes cannot drift from their tables
    with Session(engine) as session:
        indexed = session.exec(text(f"SELECT count(*) FROM {NAME}")).scalar_one()
        rows = sum(
            session.exec(text(f"SELECT count(*) FROM {entry.table}")).scalar_one()
            for entry in INDEXED
        )
    assert indexed == rows


def test_a_load_leaves_the_sqlite_index_merged(engine: Engine, seeded: TestClient) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("FTS5 segments are SQLite's; PostgreSQL keeps a GIN index per table")
    with engine.begin() as connection:
        pages = f"SELECT count(*) FROM {NAME}_data"
        loaded = connection.exec_driver_sql(pages).scalar_one()
        connection.exec_driver_sql(f"INSERT INTO {NAME} ({NAME}) VALUES ('optimize')")
        # Merging again finds nothing left to merge.
        assert connection.exec_driver_sql(pages).scalar_one() == loaded


# --- migration and documentation -------------------------------------------------------------


def test_the_migration_indexes_existing_rows(empty_database_url: str) -> None:
    engine = create_db_engine(empty_database_url)
    try:
        migrate.upgrade(engine, "head")
        load_bundled(engine)
        with engine.connect() as connection:
            result = search(connection, "supply chain", limit=200)
        assert {_key(item) for item in result.items} >= SUPPLY_CHAIN
        assert _index_objects(engine)
        migrate.downgrade(engine, "0002")
        assert _index_objects(engine) == set()
        migrate.upgrade(engine, "head")
        with Session(engine) as session:
            assert search(session.connection(), "supply chain").total == result.total
            count = session.exec(select(func.count()).select_from(Description)).one()
        assert count == 100
    finally:
        engine.dispose()


def _index_objects(engine: Engine) -> set[str]:
    """The names of the search index's tables, triggers and indexes in the database."""
    catalog = {
        "sqlite": "SELECT name FROM sqlite_master WHERE name LIKE :pattern",
        "postgresql": "SELECT indexname FROM pg_indexes WHERE indexname LIKE :pattern",
    }[engine.dialect.name]
    with engine.connect() as connection:
        names = connection.execute(text(catalog), {"pattern": f"{NAME}%"}).scalars()
        return set(names)


def test_the_operation_is_documented(search_client: TestClient) -> None:
    operation = search_client.get("/openapi.json").json()["paths"]["/v1/search"]["get"]
    assert "<mark>" in operation["description"]
    parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(parameters) == {"q", "kind", "limit", "cursor", "format"}
    for parameter in parameters.values():
        assert parameter["description"], parameter["name"]
        assert parameter["schema"].get("examples") or parameter.get("examples"), parameter
    for status in ("400", "422", "500"):
        assert list(operation["responses"][status]["content"]) == [PROBLEM_JSON]
