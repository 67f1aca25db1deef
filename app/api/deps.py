"""Dependencies shared by the routes: the engine and a read connection per request.

The trivial ones are ``async def``: FastAPI would otherwise run each in a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection, Engine


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_connection(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Connection]:
    """A connection for the request's reads: Core rows, no ORM identity map to fill."""
    with engine.connect() as connection:
        yield connection


EngineDep = Annotated[Engine, Depends(get_engine)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
