"""The dataset version a request sees: shared within one turn of the event loop, never older
than a commit made before the request arrived."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store import migrate
from app.store.changes import begin_changes
from app.store.engines import create_db_engine
from app.store.versions import VersionReader
from tests.factories import make_discipline


@pytest.fixture
def file_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path}/versus.db")
    migrate.upgrade(engine)
    with Session(engine) as session:
        begin_changes(session)
        make_discipline(session)
        session.commit()
    yield engine
    engine.dispose()


def _commit_elsewhere(engine: Engine) -> None:
    """A commit by another process: a plain connection, none of this process's hooks."""
    with sqlite3.connect(str(engine.url.database)) as other:
        other.execute("UPDATE dataset_meta SET version = version + 1 WHERE id = 1")


class _CountingReader(VersionReader):
    reads = 0

    def read(self):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().read()


def test_requests_in_one_turn_of_the_loop_share_one_read(file_engine: Engine) -> None:
    reader = _CountingReader(file_engine)

    async def burst() -> set[int]:
        seen = {reader.current().number for _ in range(50)}
        assert reader.reads == 1
        return seen

    assert len(asyncio.run(burst())) == 1
    reader.close()


def test_a_commit_before_a_request_arrives_is_seen(file_engine: Engine) -> None:
    reader = _CountingReader(file_engine)

    async def scenario() -> tuple[int, int, int]:
        before = reader.current().number
        _commit_elsewhere(file_engine)  # after the read: a request arriving now must see it
        arrived = asyncio.get_running_loop().create_future()
        # A request that arrives now is started by a task step queued now, as a server does.
        asyncio.get_running_loop().call_soon(lambda: arrived.set_result(reader.current()))
        later = (await arrived).number
        return before, later, reader.reads

    before, later, reads = asyncio.run(scenario())
    assert later == before + 1
    assert reads == 2
    reader.close()


def test_a_commit_in_this_process_is_seen_at_once(file_engine: Engine) -> None:
    reader = _CountingReader(file_engine)

    async def scenario() -> tuple[int, int]:
        before = reader.current().number
        with Session(file_engine) as session:  # an in-process writer: no turn of the loop
            begin_changes(session)
            make_discipline(session, "second")
            session.commit()
        return before, reader.current().number

    before, after = asyncio.run(scenario())
    assert after == before + 1
    reader.close()


def test_a_loop_with_a_task_factory_shares_nothing(file_engine: Engine) -> None:
    reader = _CountingReader(file_engine)

    async def scenario() -> int:
        loop = asyncio.get_running_loop()
        loop.set_task_factory(lambda loop, coro, **kwargs: asyncio.Task(coro, loop=loop))
        reader.current()
        reader.current()
        return reader.reads

    assert asyncio.run(scenario()) == 2
    reader.close()
