"""Keep-alive connections spread evenly over the workers of `proscribe serve --workers N`.

A client with a pool of keep-alive connections (a bank's application, the 8 clients of
`bench/http_load.py`) sends all its traffic over the same few connections for minutes, so
whichever worker holds a connection does that connection's work. Neither of the kernel's
ways of handing connections to processes keeps the count even:

- one shared listening socket: the worker whose event loop woke first accepted every
  connection then waiting (uvloop and asyncio accept until the queue is empty), so a
  burst of 32 new connections stayed 32 / 0 or 31 / 1;
- a socket per worker bound with SO_REUSEPORT: the kernel picks a socket by a hash of
  the connection's addresses, so 8 connections split 4 / 4 only 27% of the time, and 6 / 2
  or worse 29% of the time (`bench/http_load.py` reported 5 / 3, 6 / 2, 6 / 2 in a row),
  leaving one worker with three times the other's work for the life of the connections.

Here the workers share one listening socket and accept by themselves, one connection at a
time, each only while it holds no more open connections than any other live worker.
Their counts sit in a small shared file (`Board`: a slot of pid and count per worker,
written by the worker on every connection it opens or closes). A worker ahead of the
others steps aside and looks again every 2 ms; if after `PROSCRIBE_API_ACCEPT_GRACE_MS`
nobody else has taken the connection (all busy, say loading a new index), it takes it
itself. A worker takes its place on the board once it has started, and dead workers'
slots are not counted, so nobody waits for a worker that cannot accept. A worker busy
screening sees a new connection only when its event loop next looks, so the idler one
tends to take it first: among equals the rule leans towards the worker with time to spare.

The uvicorn server of each worker is started without sockets (it creates no listener of
its own) and `Acceptor` hands each accepted socket to the event loop with uvicorn's own
HTTP protocol (`loop.connect_accepted_socket`), so requests, keep-alive and graceful
shutdown are uvicorn's as before. The uvicorn calls this leans on are `Server.startup`,
`Server.server_state.connections` and `Config.http_protocol_class`.
"""

from __future__ import annotations

import asyncio
import logging
import mmap
import os
import select
import socket
import struct
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors.multiprocess import Process

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: workers accept as uvicorn's do
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("proscribe.api.balance")

#: the environment variable naming the board file (set by `serve` for its workers)
BOARD_ENV = "PROSCRIBE_SERVE_BOARD"
_SLOT = struct.Struct("<qq")  # pid, open connections
#: how often a worker that stepped aside looks again
_STEP_S = 0.002


def create_board(path: Path, slots: int) -> Path:
    """An empty board of `slots` slots (twice the workers: replacements of dead workers
    claim dead workers' slots, and a spare row covers a replacement started before its
    predecessor's pid is gone)."""
    path.write_bytes(bytes(_SLOT.size * max(1, slots)))
    return path


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class Board:
    """Each worker's count of open connections, in a file every worker maps."""

    def __init__(self, path: Path | str, pid: int | None = None) -> None:
        self.path = Path(path)
        self.pid = os.getpid() if pid is None else pid
        with open(self.path, "r+b") as fh:
            self._map = mmap.mmap(fh.fileno(), 0)
            self.slots = len(self._map) // _SLOT.size
            assert fcntl is not None, "a board needs fcntl (BALANCED)"
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self.slot = self._claim()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _claim(self) -> int | None:
        for n in range(self.slots):
            pid, _ = _SLOT.unpack_from(self._map, n * _SLOT.size)
            if pid == self.pid or not _alive(pid):
                _SLOT.pack_into(self._map, n * _SLOT.size, self.pid, 0)
                return n
        log.warning("no free slot on the connection board: this worker accepts without "
                    "looking at the others", extra={"board": str(self.path)})
        return None

    def publish(self, count: int) -> None:
        if self.slot is not None:
            _SLOT.pack_into(self._map, self.slot * _SLOT.size, self.pid, count)

    def counts(self) -> tuple[int, list[int]]:
        """This worker's published count and the other workers' (slots with a pid)."""
        mine = 0
        others = []
        for n in range(self.slots):
            pid, count = _SLOT.unpack_from(self._map, n * _SLOT.size)
            if n == self.slot:
                mine = count
            elif pid and _alive(pid):
                others.append(count)
        return mine, others

    def release(self) -> None:
        if self.slot is not None:
            _SLOT.pack_into(self._map, self.slot * _SLOT.size, 0, 0)
            self.slot = None
        self._map.close()


