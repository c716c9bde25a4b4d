"""Import every list publication found in a folder, one transaction per publication."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from proscribe.errors import ProscribeError, SourceError
from proscribe.sources.base import ListFileSet
from proscribe.sources.registry import discover
from proscribe.store.store import ImportResult, Store


@dataclass(slots=True)
class ImportOutcome:
    files: ListFileSet
    result: ImportResult | None = None
    error: SourceError | None = None


def import_folder(
    store: Store,
    lists_dir: Path,
    *,
    max_bytes: int | None = None,
    progress: Callable[[ListFileSet], None] | None = None,
) -> list[ImportOutcome]:
    """Import each publication; a refused one is reported and the others go on."""
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    outcomes = []
    for files in discover(lists_dir, **kwargs):
        if progress:
            progress(files)
        try:
            outcomes.append(ImportOutcome(files, result=store.import_fileset(files)))
        except SourceError as exc:
            outcomes.append(ImportOutcome(files, error=exc))
        except ProscribeError:
            raise
    return outcomes
