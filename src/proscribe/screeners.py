"""Screeners over the store: built once per set of list versions, memory-mapped after.

The CLI, the API workers and Dask/batch workers all get their index here: the first
process that needs an index over a given set of list versions builds it and saves it
under `<data_dir>/index/<index version>/` (holding a file lock, so two processes never
build the same one); every other process memory-maps the saved copy. This module sits
above both the store and the screening core, which therefore never import each other.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from proscribe.errors import IndexNotReadyError, ProscribeError
from proscribe.matching.name_v1 import ALGORITHM_ID, ALGORITHM_VERSION
from proscribe.model import Entity, ListVersion
from proscribe.screening import Screener, ScreeningQuery, ScreeningResult
from proscribe.settings import get_settings
from proscribe.store import Store

log = logging.getLogger("proscribe.screeners")

KEEP_INDEXES = 4
_LOCK = threading.RLock()  # the file lock is per process; this one is per thread


def index_version(versions: list[ListVersion]) -> str:
    """Stable id of the index over these list versions with the current algorithm."""
    key = [[v.source, v.version, v.sha256, v.parser_version]
           for v in sorted(versions, key=lambda v: v.source)]
    blob = json.dumps([ALGORITHM_ID, ALGORITHM_VERSION, key])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def saved_screener(
    store: Store, versions: list[ListVersion], root: Path, *, keep: set[str] | None = None
) -> Screener:
    """The saved index over `versions` under `root`, built and saved first if missing.

    Older saved indexes beyond the newest few are pruned, except those named in `keep`
    (indexes still being served); mapped files stay readable on POSIX after removal.
    """
    vid = index_version(versions)
    path = root / vid
    with _locked(root):
        if path.is_dir():
            try:
                return Screener.load(path, mmap=True)
            except (ProscribeError, OSError, EOFError, ValueError) as exc:
                log.warning("saved index unusable, rebuilding",
                            extra={"index_version": vid, "error": str(exc)})
                shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        entities: list[Entity] = [e for v in versions for e in store.version_entities(v)]
        screener = Screener.build(entities, versions)
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        screener.save(tmp)
        os.replace(tmp, path)
        log.info("index built", extra={"index_version": vid, "entities": len(entities),
                                       "seconds": round(time.perf_counter() - started, 3)})
        _prune(root, keep={vid} | (keep or set()))
        # Serve the memory-mapped copy, like every other process does.
        return Screener.load(path, mmap=True)


def _prune(root: Path, keep: set[str]) -> None:
    dirs = sorted((p for p in root.iterdir() if p.is_dir()),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for n, path in enumerate(dirs):
        if path.name.startswith(".tmp-"):
            if time.time() - path.stat().st_mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)
        elif n >= KEEP_INDEXES and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def load_screener(
    as_of: date | None = None, url: str | None = None, *, cache: bool = True
) -> Screener:
    """A Screener over the list versions current on `as_of` (default: now).

    With `cache` (the default) the index is saved under the data folder the first time and
    memory-mapped afterwards, so the CLI, API workers and batch workers share one build.
    """
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


# ------------------------------------------------------------------------- default screener

_default: Screener | None = None
_default_lock = threading.Lock()


def set_default_screener(screener: Screener | None) -> None:
    """Use this screener for `proscribe.screen()` (None: load from the store next time)."""
    global _default
    with _default_lock:
        _default = screener


def get_default_screener(as_of: date | None = None) -> Screener:
    """The process-wide screener; loaded from the list store on first use.

    With `as_of`, a screener over the list versions current on that date is built and not
    cached.
    """
    global _default
    if _default is not None and as_of is None:
        return _default
    screener = load_screener(as_of)
    if as_of is None:
        with _default_lock:
            _default = screener
    return screener


def screen(query: ScreeningQuery | str, *, as_of: date | None = None,
           screener: Screener | None = None, **fields: Any) -> ScreeningResult:
    """Screen one party against the lists: `screen("Kim Chong-un", type="person")`."""
    if isinstance(query, str):
        query = ScreeningQuery(name=query, **fields)
    elif fields:
        query = query.model_copy(update=fields)
    return (screener or get_default_screener(as_of)).screen(query)


__all__ = [
    "get_default_screener",
    "index_version",
    "load_screener",
    "saved_screener",
    "screen",
    "set_default_screener",
]
