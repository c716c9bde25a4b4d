"""Versioned list store, case and audit persistence (SQLAlchemy)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from proscribe.store.diff import EntityChange, FieldChange, ListDiff, diff_entities
from proscribe.store.importer import ImportOutcome, import_folder
from proscribe.store.store import ImportResult, Store, Subject, SubjectRecord, diff_versions

if TYPE_CHECKING:
    from proscribe.screening import Screener


def load_screener(as_of: date | None = None, url: str | None = None) -> Screener:
    """A Screener over the list versions current on `as_of` (default: now)."""
    from proscribe.errors import IndexNotReadyError
    from proscribe.screening import Screener

    store = Store.open(url)
    entities, versions = store.current_entities(as_of)
    if not versions:
        raise IndexNotReadyError(
            "no list has been imported" + (f" as of {as_of}" if as_of else "")
            + ": run `proscribe lists import` first",
            database=store.url,
        )
    return Screener.build(entities, versions)


__all__ = [
    "EntityChange",
    "FieldChange",
    "ImportOutcome",
    "ImportResult",
    "ListDiff",
    "Store",
    "Subject",
    "SubjectRecord",
    "diff_entities",
    "diff_versions",
    "import_folder",
    "load_screener",
]
