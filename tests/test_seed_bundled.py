"""The bundled sources arrive exactly, attributed to the right discipline, aspect and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.models import Aspect, Definition, Description, Discipline, DisciplineUse, Faq, Source
from seed.manifest import SOURCES_DIR
from tests.seed_helpers import load_bundled

PM, OM = "production-management", "operations-management"
SOURCE_FILES = {
    "basis-of-difference-table": "000_792e2d49130623ec.txt",
    "twenty-five-differences": "001_94c4c58cecab1e71.txt",
    "closely-related-fields": "002_1822087dd527884a.txt",
    "production-operations-differences": "003_c9653eb4834729b5.txt",
    "structured-comparison": "004_c9fa020e8998d7ce.txt",
}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    load_bundled(engine)
    return engine


def _flat(value: str) -> str:
    return " ".join(value.split())


def _source_lines(slug: str) -> list[str]:
    return (SOURCES_DIR / SOURCE_FILES[slug]).read_text(encoding="utf-8").splitlines()


def descriptions(engine: Engine, source: str) -> dict[str, dict[str, Description]]:
    """aspect slug → discipline slug → description, for one source."""
    query = (
        select(Aspect.slug, Discipline.slug, Description)
        .join(Aspect, Aspect.id == Description.aspect_id)
        .join(Discipline, Discipline.id == Description.discipline_id)
        .join(Source, Source.id == Description.source_id)
        .where(Source.slug == source)
    )
    result: dict[str, dict[str, Description]] = {}
    with Session(engine) as session:
        for aspect, discipline, description in session.execute(query):
            result.setdefault(aspect, {})[discipline] = description
    return result


def count(engine: Engine, model: type, source: str, **where: str) -> int:
    query = select(func.count()).select_from(model).join(Source, Source.id == model.source_id)
    query = query.where(Source.slug == source)
    if "discipline" in where:
        query = query.join(Discipline, Discipline.id == model.discipline_id).where(
            Discipline.slug == where["discipline"]
        )
    with Session(engine) as session:
        return int(session.execute(query).scalar_one())


def test_disciplines_resolve_to_two(seeded: Engine) -> None:
    with Session(seeded) as session:
        slugs = set(session.execute(select(Discipline.slug)).scalars())
    assert slugs == {PM, OM}


def test_pipe_table_source(seeded: Engine) -> None:
    table = descriptions(seeded, "basis-of-difference-table")
    assert len(table) == 12
    assert all(set(cells) == {PM, OM} for cells in table.values())
    lines = _source_lines("basis-of-difference-table")
    for cells in table.values():
        for description in cells.values():
            source_text = " ".join(lines[description.line_start - 1 : description.line_end])
            assert _flat(source_text).removesuffix(" |") == description.text
    assert table["focus"][PM].text == "Primarily on manufacturing physical goods"
    assert table["focus"][PM].label == "Focus"
    assert table["relationship-with-other-functions"][OM].text == (
        "Collaborates with other functional areas, such as marketing, finance, and supply chain "
        "management"
    )


def test_article_source(seeded: Engine) -> None:
    slug = "twenty-five-differences"
    table = descriptions(seeded, slug)
    assert len(table) == 25
    assert all(set(cells) == {PM, OM} for cells in table.values())
    assert count(seeded, Definition, slug) == 2
    assert count(seeded, Definition, slug, discipline=PM) == 1
    assert count(seeded, DisciplineUse, slug, discipline=PM) == 5
    assert count(seeded, DisciplineUse, slug, discipline=OM) == 5
    assert count(seeded, Faq, slug) == 6
    kpis = table["key-performance-indicators-kpis"][PM]
    assert kpis.text == (
        "KPIs in production management often revolve around production output, cycle times, "
        "and defect rates."
    )
    line = _source_lines(slug)[kpis.line_start - 1]
    assert "KPIs in production management" in line


def test_run_together_table_source(seeded: Engine) -> None:
    slug = "structured-comparison"
    table = descriptions(seeded, slug)
    assert sorted(cells[PM].label for cells in table.values()) == sorted(
        [
            "Focus", "Objective", "Functions", "Scope", "Inventory Management", "Quality Control",
            "Resource Allocation", "Customer Focus", "Decision-Making",
            "Key Performance Indicators (KPIs)",
        ]
    )  # fmt: skip
    assert table["focus"][PM].text == "Concentrates on manufacturing of physical products."
    assert table["focus"][OM].text == (
        "Encompasses a broader range of activities, including manufacturing, services, and "
        "process management."
    )
    assert table["functions"][PM].text == (
        "Key functions include production planning, scheduling, and maintenance"
    )
    assert table["key-performance-indicators-kpis"][PM].text == (
        "KPIs include production output, cycle time, and waste reduction."
    )
    assert count(seeded, Definition, slug) == 2


def test_prose_sources_define_both_disciplines(seeded: Engine) -> None:
    for slug in ("closely-related-fields", "production-operations-differences"):
        assert count(seeded, Definition, slug, discipline=PM) >= 1, slug
        assert count(seeded, Definition, slug, discipline=OM) >= 1, slug


def test_prose_differences(seeded: Engine) -> None:
    table = descriptions(seeded, "closely-related-fields")
    assert set(table) == {"focus", "scope", "level-of-responsibility"}
    source = _flat(" ".join(_source_lines("closely-related-fields")))
    for cells in table.values():
        assert set(cells) == {PM, OM}
        for description in cells.values():
            # A cell gathered from several places of a paragraph marks each gap with " … ".
            for piece in description.text.split(" … "):
                assert piece in source
    with Session(seeded) as session:
        name = session.execute(
            select(Aspect.name).where(Aspect.slug == "level-of-responsibility")
        ).scalar_one()
    assert name == "Level of Responsibility"


@pytest.mark.parametrize(
    ("aspect", "sources"),
    [
        ("focus", {"basis-of-difference-table", "closely-related-fields", "structured-comparison"}),
        ("key-performance-indicators-kpis", {"twenty-five-differences", "structured-comparison"}),
        ("decision-making", {"basis-of-difference-table", "structured-comparison"}),
    ],
)
def test_aspects_merge_across_sources(seeded: Engine, aspect: str, sources: set[str]) -> None:
    query = (
        select(Source.slug)
        .join(Description, Description.source_id == Source.id)
        .join(Aspect, Aspect.id == Description.aspect_id)
        .where(Aspect.slug == aspect)
        .distinct()
    )
    with Session(seeded) as session:
        assert set(session.execute(query).scalars()) == sources


def test_distinct_aspects_sharing_a_word_stay_distinct(seeded: Engine) -> None:
    with Session(seeded) as session:
        slugs = set(session.execute(select(Aspect.slug)).scalars())
    assert {"decision-making", "decision-making-level", "decision-making-approach"} <= slugs
    assert {"focus", "focus-areas", "strategic-focus", "customer-focus"} <= slugs


def test_no_advertising_anywhere_in_the_database(seeded: Engine) -> None:
    forbidden = [
        "ISMR",
        "Pune",
        "091453",
        "74040",
        "admissions@",
        "ismrpune",
        "412 308",
        "Apply Online",
    ]
    with Session(seeded) as session:
        for table in ("source", "discipline", "discipline_alias", "aspect", "aspect_alias",
                      "description", "definition", "discipline_use", "faq"):  # fmt: skip
            for row in session.execute(text(f"SELECT * FROM {table}")):
                dumped = " ".join(str(value) for value in row)
                for word in forbidden:
                    assert word not in dumped, (table, word)


def test_report_records_the_advertising_as_skipped(seeded: Engine) -> None:
    with Session(seeded) as session:
        report = session.execute(
            select(Source.report).where(Source.slug == "structured-comparison")
        ).scalar_one()
    assert report["formats"] == ["definitions", "run-together-table"]
    assert report["counts"]["descriptions"] == 20
    reasons = [segment["reason"] for segment in report["skipped"]]
    assert any("phone number" in reason and "e-mail" in reason for reason in reasons)
    last = max(segment["line_end"] for segment in report["skipped"])
    assert last == len(_source_lines("structured-comparison"))


def test_every_fact_points_at_real_lines(seeded: Engine) -> None:
    with Session(seeded) as session:
        rows = session.execute(
            select(Source.slug, Description.line_start, Description.line_end).join(
                Source, Source.id == Description.source_id
            )
        ).all()
    for slug, start, end in rows:
        assert 1 <= start <= end <= len(_source_lines(slug))


def test_bundled_sources_are_unchanged_copies() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("no shared/seeds folder beside this checkout")
    for name in SOURCE_FILES.values():
        assert (SOURCES_DIR / name).read_bytes() == (shared / name).read_bytes()
