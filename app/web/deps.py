"""Dependencies shared by the routes.

Read endpoints get their connection from the route class instead (see
:mod:`app.web.routing`), which runs them where their reads are cheapest.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]
