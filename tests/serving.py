"""A real `versus serve` in a subprocess, on a free port, for tests of what only a server shows:
connections, timeouts, workers, headers on the wire."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def limit_open_files(count: int) -> Callable[[], None]:
    """A ``preexec_fn`` that lowers the child's open-file limit (soft and hard) to ``count``."""

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))

    return lower


def start(
    folder: Path,
    *args: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    preexec_fn: Callable[[], None] | None = None,
    log: Path | None = None,
    prefix: Sequence[str] = (),
) -> Served:
    """Start `versus serve` with ``args`` in ``folder`` (so no developer's .env is read), its
    output in ``log`` (default ``folder/server.log``), the command after ``prefix`` (a wrapper
    such as ``unshare``); returns once it answers /healthz."""
    port = port or free_port()
    environment = {
        **os.environ,
        "VERSUS_DATABASE_URL": f"sqlite:///{folder / 'versus.db'}",
        "VERSUS_LOG_LEVEL": "info",
        **(env or {}),
    }
    log = log or folder / "server.log"
    command = [*prefix, sys.executable, "-m", "app.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=environment, cwd=folder, stdout=output, stderr=subprocess.STDOUT,
            preexec_fn=preexec_fn,
        )  # fmt: skip
    served = Served(process, port, log)
    try:
        wait_until_healthy(served)
    except BaseException:
        stop(served)
        raise
    return served


def wait_until_healthy(served: Served, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"versus serve exited: {served.log_text()[-2000:]}")
        try:
            if httpx.get(f"{served.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"versus serve did not answer in {timeout} s: {served.log_text()[-2000:]}")


def stop(served: Served) -> None:
    if served.process.poll() is None:
        served.process.terminate()
        try:
            served.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait(timeout=15)


@contextmanager
def serving(folder: Path, *args: str, **options: object) -> Iterator[Served]:
    served = start(folder, *args, **options)  # type: ignore[arg-type]
    try:
        yield served
    finally:
        stop(served)


def closed_after(connection: socket.socket, limit: float) -> float:
    """Seconds until the server closes ``connection`` (reading and discarding what it sends);
    fails if it is still open after ``limit`` seconds."""
    started = time.monotonic()
    connection.settimeout(limit)
    try:
        while connection.recv(65536):
            pass
    except TimeoutError:
        raise AssertionError(f"the connection was still open after {limit} s") from None
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def read_answer(connection: socket.socket, timeout: float = 10) -> bytes:
    """Everything the server sends until it closes the connection."""
    connection.settimeout(timeout)
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received
