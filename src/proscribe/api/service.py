"""The serving index: built once, saved, memory-mapped by every worker, swapped atomically.

A `Served` is immutable: a request takes `manager.current` once and finishes on it, so a
swap never changes the index under a request in flight. Indexes are saved under
`data_dir/index/<index version>/` where the index version is a hash of the list versions
and the algorithm; a file lock makes one process build what the others then load.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any


from proscribe.api.config import ApiConfig
from proscribe.errors import ConfigError, IndexNotReadyError, ProscribeError
from proscribe.matching.name_v1 import ALGORITHM_ID, ALGORITHM_SETTINGS, ALGORITHM_VERSION
from proscribe.model import ListVersion
from proscribe.screeners import index_version, saved_screener
from proscribe.screening import Screener
from proscribe.settings import Settings
from proscribe.store import Store, import_folder

log = logging.getLogger("proscribe.api.index")

ALGORITHM = {"id": ALGORITHM_ID, "version": ALGORITHM_VERSION,
             "settings": dict(ALGORITHM_SETTINGS)}
CURRENT = "CURRENT"  # file under the index root naming the index last swapped in
SIGNAL_POLL_S = 0.2  # how often each worker stats it


class UpdateInProgressError(ProscribeError):
    """Another list update is running; try again when it has finished."""


def version_info(v: ListVersion) -> dict[str, Any]:
    return {"source": v.source, "version": v.version,
            "published": v.published.isoformat() if v.published else None,
            "sha256": v.sha256}


@dataclass(frozen=True, slots=True)
class Served:
    """One loaded index and what it was built from. Never mutated.

    What every answer repeats (list versions, provenance, its JSON) is computed once here,
    not once a request.
    """

    screener: Screener
    index_version: str
    versions: list[ListVersion]
    loaded_at: float = field(default_factory=time.time)
    list_versions: list[dict[str, Any]] = field(init=False, repr=False, compare=False)
    header: str = field(init=False, repr=False, compare=False)
    #: `"index_version":...,"list_versions":[...],"algorithm":{...},` as UTF-8: the head of
    #: every screening answer, ready to be spliced in front of its result.
    provenance_json: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lvs = [version_info(v) for v in self.versions]
        object.__setattr__(self, "list_versions", lvs)
        object.__setattr__(self, "header",
                           ",".join(f"{v.source}={v.version}" for v in self.versions))
        head = json.dumps(self.provenance(), separators=(",", ":"), ensure_ascii=False)
        object.__setattr__(self, "provenance_json", head[1:-1].encode() + b",")

    def provenance(self) -> dict[str, Any]:
        return {"index_version": self.index_version, "list_versions": self.list_versions,
                "algorithm": ALGORITHM}


class IndexManager:
    """Owns the current `Served` index, as-of indexes, and list updates."""

    def __init__(self, settings: Settings, config: ApiConfig, *,
                 isolate_updates: bool = False) -> None:
        self.settings = settings
        self.config = config
        self.isolate_updates = isolate_updates  # import and build in a child process
        self.root = settings.index_path
        self._store: Store | None = None
        self._current: Served | None = None
        self._lock = threading.RLock()  # swaps and builds inside this process
        self._update_lock = threading.Lock()
        self._as_of: OrderedDict[str, Served] = OrderedDict()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.swaps = 0
        self.last_update: dict[str, Any] | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.store_url)
        return self._store

    @property
    def current(self) -> Served | None:
        return self._current

    def require(self) -> Served:
        served = self._current
        if served is None:
            raise IndexNotReadyError(
                "no screening index is loaded: import a list (POST /admin/lists/update "
                "or `proscribe lists import`)"
            )
        return served

    # ------------------------------------------------------------------ building
    def prepare(self, versions: list[ListVersion]) -> Served:
        """Load the saved index over these versions, building and saving it if needed."""
        keep = {s.index_version for s in self._as_of.values()}
        if self._current is not None:
            keep.add(self._current.index_version)
        with self._lock:
            screener = saved_screener(self.store, versions, self.root, keep=keep)
        screener.index.warm()  # before it serves: not on its first Hangul query
        return Served(screener, index_version(versions), versions)

    def load(self) -> Served | None:
        """Load (or build) the index over the store's current versions; None if empty."""
        versions = self.store.current_versions()
        if not versions:
            return None
        current = self._current
        if current is not None and current.index_version == index_version(versions):
            return current
        served = self.prepare(versions)
        self._swap(served)
        return served

    def _swap(self, served: Served) -> None:
        with self._lock:
            old = self._current
            self._current = served  # one reference assignment: atomic for readers
            if old is None or old.index_version != served.index_version:
                self.swaps += 1
                self._as_of.clear()
                log.info("index swapped", extra={
                    "index_version": served.index_version,
                    "previous": old.index_version if old else None,
                    "lists": served.header})
                self._announce(served.index_version)

    def _announce(self, vid: str) -> None:
        """Tell the other workers: `root/CURRENT` names the index just swapped in."""
        try:
            tmp = self.root / f".CURRENT-{uuid.uuid4().hex}"
            tmp.write_text(vid)
            os.replace(tmp, self.root / CURRENT)  # a new inode: a stat sees the change
        except OSError as exc:  # the store poll still finds it, later
            log.warning("could not announce the index", extra={"error": repr(exc)})

    # ------------------------------------------------------------------ as of
    def as_of(self, day: date) -> Served:
        versions = self.store.current_versions(day)
        if not versions:
            raise IndexNotReadyError(f"no list version was current on {day}", as_of=str(day))
        vid = index_version(versions)
        current = self._current
        if current is not None and current.index_version == vid:
            return current
        with self._lock:
            cached = self._as_of.get(vid)
            if cached is not None:
                self._as_of.move_to_end(vid)
                return cached
        served = self.prepare(versions)
        if self.config.api_as_of_cache > 0:
            with self._lock:
                self._as_of[vid] = served
                while len(self._as_of) > self.config.api_as_of_cache:
                    self._as_of.popitem(last=False)
        return served

    # ------------------------------------------------------------------ updates
    def update(self, download: bool = False, sources: list[str] | None = None) -> dict[str, Any]:
        """Import new list versions, then build and swap; a refused file changes nothing."""
        if not self._update_lock.acquire(blocking=False):
            raise UpdateInProgressError("a list update is already running")
        try:
            previous = self._current
            if not download and sources:
                raise ConfigError("sources only apply with download", field="sources")
            folder = self._fetch(sources) if download else self.settings.lists_dir
            if folder is None or not Path(folder).is_dir():
                raise ConfigError("no lists folder: set PROSCRIBE_LISTS_DIR",
                                  found=str(folder) if folder else None)
            if self.isolate_updates:
                # Parse and build in a fresh process: a parser holds the GIL for seconds
                # (the first one in a process also builds its lookup tables: 1.6 s of CPU
                # for the UN fixture), which would stall every request of this worker.
                ctx = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=1, mp_context=ctx,
                                         initializer=_lower_priority,
                                         initargs=(self.config.api_update_nice,)) as pool:
                    imported, refused = pool.submit(
                        _import_and_build, self.settings, self.config, Path(folder)).result()
            else:
                imported, refused = self._import(Path(folder))
            served = self.load()  # loads what the child saved, or builds it here
            changed = served is not None and (
                previous is None or served.index_version != previous.index_version)
            status = "updated" if changed else "refused" if refused else "unchanged"
            report = {
                "status": status,
                "imported": imported,
                "refused": refused,
                "previous_index_version": previous.index_version if previous else None,
                "at": datetime.now(UTC).isoformat(),
            }
            self.last_update = report
            log.info("lists update", extra={"status": status, "imported": len(imported),
                                            "refused": len(refused)})
            return report
        finally:
            self._update_lock.release()

    def _import(self, folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Import the folder into the store: (versions imported, publications refused)."""
        outcomes = import_folder(
            self.store, folder, max_bytes=self.settings.max_list_file_mb * 1024 * 1024,
        )
        imported, refused = [], []
        for out in outcomes:
            if out.result is not None:
                if out.result.created:
                    imported.append(version_info(out.result.version))
            else:
                assert out.error is not None
                refused.append({"source": out.files.source,
                                "folder": str(out.files.paths[0].parent)
                                if out.files.paths else None,
                                **_jsonable(out.error.to_dict())})
        return imported, refused

    def _fetch(self, sources: list[str] | None) -> Path:
        from proscribe.sources.download import fetch, official_downloads

        root = self.settings.data_dir / "downloads"
        downloads = [d for d in official_downloads(self.settings)
                     if not sources or d.source in sources]
        if not downloads:
            raise ConfigError("no downloadable source selected", field="sources",
                              found=", ".join(sources or []))
        fetch(downloads, root, timeout=self.settings.download_timeout_s)
        return root

    # ------------------------------------------------------------------ watcher
    def start_watcher(self) -> None:
        """Poll the store so every worker picks up versions another worker imported."""
        if self.config.api_index_poll_s <= 0 or self._watcher is not None:
            return
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="proscribe-index-watch",
                                         daemon=True)
        self._watcher.start()

    def stop_watcher(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
            self._watcher = None

    def _watch(self) -> None:
        """Every `SIGNAL_POLL_S`, one stat of `root/CURRENT` (written by whichever worker
        swapped last); every `api_index_poll_s`, a look at the store itself (lists imported
        by `proscribe lists import` write no signal)."""
        poll = self.config.api_index_poll_s
        tick = min(SIGNAL_POLL_S, poll)
        next_store = time.monotonic() + poll
        seen: tuple[int, int] | None = None
        while not self._stop.wait(tick):
            if self._update_lock.locked():
                continue
            due = time.monotonic() >= next_store
            try:
                st = os.stat(self.root / CURRENT)
                stamp: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
            except OSError:
                stamp = None
            signalled = stamp is not None and stamp != seen
            if not (due or signalled):
                continue
            try:
                if signalled:
                    wanted = (self.root / CURRENT).read_text().strip()
                    current = self._current
                    if current is None or current.index_version != wanted:
                        self.load()
                    seen = stamp
                if due:
                    next_store = time.monotonic() + poll
                    self.load()
            except Exception as exc:  # keep serving the old index, say why
                log.warning("index refresh failed", extra={"error": repr(exc)})


def _lower_priority(increment: int) -> None:
    """In the update's child process, before it imports: `increment` more niceness, so that
    on a busy machine the serving workers are scheduled first (the import of the real lists
    takes ~10 s of CPU, a core of two for most of that time)."""
    if increment > 0 and hasattr(os, "nice"):
        try:
            os.nice(increment)
        except OSError:  # not allowed here: the same priority, as before
            pass


def _import_and_build(settings: Settings, config: ApiConfig, folder: Path
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """In a child process: import the folder, then build and save the index over the
    store's current versions (under the file lock) for the serving processes to map."""
    manager = IndexManager(settings, config)
    imported, refused = manager._import(folder)
    versions = manager.store.current_versions()
    if versions:
        manager.prepare(versions)
    return imported, refused


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


__all__ = ["ALGORITHM", "IndexManager", "Served", "UpdateInProgressError", "index_version"]
