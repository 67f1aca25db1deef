"""The databases the servers are measured on, and the facts about them scenarios are built from.

``small`` is the bundled dataset, built fresh for each run (a second or two). ``large`` adds a
generated CSV of 100,000 aspects (200,000 descriptions); it takes a while to load, so it is
cached under ``bench/.cache/``, keyed by what determines its content: the generator and its
parameters, the migration head and the bundled sources. Both are built with the ``versus``
command, as a user would, and each file is named ``versus.db`` so Datasette calls it ``versus``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bench.seed_load import generate_csv

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
SEED_SOURCES = BENCH_DIR.parent / "seed" / "sources"
FILE_NAME = "versus.db"
WORD = re.compile(r"[a-z]{3,}")
PAIR = re.compile(r"(?=\b([a-z]{3,}) ([a-z]{3,})\b)")  # lookahead: overlapping pairs too


class DatasetError(RuntimeError):
    """A dataset could not be built."""


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    cached: bool = False


def build_small(folder: Path) -> Dataset:
    path = folder / "small" / FILE_NAME
    path.parent.mkdir(parents=True)
    _versus(path, "db", "upgrade")
    _versus(path, "seed")
    return Dataset("small", path)


def build_large(rows: int) -> Dataset:
    """The bundled dataset plus ``rows`` generated aspects, from the cache when it is there."""
    folder = CACHE_DIR / f"large-{rows}-{_large_key(rows)}"
    path = folder / FILE_NAME
    if path.exists():
        return Dataset("large", path, cached=True)
    building = CACHE_DIR / f"{folder.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        csv = building / "generated.csv"
        generate_csv(csv, rows)
        _versus(building / FILE_NAME, "db", "upgrade")
        _versus(building / FILE_NAME, "seed")
        _versus(building / FILE_NAME, "seed", str(csv))
        csv.unlink()
        building.rename(folder)  # atomic: a run stopped half-way never leaves a usable-looking file
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _prune(keep=folder)
    return Dataset("large", path)


def _large_key(rows: int) -> str:
    from app.store.migrate import head_revision  # the harness may ask versus where its schema is
    from seed import load

    sources = hashlib.sha256()
    for file in sorted(SEED_SOURCES.iterdir()):
        sources.update(file.name.encode() + file.read_bytes())
    key = {
        "rows": rows,
        "generator": inspect.getsource(generate_csv),
        "loader": inspect.getsource(load),  # what a load leaves behind (merged index, statistics)
        "migration_head": head_revision(),
        "sources": sources.hexdigest(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


def _prune(keep: Path) -> None:
    """Remove large datasets built for other parameters: each is a few hundred MB."""
    for stale in CACHE_DIR.glob("large-*"):
        if stale != keep and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _versus(database: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("versus")  # the console script of the app's venv
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    command += args
    env = {**os.environ, "VERSUS_DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(command, cwd=database.parent, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).splitlines()[-15:])
        raise DatasetError(f"`versus {' '.join(args)}` failed on {database}:\n{tail}")


@dataclass(frozen=True)
class Facts:
    """What the scenarios need to know about a dataset, read straight from the file."""

    aspects: list[tuple[int, str]]  # (id, slug), by id
    disciplines: list[tuple[int, str]]
    sources: list[tuple[int, str]]
    descriptions: int
    words: list[str]  # words, prefixes and word pairs found in descriptions, sorted

    def aspect_id(self, slug: str) -> int:
        return next(id_ for id_, s in self.aspects if s == slug)


def read_facts(dataset: Dataset, word_limit: int = 5000) -> Facts:
    # Read-only, and through the URI so SQLite never creates a file that is not there.
    with closing(sqlite3.connect(f"file:{dataset.path}?mode=ro", uri=True)) as db:

        def pairs(table: str) -> list[tuple[int, str]]:
            return list(db.execute(f"SELECT id, slug FROM {table} ORDER BY id"))

        # Label and text apart: a pair of words spanning both is in neither, so it finds nothing.
        rows = db.execute("SELECT label, text FROM description ORDER BY id LIMIT 20000")
        words = _words(text for row in rows for text in row)
        count = db.execute("SELECT count(*) FROM description").fetchone()[0]
        return Facts(
            pairs("aspect"), pairs("discipline"), pairs("source"), count, words[:word_limit]
        )


def _words(texts: Iterable[str]) -> list[str]:
    """Search terms every system finds: words, their prefixes, and adjacent word pairs."""
    found: set[str] = set()
    for text in texts:
        lowered = text.lower()
        for word in WORD.findall(lowered):
            found.update(word[:n] for n in range(3, len(word) + 1))
        found.update(" ".join(pair) for pair in PAIR.findall(lowered))
    return sorted(found)
