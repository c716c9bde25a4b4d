"""Workers of `proscribe serve` keep their counts of open connections even (api/balance.py).

Two acceptors on one event loop stand for two workers: each has its own place on a real
board file (the pids of this process and of its parent, both alive) and accepts on one
real listening socket on loopback."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from proscribe.api.balance import BALANCED, Acceptor, Board, CountedConnections, create_board
from proscribe.api.listen import listen_socket

pytestmark = pytest.mark.skipif(not BALANCED, reason="POSIX only")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_board_counts_the_other_live_workers(tmp_path: Path) -> None:
    path = create_board(tmp_path / "board", 4)
    me = Board(path, pid=os.getpid())
    other = Board(path, pid=os.getppid())
    dead = Board(path, pid=_dead_pid())  # a worker that died holding nothing ...
    assert len({dead.slot, me.slot, other.slot}) == 3
    me.publish(3)
    other.publish(1)
    assert me.counts() == (3, [1])  # ... is not waited for
    assert other.counts() == (1, [3])
    freed = other.slot
    other.release()
    assert me.counts() == (3, [])
    again = Board(path, pid=os.getppid())  # a replacement takes the first free or dead slot
    assert again.slot == freed
    after = Board(path, pid=os.getpid())  # the same pid again: its own slot
    assert after.slot == me.slot
    again.release()
    me.release()


def test_a_full_board_leaves_a_worker_accepting_alone(tmp_path: Path) -> None:
    path = create_board(tmp_path / "board", 1)
    first = Board(path, pid=os.getppid())
    first.publish(5)
    second = Board(path, pid=os.getpid())
    assert second.slot is None
    assert second.counts() == (0, [5])  # 0 is never above the others: it always accepts
    first.release()
    second.release()


class _Conn(asyncio.Protocol):
    """Joins and leaves its worker's connections as uvicorn's HTTP protocol does."""

    def __init__(self, connections: CountedConnections) -> None:
        self.connections = connections

    def connection_made(self, transport: Any) -> None:
        self.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)


async def _workers(path: Path, sock: socket.socket, grace_s: float
                   ) -> list[tuple[Acceptor, CountedConnections]]:
    loop = asyncio.get_running_loop()
    out = []
    for pid in (os.getpid(), os.getppid()):
        connections = CountedConnections(Board(path, pid=pid))
        # a descriptor of its own for the shared socket, as each worker process has
        own = socket.socket(fileno=os.dup(sock.fileno()))
        acceptor = Acceptor(loop, own, lambda c=connections: _Conn(c), connections, grace_s)
        acceptor.start()
        out.append((acceptor, connections))
    return out


async def _connect(port: int, opened: Any, n: int) -> list[asyncio.StreamWriter]:
    """Open `n` connections one after another, each once the one before is made on a
    worker (`opened()`: how many connections the workers hold)."""
    writers = []
    before = opened()
    for _ in range(n):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writers.append(writer)
        for _ in range(1000):
            if opened() >= before + len(writers):
                break
            await asyncio.sleep(0.002)
    return writers


def test_connections_opened_one_by_one_alternate(tmp_path: Path) -> None:
    async def main() -> list[int]:
        sock = listen_socket("127.0.0.1", 0)
        sock.listen(64)
        port = sock.getsockname()[1]
        workers = await _workers(create_board(tmp_path / "board", 4), sock, 1.0)
        writers = await _connect(port, lambda: sum(len(c) for _, c in workers), 10)
        counts = [len(c) for _, c in workers]
        for w in writers:
            w.close()
        for acceptor, _ in workers:
            acceptor.stop()
            acceptor.sock.close()
        sock.close()
        return counts

    assert asyncio.run(main()) == [5, 5]


def test_a_worker_ahead_takes_the_connection_when_nobody_else_does(tmp_path: Path) -> None:
    """The other worker is alive but does not accept (busy): after the grace time the
    worker ahead takes the new connection itself instead of leaving it waiting."""

    async def main() -> tuple[int, int, int, float]:
        sock = listen_socket("127.0.0.1", 0)
        sock.listen(64)
        port = sock.getsockname()[1]
        (a, ca), (b, cb) = await _workers(create_board(tmp_path / "board", 4), sock, 0.05)
        def opened() -> int:
            return len(ca) + len(cb)

        first = await _connect(port, opened, 2)  # one each
        b.stop()  # the second worker stops looking
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        more = await _connect(port, opened, 2)  # the first is ahead once it took the third
        waited = loop.time() - t0
        counts = (len(ca), len(cb), a.overdue)
        for w in first + more:
            w.close()
        a.stop()
        for acceptor in (a, b):
            acceptor.sock.close()
        sock.close()
        return (*counts, waited)

    in_a, in_b, overdue, waited = asyncio.run(main())
    assert (in_a, in_b) == (3, 1)
    assert overdue == 1  # the fourth, taken after the grace time
    assert waited >= 0.05
