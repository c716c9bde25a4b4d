"""Tables of ongoing monitoring: the customer register, hits, alerts, decisions, webhooks.

Defined on the store's one `metadata`; created by migration 0003_monitoring. Core rather
than the ORM, like the rest of the store: customers are upserted in bulk.
"""

from __future__ import annotations

import sqlalchemy as sa

from proscribe.store.tables import metadata

# One row per customer, keyed by the caller's own stable id.
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.String(128), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=True),
    sa.Column("dob", sa.String(10), nullable=True),
    sa.Column("country", sa.String(64), nullable=True),
    sa.Column("identifiers", sa.JSON, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),  # the imported row as given
    sa.Column("content_hash", sa.String(64), nullable=False),
    # content_hash when the customer was last screened against every entry; differs
    # (or is null) for new and changed customers, which the next monitor run screens fully.
    sa.Column("screened_hash", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# The list version each source was last monitored against.
monitor_state = sa.Table(
    "monitor_state",
    metadata,
    sa.Column("source", sa.String(32), primary_key=True),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# The pairs (customer, listed entity) that currently hit: the state delta screening updates.
customer_hits = sa.Table(
    "customer_hits",
    metadata,
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

alerts = sa.Table(
    "alerts",
    metadata,
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
    sa.Index("ix_alerts_pair", "customer_id", "entity_id"),
    sa.Index("ix_alerts_status", "status"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
    sa.Column("customer_id", sa.String(128), nullable=False),
    sa.Column("entity_id", sa.String(170), nullable=False),
    sa.Column("entity_hash", sa.String(64), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # true_match | false_positive
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("reviewer", sa.String(128), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_decisions_pair", "customer_id", "entity_id"),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Persistent outbox: a row is written in the same transaction as its alert and is only
# marked delivered after a 2xx answer, so a receiver that is down loses nothing.
webhook_outbox = sa.Table(
    "webhook_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.id"), nullable=False),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_webhook_outbox_pending", "delivered_at", "next_attempt_at"),
)

__all__ = [
    "alerts",
    "customer_hits",
    "customers",
    "decisions",
    "monitor_state",
    "webhook_outbox",
    "webhooks",
]
