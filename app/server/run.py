"""Running the server: uvicorn with :class:`~app.server.protocol.LimitedProtocol`, no
``Server`` header, the app's logs beside uvicorn's, and workers that do not outlive it.

With ``--workers 2`` or more, uvicorn's parent binds the port (with ``SO_REUSEADDR``) and runs
the workers; killed with ``kill -9``, it used to leave them serving, so the port stayed taken.
Each worker now watches its parent (the end of a pipe the parent holds closes when it dies) and
stops when it goes.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from app.config import Settings, get_settings
from app.main import VersusApp, create_app
from app.server.protocol import LimitedProtocol, Limits, throttle

logger = logging.getLogger("versus.server")
WORKER_STOP_SECONDS = 5.0  # an orphaned worker's graceful stop, before it exits regardless


class Config(uvicorn.Config):
    """uvicorn's configuration and the :class:`Limits` (pickled to every worker with it)."""

    def __init__(self, app: Any, *, limits: Limits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.limits = limits


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve the app as ``versus serve`` does, until a signal stops it."""
    limits = Limits.from_settings(settings)
    config = Config(
        "app.server:worker_app",
        limits=limits,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        loop=settings.loop,
        http=LimitedProtocol,
        proxy_headers=False,  # the app believes VERSUS_TRUSTED_PROXIES alone
        server_header=False,  # no "Server: uvicorn" and its version
        timeout_keep_alive=settings.keep_alive_timeout,
        backlog=settings.backlog,
        log_config=_log_config(),
    )
    if limits.max_connections < settings.max_connections:
        logger.warning(
            "VERSUS_MAX_CONNECTIONS lowered to %d: the open-file limit (ulimit -n) is %d",
            limits.max_connections, resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        )  # fmt: skip
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()  # SO_REUSEADDR
        else:
            server = uvicorn.Server(config)
            server.run()
            if not server.started:
                sys.exit(STARTUP_FAILURE)
    except KeyboardInterrupt:
        pass


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the app's loggers (``versus.*``) written as its own are."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["versus"] = {"handlers": ["default"], "propagate": False}
    return config


def worker_app() -> VersusApp:
    """The app as each server process runs it (the factory ``serve`` names): its event loop
    logs repeated errors at most every few seconds, and a worker stops with its parent."""
    asyncio.get_running_loop().set_exception_handler(_loop_error)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_stop_with, args=(parent,), name="versus-parent-watch", daemon=True
        ).start()
    return create_app(get_settings())


def _loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    message = str(context.get("message", ""))
    if message == "socket.accept() out of system resource":
        error, (files, _) = context.get("exception"), resource.getrlimit(resource.RLIMIT_NOFILE)
        throttle.warning(
            "accept", "cannot accept connections: %s; lower VERSUS_MAX_CONNECTIONS or raise "
            "the open-file limit (ulimit -n %d)", error, files,
        )  # fmt: skip
        return
    # Anything else as asyncio logs it, but not the same error thousands of times a second.
    left_out = throttle.ready(message.split("(")[0])
    if left_out is None:
        return
    if left_out:
        context = {**context, "message": f"{message} ({left_out} more like it since the last)"}
    loop.default_exception_handler(context)


def _stop_with(parent: multiprocessing.process.BaseProcess) -> None:
    """Wait for the parent to exit (its end of a pipe closes), then stop this worker: as on
    SIGTERM, and at once if that takes longer than :data:`WORKER_STOP_SECONDS`."""
    parent.join()
    logger.warning("the parent process [%s] exited; worker [%d] stops", parent.pid, os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(WORKER_STOP_SECONDS)
    os._exit(1)
