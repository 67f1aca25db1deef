"""A progress bar for `versus seed`, on a terminal, when the work is large enough to wait on."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from seed.manifest import SourceSpec
from seed.report import SourceReport

MANY_FILES = 10
LARGE_FILE_BYTES = 1 << 20


class SeedProgress:
    """Files done out of all, and rows loaded so far; silent when there is little to do."""

    def __init__(self, specs: Sequence[SourceSpec], console: Console | None = None) -> None:
        console = console or Console(stderr=True)
        sizes = [spec.path.stat().st_size for spec in specs if spec.path.is_file()]
        worth_showing = len(specs) >= MANY_FILES or any(s >= LARGE_FILE_BYTES for s in sizes)
        self._progress = Progress(
            TextColumn("[bold]seeding[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[rows]:,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not (worth_showing and console.is_terminal),
        )
        self._task = self._progress.add_task("seed", total=len(specs), rows=0)
        self._rows = 0

    def __enter__(self) -> SeedProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def rows_loaded(self, count: int) -> None:
        self._rows += count
        self._progress.update(self._task, rows=self._rows)

    def source_loaded(self, report: SourceReport) -> None:
        self._progress.advance(self._task)
