"""The `versus` command: schema management and clear failures on bad settings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.store import migrate


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> CliRunner:
    monkeypatch.setenv("VERSUS_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_db_upgrade_current_downgrade(run: CliRunner) -> None:
    head = migrate.head_revision()
    result = run.invoke(cli, ["db", "current"])
    assert result.exit_code == 0, result.output
    assert f"base (empty) (behind head {head})" in result.output

    result = run.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"database at {head} (up to date)" in result.output

    result = run.invoke(cli, ["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert "database at base (empty)" in result.output


def test_downgrade_needs_a_revision(run: CliRunner) -> None:
    result = run.invoke(cli, ["db", "downgrade"])
    assert result.exit_code == 2
    assert "missing argument" in result.output.lower()


def test_invalid_setting_exits_2_naming_it(run: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERSUS_PORT", "eighty")
    get_settings.cache_clear()
    result = run.invoke(cli, ["db", "current"])
    assert result.exit_code == 2
    assert "VERSUS_PORT='eighty'" in result.output
