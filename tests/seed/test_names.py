"""Names a document defines, number folding and keys of every script."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.domain.names import number_variants, slugify
from app.store.models import Discipline, DisciplineAlias
from seed.names import find_names, fits, split_trailing
from tests.seed_helpers import load_files


def test_keys_keep_letters_of_every_script_and_drop_accents() -> None:
    assert slugify("Décision-Making") == "decision-making"
    assert slugify("מדעי המחשב") == "מדעי-המחשב"
    assert slugify("علم النفس") == "علم-النفس"
    assert slugify("Production Management") == "production-management"


def test_number_variants_change_only_the_last_word() -> None:
    assert number_variants("kpis") == ("kpi",)
    assert number_variants("dietitian") == ("dietitians",)
    assert "strategy" in number_variants("strategies")
    assert number_variants("marketing-analytics") == ("marketing-analytic",)
    assert "marketing" not in number_variants("marketing-analytics")


def test_an_abbreviation_fits_the_name_it_follows() -> None:
    assert fits("SRE", "Site Reliability Engineering")
    assert fits("VWL", "Volkswirtschaftslehre")
    assert fits("KPIs", "Key Performance Indicators")
    assert not fits("HRM", "Organisational Development")
    assert split_trailing("Site Reliability Engineering (SRE)") == (
        "Site Reliability Engineering",
        "SRE",
    )
    assert split_trailing("Budget (2024)") == ("Budget (2024)", None)


def test_defined_abbreviations_and_ambiguous_ones() -> None:
    names = find_names(
        [
            (1, "Human Resource Management (HRM) and Organisational Development (OD) differ."),
            (2, "Project management (PM) is not product management (PM)."),
            (3, "In 2023 (HRM) nothing."),
        ]
    )
    assert names.canonical("HRM") == ("Human Resource Management", ("HRM",))
    assert names.canonical("OD") == ("Organisational Development", ("OD",))
    assert names.canonical("PM") == ("PM", ())
    assert [(a.abbreviation, a.span.start, a.span.end) for a in names.ambiguous] == [("PM", 2, 2)]


def test_a_table_that_abbreviates_its_disciplines_files_them_under_their_names(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "hr.md"
    path.write_text(
        "Human Resource Management (HRM) and Human Resource Development (HRD) compared.\n\n"
        "| Aspect | HRM | HRD |\n|---|---|---|\n| Focus | People now | People later |\n"
        "| Scope | The workforce | Learning |\n",
        encoding="utf-8",
    )
    load_files(engine, path)
    with Session(engine) as session:
        names = set(session.scalars(select(Discipline.name)))
        aliases = set(session.scalars(select(DisciplineAlias.alias)))
    assert names == {"Human Resource Management", "Human Resource Development"}
    assert {"HRM", "HRD"} <= aliases


def test_singular_and_plural_are_one_discipline_and_a_near_miss_stays_apart(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "roles.csv"
    path.write_text(
        "Aspect,Dietitians,Marketing,Marketing Analytics\nFocus,Diet,Demand,Measurement\n",
        encoding="utf-8",
    )
    other = tmp_path / "roles2.csv"
    other.write_text("Aspect,Dietitian,Marketings\nScope,Clinics,Brands\n", encoding="utf-8")
    load_files(engine, path, other)
    with Session(engine) as session:
        slugs = set(session.scalars(select(Discipline.slug)))
    assert slugs == {"dietitians", "marketing", "marketing-analytics"}
