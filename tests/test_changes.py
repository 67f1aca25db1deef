"""Change tracking: versions ordered by commit, row revisions, change rows, epochs."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.store import migrate
from app.store.changes import UntrackedWrite, begin_changes
from app.store.engines import create_db_engine
from app.store.models import Aspect, Change, Description, Discipline
from app.store.versions import EMPTY, dataset_version
from tests.factories import make_aspect, make_description, make_discipline, make_source


def _changes(session: Session) -> list[tuple[int, str, str]]:
    rows = session.execute(select(Change.version, Change.entity, Change.op).order_by(Change.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_transaction_takes_one_version_however_much_it_writes(engine: Engine) -> None:
    with Session(engine) as session:
        assert dataset_version(session) == EMPTY
        assert begin_changes(session) == 1
        assert begin_changes(session) == 1
        make_discipline(session)
        make_aspect(session)
        session.commit()
        assert dataset_version(session).number == 1
        make_aspect(session, "scope")
        session.commit()
        assert dataset_version(session).number == 2


def test_a_rolled_back_change_leaves_no_version_and_no_change(engine: Engine) -> None:
    with Session(engine) as session:
        make_discipline(session)
        session.flush()
        session.rollback()
        assert dataset_version(session) == EMPTY
        assert _changes(session) == []


def test_reads_take_no_version(engine: Engine) -> None:
    with Session(engine) as session:
        session.execute(select(Discipline)).all()
        session.commit()
        assert dataset_version(session) == EMPTY


def test_rows_carry_the_version_of_their_last_change(engine: Engine) -> None:
    with Session(engine) as session:
        discipline = make_discipline(session)
        aspect = make_aspect(session)
        session.commit()
        discipline.name = "Renamed"
        session.commit()
        session.refresh(discipline)
        session.refresh(aspect)
        now = dataset_version(session).number
        assert discipline.revision == now
        assert discipline.created_revision is not None
        assert discipline.created_revision < now
        assert aspect.revision == aspect.created_revision < now


def test_every_created_updated_or_deleted_row_leaves_a_change_row(engine: Engine) -> None:
    with Session(engine) as session:
        source = make_source(session)
        aspect, discipline = make_aspect(session), make_discipline(session)
        make_description(session, source, aspect, discipline)
        session.commit()
        first = dataset_version(session).number
        session.execute(update(Aspect).values(name="Focus, renamed"))
        session.commit()
        session.execute(delete(Description))
        session.commit()
        changes = _changes(session)
    last = first + 2
    assert (first + 1, "aspect", "update") in changes
    assert (last, "description", "delete") in changes
    # The rows a deleted description belonged to changed too.
    assert {(v, e) for v, e, op in changes if v == last and op == "update"} == {
        (last, "aspect"), (last, "discipline"), (last, "source"),
    }  # fmt: skip
    created = {entity for version, entity, op in changes if op == "create"}
    assert created >= {"source", "aspect", "discipline", "description"}


def test_core_inserts_are_stamped_and_recorded(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(insert(Aspect), [{"slug": "a", "name": "A"}, {"slug": "b", "name": "B"}])
    with Session(engine) as session:
        revisions = session.execute(select(Aspect.revision, Aspect.created_revision)).all()
        assert [tuple(r) for r in revisions] == [(1, 1), (1, 1)]
        assert _changes(session) == [(1, "aspect", "create"), (1, "aspect", "create")]


def test_a_raw_connection_write_is_tracked_too(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(Aspect).values(slug="a", name="A"))
    with Session(engine) as session:
        assert dataset_version(session).number == 1


def test_a_stamp_outside_tracked_changes_is_refused(engine: Engine) -> None:
    # What stamp_revision guards: a revision default evaluated with no changes begun.
    from app.store.changes import stamp_revision

    class _Context:
        root_connection = engine.connect()

    with pytest.raises(UntrackedWrite):
        stamp_revision(_Context())
    _Context.root_connection.close()


def test_a_reset_starts_a_new_epoch(empty_database_url: str) -> None:
    migrated_engine = create_db_engine(empty_database_url)
    migrate.upgrade(migrated_engine)
    with Session(migrated_engine) as session:
        make_aspect(session)
        session.commit()
        before = dataset_version(session)
    migrate.downgrade(migrated_engine, "base")
    migrate.upgrade(migrated_engine)
    with Session(migrated_engine) as session:
        make_aspect(session)
        session.commit()
        after = dataset_version(session)
    migrated_engine.dispose()
    assert after.number == before.number == 1
    assert after.epoch != before.epoch
    assert after != before
