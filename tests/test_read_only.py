"""A SQLite database the service cannot write (a read-only volume, a file owned by someone else)
is served read-only: every read answers, /readyz says so, nothing is written, and `versus seed`
says what is wrong instead of printing a traceback.

Permissions do not stop root. Run as root, each server or command runs in a mount namespace of
its own where the file or folder is bind-mounted read-only, as a read-only volume is: writes
fail with EROFS even for root, and the mount goes with the process. Run as another user, chmod
makes them read-only for that user.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.store import migrate
from app.store.engines import create_db_engine
from tests.seed_helpers import load_bundled
from tests.serving import serving

# Bind-mount $1 over itself, remount it read-only, then run the rest of the arguments.
_READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def read_only(path: Path) -> list[str]:
    """Make ``path`` read-only for the command run after the prefix this returns."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if os.geteuid() != 0:
        return []
    return ["unshare", "--mount", "sh", "-c", _READ_ONLY_MOUNT, "sh", str(path)]


@pytest.fixture
def seeded_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a seeded database; writable again afterwards, so it can be removed."""
    folder = tmp_path / "data"
    folder.mkdir()
    engine = create_db_engine(f"sqlite:///{folder / 'versus.db'}")
    migrate.upgrade(engine)
    load_bundled(engine)
    engine.dispose()
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_database_it_cannot_write_is_served_read_only(
    seeded_folder: Path, tmp_path: Path, what: str
) -> None:
    database = seeded_folder / "versus.db"
    # "folder": nothing can be created beside the file either (no -wal, no -shm).
    prefix = read_only(seeded_folder if what == "folder" else database)
    before, names = _digest(database), sorted(p.name for p in seeded_folder.iterdir())
    env = {"VERSUS_DATABASE_URL": f"sqlite:///{database}"}
    with serving(tmp_path, env=env, prefix=prefix) as served:
        ready = httpx.get(f"{served.url}/readyz")
        aspects = httpx.get(f"{served.url}/v1/aspects?limit=1")
        search = httpx.get(f"{served.url}/v1/search?q=quality")
        log = served.log_text()
    assert ready.status_code == 200, ready.text
    assert ready.json() == {
        "status": "ready",
        "database": "ok",
        "revision": migrate.head_revision(),
        "read_only": True,
    }
    assert aspects.status_code == 200, aspects.text
    assert aspects.json()["total"] > 0
    assert search.status_code == 200, search.text
    assert search.json()["items"]
    assert "readonly" not in log
    assert _digest(database) == before
    if what == "folder":
        assert sorted(p.name for p in seeded_folder.iterdir()) == names


def test_seeding_a_read_only_database_says_so(seeded_folder: Path) -> None:
    database = seeded_folder / "versus.db"
    prefix = read_only(seeded_folder)
    before = _digest(database)
    env = {**os.environ, "VERSUS_DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "app.cli", "seed", "--force"],
        env=env, cwd=seeded_folder, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("versus: error")]
    assert errors == [
        f"versus: error: database sqlite:///{database}: it is read-only; run versus as a user "
        "who can write the file and its folder, or use a writable copy"
    ]
    assert "Traceback" not in result.stderr
    assert "nothing was imported; the database is unchanged" in result.stderr
    assert _digest(database) == before
