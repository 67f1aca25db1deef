"""A PostgreSQL server that accepts connections and never answers: requests fail within the
configured timeout with a 503 problem, and liveness keeps answering meanwhile."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.store.engines import Timeouts, create_db_engine
from tests.serving import start, stop

CONNECT_TIMEOUT = 1.0


@pytest.fixture
def hung_server() -> Iterator[int]:
    """A TCP port that accepts every connection and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stopping.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    listener.close()


def test_the_engine_gives_up_connecting_within_the_timeout(hung_server: int) -> None:
    engine = create_db_engine(
        f"postgresql+psycopg://versus@127.0.0.1:{hung_server}/versus",
        timeouts=Timeouts(connect=CONNECT_TIMEOUT, pool=1, statement=1),
    )
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        attempt = pool.submit(engine.connect)
        # Without a connect timeout the attempt waits as long as the server does: forever.
        with pytest.raises(Exception, match=r"timeout expired|timed out"):
            attempt.result(timeout=10)
    assert time.monotonic() - started <= 3 * CONNECT_TIMEOUT + 1  # connect_timeout is whole s
    engine.dispose()


def test_reads_fail_fast_and_liveness_answers_while_they_wait(
    hung_server: int, tmp_path: Path
) -> None:
    served = start(
        tmp_path,
        env={
            "VERSUS_DATABASE_URL": f"postgresql+psycopg://versus@127.0.0.1:{hung_server}/versus",
            "VERSUS_DB_CONNECT_TIMEOUT": str(2 * CONNECT_TIMEOUT),
            "VERSUS_DB_POOL_TIMEOUT": "1",
        },
    )
    try:
        with ThreadPoolExecutor(max_workers=80) as pool:
            # More reads than the server's thread pool has threads (40): they hold all of them.
            reads = [pool.submit(_timed_get, f"{served.url}/v1/aspects") for _ in range(80)]
            time.sleep(0.5)
            status, seconds = _timed_get(f"{served.url}/healthz")
            assert status == 200
            assert seconds < 1.0
            for read in reads:
                status, seconds = read.result()
                assert status == 503
                # Each waits for a thread (the reads before it), then its connection attempt.
                assert seconds <= 3 * (2 * CONNECT_TIMEOUT) * 2
    finally:
        stop(served)


def _timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=60)
    if response.status_code != 200:
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, time.monotonic() - started
