"""Group commit for the audit log: many requests, one transaction, nobody answered early.

Each request hands its record to one writer thread and waits for the commit; the writer
appends everything that queued up meanwhile in one transaction. A screening answer is
only sent once its audit record is durable, and the chain is written by one thread per
process (the database guards it across processes).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from concurrent.futures import Future

from proscribe.store.audit import AuditEntry, AuditLog, AuditRecord

log = logging.getLogger("proscribe.api.audit")
_BATCH = 256


class AuditWriter:
    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit
        self._queue: queue.Queue[tuple[AuditEntry, Future[AuditRecord]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

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

    def submit(self, entry: AuditEntry) -> Future[AuditRecord]:
        future: Future[AuditRecord] = Future()
        if self._thread is None:  # not started (no lifespan): write inline
            try:
                future.set_result(self.audit.append(entry))
            except Exception as exc:
                future.set_exception(exc)
            return future
        self._queue.put((entry, future))
        return future

    async def write(self, entry: AuditEntry) -> AuditRecord:
        return await asyncio.wrap_future(self.submit(entry))

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
            try:
                records = self.audit.append_many([e for e, _ in batch])
            except Exception as exc:
                log.error("audit append failed", extra={"error": repr(exc), "n": len(batch)})
                for _, fut in batch:
                    fut.set_exception(exc)
                continue
            for (_, fut), rec in zip(batch, records, strict=True):
                fut.set_result(rec)


__all__ = ["AuditWriter"]
