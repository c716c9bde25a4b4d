"""Schema migrations (Alembic), applied on open so SQLite and PostgreSQL stay in step.

The migration scripts live in `migrations/versions/`; `proscribe db upgrade` runs the same
thing by hand. Each module that owns tables (store, audit, keys, customers, ledger) adds its
own revision file.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

_DONE: set[str] = set()
_LOCK = threading.Lock()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Upgrade the database to every head revision, once per process and URL."""
    key = str(engine.url)
    with _LOCK:
        if key in _DONE:
            return
        cfg = alembic_config()
        heads = set(ScriptDirectory.from_config(cfg).get_heads())
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        if current != heads:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
        _DONE.add(key)
