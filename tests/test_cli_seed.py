"""`versus seed`: the report, the flags, and failures that name the file and leave no trace."""

from __future__ import annotations

import datetime
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

import app.cli
from app.cli import cli
from app.config import get_settings
from app.store import migrate
from app.store.engines import create_db_engine
from app.store.models import Source
from seed.records import SourceError
from seed.report import ImportReport, SourceReport, reason_label, render
from tests.seed_helpers import FIXTURES, load_bundled, snapshot


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
    assert "advertising/contact details" in " ".join(out.split())
    assert "dataset version is 1" in out


def _rendered(report: ImportReport, *, width: int = 80, verbose: bool = False) -> list[str]:
    console = Console(file=io.StringIO(), width=width, highlight=False, color_system=None)
    render(report, console, verbose=verbose)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return output.splitlines()


def _entries(lines: list[str]) -> list[str]:
    """The report's entries: each line, with the indented lines that continue it joined on."""
    entries: list[str] = []
    for line in lines:
        if line.startswith("    ") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    return entries


def test_the_summary_fits_80_columns_one_entry_per_source(engine: Engine) -> None:
    report = load_bundled(engine)
    lines = _rendered(report)
    assert max(len(line) for line in lines) <= 80
    assert not any("…" in line for line in lines)  # excerpts are for --verbose
    entries = _entries(lines)
    for source in report.sources:
        (entry,) = [e for e in entries if e.startswith(source.slug + " ")]
        assert f"skipped {len(source.skipped)}: " in entry
    structured = next(e for e in entries if e.startswith("structured-comparison "))
    assert "imported: 10 aspects, 20 descriptions, 2 definitions" in structured
    counted = Counter(reason_label(s["reason"]) for s in report.sources[4].skipped)
    for label, count in counted.items():
        assert f"{count} {label}" in structured
    assert entries[-1] == "dataset version is 1; --verbose lists each skipped segment"


def test_a_name_too_long_for_a_line_is_broken_not_cut() -> None:
    slug = "a-source-whose-slug-is-much-longer-than-any-terminal-is-wide-" * 2
    source = SourceReport("long.md", slug, "Long", "0" * 64, counts={"descriptions": 3})
    lines = _rendered(ImportReport([source], 7))
    assert max(len(line) for line in lines) <= 80
    assert slug in "".join(line.strip() for line in lines)


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        ("advertising/contact details (phone number): not comparison content",
         "advertising/contact details"),
        ("prose: no definition, comparison, list or FAQ recognised", "prose"),
        ("navigation", "navigation"),
        ("empty cell for Production", "empty cell for Production"),
    ],
)  # fmt: skip
def test_skipped_segments_are_counted_by_the_kind_of_reason(reason: str, label: str) -> None:
    assert reason_label(reason) == label


def test_verbose_lists_every_skipped_segment(engine: Engine) -> None:
    report = load_bundled(engine)
    lines = _rendered(report, verbose=True)
    assert max(len(line) for line in lines) <= 80
    listed = [e.strip() for e in _entries(lines) if e.startswith("  skipped ")]
    expected = [(source.file, segment) for source in report.sources for segment in source.skipped]
    assert len(listed) == len(expected)
    for entry, (file, segment) in zip(listed, expected, strict=True):
        start, end = segment["line_start"], segment["line_end"]
        lines_ = f"{start}" if start == end else f"{start}-{end}"
        assert entry.startswith(f"skipped {file}:{lines_}: {segment['reason']}")
        assert entry.endswith(f"({segment['excerpt']})")


def test_seed_verbose_and_json_from_the_command_line(database: str) -> None:
    code, out, _ = _run("seed", "--dry-run", "--verbose")
    assert code == 0
    assert "skipped 004_c9fa020e8998d7ce.txt:" in out
    code, out, err = _run("seed", "--json")
    assert code == 0
    report = json.loads(out)  # stdout holds the report and nothing else
    assert sum(len(source["skipped"]) for source in report["sources"]) >= 40
    assert all("excerpt" in segment for segment in report["sources"][4]["skipped"])
    code, out, err = _run("seed", "--json", "--if-empty")
    assert (code, out) == (0, "")
    assert "already holds 5 source(s)" in err


class _ManyErrors(SourceError):
    """An error carrying several, as a loader that reports them all raises."""

    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__(errors[0].file_name, errors[0].message, errors[0].line)
        self.errors = errors


@pytest.mark.parametrize(
    "failure",
    [
        _ManyErrors([SourceError("a.csv", "first", 3), SourceError("b.md", "second", 9)]),
        ExceptionGroup("two", [SourceError("a.csv", "first", 3), SourceError("b.md", "second", 9)]),
        SourceError("a.csv", "first\nb.md:9: second", 3),
    ],
)
def test_every_error_is_printed(
    database: str, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(app.cli, "load_sources", fail)
    code, out, err = _run("seed")
    assert code == 1
    assert out == ""
    assert "versus: error: a.csv:3: first" in err.splitlines()
    assert ("versus: error: b.md:9: second" in err.splitlines()) or "b.md:9: second" in err
    assert "database is unchanged" in err


def test_attribution_options_describe_the_paths(database: str) -> None:
    path = str(FIXTURES / "marketing_vs_sales.csv")
    code, _, err = _run(
        "seed", path, "--url", "https://example.org/mvs", "--author", "A. Writer",
        "--licence", "CC BY 4.0", "--retrieved", "2026-11-20",
    )  # fmt: skip
    assert code == 0, err
    engine = create_db_engine(database)
    with Session(engine) as session:
        source = session.scalars(select(Source).where(Source.slug == "marketing-vs-sales")).one()
        assert (source.url, source.author, source.licence, source.retrieved) == (
            "https://example.org/mvs", "A. Writer", "CC BY 4.0", datetime.date(2026, 11, 20),
        )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--url", "example.org/mvs"), "--url: Input should be a valid URL"),
        (("--url", "mailto:a@example.org"), "--url: URL scheme should be 'http' or 'https'"),
        (("--retrieved", "2026-13-01"), "does not match the format"),
        (("--author", ""), "--author: String should have at least 1 character"),
    ],
)
def test_bad_attribution_options_exit_2(database: str, args: tuple[str, ...], message: str) -> None:
    code, _, err = _run("seed", str(FIXTURES / "marketing_vs_sales.csv"), *args)
    assert code == 2
    assert message in " ".join(err.replace("│", " ").split())


def test_attribution_options_need_paths(database: str) -> None:
    code, _, err = _run("seed", "--licence", "CC BY 4.0")
    assert code == 2
    assert "describe the PATHs given" in err


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
