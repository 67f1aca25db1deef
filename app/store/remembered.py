"""Results remembered for as long as the dataset version stays the same.

The pipeline (``app.web.pipeline.conditional``) publishes each request's dataset version in
:data:`current_version` before the route runs; lookups, counts and suggestion lists computed
from the data are then kept per engine under that version, so a later request for the same
version skips the query. A new version misses every entry. As with cached responses, a value can
only be labelled with a version older than the data it was computed from, never newer, so
nothing stale is served. Outside a request (no version published) nothing is remembered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine

from app.domain.recency import LRUCache
from app.store.versions import DatasetVersion

T = TypeVar("T")
CAPACITY = 20_000

current_version: ContextVar[DatasetVersion | None] = ContextVar(
    "versus_dataset_version", default=None
)
_memos: WeakKeyDictionary[Engine, LRUCache[Hashable, Any]] = WeakKeyDictionary()
_lock = threading.Lock()  # routes run in a thread pool


def remembered(connection: Connection, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from an earlier call with the same key and version."""
    version = current_version.get()
    if version is None:
        return compute()
    full_key = (version, key)
    with _lock:
        memo = _memos.get(connection.engine)
        if memo is None:
            memo = _memos[connection.engine] = LRUCache(CAPACITY)
        found: Any = memo.get(full_key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        memo[full_key] = value
    return value


_MISSING: Any = object()
