"""Import every list publication found in a folder, one transaction per publication.

Parsing is CPU-bound and independent per publication, so new publications are parsed in
worker processes (one per core by default) while the main process stores them in order.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from pathlib import Path

from proscribe.errors import SourceError
from proscribe.runtime import gc_paused
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.registry import discover, get_parser
from proscribe.store.store import ImportResult, Store


@dataclass(slots=True)
class ImportOutcome:
    files: ListFileSet
    result: ImportResult | None = None
    error: SourceError | None = None


def _forget_parent_connections() -> None:
    """In a forked worker: drop the parent's pooled connections without closing them
    (closing would end the parent's PostgreSQL sessions), as SQLAlchemy advises."""
    from proscribe.store.store import _ENGINES

    for engine in _ENGINES.values():
        engine.dispose(close=False)


def _parse(files: ListFileSet) -> tuple[str, ParsedList | SourceError]:
    parser = get_parser(files.source)
    try:
        with gc_paused():  # a list is many small long-lived objects (runtime.py)
            return parser.parser_version, parser.parse(files)
    except SourceError as exc:
        return parser.parser_version, exc


def import_folder(
    store: Store,
    lists_dir: Path,
    *,
    max_bytes: int | None = None,
    progress: Callable[[ListFileSet], None] | None = None,
    workers: int | None = None,
) -> list[ImportOutcome]:
    """Import each publication; a refused one is reported and the others go on."""
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    sets = discover(lists_dir, **kwargs)
    outcomes: list[ImportOutcome] = []
    pending: list[tuple[ListFileSet, str, Future[tuple[str, ParsedList | SourceError]]]] = []
    todo: list[tuple[ListFileSet, str]] = []
    for files in sets:
        try:
            sha, existing = store.already_stored(files)
        except SourceError as exc:
            outcomes.append(ImportOutcome(files, error=exc))
            continue
        if existing is not None:
            outcomes.append(ImportOutcome(files, result=ImportResult(existing, created=False)))
        else:
            todo.append((files, sha))
    n = workers if workers is not None else min(len(todo), os.cpu_count() or 1)
    # Fork only from a single-threaded process (forking with live threads can deadlock);
    # fork, unlike spawn, also works for callers whose __main__ cannot be re-imported.
    can_fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if n <= 1 or not can_fork:
        for files, sha in todo:
            if progress:
                progress(files)
            outcomes.append(_store(store, files, sha, _parse(files)))
    else:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=_forget_parent_connections
        ) as pool:
            pending = [(files, sha, pool.submit(_parse, files)) for files, sha in todo]
            for files, sha, future in pending:
                if progress:
                    progress(files)
                outcomes.append(_store(store, files, sha, future.result()))
    order = {id(f): i for i, f in enumerate(sets)}
    outcomes.sort(key=lambda o: order[id(o.files)])
    return outcomes


def _store(
    store: Store, files: ListFileSet, sha: str, parsed: tuple[str, ParsedList | SourceError]
) -> ImportOutcome:
    parser_version, result = parsed
    if isinstance(result, SourceError):
        store.record_failure(files, result)
        return ImportOutcome(files, error=result)
    return ImportOutcome(files, result=store.store_parsed(files, parser_version, result, sha))
