"""Re-imports keep the identity of facts: an edited fact keeps its id and moves its revision,
an inserted one leaves the others as they were, a removed one alone goes, and a re-import that
changes nothing writes nothing. Bad files are all reported at once, before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

import seed.load
import seed.prepare
from app.cli import cli
from app.config import get_settings
from app.store import migrate
from app.store.curation import curate
from app.store.engines import create_db_engine
from app.store.models import (
    Aspect,
    Change,
    Definition,
    Description,
    Discipline,
    DisciplineUse,
    Faq,
)
from app.store.versions import dataset_version
from seed.records import SourceError, SourceErrors
from tests.seed_helpers import load_bundled, load_files, snapshot

TABLE = "Aspect,Red Team,Blue Team\nRole,Attacks,Defends\nGoal,Find gaps,Close gaps\n"

ARTICLE = """# Alpha vs Beta

## What is Alpha Engineering?

Alpha Engineering is the discipline of planning and controlling alpha systems for life.

## What is Beta Engineering?

Beta Engineering is the discipline of building and running beta services for customers.

## Uses of Alpha Engineering

1. **Planning**: deciding what alpha systems must do.
2. **Control**: keeping alpha systems within their limits.
3. **Review**: checking alpha systems after each release.

## Frequently Asked Questions

### Is Alpha Engineering hard?

It takes years of practice to master.

### Is Beta Engineering new?

