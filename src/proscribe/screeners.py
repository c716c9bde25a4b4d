"""Saved screening indexes: build once per set of list versions, memory-map everywhere else.

The CLI, the API workers and Dask/batch workers all reach the index through
`saved_screener()`: the first process to need an index over a given set of list versions
builds and saves it under `<data_dir>/index/<index version>/` (holding a file lock so two
processes never build the same one), every other process memory-maps the saved copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from proscribe.model import Entity, ListVersion

if TYPE_CHECKING:
    from proscribe.screening import Screener
    from proscribe.store.store import Store

KEEP_INDEXES = 4


def index_version(versions: list[ListVersion]) -> str:
    """Stable id of the index over these list versions with the current algorithm."""
    from proscribe.matching.name_v1 import ALGORITHM_ID, ALGORITHM_VERSION

    key = [[v.source, v.version, v.sha256, v.parser_version]
           for v in sorted(versions, key=lambda v: v.source)]
    blob = json.dumps([ALGORITHM_ID, ALGORITHM_VERSION, key])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def saved_screener(store: Store, versions: list[ListVersion], root: Path) -> Screener:
    """The saved index over `versions` under `root`, built and saved first if missing."""
    from proscribe.screening import Screener

    path = root / index_version(versions)
    with _locked(root):
        if path.is_dir():
            try:
                return Screener.load(path, mmap=True)
            except Exception:  # noqa: BLE001 - an unusable saved index is rebuilt
                shutil.rmtree(path, ignore_errors=True)
        entities: list[Entity] = [e for v in versions for e in store.version_entities(v)]
        screener = Screener.build(entities, versions)
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        screener.save(tmp)
        os.replace(tmp, path)
        _prune(root, keep=path.name)
        return Screener.load(path, mmap=True)


def _prune(root: Path, keep: str) -> None:
    dirs = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for n, path in enumerate(dirs):
        if n >= KEEP_INDEXES and path.name != keep:
            shutil.rmtree(path, ignore_errors=True)  # mapped files stay readable on POSIX
