"""Liveness and readiness probes, for load balancers and orchestrators."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, Field

from app.domain.errors import ServiceUnavailable
from app.store import migrate
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


@router.get("/healthz", summary="Liveness: the process is up")
def healthz() -> Health:
    """Answers 200 whenever the process can serve requests; it does not touch the database."""
    return Health()


@router.get(
    "/readyz",
    summary="Readiness: the database answers and is migrated",
    responses={
        503: {
            "description": "The database is unreachable or not at the migration head.",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
def readyz(engine: EngineDep) -> Readiness:
    """Answers 200 when the database answers and its schema is at the newest migration, else 503."""
    head = migrate.head_revision()
    try:
        current = migrate.database_revision(engine)
    except migrate.DatabaseUnreachable as exc:
        logger.warning("readiness check failed: %s", exc)
        raise ServiceUnavailable(
            "The database does not answer. Check VERSUS_DATABASE_URL and that the server is up.",
            database="unreachable",
        ) from None
    if current != head:
        raise ServiceUnavailable(
            f"The database is at migration {current or 'none'} but the code needs {head}. "
            "Run `versus db upgrade`.",
            database="outdated",
            revision=current,
            head=head,
        )
    return Readiness(revision=current or "")
