"""Fact identity: a re-import updates facts in place, and curated values are kept apart.

Facts gain ``imported_values`` (None until a curator changes a field; then the value the import
gave each changed field). Definitions, uses and FAQs are matched by their text now, not their
position, and positions are renumbered in place as a source changes: the unique constraints on
(source, discipline, position) and (source, position) go, and so does the index on a
description's source, which the unique key (source, aspect, discipline) already serves.

On PostgreSQL the search vectors are computed again, by the expression of
``app.store.search_index.pg_vector`` (punctuation replaced through one regular expression, not
``translate``: the same words, seven times faster to compute as rows are stored). A downgrade
keeps them so: the words are the same.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.search_index import create_search_index, drop_search_index

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACTS = ("description", "definition", "discipline_use", "faq")
POSITIONS = {
    "definition": ("source_id", "discipline_id", "position"),
    "discipline_use": ("source_id", "discipline_id", "position"),
    "faq": ("source_id", "position"),
}


def _constraint(table: str) -> str:
    return f"uq_{table}_{'_'.join(POSITIONS[table])}"


def upgrade() -> None:
    bind = op.get_bind()
    # SQLite alters a constraint by copying the table, which loses the search index's
    # triggers: take the index down first and build it again from the rows at the end. On
    # PostgreSQL, building it again computes every vector by the current expression.
    drop_search_index(bind)
    for table in FACTS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("imported_values", sa.JSON(), nullable=True))
            if table in POSITIONS:
                batch.drop_constraint(op.f(_constraint(table)), type_="unique")
    # The unique key (source, aspect, discipline) serves lookups by source: one index less to
    # keep up as descriptions are stored.
    op.drop_index(op.f("ix_description_source_id"), table_name="description")
    create_search_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_search_index(bind)
    for table, columns in POSITIONS.items():
        # Curated facts a source no longer states keep their old position: number each list
        # 1, 2, … again (by position, then id) so that the positions are unique once more.
        group = " AND ".join(f"o.{c} = {table}.{c}" for c in columns if c != "position")
        op.execute(
            f"UPDATE {table} SET position = (SELECT count(*) FROM {table} AS o WHERE {group} "
            f"AND (o.position < {table}.position "
            f"OR (o.position = {table}.position AND o.id <= {table}.id)))"
        )
    op.create_index(op.f("ix_description_source_id"), "description", ["source_id"], unique=False)
    for table in reversed(FACTS):
        with op.batch_alter_table(table) as batch:
            if table in POSITIONS:
                batch.create_unique_constraint(op.f(_constraint(table)), list(POSITIONS[table]))
            batch.drop_column("imported_values")
    if bind.dialect.name == "sqlite":
        create_search_index(bind)
