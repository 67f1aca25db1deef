"""`versus serve` bounds what a client can hold: idle and slow connections are closed, oversized
headers refused, a flood of idle sockets does not stop it answering, and its workers do not
outlive it. Each test runs a real server in a subprocess and talks to it over raw sockets."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import (
    Served,
    closed_after,
    limit_open_files,
    read_answer,
    serving,
    start,
    stop,
)

KEEP_ALIVE = 1
READ_TIMEOUT = 2
LIMITS = {"VERSUS_KEEP_ALIVE_TIMEOUT": str(KEEP_ALIVE), "VERSUS_READ_TIMEOUT": str(READ_TIMEOUT)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("serve"), env=LIMITS) as served:
        yield served


def _connect(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=10)


def _head(answer: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def test_a_connection_that_sends_nothing_is_closed(server: Served) -> None:
    with _connect(server) as idle:
        assert closed_after(idle, 3 * KEEP_ALIVE) <= 3 * KEEP_ALIVE


def test_a_kept_alive_connection_is_closed_when_idle(server: Served) -> None:
    with _connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        received = b""
        while b'{"status":"ok"}' not in received:
            received += connection.recv(65536)
        assert received.startswith(b"HTTP/1.1 200")
        assert closed_after(connection, 3 * KEEP_ALIVE) <= 3 * KEEP_ALIVE


def test_a_client_sending_its_headers_slowly_is_cut_off(server: Served) -> None:
    with _connect(server) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        started = time.monotonic()
        answer = b""
        while time.monotonic() - started < 5 * READ_TIMEOUT:
            readable, _, _ = select.select([slow], [], [], 0.2)
            if readable:
                answer = read_answer(slow)
                break
            try:
                slow.send(b"a")  # a byte every 0.2 s: never idle, never done
            except (BrokenPipeError, ConnectionResetError):
                break
        elapsed = time.monotonic() - started
    assert elapsed <= 3 * READ_TIMEOUT
    status, headers, body = _head(answer)
    assert status.startswith("HTTP/1.1 408")
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["type"] == "/problems/request-timeout"


def test_oversized_headers_are_answered_431(server: Served) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"
    with _connect(server) as connection:
        connection.sendall(request)
        status, headers, body = _head(read_answer(connection))
    assert status.startswith("HTTP/1.1 431")
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["type"] == "/problems/header-fields-too-large"
    assert "VERSUS_MAX_HEADER_BYTES" in problem["detail"]
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_50_mb_header_is_cut_off_and_the_server_keeps_answering(server: Served) -> None:
    sent, megabyte = 0, b"a" * 1_048_576
    with _connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Huge: ")
        try:
            while sent < 50 * len(megabyte):
                connection.sendall(megabyte)
                sent += len(megabyte)
        except (BrokenPipeError, ConnectionResetError):
            pass
    # What the kernel buffers on both sides, not 50 MB.
    assert sent < 16 * len(megabyte)
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_request_that_is_not_http_gets_a_problem(server: Served) -> None:
    with _connect(server) as connection:
        connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        status, headers, body = _head(read_answer(connection))
    assert status.startswith("HTTP/1.1 400")
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 400


def test_the_server_does_not_announce_itself(server: Served) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert "server" not in response.headers
    assert "date" in response.headers


def test_idle_sockets_beyond_the_open_file_limit_do_not_stop_it(tmp_path: Path) -> None:
    # Long timeouts, so only the connection limit can make room; 300 sockets against a limit
    # of 256 open files.
    quiet = {"VERSUS_KEEP_ALIVE_TIMEOUT": "60", "VERSUS_READ_TIMEOUT": "60"}
    with serving(tmp_path, env=quiet, preexec_fn=limit_open_files(256)) as served:
        idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(300)]
        try:
            started = time.monotonic()
            response = httpx.get(f"{served.url}/healthz", timeout=15)
            elapsed = time.monotonic() - started
            again = httpx.get(f"{served.url}/healthz", timeout=15)
        finally:
            for connection in idle:
                connection.close()
        log = served.log_text()
    assert response.status_code == 200
    assert again.status_code == 200
    assert elapsed < 10
    assert "Traceback" not in log
    assert len(log) < 20_000
    assert "VERSUS_MAX_CONNECTIONS" in log  # it says why it closed connections


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its entry is left


def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    served = start(tmp_path, "--workers", "2")
    workers = _children(served.process.pid)
    try:
        assert len(workers) >= 2
        os.kill(served.process.pid, signal.SIGKILL)
        served.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if _running(pid)] == []
        # The port is free again: a new server binds it and answers.
        restarted = start(tmp_path, port=served.port, log=tmp_path / "restarted.log")
        stop(restarted)
    finally:
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
