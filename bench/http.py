"""HTTP benchmark: versus against a raw ASGI ceiling, a naive FastAPI app and Datasette.

Each system is started on the same SQLite file, pinned to one CPU, and driven by wrk from
another; the run prints one Markdown table (requests/s, p50, p99 per scenario and system) and
saves it with every number in ``bench/results/http-sqlite.{md,json}``.

    python -m bench.http                           # everything, 10 s a run (about 12 minutes)
    python -m bench.http --duration 5 --only versus,naive --scenarios hot,cold
    python -m bench.http --quick --no-save         # CI smoke: versus and raw, 2 s runs

It exits non-zero if a server failed to start, versus or the ceiling failed any request, or a
baseline answered an error. A baseline too slow to answer within the run (timeouts, or no answer
at all) is a result, shown in its cell, not a failure.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import NoReturn

import httpx

from bench import report, scenarios, servers, wrk
from bench.datasets import Dataset, DatasetError, Facts, build_large, build_small, read_facts
from bench.report import Cell, Record
from bench.scenarios import Context, Scenario, ScenarioError, wrk_like_get
from bench.servers import Cpus, Running, ServerError

SYSTEM_ORDER = ("versus", "raw", "naive", "datasette")
LARGE_ROWS = 100_000  # CSV rows: each is an aspect with two descriptions
ALONE_TIMEOUT_S = 120
COLD_SETTINGS = dict([report.COLD_SETTING.split("=")])
PAIR = ("versus", "raw")  # measured row by row on the hot rows
PAIR_NOTE = (
    "Hot rows: versus and the raw ceiling run side by side and answer each row back to back, so "
    "the share of the ceiling compares two runs seconds apart."
)


@dataclass(frozen=True)
class Options:
    systems: list[str]
    scenarios: list[Scenario]
    datasets: list[str]
    load: wrk.Load
    warmup_s: int
    distinct: int
    large_rows: int
    save: bool


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds a run (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of uncounted warm-up")
    parser.add_argument("--connections", type=int, default=32, help="open connections")
    parser.add_argument(
        "--timeout", type=int, default=30, help="seconds after which wrk counts a request failed"
    )
    parser.add_argument("--only", default=",".join(SYSTEM_ORDER), help="systems, comma-separated")
    parser.add_argument(
        "--scenarios",
        default="hot,cold,scale",
        help="groups (hot, cold, scale) or scenario keys, comma-separated",
    )
    parser.add_argument("--distinct", type=int, default=2000, help="paths in each cold row")
    parser.add_argument("--large-rows", type=int, default=LARGE_ROWS, help="generated aspects")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke: 2 s runs, small dataset, versus and raw, no Datasette",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write no results")
    args = parser.parse_args(argv)
    systems = _split(args.only)
    unknown = [s for s in systems if s not in SYSTEM_ORDER]
    if unknown:
        parser.error(f"unknown system {', '.join(unknown)}; choose from {', '.join(SYSTEM_ORDER)}")
    try:
        chosen = scenarios.select(_split(args.scenarios))
    except ValueError as exc:
        parser.error(str(exc))
    if args.quick:
        systems = [s for s in systems if s in ("versus", "raw")]
        chosen = [s for s in chosen if s.group != "scale"]
        # A smoke test: short runs, no warm-up, fewer paths to collect; the numbers are not kept.
        args.duration, args.warmup, args.distinct = 2, 0, min(args.distinct, 500)
    datasets = ["small"] + (["large"] if any(s.group == "scale" for s in chosen) else [])
    load = wrk.Load(args.duration, args.connections, args.timeout)
    return Options(
        [s for s in SYSTEM_ORDER if s in systems], chosen, datasets, load, args.warmup,
        args.distinct, args.large_rows, not args.no_save,
    )  # fmt: skip


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    # SIGTERM (CI cancelling a job, `kill`) unwinds like Ctrl-C, so every server is stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run(options)
    except KeyboardInterrupt:
        _log("interrupted; the servers it started are stopped")
        return 130


def _run(options: Options) -> int:
    started = time.monotonic()
    try:
        wrk_path = wrk.ensure_wrk()
    except wrk.WrkError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    cpus = servers.plan_cpus()
    record = _new_record(options, cpus, wrk_path)
    if "datasette" in options.systems and not _install_datasette(record):
        options = replace(options, systems=[s for s in options.systems if s != "datasette"])
    with tempfile.TemporaryDirectory(prefix="versus-http-bench-") as tmp:
        bench = Bench(options, cpus, wrk_path, Path(tmp), record)
        for dataset in _datasets(options, Path(tmp), record):
            bench.measure_dataset(dataset)
    record.settings["elapsed_s"] = round(time.monotonic() - started, 1)
    table = report.markdown(record, options.scenarios, options.systems)
    print(table)
    if options.save:
        for path in report.save(record, table):
            _log(f"wrote {path}")
    _log(f"finished in {record.settings['elapsed_s']:.0f} s")
    return 1 if record.failed else 0


def _interrupt(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _new_record(options: Options, cpus: Cpus, wrk_path: str) -> Record:
    settings = {
        "duration_s": options.load.duration_s,
        "warmup_s": options.warmup_s,
        "connections": options.load.connections,
        "timeout_s": options.load.timeout_s,
        "distinct": options.distinct,
        "cpus": cpus.description,
        "systems": options.systems,
        "scenarios": [s.key for s in options.scenarios],
    }
    return Record(settings, report.machine_info({"wrk": wrk.version(wrk_path)}))


def _install_datasette(record: Record) -> bool:
    try:
        record.machine["packages"]["datasette"] = servers.ensure_datasette()
    except ServerError as exc:
        record.failures.append(f"Datasette could not be installed, so it was not measured: {exc}")
        return False
    return True


def _datasets(options: Options, folder: Path, record: Record) -> list[Dataset]:
    """The datasets to measure on; one that cannot be built is a failure, not a stop."""
    built = []
    for name in options.datasets:
        _log(f"preparing the {name} dataset")
        try:
            dataset = build_small(folder) if name == "small" else build_large(options.large_rows)
        except DatasetError as exc:
            record.failures.append(str(exc))
            continue
        built.append(dataset)
    return built


@dataclass
class Bench:
    """One run: the options, where things run, and the record the measurements go to."""

    options: Options
    cpus: Cpus
    wrk_path: str
    folder: Path
    record: Record

    def measure_dataset(self, dataset: Dataset) -> None:
        facts = read_facts(dataset)
        self.record.datasets[dataset.name] = {
            "aspects": len(facts.aspects),
            "descriptions": facts.descriptions,
            "cached": dataset.cached,
            "deep_offset": scenarios.deep_offset(facts),
        }
        chosen = [
            s for s in self.options.scenarios if dataset.name == "small" or s.group == "scale"
        ]
        # Hot rows are read as shares of the ceiling: versus and the ceiling answer each of
        # them back to back, so a machine that speeds up or slows down over the minutes of a
        # run moves both sides of the ratio alike.
        paired = [s for s in chosen if s.group == "hot" and set(PAIR) <= s.builders.keys()]
        if not set(PAIR) <= set(self.options.systems):
            paired = []
        if paired:
            self._measure_pairs(paired, dataset, facts)
        for system in self.options.systems:
            runnable = [
                s for s in chosen if system in s.builders and not (s in paired and system in PAIR)
            ]
            if system == "versus":
                # Cold rows measure the work a request does, so versus answers them with its
                # response cache off: a fresh server, so the other rows keep theirs.
                warm = [s for s in runnable if s.group != "cold"]
                cold = [s for s in runnable if s.group == "cold"]
                if warm:
                    self._measure_system(system, warm, dataset, facts)
                if cold:
                    self._measure_system(system, cold, dataset, facts, COLD_SETTINGS)
            elif runnable:
                self._measure_system(system, runnable, dataset, facts)

    def _measure_system(
        self,
        system: str,
        runnable: list[Scenario],
        dataset: Dataset,
        facts: Facts,
        settings: dict[str, str] | None = None,
    ) -> None:
        title = servers.SYSTEMS[system].title
        _log(f"{dataset.name}: starting {title}" + (f" with {settings}" if settings else ""))
        try:
            with (
                servers.running(
                    servers.SYSTEMS[system], dataset.path, self.cpus, self.folder, settings
                ) as server,
                httpx.Client(base_url=server.base_url, timeout=60) as client,
            ):
                context = Context(client, facts, self.options.distinct)
                for scenario in runnable:
                    self._measure_and_keep(scenario, system, dataset.name, context, server)
                if not settings:  # the server as deployed, response cache and all
                    self.record.memory.setdefault(dataset.name, {})[system] = server.memory_mb()
        except ServerError as exc:
            self.record.failures.append(f"{title} on {dataset.name}: {exc}")
            _log(str(exc))

    def _measure_pairs(self, paired: list[Scenario], dataset: Dataset, facts: Facts) -> None:
        """Each of ``paired`` on each system of :data:`PAIR` in turn, both servers up at once
        (the one not under load stays idle)."""
        _log(f"{dataset.name}: starting {' and '.join(servers.SYSTEMS[s].title for s in PAIR)}")
        try:
            with ExitStack() as stack:
                up: list[tuple[str, Running, Context]] = []
                for system in PAIR:
                    started = servers.running(
                        servers.SYSTEMS[system], dataset.path, self.cpus, self.folder
                    )
                    server = stack.enter_context(started)
                    client = stack.enter_context(httpx.Client(base_url=server.base_url, timeout=60))
                    up.append((system, server, Context(client, facts, self.options.distinct)))
                for scenario in paired:
                    for system, server, context in up:
                        self._measure_and_keep(scenario, system, dataset.name, context, server)
                for system, server, _context in up:
                    self.record.memory.setdefault(dataset.name, {})[system] = server.memory_mb()
        except ServerError as exc:
            self.record.failures.append(f"{' and '.join(PAIR)} on {dataset.name}: {exc}")
            _log(str(exc))
        if PAIR_NOTE not in self.record.notes:
            self.record.notes.append(PAIR_NOTE)

    def _measure_and_keep(
        self, scenario: Scenario, system: str, dataset: str, context: Context, server: Running
    ) -> None:
        cell = self._measure_cell(scenario, system, dataset, context, server)
        self.record.cells.append(cell)
        _log(f"{dataset}: {servers.SYSTEMS[system].title}: {scenario.title}: {_summary(cell)}")
        if cell.error or (cell.measurement and not cell.measurement.requests):
            # What the server said is the first thing to read when a cell fails.
            cell.server_log = server.log_tail()

    def _measure_cell(
        self, scenario: Scenario, system: str, dataset: str, context: Context, server: Running
    ) -> Cell:
        cell = Cell(scenario.key, dataset, system)
        try:
            workload = scenario.builders[system](context)
        except (ScenarioError, httpx.HTTPError, ValueError) as exc:
            cell.error = f"could not build its requests: {exc}"
            return cell
        paths_file = self.folder / f"{dataset}-{system}-{scenario.key}.paths"
        paths_file.write_text("\n".join(workload.paths) + "\n", encoding="utf-8")
        load = replace(self.options.load, cpu_prefix=self.cpus.load)
        warmup = [replace(load, duration_s=self.options.warmup_s)] if self.options.warmup_s else []
        try:
            for run in [*warmup, load]:  # only the last run counts
                if not server.wait_idle():
                    self.record.notes.append(
                        f"{server.system.title} was still busy {servers.IDLE_LIMIT_S} s after "
                        f"the run before {scenario.title} ({dataset}); measured anyway."
                    )
                measurement = wrk.run(
                    self.wrk_path, server.base_url, paths_file, run, workload.headers
                )
        except wrk.WrkError as exc:
            cell.error = str(exc)
            return cell
        measurement.per_operation = workload.per_operation
        cell.measurement = measurement
        if not measurement.requests:
            cell.alone_s = _time_alone(server, context.client, workload.paths[0])
        if workload.note and workload.note not in self.record.notes:
            self.record.notes.append(workload.note)
        return cell


def _time_alone(server: Running, client: httpx.Client, path: str) -> float | None:
    """Seconds one request takes on an idle server: what a run with no answer can still say."""
    server.wait_idle()
    started = time.perf_counter()
    try:
        wrk_like_get(client, path, timeout=ALONE_TIMEOUT_S)
    except httpx.HTTPError:
        return None
    return round(time.perf_counter() - started, 3)


def _summary(cell: Cell) -> str:
    m = cell.measurement
    if m is None:
        return f"FAILED: {cell.error}"
    errors = f", {m.errors:,} errors {m.statuses}" if m.errors else ""
    return (
        f"{m.requests_per_s:,.0f} req/s, p50 {m.ms('p50'):.2f} ms, p99 {m.ms('p99'):.2f} ms{errors}"
    )


if __name__ == "__main__":
    sys.exit(main())
