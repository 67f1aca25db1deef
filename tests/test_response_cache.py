"""The response cache is bounded in bytes as well as in entries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.domain.recency import LRUCache
from app.main import create_app
from tests.seed_helpers import load_bundled


def test_lru_cache_forgets_the_oldest_beyond_its_weight() -> None:
    cache: LRUCache[str, bytes] = LRUCache(100, max_weight=10, weigh=len)
    cache["a"] = b"aaaa"
    cache["b"] = b"bbbb"
    assert cache.get("a") == b"aaaa"  # now the most recent
    cache["c"] = b"cccc"  # 12 bytes: "b", the least recently used, goes
    assert list(cache) == ["a", "c"]
    assert cache.weight == 8
    cache["a"] = b"a"  # replacing a value re-weighs it
    assert cache.weight == 5
    cache["huge"] = b"x" * 11  # heavier than the whole cache: not kept, nothing evicted
    assert "huge" not in cache
    assert cache.weight == 5
    cache.popitem(last=False)  # "c": "a" was used after it
    assert (list(cache), cache.weight) == (["a"], 1)
    cache.clear()
    assert cache.weight == 0


def test_many_distinct_queries_stay_within_the_byte_budget(
    settings: Settings, engine: Engine
) -> None:
    load_bundled(engine)
    budget = 40_000
    app = create_app(settings.model_copy(update={"response_cache_bytes": budget}), engine)
    with TestClient(app) as client:
        sizes = 0
        for limit in range(1, 60):
            response = client.get(f"/v1/descriptions?limit={limit}")
            assert response.status_code == 200
            sizes += len(response.content)
        cache = app.conditional._cache
        assert sizes > 4 * budget  # the answers would not all fit
        assert 0 < cache.weight <= budget
        assert len(cache) < 59
        # The most recent answer is still served from the cache.
        hits = app.conditional.hits
        assert client.get("/v1/descriptions?limit=59").status_code == 200
        assert app.conditional.hits == hits + 1


def test_a_zero_byte_budget_turns_the_cache_off(settings: Settings, engine: Engine) -> None:
    load_bundled(engine)
    app = create_app(settings.model_copy(update={"response_cache_bytes": 0}), engine)
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/v1/aspects").status_code == 200
        assert len(app.conditional._cache) == 0
        assert app.conditional.hits == 0