It grew out of older service disciplines.
"""


def _descriptions(engine: Engine) -> dict[tuple[str, str], tuple[int, int, str, int]]:
    """(aspect, discipline) → (id, revision, text, line)."""
    query = (
        select(Aspect.slug, Discipline.slug, Description.id, Description.revision,
               Description.text, Description.line_start)
        .join(Aspect, Aspect.id == Description.aspect_id)
        .join(Discipline, Discipline.id == Description.discipline_id)
    )  # fmt: skip
    with Session(engine) as session:
        return {(a, d): (i, r, t, n) for a, d, i, r, t, n in session.execute(query)}  # type: ignore[misc]


def _facts(engine: Engine, model: Any, key: str) -> dict[str, tuple[int, int]]:
    """Each fact of ``model`` by its ``key`` column → (id, revision)."""
    with Session(engine) as session:
        rows = session.execute(select(getattr(model, key), model.id, model.revision))
        return {k: (i, r) for k, i, r in rows}


def _changes(engine: Engine, version: int) -> set[tuple[str, int, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(Change.entity, Change.entity_id, Change.op).where(Change.version == version)
        )
        return {(e, i, o) for e, i, o in rows}


def _version(engine: Engine) -> int:
    with Session(engine) as session:
        return dataset_version(session).number


def _fact_changes(engine: Engine, version: int) -> set[tuple[str, int, str]]:
    facts = {"description", "definition", "discipline_use", "faq"}
    return {change for change in _changes(engine, version) if change[0] in facts}


def test_an_edited_cell_keeps_its_id_and_moves_its_revision(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(TABLE)
    load_files(engine, path)
    before = _descriptions(engine)
    path.write_text(TABLE.replace("Attacks", "Emulates attackers"))
    report = load_files(engine, path)
    after = _descriptions(engine)
    edited = ("role", "red-team")
    assert after.keys() == before.keys()
    assert {key: value[0] for key, value in after.items()} == {
        key: value[0] for key, value in before.items()
    }
    assert after[edited][2] == "Emulates attackers"
    assert after[edited][1] == report.dataset_version > before[edited][1]
    assert {key: value for key, value in after.items() if key != edited} == {
        key: value for key, value in before.items() if key != edited
    }
    assert _fact_changes(engine, report.dataset_version) == {
        ("description", before[edited][0], "update")
    }


def test_a_row_inserted_at_the_top_leaves_every_other_row_as_it_was(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(TABLE)
    load_files(engine, path)
    before = _descriptions(engine)
    header, rest = TABLE.split("\n", 1)
    path.write_text(f"{header}\nScope,Whole estate,Own systems\n{rest}")
    report = load_files(engine, path)
    after = _descriptions(engine)
    for key, (fact_id, revision, text, line) in before.items():
        # Same id, same revision, same text; only where it is moved (one line down).
        assert after[key] == (fact_id, revision, text, line + 1)
    created = {after[("scope", d)][0] for d in ("red-team", "blue-team")}
    assert _fact_changes(engine, report.dataset_version) == {
        ("description", fact_id, "create") for fact_id in created
    }
    with Session(engine) as session:
        positions = dict(session.execute(select(Description.label, Description.position)).all())
    assert positions == {"Scope": 1, "Role": 2, "Goal": 3}


def test_a_removed_row_alone_is_deleted_and_leaves_a_change(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(TABLE)
    load_files(engine, path)
    before = _descriptions(engine)
    path.write_text(TABLE.replace("Goal,Find gaps,Close gaps\n", ""))
    report = load_files(engine, path)
    after = _descriptions(engine)
    assert after == {key: value for key, value in before.items() if key[0] != "goal"}
    assert _fact_changes(engine, report.dataset_version) == {
        ("description", before[("goal", d)][0], "delete") for d in ("red-team", "blue-team")
    }


def _article(engine: Engine, tmp_path: Path, text: str) -> int:
    path = tmp_path / "alpha.md"
    path.write_text(text)
    return load_files(engine, path).dataset_version


def test_definitions_uses_and_faqs_inserted_at_the_top_keep_every_other_id(
    engine: Engine, tmp_path: Path
) -> None:
    _article(engine, tmp_path, ARTICLE)
    kinds = ((Definition, "text"), (DisciplineUse, "title"), (Faq, "question"))
    before = {model: _facts(engine, model, key) for model, key in kinds}
    assert [len(facts) for facts in before.values()] == [2, 3, 2]
    inserted = (
        ARTICLE.replace(
            "## What is Alpha",
            "## What is Gamma Engineering?\n\nGamma Engineering is the discipline of gamma "
            "systems, from design to retirement.\n\n## What is Alpha",
        )
        .replace("1. **Planning**", "1. **Budgeting**: funding alpha systems.\n1. **Planning**")
        .replace(
            "### Is Alpha Engineering hard?",
            "### Who practises Alpha Engineering?\n\nEngineers of every kind do.\n\n"
            "### Is Alpha Engineering hard?",
        )
    )
    version = _article(engine, tmp_path, inserted)
    for model, key in kinds:
        after = _facts(engine, model, key)
        assert len(after) == len(before[model]) + 1
        for name, identity in before[model].items():
            assert after[name] == identity, (model.__tablename__, name)
    created = _fact_changes(engine, version)
    assert {(entity, op) for entity, _, op in created} == {
        ("definition", "create"), ("discipline_use", "create"), ("faq", "create"),
    }  # fmt: skip
    assert len(created) == 3
    with Session(engine) as session:
        uses = session.execute(select(DisciplineUse.title).order_by(DisciplineUse.position))
        assert list(uses.scalars()) == ["Budgeting", "Planning", "Control", "Review"]


def test_an_edited_definition_use_and_faq_keep_their_ids(engine: Engine, tmp_path: Path) -> None:
    _article(engine, tmp_path, ARTICLE)
    definitions = _facts(engine, Definition, "text")
    uses = _facts(engine, DisciplineUse, "title")
    faqs = _facts(engine, Faq, "question")
    edited = (
        ARTICLE.replace("planning and controlling", "planning, scheduling and controlling")
        .replace("**Control**: keeping alpha systems", "**Control**: holding alpha systems")
        .replace("It takes years of practice to master.", "It takes a decade to master.")
    )
    version = _article(engine, tmp_path, edited)
    old_text = next(text for text in definitions if text.startswith("Alpha"))
    new_definitions = _facts(engine, Definition, "text")
    new_text = old_text.replace("planning and controlling", "planning, scheduling and controlling")
    assert new_definitions[new_text][0] == definitions[old_text][0]
    assert new_definitions[new_text][1] == version
    assert _facts(engine, DisciplineUse, "title")["Control"] == (uses["Control"][0], version)
    question = "Is Alpha Engineering hard?"
    assert _facts(engine, Faq, "question")[question] == (faqs[question][0], version)
    assert {op for _, _, op in _fact_changes(engine, version)} == {"update"}
    assert len(_fact_changes(engine, version)) == 3


def test_a_removed_faq_alone_is_deleted(engine: Engine, tmp_path: Path) -> None:
    _article(engine, tmp_path, ARTICLE)
    faqs = _facts(engine, Faq, "question")
    gone = "Is Beta Engineering new?"
    gone_text = "### Is Beta Engineering new?\n\nIt grew out of older service disciplines.\n"
    version = _article(engine, tmp_path, ARTICLE.replace(gone_text, ""))
    assert _facts(engine, Faq, "question") == {q: v for q, v in faqs.items() if q != gone}
    assert _fact_changes(engine, version) == {("faq", faqs[gone][0], "delete")}


def test_a_reimport_that_changes_nothing_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "alpha.md"
    path.write_text(ARTICLE)
    load_bundled(engine)
    load_files(engine, path)
    before = snapshot(engine)
    # Forced: every file is parsed and compared again, and nothing differs.
    report = load_bundled(engine, force=True)
    assert {s.status for s in report.sources} == {"unchanged"}
    assert load_files(engine, path, force=True).sources[0].status == "unchanged"
    assert snapshot(engine) == before
    # A file whose bytes changed but whose facts did not: only its source row changes.
    path.write_text(ARTICLE + "\n")
    report = load_files(engine, path)
    assert report.dataset_version == _version(engine) == 3
    changed = _changes(engine, report.dataset_version)
    assert {entity for entity, _, _ in changed} == {"source"}


def test_a_curated_text_survives_a_reimport(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(TABLE)
    load_files(engine, path)
    with Session(engine) as session:
        attacks = session.scalars(select(Description).where(Description.text == "Attacks")).one()
        curate(attacks, text="Attacks systems, as a real adversary would")
        session.commit()
        attacks_id = attacks.id
    # The source edits the curated cell and drops the row of another: the curator's text
    # stays, the source's new text is recorded beside it; the cell of the dropped row goes.
    path.write_text("Aspect,Red Team,Blue Team\nRole,Emulates attackers,Defends\n")
    load_files(engine, path, force=True)
    with Session(engine) as session:
        kept = session.get(Description, attacks_id)
        assert kept is not None
        assert kept.text == "Attacks systems, as a real adversary would"
        assert kept.imported_values == {"text": "Emulates attackers"}
        texts = set(session.execute(select(Description.text)).scalars())
    assert texts == {"Attacks systems, as a real adversary would", "Defends"}
    # Dropped by the source, a curated fact is kept; an uncurated one goes.
    path.write_text("Aspect,Red Team,Blue Team\nGoal,Find gaps,Close gaps\n")
    load_files(engine, path)
    with Session(engine) as session:
        assert session.get(Description, attacks_id) is not None
        assert len(session.execute(select(Description.id)).all()) == 3


@pytest.mark.parametrize("streamed", [False, True])
def test_large_files_load_and_reload_across_batches(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    monkeypatch.setattr(seed.prepare, "BATCH_ROWS", 3)
    if streamed:
        monkeypatch.setattr(seed.load, "STREAMED_CSV_BYTES", 0)
    path = tmp_path / "many.csv"
    rows = [f"Aspect {n},alpha {n},beta {n}" for n in range(1, 11)]
    path.write_text("Aspect,Alpha,Beta\n" + "\n".join(rows) + "\n")
    load_files(engine, path)
    before = _descriptions(engine)
    assert len(before) == 20
    # One inserted at the top, one edited in a later batch, one removed from the last.
    rows = ["Aspect 0,alpha 0,beta 0", *rows]
    rows[5] = "Aspect 5,alpha five,beta 5"
    del rows[9]
    path.write_text("Aspect,Alpha,Beta\n" + "\n".join(rows) + "\n")
    report = load_files(engine, path)
    after = _descriptions(engine)
    changes = _fact_changes(engine, report.dataset_version)
    assert {op for _, _, op in changes} == {"create", "update", "delete"}
    assert sorted(op for _, _, op in changes) == ["create"] * 2 + ["delete"] * 2 + ["update"]
    assert ("description", before[("aspect-5", "alpha")][0], "update") in changes
    for key, (fact_id, revision, _, _) in before.items():
        if key[0] not in ("aspect-5", "aspect-9"):
            assert after[key][:2] == (fact_id, revision)
    # A third load of the same bytes, forced, changes nothing.
    unchanged = snapshot(engine)
    assert load_files(engine, path, force=True).sources[0].status == "unchanged"
    assert snapshot(engine) == unchanged


def test_an_aspect_described_twice_in_different_batches_is_an_error(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed.prepare, "BATCH_ROWS", 2)
    monkeypatch.setattr(seed.load, "STREAMED_CSV_BYTES", 0)  # streamed: no parser dedupes
    path = tmp_path / "twice.csv"
    path.write_text("Aspect,A,B\nFocus,x,y\nScope,x,y\nGoal,x,y\nFocus,again,again\n")
    before = snapshot(engine)
    with pytest.raises(SourceError) as caught:
        load_files(engine, path)
    message = str(caught.value)
    assert "twice.csv:5: aspect 'Focus' is described twice for discipline 'A'" in message
    assert "(first on line 2)" in message
    assert snapshot(engine) == before


def _bad_files(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    # Streamed, a CSV is read row by row and every bad label in it is reported.
    monkeypatch.setattr(seed.load, "STREAMED_CSV_BYTES", 0)
    files = {
        "binary.txt": b"Aspect,A,B\nFocus,x,y\n\x00\x01\x02",
        "empty.md": b"",
        "prose.txt": b"Just a sentence about nothing in particular.\n",
        "labels.csv": b"Aspect,A,B\n!!!,x,y\nFocus,x,y\n---,x,y\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def test_every_error_of_every_bad_file_is_reported_at_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_bundled(engine)
    before = snapshot(engine)
    good = tmp_path / "teams.csv"
    good.write_text(TABLE)
    bad = _bad_files(tmp_path, monkeypatch)
    with pytest.raises(SourceErrors) as caught:
        load_files(engine, good, *bad, tmp_path / "absent.csv")
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        f"{tmp_path}/binary.txt:3", f"{tmp_path}/empty.md", f"{tmp_path}/prose.txt",
        f"{tmp_path}/labels.csv:2", f"{tmp_path}/labels.csv:4", f"{tmp_path}/absent.csv",
    ]  # fmt: skip
    assert [str(error) for error in caught.value.errors] == lines
    assert snapshot(engine) == before


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> Any:
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    monkeypatch.setenv("VERSUS_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()
    engine.dispose()


def test_seed_force_twice_gives_the_same_ids_revisions_and_version(database: Engine) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["seed"]).exit_code == 0
    first = snapshot(database)
    for _ in range(2):
        result = runner.invoke(cli, ["seed", "--force"])
        assert result.exit_code == 0, result.stderr
        assert snapshot(database) == first
    assert _version(database) == 1


def test_seed_reports_each_error_of_several_files(
    database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(database)
    result = CliRunner().invoke(cli, ["seed", *map(str, _bad_files(tmp_path, monkeypatch))])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("versus: error: ")]
    assert len(errors) == 5
    assert "binary.txt:3" in errors[0]
    assert "labels.csv:4" in errors[4]
    assert snapshot(database) == before
