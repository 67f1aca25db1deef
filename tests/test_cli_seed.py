"""`versus seed`: the report, the flags, and failures that name the file and leave no trace."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.store import migrate
from app.store.engines import create_db_engine
from tests.seed_helpers import FIXTURES, snapshot


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> Iterator[str]:
    """A migrated, empty database that the CLI is pointed at."""
    engine = create_db_engine(empty_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("VERSUS_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    yield empty_database_url
    get_settings.cache_clear()


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_seed_prints_the_report(database: str) -> None:
    code, out, _ = _run("seed")
    assert code == 0
    assert "twenty-five-differences" in out
    assert "structured-comparison" in out
    assert "advertising/contact details" in out
    assert "dataset version is 1" in out


def test_seed_json_report(database: str) -> None:
    code, out, _ = _run("seed", "--json")
    assert code == 0
    report = json.loads(out)
    counts = {source["slug"]: source["counts"] for source in report["sources"]}
    assert counts["twenty-five-differences"] == {
        "aspects": 25, "descriptions": 50, "definitions": 2, "uses": 10, "faqs": 6,
    }  # fmt: skip
    assert counts["basis-of-difference-table"]["aspects"] == 12


def test_seed_if_empty_only_seeds_once(database: str) -> None:
    assert _run("seed", "--if-empty")[0] == 0
    code, out, _ = _run("seed", "--if-empty")
    assert code == 0
    assert "already holds 5 source(s)" in out


def test_seed_paths_and_dry_run(database: str) -> None:
    engine = create_db_engine(database)
    before = snapshot(engine)
    code, out, _ = _run("seed", "--dry-run", str(FIXTURES / "marketing_vs_sales.csv"))
    assert code == 0
    assert "dry run: nothing was written" in out
    assert snapshot(engine) == before
    code, out, _ = _run("seed", str(FIXTURES / "marketing_vs_sales.csv"))
    assert code == 0
    assert "marketing-vs-sales" in out
    engine.dispose()


def test_seed_error_names_file_and_line_and_exits_non_zero(database: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Aspect,A,B\nFocus,x,y\nScope,only one\n")
    engine = create_db_engine(database)
    before = snapshot(engine)
    code, _, err = _run("seed", "--strict", str(bad))  # without --strict the row is skipped
    assert code == 1
    assert "bad.csv:3" in err
    assert "database is unchanged" in err
    assert snapshot(engine) == before
    engine.dispose()


def test_seed_refuses_an_unmigrated_database(
    monkeypatch: pytest.MonkeyPatch, empty_database_url: str
) -> None:
    monkeypatch.setenv("VERSUS_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    code, _, err = _run("seed")
    get_settings.cache_clear()
    assert code == 1
    assert "versus db upgrade" in err


def test_killing_an_import_leaves_the_database_as_it_was(database: str, tmp_path: Path) -> None:
    assert _run("seed")[0] == 0
    engine = create_db_engine(database)
    before = snapshot(engine)
    big = tmp_path / "big.csv"
    with big.open("w") as out:
        out.write("Aspect,Alpha,Beta\n")
        for number in range(400_000):
            out.write(f"Aspect {number},Alpha says {number},Beta says {number}\n")
    env = {**os.environ, "VERSUS_DATABASE_URL": database}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "seed", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)
    assert process.poll() is None, "the import finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert snapshot(engine) == before
    engine.dispose()
