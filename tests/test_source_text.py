"""Sources keep their decoded lines and their attribution, in step with every re-import."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

import seed.load
import seed.source_text
from app.store import source_text
from app.store.models import Description, Source, SourceText
from app.store.reads.sources import source_lines
from seed.decode import decode
from seed.load import LoadOptions, load_sources
from seed.manifest import Attribution, load_manifest
from seed.reading import iter_source_lines
from seed.records import SourceError
from tests.seed_helpers import load_bundled, load_files


def _source(engine: Engine, slug: str) -> Source:
    with Session(engine) as session:
        source = session.scalars(select(Source).where(Source.slug == slug)).one()
        session.expunge(source)
        return source


def _all_lines(engine: Engine, slug: str) -> list[str]:
    source = _source(engine, slug)
    assert source.id is not None
    with engine.connect() as connection:
        found = source_lines(connection, source.id, 1, source.line_count)
    assert [line["number"] for line in found] == list(range(1, source.line_count + 1))
    return [line["text"] for line in found]


def _blocks(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(SourceText)).scalar_one())


def test_every_bundled_source_keeps_its_decoded_lines(engine: Engine) -> None:
    load_bundled(engine)
    for spec in load_manifest().sources:
        decoded = decode(spec.path.name, spec.path.read_bytes(), max_bytes=1 << 26)
        assert _source(engine, spec.slug).line_count == len(decoded.lines)
        assert _all_lines(engine, spec.slug) == list(decoded.lines)


def test_a_fact_span_points_at_the_lines_that_state_it(engine: Engine) -> None:
    load_bundled(engine)
    lines = _all_lines(engine, "twenty-five-differences")
    with Session(engine) as session:
        query = select(Description).join(Source).where(Source.slug == "twenty-five-differences")
        facts = session.scalars(query).all()
    assert facts
    for fact in facts:
        cited = " ".join(lines[fact.line_start - 1 : fact.line_end])
        assert fact.text.split()[0] in cited, (fact.line_start, fact.text)


def test_blocks_split_on_lines_and_on_size(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    body = [f"Aspect {n},alpha {n},beta {n}" for n in range(1, 2500)]
    path.write_text("Aspect,Alpha,Beta\n" + "\n".join(body) + "\n")
    load_files(engine, path)
    assert _source(engine, "long").line_count == 2500
    assert _blocks(engine) == 3  # 1,000 lines a block
    with engine.connect() as connection:
        across = source_lines(connection, _source(engine, "long").id or 0, 999, 1002)
    assert [line["number"] for line in across] == [999, 1000, 1001, 1002]
    assert across[1]["text"] == "Aspect 999,alpha 999,beta 999"


def test_a_block_holds_at_most_its_size_in_characters() -> None:
    wide = ["x" * (source_text.BLOCK_CHARS // 2)] * 5
    blocks = list(source_text._blocks(wide))
    assert [(first, len(lines)) for first, lines in blocks] == [(1, 2), (3, 2), (5, 1)]
    assert source_text.unpack(source_text.pack(["a", "", "ü"])) == ["a", "", "ü"]


def test_a_streamed_csv_keeps_its_lines(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed.load, "STREAMED_CSV_BYTES", 0)  # every CSV takes the streamed path
    streamed: list[str] = []

    def spy(name: str, stream: BinaryIO, *, max_bytes: int) -> Iterator[str]:
        streamed.append(name)
        return iter_source_lines(name, stream, max_bytes=max_bytes)

    monkeypatch.setattr(seed.source_text, "iter_source_lines", spy)
    path = tmp_path / "streamed.csv"
    path.write_bytes(b"\xef\xbb\xbfAspect,Alpha,Beta\r\nRole,Plans,Builds\r\n\r\nGoal,Ship,Run")
    load_files(engine, path)
    assert streamed == [str(path)]  # its text was streamed again from the file, not kept
    assert _all_lines(engine, "streamed") == [
        "Aspect,Alpha,Beta", "Role,Plans,Builds", "", "Goal,Ship,Run",
    ]  # fmt: skip


def test_a_changed_file_replaces_its_text_and_a_dry_run_stores_none(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "teams.csv"
    path.write_text("Aspect,Red Team,Blue Team\nRole,Attacks,Defends\nGoal,Find gaps,Close gaps\n")
    load_files(engine, path, dry_run=True)
    assert _blocks(engine) == 0
    load_files(engine, path)
    path.write_text("Aspect,Red Team,Blue Team\nRole,Emulates attackers,Defends\n")
    load_files(engine, path)
    assert _all_lines(engine, "teams") == [
        "Aspect,Red Team,Blue Team",
        "Role,Emulates attackers,Defends",
    ]
    assert _blocks(engine) == 1


def test_the_manifest_gives_attribution(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "teams.csv").write_text("Aspect,Red,Blue\nRole,Attacks,Defends\n")
    manifest_path = tmp_path / "sources.toml"
    manifest_path.write_text(
        '[[source]]\nfile = "teams.csv"\nurl = "https://example.org/teams"\n'
        'author = "A. Writer"\nlicence = "CC BY 4.0"\nretrieved = 2026-11-20\n'
    )
    manifest = load_manifest(manifest_path)
    load_sources(engine, manifest.sources, manifest)
    source = _source(engine, "teams")
    assert (source.url, source.author, source.licence, source.retrieved) == (
        "https://example.org/teams", "A. Writer", "CC BY 4.0", datetime.date(2026, 11, 20),
    )  # fmt: skip


def test_a_source_without_attribution_has_none(engine: Engine) -> None:
    load_bundled(engine)
    source = _source(engine, "structured-comparison")
    assert (source.url, source.author, source.licence, source.retrieved) == (None,) * 4
    assert Attribution().stored() == dict.fromkeys(("url", "author", "licence", "retrieved"))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('url = "example.org/teams"', '[[source]] 1 (file "teams.csv"), url: Input should be'),
        ('url = "ftp://example.org/teams"', "url: URL scheme should be 'http' or 'https'"),
        ('retrieved = "2026-13-01"', "retrieved: Input should be a valid date"),
        ('retrieved = "yesterday"', "retrieved: Input should be a valid date"),
        ('author = ""', "author: String should have at least 1 character"),
        ("licence = 4", "licence: Input should be a valid string"),
    ],
)
def test_bad_attribution_in_the_manifest_names_the_file(
    tmp_path: Path, entry: str, message: str
) -> None:
    manifest_path = tmp_path / "sources.toml"
    manifest_path.write_text(f'[[source]]\nfile = "teams.csv"\n{entry}\n')
    with pytest.raises(SourceError) as raised:
        load_manifest(manifest_path)
    assert str(raised.value).startswith(f"{manifest_path}: ")
    assert message in str(raised.value)


def test_forcing_gives_text_to_a_source_imported_without_it(engine: Engine) -> None:
    load_bundled(engine)
    with Session(engine) as session:
        session.execute(delete(SourceText))
        session.execute(update(Source).values(line_count=0))
        session.commit()
    load_bundled(engine)  # unchanged files are not read again
    assert _blocks(engine) == 0
    load_bundled(engine, force=True)
    assert _source(engine, "basis-of-difference-table").line_count == 42
    assert _all_lines(engine, "basis-of-difference-table")[0] == "| Basis of Difference |"


def test_attribution_changed_in_the_manifest_applies_when_forced(
    engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "teams.csv").write_text("Aspect,Red,Blue\nRole,Attacks,Defends\n")
    manifest_path = tmp_path / "sources.toml"
    for licence, force in (("CC BY 4.0", False), ("CC0", False), ("CC0", True)):
        manifest_path.write_text(f'[[source]]\nfile = "teams.csv"\nlicence = "{licence}"\n')
        manifest = load_manifest(manifest_path)
        load_sources(engine, manifest.sources, manifest, LoadOptions(force=force))
        expected = "CC0" if force else "CC BY 4.0"
        assert _source(engine, "teams").licence == expected
