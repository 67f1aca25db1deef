"""The loader: idempotent, one transaction, other formats, and bad input that changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store.models import Aspect, Description, Discipline, Source
from app.store.versions import dataset_version
from seed.records import SourceError
from tests.seed_helpers import FIXTURES, load_bundled, load_files, snapshot


def _slugs(engine: Engine, model: type) -> set[str]:
    with Session(engine) as session:
        return set(session.execute(select(model.slug)).scalars())


def test_loading_twice_leaves_the_same_rows(engine: Engine) -> None:
    first = load_bundled(engine)
    before = snapshot(engine)
    second = load_bundled(engine)
    assert [s.status for s in first.sources] == ["imported"] * 5
    assert [s.status for s in second.sources] == ["unchanged"] * 5
    assert second.dataset_version == first.dataset_version == 1
    assert snapshot(engine) == before
    assert second.sources[4].counts == first.sources[4].counts


def test_a_forced_reload_of_unchanged_files_writes_nothing(engine: Engine) -> None:
    load_bundled(engine)
    before = snapshot(engine)
    report = load_bundled(engine, force=True)
    assert [s.status for s in report.sources] == ["unchanged"] * 5
    assert report.dataset_version == 1
    assert snapshot(engine) == before


def test_a_changed_file_replaces_its_source_rows(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text("Aspect,Red Team,Blue Team\nRole,Attacks,Defends\nGoal,Find gaps,Close gaps\n")
    load_files(engine, path)
    path.write_text("Aspect,Red Team,Blue Team\nRole,Emulates attackers,Defends\n")
    report = load_files(engine, path)
    assert report.sources[0].status == "replaced"
    assert report.dataset_version == 2
    with Session(engine) as session:
        texts = set(session.execute(select(Description.text)).scalars())
    assert texts == {"Emulates attackers", "Defends"}


@pytest.mark.parametrize(
    ("fixture", "disciplines", "aspect"),
    [
        ("project_vs_program.md", {"project-management", "program-management"}, "scope"),
        ("marketing_vs_sales.csv", {"marketing", "sales"}, "time-horizon"),
        ("leadership_vs_management.html", {"leadership", "management"}, "focus"),
    ],
)
def test_other_formats_create_their_disciplines_and_aspects(
    engine: Engine, fixture: str, disciplines: set[str], aspect: str
) -> None:
    report = load_files(engine, FIXTURES / fixture)
    assert _slugs(engine, Discipline) == disciplines
    assert aspect in _slugs(engine, Aspect)
    assert set(report.sources[0].created["disciplines"]) == disciplines
    with Session(engine) as session:
        described = session.execute(
            select(Discipline.slug)
            .join(Description, Description.discipline_id == Discipline.id)
            .join(Aspect, Aspect.id == Description.aspect_id)
            .where(Aspect.slug == aspect)
        ).scalars()
        assert set(described) == disciplines


def test_a_new_file_reuses_known_disciplines_through_aliases(
    engine: Engine, tmp_path: Path
) -> None:
    load_bundled(engine)
    path = tmp_path / "extra.md"
    path.write_text(
        "| Aspect | Production | Operation management |\n|---|---|---|\n"
        "| Scope | Narrow | Broad |\n| KPIs | Output | Delivery |\n"
    )
    load_files(engine, path)
    assert _slugs(engine, Discipline) == {"production-management", "operations-management"}
    with Session(engine) as session:
        kpi_sources = session.execute(
            select(Source.slug)
            .join(Description, Description.source_id == Source.id)
            .join(Aspect, Aspect.id == Description.aspect_id)
            .where(Aspect.slug == "key-performance-indicators-kpis")
            .distinct()
        ).scalars()
        assert "extra" in set(kpi_sources)


def test_dry_run_reports_but_writes_nothing(engine: Engine) -> None:
    before = snapshot(engine)
    report = load_bundled(engine, dry_run=True)
    assert report.dry_run
    assert report.sources[1].counts["faqs"] == 6
    assert snapshot(engine) == before
    with Session(engine) as session:
        assert dataset_version(session).number == 0


def test_strict_turns_a_skipped_table_segment_into_an_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "blurred.txt"
    path.write_text(
        "AspectRed TeamBlue Team\n"
        "RoleAttacks systems.Defends systems.\n"
        "GoalFinds the gapsCloses them.Reports.\n"
    )
    report = load_files(engine, path)
    assert [segment["line_start"] for segment in report.sources[0].skipped] == [3]
    with pytest.raises(SourceError, match=r"blurred\.txt:3"):
        load_files(engine, path, strict=True, force=True)


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    files = {
        "binary": ("binary.txt", b"Aspect,A,B\nFocus,x,y\n\x00\x01\x02", "binary.txt:3"),
        "empty": ("empty.md", b"", "empty.md"),
        # Mostly UTF-8 ("é" is well formed on line 1) with one bad byte: damaged, not cp1252.
        "undecodable": ("damaged.txt", b"Caf\xc3\xa9\n| a | b |\ncaf\xe9\n", "damaged.txt:3"),
        # Every cell empty: nothing to import (one short row alone is skipped, not fatal).
        "only empty cells": (
            "short.md",
            b"| Aspect | A | B |\n|---|---|---|\n| Focus | | |\n",
            "short.md",
        ),
        "no records": ("prose.txt", b"Just a sentence about nothing in particular.\n", "prose.txt"),
        "too large": ("large.csv", b"Aspect,A,B\n" + b"Focus,x,y\n" * 150, "large.csv"),
    }
    paths = {}
    for kind, (name, data, where) in files.items():
        (folder / name).write_bytes(data)
        paths[kind] = (folder / name, where)
    return paths


@pytest.mark.parametrize(
    "kind",
    ["binary", "empty", "undecodable", "only empty cells", "no records", "too large",
     "no such file"],
)  # fmt: skip
def test_bad_input_names_the_file_and_changes_nothing(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    load_bundled(engine)
    before = snapshot(engine)
    bad = _bad_files(tmp_path)
    path, where = bad.get(kind, (tmp_path / "absent.csv", "absent.csv"))
    good = tmp_path / "good.md"
    shutil.copy(FIXTURES / "project_vs_program.md", good)
    with pytest.raises(SourceError) as caught:
        load_files(engine, good, path, max_bytes=1000)  # the good file loads first, then rolls back
    assert where in str(caught.value)
    assert snapshot(engine) == before


@pytest.mark.parametrize("filler_rows", [0, 1500])  # same batch, and an earlier batch
def test_an_aspect_named_twice_in_a_table_is_skipped_and_reported(
    engine: Engine, tmp_path: Path, filler_rows: int
) -> None:
    path = tmp_path / "twice.csv"
    filler = "".join(f"Filler {n},a,b\n" for n in range(filler_rows))
    path.write_text(f"Aspect,A,B\nFocus,x,y\n{filler}FOCUS,again,again\n")
    line = filler_rows + 3
    report = load_files(engine, path)
    skipped = report.sources[0].skipped
    assert [(s["line_start"], s["reason"].split(":")[0]) for s in skipped] == [
        (line, "duplicate aspect")
    ]
    before = snapshot(engine)
    with pytest.raises(SourceError, match=rf"twice\.csv:{line}: duplicate aspect"):
        load_files(engine, path, strict=True, force=True)
    assert snapshot(engine) == before
