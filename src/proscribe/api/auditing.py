"""Group commit for the audit log: many requests, one transaction, nobody answered early.

Each request hands its record to one writer thread and awaits the commit; the writer
appends everything that queued up meanwhile (up to `_BATCH`) in one transaction, then
wakes each waiting event loop once for the whole batch. A screening answer is only sent
once its audit record is committed, and the chain is written by one thread per process
(the database serializes the writers of several processes; see `AuditLog.append_many`).

Requests wait on plain asyncio futures settled with one `call_soon_threadsafe` a batch,
not on `concurrent.futures.Future`s (a Condition and a wake-up each).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Sequence

from proscribe.store.audit import AuditEntry, AuditLog, AuditRecord

log = logging.getLogger("proscribe.api.audit")
_BATCH = 512

_Item = tuple[AuditEntry, asyncio.AbstractEventLoop, "asyncio.Future[AuditRecord]"]


def _settle(waiters: Sequence[asyncio.Future[AuditRecord]],
            outcome: Sequence[AuditRecord] | BaseException) -> None:
    """Runs on the event loop: hand each waiter its record (or the batch's error)."""
    for n, fut in enumerate(waiters):
        if fut.done():  # the request was cancelled; its record is written all the same
            continue
        if isinstance(outcome, BaseException):
            fut.set_exception(outcome)
        else:
            fut.set_result(outcome[n])


class AuditWriter:
    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.records = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="proscribe-audit",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    async def write(self, entry: AuditEntry) -> AuditRecord:
        """Append `entry`; returns once its transaction has committed."""
        if self._thread is None:  # not started (no lifespan): write inline
            return self.audit.append(entry)
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[AuditRecord] = loop.create_future()
        self._queue.put((entry, loop, fut))
        return await fut

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < _BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stopping = True
                    break
                batch.append(nxt)
            outcome: list[AuditRecord] | BaseException
            try:
                outcome = self.audit.append_many([e for e, _, _ in batch])
                self.batches += 1
                self.records += len(batch)
            except Exception as exc:
                log.error("audit append failed", extra={"error": repr(exc), "n": len(batch)})
                outcome = exc
            self._deliver(batch, outcome)

    @staticmethod
    def _deliver(batch: list[_Item], outcome: list[AuditRecord] | BaseException) -> None:
        by_loop: dict[asyncio.AbstractEventLoop,
                      tuple[list[asyncio.Future[AuditRecord]], list[AuditRecord]]] = {}
        for n, (_, loop, fut) in enumerate(batch):
            waiters, records = by_loop.setdefault(loop, ([], []))
            waiters.append(fut)
            if not isinstance(outcome, BaseException):
                records.append(outcome[n])
        for loop, (waiters, records) in by_loop.items():
            result: Sequence[AuditRecord] | BaseException = (
                outcome if isinstance(outcome, BaseException) else records)
            try:
                loop.call_soon_threadsafe(_settle, waiters, result)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass


__all__ = ["AuditWriter"]
