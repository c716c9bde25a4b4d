"""Versioned list store, case and audit persistence (SQLAlchemy)."""

from __future__ import annotations

from proscribe.store.diff import EntityChange, FieldChange, ListDiff, diff_entities
from proscribe.store.importer import ImportOutcome, import_folder
from proscribe.store.store import ImportResult, Store, Subject, SubjectRecord, diff_versions

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
]
