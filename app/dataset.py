"""The dataset version: one number that every change to the data increments.

Read paths key their caches and ETags on it, so every write path must call
:func:`bump_dataset_version` inside the transaction that changes the data: the bump then commits
(or rolls back) with the change itself, and no reader can see new data under an old version.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session

# Valid on SQLite (3.24+) and PostgreSQL alike; creates the single row on first use.
_BUMP = text(
    "INSERT INTO dataset_meta (id, version, created_at, updated_at) "
    "VALUES (1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
    "ON CONFLICT (id) DO UPDATE SET version = dataset_meta.version + 1, "
    "updated_at = CURRENT_TIMESTAMP "
    "RETURNING version"
)
_READ = text("SELECT version FROM dataset_meta WHERE id = 1")


def bump_dataset_version(session: Session | Connection) -> int:
    """Increment the version in the caller's transaction and return the new value."""
    return int(session.execute(_BUMP).scalar_one())


def dataset_version(session: Session | Connection) -> int:
    """The current version; 0 for a database no change has been made to."""
    return int(session.execute(_READ).scalar_one_or_none() or 0)
