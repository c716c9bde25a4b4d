"""Screenings of requests that arrive together, run back to back.

A screening reads a few hundred kilobytes scattered over the index (postings, token
tables, entity facts) and runs twice as fast when they are still in the core's cache: on
the real lists the four queries of `bench/http_load.py` take 0.48 ms each in a loop, and
0.86 ms each inside the service (one core, one client), where parsing, JSON, the audit
record and the answer of each request come between two screenings and push them out.

So a request does not screen where it stands: it queues its query and awaits it, and the
first one queued asks the event loop to run the queue once every request that was ready
with it has queued its own (`loop.call_soon`: one turn of the loop, no timer, no added
wait when it is alone). The screenings then run one after the other on the event loop
thread, as before; each request gets its own result or its own error. Each result is
written as canonical JSON (the audit record's and the answer's text) right after its
screening, while it is still in the cache, rather than once its request resumes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from proscribe.screening import Screener, ScreeningQuery
from proscribe.store.audit import canonical_json_data

_Done = tuple[dict[str, Any], str]
_Pending = tuple[Screener, ScreeningQuery, "asyncio.Future[_Done]"]


class ScreenCoalescer:
    """`await screen_data(screener, query)`: `screener.screen_data(query)` and its
    `canonical_json_data`, run together with the screenings of the requests that were ready at
    the same turn of the loop. One queue per event loop: a request is only ever screened
    and answered on its own loop's thread."""

    def __init__(self) -> None:
        self._pending: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
        #: screenings run, and runs of a queue (their ratio: the mean group size)
        self.screenings = 0
        self.runs = 0

    async def screen_data(self, screener: Screener, query: ScreeningQuery) -> _Done:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[_Done] = loop.create_future()
        pending = self._pending.get(loop)
        if pending is None:
            pending = self._pending[loop] = []
            loop.call_soon(self._run, loop)
        pending.append((screener, query, fut))
        return await fut

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        self.runs += 1
        for screener, query, fut in self._pending.pop(loop, ()):
            if fut.done():  # the request was cancelled (its client went away)
                continue
            self.screenings += 1
            try:
                result = screener.screen_data(query)
                fut.set_result((result, canonical_json_data(result)))
            except Exception as exc:  # that request's error, raised where it awaits
                fut.set_exception(exc)


__all__ = ["ScreenCoalescer"]
