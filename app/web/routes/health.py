"""Liveness and readiness probes, for load balancers and orchestrators."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from app.domain.errors import ServiceUnavailable
from app.store import migrate, readiness
from app.web.declare import PRIVATE, DeclaredRouter
from app.web.deps import EngineDep
from app.web.problems import PROBLEM_JSON
from app.web.routing import StrictQueryRoute

router = DeclaredRouter(tags=["health"], route_class=StrictQueryRoute, declaration=PRIVATE)
logger = logging.getLogger("versus.health")


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"
    revision: str = Field(description="The migration the database is at (the head).")
    read_only: bool = Field(
        description="The database takes no writes (a SQLite file or folder the service cannot "
        "write, opened read-only; a PostgreSQL standby): reads answer, `versus seed` cannot."
    )


@router.get("/healthz", summary="Liveness: the process is up")
async def healthz() -> Health:
    """Answers 200 whenever the process can serve requests; it does not touch the database."""
    # On the event loop, not the thread pool: reads stuck on a database that does not answer
    # hold the pool's threads, and liveness must not wait for them.
    return Health()


@router.get(
    "/readyz",
    summary="Readiness: the database answers, is migrated and can be read",
    responses={
        503: {
            "description": "The database is unreachable, not at the migration head, or a table "
            "the API reads cannot be read.",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
def readyz(engine: EngineDep) -> Readiness:
    """Answers 200 when the database answers, its schema is at the newest migration and a row
    of every table the API reads can be read (one each, so the probe stays cheap), else 503."""
    head = migrate.head_revision()
    try:
        found = readiness.check(engine)
    except migrate.DatabaseUnreachable as exc:
        logger.warning("readiness check failed: %s", exc)
        raise ServiceUnavailable(
            "The database does not answer. Check VERSUS_DATABASE_URL and that the server is up.",
            database="unreachable",
        ) from None
    current = found.revision
    if current != head:
        raise ServiceUnavailable(
            f"The database is at migration {current or 'none'} but the code needs {head}. "
            "Run `versus db upgrade`.",
            database="outdated",
            revision=current,
            head=head,
        )
    if found.unreadable:
        names = ", ".join(found.unreadable)
        raise ServiceUnavailable(
            f"The database is at migration {current}, but these cannot be read: {names}. "
            "Was the schema changed outside `versus db upgrade`? Restore it (or migrate a new "
            "database and seed it).",
            database="unreadable",
            revision=current,
            unreadable=list(found.unreadable),
        )
    return Readiness(revision=current or "", read_only=found.read_only)
