"""Seed-load benchmark: the bundled import, and generated CSVs of growing size.

Each case runs in a fresh worker process on a fresh database, which reports its own wall time
and peak resident memory, so one case's memory cannot hide another's. Memory that does not grow
with the file shows as a peak that stays level from the small CSV to the large one.

    python -m bench.seed_load                      # SQLite, 10,000 and 100,000 rows
    python -m bench.seed_load --rows 1000 5000     # other sizes
    python -m bench.seed_load --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
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


@dataclass
class Result:
    case: str
    rows: int
    seconds: float
    rows_per_second: float
    peak_rss_mb: float


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


def worker(database_url: str, files: list[str]) -> None:
    """Migrate, load ``files`` (or the bundled sources), print seconds and peak RSS as JSON."""
    from app.store import migrate
    from app.store.engines import create_db_engine
    from seed.load import load_sources
    from seed.manifest import load_manifest

    engine = create_db_engine(database_url)
    migrate.upgrade(engine)
    manifest = load_manifest()
    specs = [manifest.spec_for(Path(f)) for f in files] if files else list(manifest.sources)
    started = time.perf_counter()
    report = load_sources(engine, specs, manifest)
    seconds = time.perf_counter() - started
    rows = sum(source.counts["descriptions"] for source in report.sources)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "descriptions": rows, "peak_rss_kb": peak_kb}))


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


def run_case(case: str, rows: int, files: list[Path], folder: Path, postgres: str | None) -> Result:
    with fresh_database(folder, postgres) as url:
        command = [sys.executable, "-m", "bench.seed_load", "--worker", url, *map(str, files)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    measured = json.loads(output.strip().splitlines()[-1])
    seconds = measured["seconds"]
    rows = rows or measured["descriptions"]
    return Result(
        case=case,
        rows=rows,
        seconds=round(seconds, 3),
        rows_per_second=round(rows / seconds) if seconds else 0.0,
        peak_rss_mb=round(measured["peak_rss_kb"] / 1024, 1),
    )


def markdown(results: list[Result], backend: str) -> str:
    lines = [
        f"Seed load on {backend}, {platform.machine()} with {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        "",
        "Rows are CSV rows (each two descriptions); for the bundled sources, descriptions.",
        "",
        "| case | rows | seconds | rows/s | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.case} | {r.rows:,} | {r.seconds:.2f} | {r.rows_per_second:,.0f} | {r.peak_rss_mb} |"
        for r in results
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", help="a PostgreSQL server URL to run on instead of SQLite")
    parser.add_argument("--no-save", action="store_true", help="print only; write no results")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1:])
        return
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory(prefix="versus-bench-") as tmp:
        folder = Path(tmp)
        results = [run_case("bundled sources (5 files)", 0, [], folder, args.postgres)]
        for rows in args.rows:
            path = folder / f"generated-{rows}.csv"
            generate_csv(path, rows)
            results.append(run_case(f"generated CSV, {rows:,} rows", rows, [path], folder,
                                    args.postgres))  # fmt: skip
    table = markdown(results, backend)
    print(table)
    if len(args.rows) > 1:
        small, large = results[1], results[-1]
        print(f"peak RSS ratio, {large.rows:,} rows vs {small.rows:,}: "
              f"{large.peak_rss_mb / small.peak_rss_mb:.2f}")  # fmt: skip
    if not args.no_save:
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = f"seed-load-{backend.lower()}"
        (RESULTS_DIR / f"{stem}.md").write_text(table, encoding="utf-8")
        data = {"backend": backend, "results": [asdict(r) for r in results]}
        (RESULTS_DIR / f"{stem}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
