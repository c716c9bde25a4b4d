"""SQLAlchemy Core tables of the store. One `metadata` shared by every store module.

Core rather than the ORM: rows are written in bulk (tens of thousands of entities per
import) and read back as JSON documents, which the ORM's unit of work would only slow.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

list_versions = sa.Table(
    "list_versions",
    metadata,
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

entities = sa.Table(
    "entities",
    metadata,
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
    sa.Index("ix_entities_version_ref", "version_id", "ref"),
    sa.Index("ix_entities_source_ref", "source", "ref"),
)

# Cross-source link keys: UN reference numbers and strong identifiers of each record.
entity_keys = sa.Table(
    "entity_keys",
    metadata,
    sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE")),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("key", sa.String(160), nullable=False),
    sa.Index("ix_entity_keys_key", "key"),
    sa.Index("ix_entity_keys_entity", "entity_id"),
)

# Refused imports are remembered too: what was refused, when and why.
import_failures = sa.Table(
    "import_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("error", sa.JSON, nullable=False),
)
