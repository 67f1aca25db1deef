"""Query parameters shared by the read endpoints, documented once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.web.pagination import PageParams, page_params

PageDep = Annotated[PageParams, Depends(page_params)]

DisciplineFilter = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Only what concerns this discipline: its slug, name or an alias "
        "(case, spaces and punctuation do not matter).",
        examples=["operations-management", "Production"],
    ),
]
AspectFilter = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Only this aspect: its slug, name or an alias.",
        examples=["scope", "KPIs"],
    ),
]
SourceFilter = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Only what this source states: its slug or file name.",
        examples=["twenty-five-differences"],
    ),
]
TextFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=500,
        description="Case-insensitive substring to look for (see /v1/search for ranked search).",
        examples=["supply chain"],
    ),
]
