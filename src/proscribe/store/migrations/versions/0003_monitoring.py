"""Ongoing monitoring: customer register, hits, alerts, decisions, webhooks and outbox.

Revision ID: 0003_monitoring
Revises: 0001_list_store
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_monitoring"
down_revision = "0001_list_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("dob", sa.String(10), nullable=True),
        sa.Column("country", sa.String(64), nullable=True),
        sa.Column("identifiers", sa.JSON, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),  # the imported row as given
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("screened_hash", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "monitor_state",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "customer_hits",
        sa.Column("customer_id", sa.String(128), primary_key=True),
        sa.Column("entity_id", sa.String(170), primary_key=True),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # new_hit | changed_hit | removed_hit
        sa.Column("status", sa.String(16), nullable=False),  # open | suppressed | decided
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("entity_id", sa.String(170), nullable=False),
        sa.Column("entity_name", sa.Text, nullable=False),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("previous_version", sa.String(64), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("band", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),  # candidate, algorithm, list diff
    )
    op.create_index("ix_alerts_pair", "alerts", ["customer_id", "entity_id"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("customer_id", sa.String(128), nullable=False),
        sa.Column("entity_id", sa.String(170), nullable=False),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),  # true_match | false_positive
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_decisions_pair", "decisions", ["customer_id", "entity_id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.id"), nullable=False),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhook_outbox_pending", "webhook_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("webhook_outbox")
    op.drop_table("webhooks")
    op.drop_table("decisions")
    op.drop_table("alerts")
    op.drop_table("customer_hits")
    op.drop_table("monitor_state")
    op.drop_table("customers")
