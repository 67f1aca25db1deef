"""Settings: every one comes from a ``VERSUS_``-prefixed environment variable (or ``.env``).

An invalid value stops start-up with :class:`SettingsError`, whose message names the environment
variable and the value it had, so a typo in a deployment is found before the first request.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "VERSUS_"
LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]
EventLoop = Literal["auto", "asyncio", "uvloop"]
_SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class SettingsError(Exception):
    """A setting has a value the service cannot run with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        "sqlite:///./var/versus.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    host: str = Field("127.0.0.1", min_length=1, description="Interface `versus serve` binds.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port `versus serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Worker processes for `versus serve`.")
    log_level: LogLevel = Field("info", description="Server log level.")
    loop: EventLoop = Field(
        "asyncio",
        description="Event loop `versus serve` runs. asyncio's answers connections in turn when "
        "a worker is saturated; uvloop (installed with uvicorn[standard] where it builds) costs "
        "less per request but lets some connections wait several times longer than others once "
        "requests take a millisecond or more; `auto` is uvloop when installed.",
    )
    response_cache_entries: int = Field(
        4096,
        ge=0,
        le=1_000_000,
        description="Whole responses each worker keeps per dataset version; 0 turns the cache off "
        "(ETags and 304s stay).",
    )
    db_connect_timeout: float = Field(
        5.0,
        gt=0,
        le=600,
        description="Seconds to open a database connection (PostgreSQL), so a server that "
        "accepts connections and never answers fails a request instead of hanging it.",
    )
    db_pool_timeout: float = Field(
        5.0,
        gt=0,
        le=600,
        description="Seconds a request waits for a free connection of the pool before it is "
        "answered 503.",
    )
    db_statement_timeout: float = Field(
        15.0,
        ge=0,
        le=3600,
        description="Seconds a statement may run on PostgreSQL before the server cancels it (a "
        "backstop; the request is answered 503); 0 for no limit.",
    )
    response_cache_bytes: int = Field(
        64 * 1024 * 1024,
        ge=0,
        le=1 << 40,
        description="Bytes of responses (bodies and headers) each worker's response cache holds "
        "at most; the least recently used go first.",
    )
    public_url: str | None = Field(
        None,
        description="The URL clients reach the API at (e.g. https://api.example.org); links "
        "(`next`, `Link`) start with it. Unset: links are relative (`/v1/…`). Never taken from "
        "the request's Host header.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or networks) of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed, comma-separated; `*` trusts any. Default: none.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Origins allowed by CORS, comma-separated; `*` allows any.",
    )
    keep_alive_timeout: int = Field(
        5,
        ge=1,
        le=3600,
        description="Seconds `versus serve` keeps a connection that sends nothing open: a new "
        "one before its first request, a kept-alive one between requests.",
    )
    read_timeout: int = Field(
        10,
        ge=1,
        le=3600,
        description="Seconds a client has to send a whole request (request line, headers and "
        "any body) once its first byte arrived; a slower one is answered 408 and disconnected.",
    )
    max_header_bytes: int = Field(
        32768,
        ge=1024,
        le=1_048_576,
        description="Largest request line and headers accepted, in bytes; a larger request is "
        "answered 431 and disconnected.",
    )
    max_connections: int = Field(
        1024,
        ge=1,
        le=1_000_000,
        description="Open connections each worker keeps (never more than half its open-file "
        "limit, or that limit less 256 if more). A new connection beyond it closes the one "
        "idle longest; with none idle it is answered 503.",
    )
    backlog: int = Field(
        2048,
        ge=1,
        le=65535,
        description="Connections the kernel queues for `versus serve` before it accepts them "
        "(the kernel caps it at net.core.somaxconn).",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = value.strip().rstrip("/")
        if not url.startswith(("http://", "https://")) or "?" in url or "#" in url:
            raise ValueError("not an http(s) URL without query or fragment")
        return url

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return normalise_database_url(value).render_as_string(hide_password=False)


def normalise_database_url(value: str) -> URL:
    """Parse a database URL, defaulting PostgreSQL to the psycopg 3 driver."""
    try:
        url = make_url(value.strip())
    except ArgumentError as exc:
        raise ValueError("not a database URL (expected e.g. sqlite:///./var/versus.db)") from exc
    backend = url.get_backend_name()
    if backend not in _SUPPORTED_BACKENDS:
        raise ValueError(f"backend {backend!r} is not supported; use sqlite or postgresql")
    if backend == "postgresql" and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        raise ValueError(f"driver {url.drivername!r} is not supported; use postgresql+psycopg")
    return url


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one readable :class:`SettingsError`."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = ENV_PREFIX + ".".join(str(part) for part in error["loc"][:1]).upper()
        message = error["msg"].removeprefix("Value error, ")
        problems.append(redact_url(f"{name}={error.get('input')!r}: {message}"))
    return "invalid setting: " + "; ".join(problems)


# user:password@ in a URL's authority, and password=… in its query (libpq takes both).
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:)[^@\n]*(?=@)")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)[^&\s'\"]*", re.IGNORECASE)
REDACTED = "***"


def redact_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``; for every message
    that shows a database URL (an invalid setting, a database error), since a message may end
    up in a log or a terminal shared with others."""
    text = _URL_PASSWORD.sub(lambda m: m["head"] + REDACTED, text)
    return _QUERY_PASSWORD.sub(lambda m: m["head"] + REDACTED, text)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
