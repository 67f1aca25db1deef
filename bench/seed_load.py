"""Seed-load benchmark: the bundled import, generated CSVs of growing size, and a re-import.

Each case runs in a fresh worker process on a fresh database, which reports its own wall time
and peak resident memory, so one case's memory cannot hide another's. Memory that does not grow
with the file shows as a peak that stays level from the small CSV to the large one. The largest
CSV is then imported again, unchanged, with ``force`` (parsed and compared again, row by row):
the time a re-import costs when nothing changed.

With ``--baseline DIR`` every case also runs on the importer checked out in DIR (a checkout with
its own ``.venv``), in the same run, case by case, and the table gives the ratio of the two: the
way to compare on a machine whose speed drifts. ``--repeat N`` keeps the fastest of N runs of
each case.

    python -m bench.seed_load                      # SQLite, 10,000 and 100,000 rows
    python -m bench.seed_load --rows 1000 5000     # other sizes
    python -m bench.seed_load --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m bench.seed_load --baseline /tmp/seed-base --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

RESULTS_DIR = Path(__file__).resolve().parent / "results"
THIS_FILE = Path(__file__).resolve()


@dataclass
class Result:
    case: str
    rows: int
    seconds: float
    rows_per_second: float
    peak_rss_mb: float
    baseline_seconds: float | None = None
    baseline_peak_rss_mb: float | None = None


def generate_csv(path: Path, rows: int) -> None:
    """A comparison of two disciplines on ``rows`` distinct aspects, cells of realistic length."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Aspect,Alpha Engineering,Beta Engineering\n")
        for number in range(1, rows + 1):
            out.write(
                f"Aspect number {number},"
                f'"Alpha handles case {number} with planning, scheduling and control.",'
                f'"Beta handles case {number} across services, supply chain and quality."\n'
            )


