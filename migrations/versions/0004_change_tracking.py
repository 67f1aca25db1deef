"""Change tracking: row revisions, one change row per changed row, an epoch for the version.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.search_index import create_search_index, drop_search_index

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACKED = (
    "source", "discipline", "discipline_alias", "aspect", "aspect_alias",
    "description", "definition", "discipline_use", "faq",
)  # fmt: skip


def upgrade() -> None:
    for table in TRACKED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("revision", sa.BigInteger(), server_default="0", nullable=False)
            )
            batch.add_column(
                sa.Column("created_revision", sa.BigInteger(), server_default="0", nullable=False)
            )
            batch.create_index(op.f(f"ix_{table}_revision"), ["revision"], unique=False)
    with op.batch_alter_table("dataset_meta") as batch:
        batch.add_column(sa.Column("epoch", sa.String(32), server_default="", nullable=False))
    # Rows already there were made by the version the database is at; the epoch is new.
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE dataset_meta SET epoch = :epoch"), {"epoch": secrets.token_hex(8)})
    for table in TRACKED:
        bind.execute(
            sa.text(
                f"UPDATE {table} SET revision = (SELECT version FROM dataset_meta WHERE id = 1), "
                "created_revision = (SELECT version FROM dataset_meta WHERE id = 1) "
                "WHERE EXISTS (SELECT 1 FROM dataset_meta WHERE id = 1)"
            )
        )
    op.create_table(
        "dataset_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_change")),
    )
    op.create_index(op.f("ix_dataset_change_version"), "dataset_change", ["version"])


def downgrade() -> None:
    # SQLite drops a column by copying its table, which loses the search index's triggers:
    # take the index down first and build it again from the rows at the end.
    drop_search_index(op.get_bind())
    op.drop_index(op.f("ix_dataset_change_version"), table_name="dataset_change")
    op.drop_table("dataset_change")
    with op.batch_alter_table("dataset_meta") as batch:
        batch.drop_column("epoch")
    for table in reversed(TRACKED):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_revision"))
            batch.drop_column("created_revision")
            batch.drop_column("revision")
    create_search_index(op.get_bind())
