"""Starting and stopping the servers under test, each on its own free port on 127.0.0.1.

Every server runs in a process group of its own, so stopping it (also on Ctrl-C or an error,
through the context manager) ends whatever it started. The servers share one CPU and the load
generator gets another, so the generator never competes with the server it measures.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import Settings

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DATASETTE_VENV = BENCH_DIR / ".venv-datasette"
# Datasette from its own venv; uvloop and httptools there too, so uvicorn (which Datasette
# runs) picks the same event loop and HTTP parser as the other servers.
DATASETTE_REQUIREMENTS = ("datasette>=0.65,<0.66", "uvloop", "httptools")
READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
IDLE_WINDOW_S = 0.3
IDLE_SHARE = 0.05  # of one core: below this the server is taken to be idle
IDLE_LIMIT_S = 90


class ServerError(RuntimeError):
    """A server could not be installed or started, or died while starting."""


@dataclass(frozen=True)
class Cpus:
    """Where servers and the load generator run: separate cores when there are two."""

    server: tuple[str, ...]
    load: tuple[str, ...]
    description: str


def plan_cpus() -> Cpus:
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2 or not shutil.which("taskset"):
        why = "one core" if len(cores) < 2 else "no taskset"
        return Cpus((), (), f"not pinned ({why})")
    server, load = str(cores[0]), str(cores[1])
    return Cpus(
        ("taskset", "-c", server),
        ("taskset", "-c", load),
        f"servers on CPU {server}, wrk on CPU {load}",
    )


@dataclass(frozen=True)
class System:
    """A server under test: how to start it on a database, and the path that says it is ready."""

    key: str
    title: str
    ready_path: str

    def command(self, database: Path, port: int) -> tuple[list[str], dict[str, str]]:
        if self.key == "datasette":
            return _datasette_command(database, port), {}
        return _uvicorn_command(self.key, port), _uvicorn_env(self.key, database)


SYSTEMS = {
    s.key: s
    for s in (
        System("versus", "versus", "/readyz"),
        System("raw", "raw ASGI", "/"),
        System("naive", "naive FastAPI", "/healthz"),
        System("datasette", "Datasette", "/-/versions.json"),
    )
}
_UVICORN_TARGETS = {
    "versus": ["--factory", "app.main:create_app"],
    "raw": ["bench.baselines.raw_asgi:app"],
    "naive": ["bench.baselines.naive_fastapi:app"],
}


def _uvicorn_command(key: str, port: int) -> list[str]:
    # versus runs on the event loop `versus serve` runs by default (VERSUS_LOOP); the others on
    # uvicorn's own choice once uvicorn[standard] is installed, uvloop, as the ceiling was set.
    loop = str(Settings.model_fields["loop"].default) if key == "versus" else "uvloop"
    return [
        sys.executable, "-m", "uvicorn", *_UVICORN_TARGETS[key], "--app-dir", str(REPO),
        "--host", "127.0.0.1", "--port", str(port), "--http", "httptools", "--loop", loop,
        "--workers", "1", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def _uvicorn_env(key: str, database: Path) -> dict[str, str]:
    url = f"sqlite:///{database}"
    if key == "versus":
        return {"VERSUS_DATABASE_URL": url, "VERSUS_LOG_LEVEL": "warning"}
    return {"NAIVE_DATABASE_URL": url} if key == "naive" else {}


def _datasette_command(database: Path, port: int) -> list[str]:
    return [
        str(DATASETTE_VENV / "bin" / "datasette"), "serve", "-i", str(database),
        "--host", "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "5000",
    ]  # fmt: skip


@dataclass
class Running:
    system: System
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        return _tail(self.log, lines)

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far (all its threads)."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def wait_idle(self) -> bool:
        """Wait until the server stops working; False if it was still busy at the limit.

        When wrk stops, the requests it had in flight are not cancelled: a slow server goes on
        answering them into the next run. Waiting until it is idle keeps runs independent.
        """
        deadline = time.monotonic() + IDLE_LIMIT_S
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(IDLE_WINDOW_S)
            now = self.cpu_seconds()
            if now - last < IDLE_WINDOW_S * IDLE_SHARE:
                return True
            last = now
        return False

    def memory_mb(self) -> dict[str, float]:
        """VmRSS (now) and VmHWM (peak) of the server process, in MB."""
        found: dict[str, float] = {}
        status = Path(f"/proc/{self.process.pid}/status")
        for line in status.read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = round(int(value.split()[0]) / 1024, 1)
        return found


@contextmanager
def running(
    system: System,
    database: Path,
    cpus: Cpus,
    log_dir: Path,
    settings: dict[str, str] | None = None,
) -> Iterator[Running]:
    """Start ``system`` on ``database``, wait until it answers, and stop it on the way out.

    ``settings`` are extra environment variables for the server (versus' own settings).
    """
    port = free_port()
    command, env = system.command(database, port)
    env = {**env, **(settings or {})}
    log = log_dir / f"{system.key}-{port}.log"
    with log.open("wb") as out:
        # A temporary working directory: no .env file of the developer's can change a setting.
        process = subprocess.Popen(
            [*cpus.server, *command],
            cwd=log_dir,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    server = Running(system, process, port, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(server: Running) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    url = server.base_url + server.system.ready_path
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"{server.system.title} exited while starting:\n{_tail(server.log)}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerError(
        f"{server.system.title} did not answer {url} within {READY_TIMEOUT_S} s:\n"
        f"{_tail(server.log)}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not exited in time."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def ensure_datasette() -> str:
    """Datasette's version, after installing it into its own venv if it is not there yet."""
    stamp = DATASETTE_VENV / ".installed"
    wanted = "\n".join(DATASETTE_REQUIREMENTS)
    if not (stamp.exists() and stamp.read_text() == wanted):
        print(f"installing Datasette into {DATASETTE_VENV}", file=sys.stderr)
        python = DATASETTE_VENV / "bin" / "python"
        steps = [
            [sys.executable, "-m", "venv", "--clear", str(DATASETTE_VENV)],
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *DATASETTE_REQUIREMENTS],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                raise ServerError(f"installing Datasette failed: {done.stderr.strip()[-2000:]}")
        stamp.write_text(wanted)
    done = subprocess.run(
        [str(DATASETTE_VENV / "bin" / "datasette"), "--version"], capture_output=True, text=True
    )
    return done.stdout.strip().rpartition(" ")[2]