def worker(database_url: str, files: list[str], reload: bool) -> None:
    """Migrate, load ``files`` (or the bundled sources), then with ``reload`` load them again,
    forced; print seconds and peak RSS as JSON. Uses only what every version of the importer
    offers, so a baseline checkout runs it too."""
    from app.store import migrate
    from app.store.engines import create_db_engine
    from seed.load import LoadOptions, load_sources
    from seed.manifest import load_manifest

    engine = create_db_engine(database_url)
    migrate.upgrade(engine)
    manifest = load_manifest()
    specs = [manifest.spec_for(Path(f)) for f in files] if files else list(manifest.sources)
    started = time.perf_counter()
    report = load_sources(engine, specs, manifest)
    measured = {
        "seconds": time.perf_counter() - started,
        "descriptions": sum(source.counts["descriptions"] for source in report.sources),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    if reload:
        started = time.perf_counter()
        load_sources(engine, specs, manifest, LoadOptions(force=True))
        measured["reload_seconds"] = time.perf_counter() - started
        measured["reload_peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(measured))


@contextmanager
def fresh_database(folder: Path, postgres: str | None) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    server = make_url(postgres)
    name = f"versus_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _measure(
    files: list[Path], folder: Path, postgres: str | None, reload: bool, checkout: Path | None
) -> dict[str, float]:
    """One run of the worker, on this importer or on the one checked out in ``checkout``."""
    arguments = [*(["--reload"] if reload else []), "--worker"]
    with fresh_database(folder, postgres) as url:
        arguments += [url, *map(str, files)]
        if checkout is None:
            command, cwd = [sys.executable, "-m", "bench.seed_load", *arguments], None
        else:
            # This file, run by the checkout's interpreter from the checkout, so that `app` and
            # `seed` are the checkout's.
            run = (f"import runpy, sys; sys.argv = {[str(THIS_FILE), *arguments]!r}; "
                   f"runpy.run_path({str(THIS_FILE)!r}, run_name='__main__')")  # fmt: skip
            command, cwd = [str(checkout / ".venv" / "bin" / "python"), "-c", run], checkout
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        output = subprocess.run(
            command, check=True, capture_output=True, text=True, cwd=cwd, env=environment
        ).stdout
    measured: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return measured


def _best(runs: list[dict[str, float]], key: str) -> dict[str, float]:
    return min(runs, key=lambda run: run[key])


def run_case(
    case: str,
    rows: int,
    files: list[Path],
    folder: Path,
    postgres: str | None,
    *,
    baseline: Path | None,
    repeat: int,
    reload: bool = False,
) -> list[Result]:
    """The case (and, with ``reload``, its forced re-import), on this importer and the
    baseline's, alternately, ``repeat`` times each; the fastest run of each counts."""
    mine: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    for _ in range(repeat):
        mine.append(_measure(files, folder, postgres, reload, None))
        if baseline is not None:
            theirs.append(_measure(files, folder, postgres, reload, baseline))
    results = []
    for key, name in (("seconds", case), ("reload_seconds", f"{case}, re-imported unchanged")):
        if key == "reload_seconds" and not reload:
            continue
        rss = "peak_rss_kb" if key == "seconds" else "reload_peak_rss_kb"
        best = _best(mine, key)
        counted = rows or int(best["descriptions"])
        result = Result(
            case=name,
            rows=counted,
            seconds=round(best[key], 3),
            rows_per_second=round(counted / best[key]) if best[key] else 0.0,
            peak_rss_mb=round(best[rss] / 1024, 1),
        )
        if theirs:
            other = _best(theirs, key)
            result.baseline_seconds = round(other[key], 3)
            result.baseline_peak_rss_mb = round(other[rss] / 1024, 1)
        results.append(result)
    return results


def markdown(results: list[Result], backend: str, baseline: Path | None, repeat: int) -> str:
    lines = [
        f"Seed load on {backend}, {platform.machine()} with {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}" + (f", fastest of {repeat} runs." if repeat > 1 else "."),
        "",
        "Rows are CSV rows (each two descriptions); for the bundled sources, descriptions. A "
        "re-import loads the same file again, unchanged, forced.",
        "",
    ]
    if baseline is None:
        lines += ["| case | rows | seconds | rows/s | peak RSS (MB) |", "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {r.case} | {r.rows:,} | {r.seconds:.2f} | {r.rows_per_second:,.0f} | "
            f"{r.peak_rss_mb} |"
            for r in results
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"Baseline: the importer in `{baseline}`, run case by case beside this one.",
        "",
        "| case | rows | seconds | baseline s | time ratio | rows/s | baseline rows/s | "
        "peak RSS (MB) | baseline RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        base = r.baseline_seconds or 0.0
        ratio = f"{r.seconds / base:.2f}" if base else "—"
        base_rate = f"{r.rows / base:,.0f}" if base else "—"
        lines.append(
            f"| {r.case} | {r.rows:,} | {r.seconds:.2f} | {base:.2f} | {ratio} | "
            f"{r.rows_per_second:,.0f} | {base_rate} | {r.peak_rss_mb} | "
            f"{r.baseline_peak_rss_mb} |"
        )
    return "\n".join(lines) + "\n"


def summary(results: list[Result], rows: list[int]) -> list[str]:
    """The ratios the importer is held to: time and speed against the baseline, re-import
    against first import, memory of the largest file against the smallest."""
    by_case = {result.case: result for result in results}
    largest, smallest = max(rows), min(rows)
    first = by_case.get(f"generated CSV, {largest:,} rows")
    again = by_case.get(f"generated CSV, {largest:,} rows, re-imported unchanged")
    small = by_case.get(f"generated CSV, {smallest:,} rows")
    lines = []
    if first and first.baseline_seconds:
        lines.append(
            f"{largest:,} rows: {first.seconds / first.baseline_seconds:.2f}x the baseline's "
            f"time, {first.baseline_seconds / first.seconds:.2f}x its rows per second"
        )
    if first and again:
        line = f"{largest:,} rows re-imported unchanged: {first.seconds / again.seconds:.1f}x "
        line += "faster than the first import"
        if again.baseline_seconds and first.baseline_seconds:
            line += f" (baseline: {first.baseline_seconds / again.baseline_seconds:.1f}x)"
        lines.append(line)
    if first and small and small is not first:
        line = f"peak RSS, {largest:,} rows vs {smallest:,}: "
        line += f"{first.peak_rss_mb / small.peak_rss_mb:.2f}"
        if first.baseline_peak_rss_mb and small.baseline_peak_rss_mb:
            line += f" (baseline: {first.baseline_peak_rss_mb / small.baseline_peak_rss_mb:.2f})"
        lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", help="a PostgreSQL server URL to run on instead of SQLite")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout (with its .venv) to run every case on too"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case; the fastest")
    parser.add_argument("--no-save", action="store_true", help="print only; write no results")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--reload", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1:], args.reload)
        return
    baseline = args.baseline.resolve() if args.baseline else None
    if baseline is not None and not (baseline / ".venv" / "bin" / "python").exists():
        parser.error(f"{baseline} has no .venv/bin/python")
    backend = "PostgreSQL" if args.postgres else "SQLite"
    options = {"baseline": baseline, "repeat": max(1, args.repeat)}
    with tempfile.TemporaryDirectory(prefix="versus-bench-") as tmp:
        folder = Path(tmp)
        results = run_case("bundled sources (5 files)", 0, [], folder, args.postgres, **options)
        for rows in sorted(args.rows):
            path = folder / f"generated-{rows}.csv"
            generate_csv(path, rows)
            largest = rows == max(args.rows)
            results += run_case(f"generated CSV, {rows:,} rows", rows, [path], folder,
                                args.postgres, reload=largest, **options)  # fmt: skip
    table = markdown(results, backend, baseline, options["repeat"])
    notes = summary(results, args.rows)
    print(table)
    for note in notes:
        print(note)
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = f"seed-load-{backend.lower()}"
        (RESULTS_DIR / f"{stem}.md").write_text(
            table + "".join(f"\n{note}." for note in notes) + ("\n" if notes else ""),
            encoding="utf-8",
        )
        data = {"backend": backend, "baseline": str(baseline) if baseline else None,
                "results": [asdict(r) for r in results], "summary": notes}  # fmt: skip
        (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
