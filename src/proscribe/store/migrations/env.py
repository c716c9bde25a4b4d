"""Alembic environment: runs on the connection handed in by `proscribe.store.migrate`."""

from __future__ import annotations

from alembic import context

from proscribe.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand without one
    raise RuntimeError("run migrations through proscribe.store.migrate.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
