"""Initial schema: sources, disciplines, aspects, their aliases, the facts, and dataset_meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "aspect",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aspect")),
        sa.UniqueConstraint("slug", name=op.f("uq_aspect_slug")),
    )
    op.create_index(op.f("ix_aspect_name"), "aspect", ["name"], unique=False)

    op.create_table(
        "dataset_meta",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_dataset_meta_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_meta")),
    )
    op.create_table(
        "discipline",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discipline")),
        sa.UniqueConstraint("slug", name=op.f("uq_discipline_slug")),
    )
    op.create_table(
        "source",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("slug", name=op.f("uq_source_slug")),
    )
    op.create_table(
        "aspect_alias",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("aspect_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["aspect_id"],
            ["aspect.id"],
            name=op.f("fk_aspect_alias_aspect_id_aspect"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aspect_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_aspect_alias_key")),
    )
    op.create_index(op.f("ix_aspect_alias_aspect_id"), "aspect_alias", ["aspect_id"], unique=False)

    op.create_table(
        "definition",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discipline_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("line_end >= line_start", name=op.f("ck_definition_line_span")),
        sa.ForeignKeyConstraint(
            ["discipline_id"],
            ["discipline.id"],
            name=op.f("fk_definition_discipline_id_discipline"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_definition_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition")),
        sa.UniqueConstraint(
            "source_id",
            "discipline_id",
            "position",
            name=op.f("uq_definition_source_id_discipline_id_position"),
        ),
    )
    op.create_index(
        op.f("ix_definition_discipline_id"), "definition", ["discipline_id"], unique=False
    )
    op.create_index(op.f("ix_definition_source_id"), "definition", ["source_id"], unique=False)

    op.create_table(
        "description",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("aspect_id", sa.Integer(), nullable=False),
        sa.Column("discipline_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("line_end >= line_start", name=op.f("ck_description_line_span")),
        sa.ForeignKeyConstraint(
            ["aspect_id"],
            ["aspect.id"],
            name=op.f("fk_description_aspect_id_aspect"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["discipline_id"],
            ["discipline.id"],
            name=op.f("fk_description_discipline_id_discipline"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_description_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_description")),
        sa.UniqueConstraint(
            "source_id",
            "aspect_id",
            "discipline_id",
            name=op.f("uq_description_source_id_aspect_id_discipline_id"),
        ),
    )
    op.create_index(op.f("ix_description_aspect_id"), "description", ["aspect_id"], unique=False)
    op.create_index(
        op.f("ix_description_discipline_id"), "description", ["discipline_id"], unique=False
    )
    op.create_index(op.f("ix_description_source_id"), "description", ["source_id"], unique=False)

    op.create_table(
        "discipline_alias",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discipline_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["discipline_id"],
            ["discipline.id"],
            name=op.f("fk_discipline_alias_discipline_id_discipline"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discipline_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_discipline_alias_key")),
    )
    op.create_index(
        op.f("ix_discipline_alias_discipline_id"),
        "discipline_alias",
        ["discipline_id"],
        unique=False,
    )

    op.create_table(
        "discipline_use",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discipline_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("line_end >= line_start", name=op.f("ck_discipline_use_line_span")),
        sa.ForeignKeyConstraint(
            ["discipline_id"],
            ["discipline.id"],
            name=op.f("fk_discipline_use_discipline_id_discipline"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_discipline_use_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discipline_use")),
        sa.UniqueConstraint(
            "source_id",
            "discipline_id",
            "position",
            name=op.f("uq_discipline_use_source_id_discipline_id_position"),
        ),
    )
    op.create_index(
        op.f("ix_discipline_use_discipline_id"), "discipline_use", ["discipline_id"], unique=False
    )
    op.create_index(
        op.f("ix_discipline_use_source_id"), "discipline_use", ["source_id"], unique=False
    )

    op.create_table(
        "faq",
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("line_end >= line_start", name=op.f("ck_faq_line_span")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_faq_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq")),
        sa.UniqueConstraint("source_id", "position", name=op.f("uq_faq_source_id_position")),
    )
    op.create_index(op.f("ix_faq_source_id"), "faq", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_faq_source_id"), table_name="faq")

    op.drop_table("faq")
    op.drop_index(op.f("ix_discipline_use_source_id"), table_name="discipline_use")
    op.drop_index(op.f("ix_discipline_use_discipline_id"), table_name="discipline_use")

    op.drop_table("discipline_use")
    op.drop_index(op.f("ix_discipline_alias_discipline_id"), table_name="discipline_alias")

    op.drop_table("discipline_alias")
    op.drop_index(op.f("ix_description_source_id"), table_name="description")
    op.drop_index(op.f("ix_description_discipline_id"), table_name="description")
    op.drop_index(op.f("ix_description_aspect_id"), table_name="description")

    op.drop_table("description")
    op.drop_index(op.f("ix_definition_source_id"), table_name="definition")
    op.drop_index(op.f("ix_definition_discipline_id"), table_name="definition")

    op.drop_table("definition")
    op.drop_index(op.f("ix_aspect_alias_aspect_id"), table_name="aspect_alias")

    op.drop_table("aspect_alias")
    op.drop_table("source")
    op.drop_table("discipline")
    op.drop_table("dataset_meta")
    op.drop_index(op.f("ix_aspect_name"), table_name="aspect")

    op.drop_table("aspect")
