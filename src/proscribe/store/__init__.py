"""Versioned list store, case and audit persistence (SQLAlchemy)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from proscribe.store.diff import EntityChange, FieldChange, ListDiff, diff_entities
from proscribe.store.index_cache import index_version, saved_screener
from proscribe.store.importer import ImportOutcome, import_folder
from proscribe.store.store import ImportResult, Store, Subject, SubjectRecord, diff_versions

if TYPE_CHECKING:
    from proscribe.screening import Screener


def load_screener(
    as_of: date | None = None, url: str | None = None, *, cache: bool = True
) -> Screener:
    """A Screener over the list versions current on `as_of` (default: now).

    With `cache` (the default) the index is saved under the data folder the first time and
    memory-mapped afterwards, so the CLI, API workers and batch workers share one build.
    """
    from proscribe.errors import IndexNotReadyError
    from proscribe.screening import Screener
    from proscribe.settings import get_settings

    store = Store.open(url)
    versions = store.current_versions(as_of)
    if not versions:
        raise IndexNotReadyError(
            "no list has been imported" + (f" as of {as_of}" if as_of else "")
            + ": run `proscribe lists import` first",
            database=store.url,
        )
    if cache:
        return saved_screener(store, versions, get_settings().index_path)
    entities = [e for v in versions for e in store.version_entities(v)]
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
    "index_version",
    "load_screener",
    "saved_screener",
]
