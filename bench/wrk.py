"""Running wrk and reading what it measured.

wrk drives the load: ``wrk/paths.lua`` (the folder beside this module; without an
``__init__.py`` it never shadows this module) cycles through a file of paths and prints one
JSON line at the end, which :func:`run` parses into a :class:`Measurement`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "paths.lua"
MARKER = "WRK_JSON "
INSTALL_HINT = "install it with `sudo apt-get install -y wrk` (Debian/Ubuntu) and run again"


class WrkError(RuntimeError):
    """wrk could not be found, installed or run."""


@dataclass(frozen=True)
class Load:
    """How hard and how long to drive a server."""

    duration_s: int
    connections: int
    timeout_s: int
    cpu_prefix: tuple[str, ...] = ()  # e.g. ("taskset", "-c", "1")


@dataclass
class Measurement:
    requests: int
    duration_s: float
    paths: int
    status_errors: int
    socket_errors: dict[str, int]
    statuses: dict[str, int]
    latency_us: dict[str, float]
    bytes: int = 0
    per_operation: int = 1  # HTTP requests that make one operation (see Workload)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def operations_per_s(self) -> float:
        return self.requests_per_s / self.per_operation

    @property
    def errors(self) -> int:
        """Failed requests: non-2xx/3xx answers plus socket errors (connect, read, timeout…)."""
        return self.status_errors + sum(self.socket_errors.values())

    @property
    def broken(self) -> int:
        """Errors that are not slowness: bad statuses, refused or dropped connections."""
        return self.errors - self.socket_errors.get("timeout", 0)

    def ms(self, percentile: str) -> float:
        return self.latency_us[percentile] / 1000


def ensure_wrk() -> str:
    """The wrk executable; installed from Debian's packages when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise WrkError(f"wrk is not installed: {INSTALL_HINT}")
    print("wrk is not installed; installing it with apt-get", file=sys.stderr)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    # The package lists may be missing on a fresh machine: update only if the install needs it.
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=False)
        if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
            raise WrkError(f"apt-get could not install wrk: {INSTALL_HINT}")
    found = shutil.which("wrk")
    if not found:
        raise WrkError(f"wrk is still not on PATH after installing it: {INSTALL_HINT}")
    return found


def run(
    wrk: str, base_url: str, paths_file: Path, load: Load, headers: dict[str, str] | None = None
) -> Measurement:
    """One bounded wrk run against ``base_url``, cycling through the paths in ``paths_file``."""
    command = [
        *load.cpu_prefix, wrk, "-t1", f"-c{load.connections}", f"-d{load.duration_s}s",
        f"--timeout={load.timeout_s}s", "--latency", "-s", str(SCRIPT),
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += [base_url, "--", str(paths_file)]
    # wrk stops itself after the duration; the timeout only guards against a wedged wrk.
    limit = load.duration_s + load.timeout_s + 30
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        raise WrkError(f"wrk did not finish within {limit} s") from None
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return parse(done.stdout)


def parse(output: str) -> Measurement:
    line = next((line for line in output.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise WrkError(f"wrk printed no {MARKER.strip()} line:\n{output}")
    data = json.loads(line.removeprefix(MARKER))
    return Measurement(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        paths=data["paths"],
        status_errors=data["status_errors"],
        socket_errors=data["socket_errors"],
        statuses={str(k): v for k, v in sorted(data["statuses"].items())},
        latency_us=data["latency_us"],
        bytes=data["bytes"],
    )


def version(wrk: str) -> str:
    # wrk has no --version: its usage text starts with the version line (and exits 1).
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0].partition(" Copyright")[0].strip() if lines else ""
