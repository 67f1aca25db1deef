"""The schema enforces its natural keys, foreign keys and ON DELETE rules on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.store.models import Description, Discipline, DisciplineAlias, Source
from tests.factories import make_aspect, make_description, make_discipline, make_source


def test_description_round_trip(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect = make_source(session), make_aspect(session)
        discipline = make_discipline(session)
        make_description(
            session, source, aspect, discipline, text="Primarily on goods", line_start=6, line_end=6
        )
        session.commit()
    with Session(engine) as session:
        row = session.scalars(select(Description)).one()
        assert (row.text, row.line_start, row.label) == ("Primarily on goods", 6, "Focus")
        assert row.created_at is not None
        assert row.updated_at is not None


def test_slug_is_unique(engine: Engine) -> None:
    with Session(engine) as session:
        make_discipline(session, "production-management")
        with pytest.raises(IntegrityError):
            make_discipline(session, "production-management")


def test_description_natural_key_is_unique(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect, discipline = (
            make_source(session),
            make_aspect(session),
            make_discipline(session),
        )
        make_description(session, source, aspect, discipline)
        with pytest.raises(IntegrityError):
            make_description(session, source, aspect, discipline, text="again")


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect = make_source(session), make_aspect(session)
        session.add(
            Description(
                source_id=source.id,
                aspect_id=aspect.id,
                discipline_id=999,
                label="Focus",
                text="x",
                position=1,
                line_start=1,
                line_end=1,
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()


def test_line_span_must_be_ordered(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect, discipline = (
            make_source(session),
            make_aspect(session),
            make_discipline(session),
        )
        with pytest.raises(IntegrityError):
            make_description(session, source, aspect, discipline, line_start=5, line_end=4)


def test_deleting_a_source_deletes_its_facts(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect, discipline = (
            make_source(session),
            make_aspect(session),
            make_discipline(session),
        )
        make_description(session, source, aspect, discipline)
        session.commit()
        session.execute(delete(Source).where(Source.id == source.id))
        session.commit()
        assert session.execute(select(func.count()).select_from(Description)).scalar_one() == 0


def test_a_discipline_with_facts_cannot_be_deleted(engine: Engine) -> None:
    with Session(engine) as session:
        source, aspect, discipline = (
            make_source(session),
            make_aspect(session),
            make_discipline(session),
        )
        make_description(session, source, aspect, discipline)
        session.commit()
        with pytest.raises(IntegrityError):
            session.execute(delete(Discipline).where(Discipline.id == discipline.id))


def test_deleting_a_discipline_deletes_its_aliases(engine: Engine) -> None:
    with Session(engine) as session:
        discipline = make_discipline(session)
        session.add(
            DisciplineAlias(discipline_id=discipline.id, alias="Production", key="production")
        )
        session.commit()
        session.execute(delete(Discipline).where(Discipline.id == discipline.id))
        session.commit()
        assert session.execute(select(func.count()).select_from(DisciplineAlias)).scalar_one() == 0
