"""Score the importer on comparison documents with known answers.

Each document ``NAME.ext`` in the folder has a ``NAME.expected.json`` beside it (the schema is in
``tests/fixtures/importer/README.md``): the cells a reader finds in it, with their lines, the
definitions, and strings that are junk (advertising, contact details) and must not be imported.
Every document is imported on its own into a fresh SQLite database with the real loader, with
no curated vocabulary, as a new user's ``versus seed FILE`` would.

A cell is *exact* when the database holds a description for its aspect and discipline whose
text is the expected text (whitespace collapsed, a final full stop ignored) with the expected
line span. A discipline or aspect matches by its name or any of its aliases, compared by slug.
A *junk record* is any imported description, definition, discipline or aspect that contains a
junk string. An *extra* description is one no expected cell names.

    python -m bench.import_score tests/fixtures/importer [--json] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.names import slugify
from app.store import migrate
from app.store.engines import create_db_engine
from app.store.models import (
    Aspect,
    AspectAlias,
    Definition,
    Description,
    Discipline,
    DisciplineAlias,
)
from seed.load import LoadOptions, load_sources
from seed.manifest import Manifest, SourceSpec
from seed.records import SourceError

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip().removesuffix(".").strip()


@dataclass
class FileScore:
    file: str
    kind: str
    cells: int = 0
    exact: int = 0
    extra: int = 0
    junk: int = 0
    definitions: int = 0
    definitions_found: int = 0
    rejected: str | None = None
    misses: list[str] = field(default_factory=list)
    junk_records: list[str] = field(default_factory=list)


def _names(session: Any, model: Any, alias_model: Any, fk: str) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {}
    for row in session.execute(select(model.id, model.name, model.slug)):
        names.setdefault(row.id, set()).update({slugify(row.name), row.slug})
    for row in session.execute(select(getattr(alias_model, fk), alias_model.alias)):
        names.setdefault(row[0], set()).add(slugify(row[1]))
    return names


def score_file(document: Path, expected: dict[str, Any], workdir: Path) -> FileScore:
    score = FileScore(document.name, expected.get("kind", "?"))
    score.cells = len(expected["cells"])
    score.definitions = len(expected.get("definitions", []))
    engine = create_db_engine(f"sqlite:///{workdir / (document.stem + '.db')}")
    try:
        migrate.upgrade(engine)
        spec = SourceSpec(document, slugify(document.stem)[:60] or "source", document.stem)
        try:
            load_sources(engine, [spec], Manifest(), LoadOptions())
        except SourceError as error:
            score.rejected = str(error)
            score.misses = [f"{c['aspect']} / {c['discipline']}" for c in expected["cells"]]
            return score
        with engine.connect() as session:
            compare(session, expected, score)
    finally:
        engine.dispose()
    return score


def compare(session: Any, expected: dict[str, Any], score: FileScore) -> None:
    """Fill ``score`` from what the database behind ``session`` holds."""
    disciplines = _names(session, Discipline, DisciplineAlias, "discipline_id")
    aspects = _names(session, Aspect, AspectAlias, "aspect_id")
    wanted_names: dict[str, set[str]] = {}
    for name in expected["disciplines"]:
        wanted_names[name] = {slugify(name)} | {
            slugify(alias) for alias in expected.get("aliases", {}).get(name, [])
        }
    stored = list(
        session.execute(
            select(
                Description.aspect_id,
                Description.discipline_id,
                Description.text,
                Description.line_start,
                Description.line_end,
            )
        )
    )
    claimed: set[int] = set()
    for cell in expected["cells"]:
        want_aspect = slugify(cell["aspect"])
        want_discipline = wanted_names.get(cell["discipline"], {slugify(cell["discipline"])})
        hit = False
        for index, row in enumerate(stored):
            if want_aspect not in aspects.get(row.aspect_id, set()):
                continue
            if not want_discipline & disciplines.get(row.discipline_id, set()):
                continue
            claimed.add(index)
            if normalise(row.text) == normalise(cell["text"]) and [
                row.line_start,
                row.line_end,
            ] == list(cell["lines"]):
                hit = True
            else:
                score.misses.append(
                    f"{cell['aspect']} / {cell['discipline']}: got {row.text[:60]!r} "
                    f"{row.line_start}-{row.line_end}, want {cell['text'][:60]!r} "
                    f"{cell['lines'][0]}-{cell['lines'][1]}"
                )
            break
        else:
            score.misses.append(f"{cell['aspect']} / {cell['discipline']}: not imported")
        score.exact += hit
    score.extra = len(stored) - len(claimed)
    junk = [j.lower() for j in expected.get("junk", []) if j.strip()]
    texts = [row.text for row in stored]
    texts += [row.text for row in session.execute(select(Definition.text))]
    texts += [row.name for row in session.execute(select(Discipline.name))]
    texts += [row.name for row in session.execute(select(Aspect.name))]
    for text in texts:
        lowered = text.lower()
        if any(item in lowered for item in junk):
            score.junk += 1
            score.junk_records.append(text[:80])
    for definition in expected.get("definitions", []):
        want = normalise(definition["text"])
        lines = list(definition.get("lines", []))
        query = select(Definition.text, Definition.line_start, Definition.line_end)
        for row in session.execute(query):
            if normalise(row.text) == want and (
                not lines or [row.line_start, row.line_end] == lines
            ):
                score.definitions_found += 1
                break


def score_folder(folder: Path) -> list[FileScore]:
    scores = []
    with tempfile.TemporaryDirectory() as workdir:
        for expected_path in sorted(folder.glob("*.expected.json")):
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
            document = folder / expected["file"]
            scores.append(score_file(document, expected, Path(workdir)))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print every score as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every miss and junk record")
    args = parser.parse_args(argv)
    scores = score_folder(args.folder)
    if args.json:
        print(json.dumps([asdict(score) for score in scores], indent=2))
        return 0
    for score in scores:
        status = "REJECTED" if score.rejected else f"{score.exact:3}/{score.cells:<3} cells"
        print(
            f"{score.file[:44]:44} {score.kind:9} {status:14} extra {score.extra:2}  "
            f"junk {score.junk:2}  defs {score.definitions_found}/{score.definitions}"
        )
        if args.verbose:
            if score.rejected:
                print(f"    rejected: {score.rejected}")
            for miss in score.misses:
                print(f"    miss: {miss}")
            for record in score.junk_records:
                print(f"    junk: {record}")
    cells = sum(score.cells for score in scores)
    exact = sum(score.exact for score in scores)
    print(
        f"\n{exact}/{cells} cells exact ({exact / max(cells, 1):.0%}), "
        f"{sum(s.junk for s in scores)} junk records, "
        f"{sum(s.extra for s in scores)} extra descriptions, "
        f"{sum(1 for s in scores if s.rejected)} of {len(scores)} files rejected, "
        f"{sum(s.definitions_found for s in scores)}/{sum(s.definitions for s in scores)} "
        "definitions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
