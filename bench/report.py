"""What a run measured: one Markdown table for people, one JSON file with every number."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.scenarios import COLD, Scenario
from bench.servers import SYSTEMS
from bench.wrk import Measurement

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLD_KEYS = {s.key for s in COLD}
EMPTY = "—"
PACKAGES = ("uvicorn", "fastapi", "starlette", "pydantic", "sqlmodel", "sqlalchemy", "uvloop",
            "httptools")  # fmt: skip


@dataclass
class Cell:
    scenario: str
    dataset: str
    system: str
    measurement: Measurement | None = None
    error: str | None = None
    server_log: str | None = None  # the server's last lines, kept when the cell failed
    alone_s: float | None = None  # one request on an idle server, when the run got no answer

    @property
    def failed(self) -> bool:
        """Whether the run should fail: any error of versus' or the ceiling's, or a bad answer.

        A baseline that is merely too slow (timeouts, nothing answered within the run) is a
        result, shown in its cell; a baseline answering errors is a broken benchmark.
        """
        m = self.measurement
        if m is None:
            return True
        if self.system in ("versus", "raw"):
            return bool(m.errors) or m.requests == 0
        return bool(m.broken)


@dataclass
class Record:
    """Everything one run measured and how: the input to the table and the JSON file."""

    settings: dict[str, Any]
    machine: dict[str, Any]
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    memory: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def find(self, scenario: str, dataset: str, system: str) -> Cell | None:
        return next(
            (c for c in self.cells
             if (c.scenario, c.dataset, c.system) == (scenario, dataset, system)),
            None,
        )  # fmt: skip

    @property
    def failed(self) -> bool:
        return bool(self.failures) or any(cell.failed for cell in self.cells)


def machine_info(extra_versions: dict[str, str]) -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions | extra_versions,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# --- the table -------------------------------------------------------------------------------


def markdown(record: Record, scenarios: list[Scenario], systems: list[str]) -> str:
    columns = [SYSTEMS[key].title for key in systems]
    lines = [
        _header(record),
        "",
        "Each cell: requests/s · p50 ms · p99 ms. Last column: versus against the others.",
        "",
        "| scenario | " + " | ".join(columns) + " | versus vs |",
        "|---|" + "---:|" * len(columns) + "---|",
    ]
    for scenario in scenarios:
        datasets = ["small"] if scenario.group != "scale" else list(record.datasets)
        for dataset in datasets:
            cells = [_cell(record.find(scenario.key, dataset, key)) for key in systems]
            label = _label(record, scenario, dataset)
            lines.append(
                f"| {label} | " + " | ".join(cells) + f" | {_ratio(record, scenario, dataset)} |"
            )
    for dataset in record.datasets:
        cells = [_memory(record.memory.get(dataset, {}).get(key)) for key in systems]
        lines.append(f"| server RSS, {dataset} (MB, now / peak) | " + " | ".join(cells) + " | |")
    return "\n".join([*lines, "", *_notes(record)]) + "\n"


def _header(record: Record) -> str:
    m, s = record.machine, record.settings
    return (
        f"HTTP benchmark, SQLite: {m['cpu']}, {m['cores']} cores, {m['kernel']}, "
        f"Python {m['python']}, {datetime.now(UTC):%Y-%m-%d}. wrk -t1 -c{s['connections']}, "
        f"{s['duration_s']} s a run after a {s['warmup_s']} s warm-up, no Accept-Encoding "
        f"(uncompressed answers); {s['cpus']}."
    )


def _label(record: Record, scenario: Scenario, dataset: str) -> str:
    if scenario.group == "cold":
        versus = record.find(scenario.key, dataset, "versus")
        paths = versus.measurement.paths if versus and versus.measurement else None
        distinct = f" ({paths:,} distinct)" if paths else ""
        return f"cold: {scenario.title}{distinct}"
    if scenario.group == "hot":
        return f"hot: {scenario.title}"
    if scenario.key == "scale-deep":
        info = record.datasets[dataset]
        page = info["deep_offset"] // 20 + 1
        return f"scale, {dataset}: page {page:,} (cursor; naive OFFSET {info['deep_offset']:,})"
    return f"scale, {dataset}: {scenario.title}"


def _cell(cell: Cell | None) -> str:
    if cell is None:
        return EMPTY
    if cell.measurement is None:
        return "failed"
    m = cell.measurement
    if m.requests == 0:
        alone = f" (one alone: {cell.alone_s:.2f} s)" if cell.alone_s is not None else ""
        return f"no answer in {m.duration_s:.0f} s{alone}"
    mark = "†" if m.per_operation > 1 else ""
    text = f"{m.operations_per_s:,.0f}{mark} · {m.ms('p50'):.2f} · {m.ms('p99'):.2f}"
    return text + (f" ⚠ {m.errors:,} errors" if m.errors else "")


def _rate(record: Record, scenario: str, dataset: str, system: str) -> float | None:
    cell = record.find(scenario, dataset, system)
    if cell is None or cell.measurement is None or not cell.measurement.operations_per_s:
        return None
    return cell.measurement.operations_per_s


def _ratio(record: Record, scenario: Scenario, dataset: str) -> str:
    versus = _rate(record, scenario.key, dataset, "versus")
    if versus is None:
        return ""
    if scenario.group == "hot":
        raw = _rate(record, scenario.key, dataset, "raw")
        return f"{versus / raw:.0%} of raw" if raw else ""
    parts = []
    for system, name in (("naive", "naive"), ("datasette", "Datasette")):
        other = _rate(record, scenario.key, dataset, system)
        if other:
            parts.append(f"{versus / other:.1f}x {name}")
    small = _rate(record, scenario.key, "small", "versus")
    if scenario.group == "scale" and dataset != "small" and small:
        parts.append(f"{dataset}/small {versus / small:.2f}")
    return " · ".join(parts)


def _memory(memory: dict[str, float] | None) -> str:
    if not memory:
        return EMPTY
    return f"{memory.get('VmRSS', 0):.0f} / {memory.get('VmHWM', 0):.0f}"


EQUIVALENTS = (
    "Equivalents: the naive app pages with OFFSET and a COUNT(*) a page, filters text with "
    "LIKE and fetches every related row with a query of its own; Datasette answers a page of "
    "aspects with `aspect.json?_size=20&_sort=slug` (the order versus uses), search with "
    "`description.json?text__contains=…&_size=20&_labels=on`, filters with "
    "`description.json?aspect_id=…&discipline_id=…&source_id=…`, deep pages with the `_next` "
    "token its own pages lead to. — means no equivalent: Datasette has no pivoted compare and no "
    "ETags, nor a filter on aspects through their descriptions (so its varied filters are the "
    "description half only); the naive app has no ETags; the raw ceiling runs the hot rows only."
)
LOOKUP_NOTE = (
    "† Datasette needs two requests for a lookup (the aspect's row, then its descriptions with "
    "`_labels=on`): the cell counts lookups/s; latencies are per request."
)


COLD_SETTING = "VERSUS_RESPONSE_CACHE_ENTRIES=0"


LOOP_NOTE = (
    "versus runs on the event loop `versus serve` runs by default (`VERSUS_LOOP=asyncio`); the "
    "raw ceiling, the naive app and Datasette on uvloop."
)


def _static_notes(record: Record) -> list[str]:
    notes = [EQUIVALENTS, LOOP_NOTE]
    if any(c.measurement and c.measurement.per_operation > 1 for c in record.cells):
        notes.append(LOOKUP_NOTE)
    cold = [c for c in record.cells if c.system == "versus" and c.scenario in COLD_KEYS]
    repeats = [c.measurement.requests / c.measurement.paths for c in cold if c.measurement]
    if repeats:
        notes.append(
            "Cold rows run against a versus started with its response cache off "
            f"(`{COLD_SETTING}`): every request runs its queries and renders its answer, though "
            f"each path came round {min(repeats):,.0f} to {max(repeats):,.0f} times. What stays "
            "on is what a serving worker keeps per dataset version anyway: its compiled "
            "statements, the ids that names resolve to, and collection totals."
        )
    return notes


def _notes(record: Record) -> list[str]:
    notes = [*_static_notes(record), *record.notes]
    for cell in record.cells:
        if cell.scenario == "revalidate" and cell.system == "versus" and cell.measurement:
            statuses = cell.measurement.statuses
            if set(statuses) != {"304"}:
                notes.append(f"versus answered the If-None-Match requests with {statuses}.")
        if cell.error:
            notes.append(f"{cell.system} on {cell.scenario} ({cell.dataset}) failed: {cell.error}")
        elif cell.measurement and cell.measurement.errors:
            m = cell.measurement
            notes.append(
                f"{cell.system} on {cell.scenario} ({cell.dataset}): {m.errors:,} errors, "
                f"statuses {m.statuses}, socket errors {m.socket_errors}"
            )
    notes += record.failures
    return [f"- {note}" for note in notes]


# --- files -----------------------------------------------------------------------------------


def save(record: Record, table: str, backend: str = "sqlite") -> list[Path]:
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = RESULTS_DIR / f"http-{backend}"
    data = {
        "backend": backend,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": record.machine,
        "settings": record.settings,
        "datasets": record.datasets,
        "results": [_cell_json(cell) for cell in record.cells],
        "memory_mb": record.memory,
        "failures": record.failures,
        "notes": record.notes,
    }
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    paths[0].write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(table, encoding="utf-8")
    return paths


def _cell_json(cell: Cell) -> dict[str, Any]:
    data: dict[str, Any] = {"scenario": cell.scenario, "dataset": cell.dataset,
                            "system": cell.system, "error": cell.error,
                            "server_log": cell.server_log, "alone_s": cell.alone_s}  # fmt: skip
    if cell.measurement is not None:
        m = cell.measurement
        data |= asdict(m) | {
            "requests_per_s": round(m.requests_per_s, 1),
            "operations_per_s": round(m.operations_per_s, 1),
            "errors": m.errors,
            "latency_ms": {k: round(v / 1000, 3) for k, v in m.latency_us.items()},
        }
        data.pop("latency_us")
    return data
