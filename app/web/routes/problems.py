"""The problem types: each error's ``type`` URI resolves here to what it means."""

from __future__ import annotations

import inspect
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

from app.domain.errors import PROBLEM_BASE, PROBLEM_TYPES, NotFound
from app.web.declare import PUBLIC, DeclaredRouter
from app.web.routing import StrictQueryRoute

router = DeclaredRouter(tags=["meta"], route_class=StrictQueryRoute, declaration=PUBLIC)


class ProblemType(BaseModel):
    type: str
    title: str
    status: int
    description: str


_TYPES = {
    cls.slug: ProblemType(
        type=PROBLEM_BASE + cls.slug,
        title=cls.title,
        status=cls.status,
        description=inspect.getdoc(cls) or cls.title,
    )
    for cls in PROBLEM_TYPES
}


@router.get("/problems", summary="The problem types error responses use")
def list_problem_types() -> list[ProblemType]:
    return list(_TYPES.values())


@router.get("/problems/{slug}", summary="What one problem type means")
def get_problem_type(
    slug: Annotated[str, Path(description="The problem type's name.", examples=["not-found"])],
) -> ProblemType:
    try:
        return _TYPES[slug]
    except KeyError:
        known = ", ".join(sorted(_TYPES))
        raise NotFound(f"No problem type {slug!r}. Known types: {known}.") from None
