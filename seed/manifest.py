"""The manifest (``seed/sources.toml``): the bundled sources and the curated vocabulary."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, UrlConstraints, ValidationError

from app.domain.names import slugify
from seed.records import SourceError

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
MANIFEST_PATH = Path(__file__).resolve().parent / "sources.toml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Entry):
    """A curated discipline or aspect: its canonical name and the other names sources use."""

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()


class Attribution(_Entry):
    """Where a source was found and on what terms: each part optional."""

    url: Annotated[HttpUrl, UrlConstraints(max_length=2000)] | None = None
    author: str | None = Field(default=None, min_length=1, max_length=300)
    licence: str | None = Field(default=None, min_length=1, max_length=200)
    retrieved: date | None = None

    def stored(self) -> dict[str, Any]:
        """The columns of the source row."""
        return {**self.model_dump(), "url": str(self.url) if self.url else None}


class SourceEntry(Attribution):
    file: str = Field(min_length=1)
    slug: str | None = None
    title: str | None = None


class _Manifest(_Entry):
    discipline: tuple[Term, ...] = ()
    aspect: tuple[Term, ...] = ()
    source: tuple[SourceEntry, ...] = ()


@dataclass(frozen=True)
class SourceSpec:
    """A file to import and the identity it gets in the database."""

    path: Path
    slug: str
    title: str
    attribution: Attribution = field(default_factory=Attribution)


@dataclass(frozen=True)
class Manifest:
    disciplines: tuple[Term, ...] = ()
    aspects: tuple[Term, ...] = ()
    sources: tuple[SourceSpec, ...] = field(default_factory=tuple)

    def spec_for(self, path: Path) -> SourceSpec:
        """The manifest's entry for ``path`` if it has one, else an identity from the file name."""
        resolved = path.resolve()
        for spec in self.sources:
            if spec.path == resolved:
                return spec
        return SourceSpec(resolved, slugify(path.stem) or "source", path.name)


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and validate a manifest; errors name the file (and line, for TOML syntax)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = _Manifest.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's error carries its position only in the message: "… (at line 3, column 5)".
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise SourceError(str(path), f"invalid TOML: {exc}", line=line) from None
    except ValidationError as exc:
        raise SourceError(str(path), _first_error(exc, raw)) from None
    sources = tuple(
        SourceSpec(
            (path.parent / "sources" / entry.file).resolve(),
            entry.slug or slugify(Path(entry.file).stem),
            entry.title or entry.file,
            Attribution.model_validate(entry.model_dump(include=set(Attribution.model_fields))),
        )
        for entry in parsed.source
    )
    return Manifest(parsed.discipline, parsed.aspect, sources)


def _first_error(exc: ValidationError, raw: dict[str, Any]) -> str:
    """``where: what``, e.g. ``[[source]] 2 (file "a.md"), retrieved: Input should be a date``."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    if len(loc) >= 2 and isinstance(loc[1], int):
        table, number = loc[0], loc[1]
        entries = raw.get(str(table))
        entry = entries[number] if isinstance(entries, list) and number < len(entries) else {}
        named = f' (file "{entry["file"]}")' if isinstance(entry, dict) and "file" in entry else ""
        field_name = ".".join(map(str, loc[2:])) or "entry"
        return f"[[{table}]] {number + 1}{named}, {field_name}: {first['msg']}"
    return f"{'.'.join(map(str, loc)) or 'value'}: {first['msg']}"
