"""Sources keep their text and attribution: URL, author, licence, retrieval date, line count,
and the decoded lines in compressed blocks (``source_text``), apart from the source row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("url", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("author", sa.String(300), nullable=True))
        batch.add_column(sa.Column("licence", sa.String(200), nullable=True))
        batch.add_column(sa.Column("retrieved", sa.Date(), nullable=True))
        batch.add_column(sa.Column("line_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "source_text",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("first_line", sa.Integer(), nullable=False),
        sa.Column("last_line", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("last_line >= first_line", name=op.f("ck_source_text_line_span")),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_source_text_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "first_line", name=op.f("pk_source_text")),
    )


def downgrade() -> None:
    op.drop_table("source_text")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("line_count")
        batch.drop_column("retrieved")
        batch.drop_column("licence")
        batch.drop_column("author")
        batch.drop_column("url")
