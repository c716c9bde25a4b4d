"""List store: versions, entities, link keys, refused imports.

Revision ID: 0001_list_store
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_list_store"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("date_source", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("parser_version", sa.String(32), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("dprk_entries", sa.Integer, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.UniqueConstraint("source", "version", name="uq_list_versions_source_version"),
        sa.UniqueConstraint("source", "sha256", name="uq_list_versions_source_sha256"),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "version_id",
            sa.Integer,
            sa.ForeignKey("list_versions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("is_dprk", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),  # canonical JSON of the Entity
    )
    op.create_index("ix_entities_version_ref", "entities", ["version_id", "ref"])
    op.create_index("ix_entities_source_ref", "entities", ["source", "ref"])
    op.create_table(
        "entity_keys",
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE")),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(160), nullable=False),
    )
    op.create_index("ix_entity_keys_key", "entity_keys", ["key"])
    op.create_index("ix_entity_keys_entity", "entity_keys", ["entity_id"])
    op.create_table(
        "import_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("import_failures")
    op.drop_table("entity_keys")
    op.drop_table("entities")
    op.drop_table("list_versions")
