"""Every importer fixture, imported through the real loader on the suite's backend.

Each document in ``tests/fixtures/importer`` comes with the cells, definitions and junk strings a
reader finds in it (``NAME.expected.json``, described in that folder's README). Imported alone
with no curated vocabulary, as ``versus seed FILE`` would, every expected cell must be stored
with its exact text and line span, nothing else may be stored as a description, every expected
definition must be found, and no junk string may reach any record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from app.domain.names import slugify
from bench.import_score import FileScore, compare
from seed.load import LoadOptions, load_sources
from seed.manifest import Manifest, SourceSpec

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "importer"
EXPECTED = sorted(FOLDER.glob("*.expected.json"))


def _expected(path: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return expected


@pytest.mark.parametrize(
    "expected_path", EXPECTED, ids=[p.name[: -len(".expected.json")] for p in EXPECTED]
)
def test_fixture_document_imports_exactly(engine: Engine, expected_path: Path) -> None:
    expected = _expected(expected_path)
    document = FOLDER / expected["file"]
    spec = SourceSpec(document, slugify(document.stem)[:60], document.stem)
    load_sources(engine, [spec], Manifest(), LoadOptions())
    score = FileScore(document.name, expected.get("kind", "?"))
    score.cells = len(expected["cells"])
    score.definitions = len(expected.get("definitions", []))
    with engine.connect() as connection:
        compare(connection, expected, score)
    assert score.misses == []
    assert (score.exact, score.extra) == (score.cells, 0)
    assert score.junk_records == []
    assert score.definitions_found == score.definitions


def test_the_fixtures_cover_every_kind_with_several_documents() -> None:
    kinds: dict[str, int] = {}
    three_or_more = 0
    for path in EXPECTED:
        expected = _expected(path)
        kinds[expected["kind"]] = kinds.get(expected["kind"], 0) + 1
        three_or_more += len(expected["disciplines"]) >= 3
    assert set(kinds) >= {"csv", "html", "markdown", "article", "pdf-text", "names", "language"}
    assert min(kinds.values()) >= 3
    assert three_or_more >= 3
