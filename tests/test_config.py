"""Settings: defaults, environment overrides, and failures that name the setting and value."""

from __future__ import annotations

import pytest

from app.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "HOST", "PORT", "WORKERS", "LOG_LEVEL", "CORS_ORIGINS"):
        monkeypatch.delenv(f"VERSUS_{name}", raising=False)


def test_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///./var/versus.db"
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.log_level == "info"
    assert settings.loop == "asyncio"
    assert settings.cors_origins == ["*"]


@pytest.mark.parametrize(
    ("variable", "value", "attribute", "expected"),
    [
        ("VERSUS_PORT", "9001", "port", 9001),
        ("VERSUS_HOST", "0.0.0.0", "host", "0.0.0.0"),
        ("VERSUS_LOG_LEVEL", "DEBUG", "log_level", "debug"),
        ("VERSUS_WORKERS", "4", "workers", 4),
        ("VERSUS_LOOP", "uvloop", "loop", "uvloop"),
        ("VERSUS_LOOP", "auto", "loop", "auto"),
        (
            "VERSUS_CORS_ORIGINS",
            "https://a.example, https://b.example",
            "cors_origins",
            ["https://a.example", "https://b.example"],
        ),
        ("VERSUS_CORS_ORIGINS", '["https://a.example"]', "cors_origins", ["https://a.example"]),
        (
            "VERSUS_DATABASE_URL",
            "postgresql://u@db/versus",
            "database_url",
            "postgresql+psycopg://u@db/versus",
        ),
        ("VERSUS_DATABASE_URL", "sqlite:////tmp/x.db", "database_url", "sqlite:////tmp/x.db"),
    ],
)
def test_environment_overrides(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, attribute: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(load_settings(_env_file=None), attribute) == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("VERSUS_PORT", "abc", "valid integer"),
        ("VERSUS_PORT", "70000", "less than or equal to 65535"),
        ("VERSUS_WORKERS", "0", "greater than or equal to 1"),
        ("VERSUS_LOG_LEVEL", "loud", "'critical'"),
        ("VERSUS_LOOP", "trio", "'auto', 'asyncio' or 'uvloop'"),
        ("VERSUS_DATABASE_URL", "mysql://root@db/x", "backend 'mysql' is not supported"),
        ("VERSUS_DATABASE_URL", "not a url", "not a database URL"),
        ("VERSUS_DATABASE_URL", "postgresql+asyncpg://u@db/x", "use postgresql+psycopg"),
        ("VERSUS_CORS_ORIGINS", "[not json", "Expecting value"),
    ],
)
def test_invalid_setting_names_variable_and_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert f"{variable}={value!r}" in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("mysql://root:s3cret@db/x", "mysql://root:***@db/x"),
        ("postgresql://u:s3cret@db:port/x", "postgresql://u:***@db:port/x"),
        ("postgresql+asyncpg://db/x?password=s3cret&ssl=1", "?password=***&ssl=1"),
    ],
)
def test_an_invalid_database_url_is_shown_without_its_password(
    monkeypatch: pytest.MonkeyPatch, value: str, shown: str
) -> None:
    monkeypatch.setenv("VERSUS_DATABASE_URL", value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert "VERSUS_DATABASE_URL=" in str(caught.value)
    assert shown in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_server_limits_have_stated_defaults() -> None:
    settings = load_settings(_env_file=None)
    assert settings.keep_alive_timeout == 5
    assert settings.read_timeout == 10
    assert settings.max_header_bytes == 32768
    assert settings.max_connections == 1024
    assert settings.backlog == 2048