class CountedConnections(set[Any]):
    """uvicorn's `server_state.connections` that publishes its size and any connections
    accepted but not yet made (`starting`) on every change."""

    def __init__(self, board: Board, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self.board = board
        self.starting = 0
        self.publish()

    def publish(self) -> None:
        self.board.publish(len(self) + self.starting)

    def add(self, item: Any) -> None:
        super().add(item)
        self.publish()

    def discard(self, item: Any) -> None:
        super().discard(item)
        self.publish()

    def remove(self, item: Any) -> None:
        super().remove(item)
        self.publish()


class Acceptor:
    """Accepts on the shared listening socket, one connection at a time, while this
    worker holds no more connections than any other (see the module's text)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket,
                 factory: Callable[[], asyncio.Protocol], connections: CountedConnections,
                 grace_s: float) -> None:
        self.loop = loop
        self.sock = sock
        self.factory = factory
        self.connections = connections
        self.grace_s = grace_s
        self._fd = sock.fileno()
        self._poller = select.poll()  # whether a connection still waits (`_resume`)
        self._poller.register(self._fd, select.POLLIN)
        self._reading = False
        self._waiting: asyncio.TimerHandle | None = None
        self._since: float | None = None  # when this worker first stepped aside
        self._tasks: set[asyncio.Task[Any]] = set()
        #: connections accepted, times this worker stepped aside, connections it took
        #: after the grace time
        self.accepted = 0
        self.deferred = 0
        self.overdue = 0

    def start(self) -> None:
        self.sock.setblocking(False)
        self._read(True)

    def stop(self) -> None:
        self._read(False)
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None

    def _read(self, on: bool) -> None:
        if on and not self._reading:
            self.loop.add_reader(self._fd, self._ready)
        elif not on and self._reading:
            self.loop.remove_reader(self._fd)
        self._reading = on

    def _ready(self) -> None:
        mine, others = self.connections.board.counts()
        if others and mine > min(others):
            now = self.loop.time()
            if self._since is None:
                self._since = now
            if now - self._since < self.grace_s:
                self.deferred += 1
                self._read(False)
                self._waiting = self.loop.call_later(_STEP_S, self._resume)
                return
            self.overdue += 1  # nobody took it in the grace time: take it
        self._since = None
        self._accept()

    def _resume(self) -> None:
        self._waiting = None
        if not self._poller.poll(0):
            self._since = None  # another worker took what was waiting
        self._read(True)

    def _accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except (BlockingIOError, InterruptedError):
            return  # another worker took it
        except OSError as exc:  # out of file descriptors and the like: pause, go on
            log.error("accept failed", extra={"error": repr(exc)})
            self._read(False)
            self._waiting = self.loop.call_later(0.1, self._resume)
            return
        self.accepted += 1
        conn.setblocking(False)
        self.connections.starting += 1
        self.connections.publish()
        task = self.loop.create_task(self._hand_over(conn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _hand_over(self, conn: socket.socket) -> None:
        try:
            await self.loop.connect_accepted_socket(self.factory, conn)
        except OSError:  # the client went away before its transport was made
            conn.close()
        finally:
            self.connections.starting -= 1
            self.connections.publish()


class BalancedServer(uvicorn.Server):
    """A uvicorn server that accepts through an `Acceptor` on the shared socket."""

    def __init__(self, config: uvicorn.Config, board: Path | str, grace_s: float) -> None:
        super().__init__(config)
        self.board_path = board
        self.board: Board | None = None
        self.grace_s = grace_s
        self.acceptors: list[Acceptor] = []

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn's startup without sockets of its own: the lifespan (the index loads),
        # then `started`. The worker takes its place on the board only then: the others
        # do not step aside for one that cannot accept yet.
        await super().startup(sockets=[])
        self.board = Board(self.board_path)
        connections = CountedConnections(self.board, self.server_state.connections)
        self.server_state.connections = connections
        config = self.config
        loop = asyncio.get_running_loop()

        def factory() -> asyncio.Protocol:
            protocol: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state,
                app_state=self.lifespan.state, _loop=loop)
            return protocol

        for sock in sockets or []:
            sock.listen(config.backlog)
            acceptor = Acceptor(loop, sock, factory, connections, self.grace_s)
            acceptor.start()
            self.acceptors.append(acceptor)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for acceptor in self.acceptors:
            acceptor.stop()
        await super().shutdown(sockets=sockets)
        if self.board is not None:
            self.board.release()


class BalancedWorker(Process):
    """A uvicorn worker whose server is a `BalancedServer` over the board `serve` made
    (its path in `PROSCRIBE_SERVE_BOARD`). uvicorn's supervisor makes each worker, first
    ones, restarts and additions alike, through the module's name `Process`, which `serve`
    points here."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            from proscribe.settings import get_settings

            grace = get_settings().api_accept_grace_ms / 1000
            self._server = BalancedServer(self.config, os.environ[BOARD_ENV], grace)
        return self._server


#: Whether workers can balance (a shared file lock and memory map: POSIX).
BALANCED = fcntl is not None and hasattr(select, "poll")

__all__ = ["BALANCED", "BOARD_ENV", "Acceptor", "BalancedServer", "BalancedWorker", "Board",
           "CountedConnections", "create_board"]
