"""``versus serve``: uvicorn, with the limits it lacks (:mod:`app.server.protocol`) and
workers that do not outlive it (:mod:`app.server.run`)."""

from app.server.run import serve, worker_app

__all__ = ["serve", "worker_app"]
