"""Full-text search: an FTS5 table kept by triggers (SQLite), GIN expression indexes (PostgreSQL).

The DDL lives in ``app.store.search_index`` so that ``SQLModel.metadata.create_all`` builds the same
index; creating it fills it from the rows already in the database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from app.store.search_index import create_search_index, drop_search_index

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
