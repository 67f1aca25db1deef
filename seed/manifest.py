"""The manifest (``seed/sources.toml``): the bundled sources and the curated vocabulary."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class SourceEntry(_Entry):
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
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SourceError(str(path), f"{where}: {first['msg']}") from None
    sources = tuple(
        SourceSpec(
            (path.parent / "sources" / entry.file).resolve(),
            entry.slug or slugify(Path(entry.file).stem),
            entry.title or entry.file,
        )
        for entry in parsed.source
    )
    return Manifest(parsed.discipline, parsed.aspect, sources)
