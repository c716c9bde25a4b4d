"""The sockets `proscribe serve` listens on, and uvicorn workers with one of their own.

`listen_socket` turns Nagle off (see there). With several workers on one shared listening
socket, the worker whose event loop woke first accepted every connection then waiting: a
burst of new keep-alive connections (the 32 or 64 clients of `bench/http_load.py`, a
connection pool opening) all landed on one worker, which ran at 100% of a core while the
other sat idle, and stayed there for the life of the connections. `OwnSocketWorker`
gives each worker a socket of its own, bound with SO_REUSEPORT to the same address; the
kernel then spreads new connections over the workers by a hash of their addresses.
"""

from __future__ import annotations

import socket

from uvicorn.supervisors.multiprocess import Process


def listen_socket(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A bound TCP socket, made here rather than by uvicorn, so that Nagle is off.

    uvicorn's own socket for `--workers N` is `socket(AF_INET)`, whose protocol number is 0;
    asyncio sets TCP_NODELAY only on accepted sockets whose protocol is IPPROTO_TCP, so on
    that path every keep-alive response (headers and body are two writes) waited for the
    client's delayed ACK: 40-50 ms a request. This socket says IPPROTO_TCP and sets
    TCP_NODELAY itself (Linux copies it to each accepted connection).

    `reuse_port`: SO_REUSEPORT, so that other sockets (each worker's) can be bound to the
    same address. Raises OSError when the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def reserve_address(host: str, port: int) -> socket.socket:
    """`serve`'s own socket when each worker has one (bound with SO_REUSEPORT, never
    listened on), once the address is known to be free: a socket bound with SO_REUSEPORT
    may share its address with any other that was (another `proscribe serve` left running
    would silently take half the connections), so the address is first bound without it,
    which fails with "address in use" if anything holds it. Port 0 becomes the port the
    system picked."""
    probe = listen_socket(host, port)
    try:
        port = int(probe.getsockname()[1])
    finally:
        probe.close()
    return listen_socket(host, port, reuse_port=True)


#: Whether workers can each have their own socket (SO_REUSEPORT: Linux, the BSDs, macOS).
OWN_SOCKETS = hasattr(socket, "SO_REUSEPORT")


class OwnSocketWorker(Process):
    """A uvicorn worker that listens on a socket of its own (SO_REUSEPORT), bound to the
    address of the one `serve` holds. That one is bound with SO_REUSEPORT and never
    listened on: it keeps the address while workers come and go, and makes port 0 one port
    for all. A worker that dies takes its socket, and the connections waiting on it, with
    it; the worker uvicorn starts in its place listens on a new one.

    uvicorn's supervisor (`uvicorn.supervisors.multiprocess.Multiprocess`) makes each
    worker, first ones, restarts and additions alike, through the module's name `Process`,
    which `serve` points here.
    """

    def target(self, sockets: list[socket.socket] | None = None) -> None:
        if not sockets:
            raise RuntimeError("OwnSocketWorker needs serve's bound socket")
        host, port = sockets[0].getsockname()[:2]
        own = listen_socket(str(host), int(port), reuse_port=True)
        for held in sockets:
            held.close()  # this process's copy of serve's socket
        super().target([own])


__all__ = ["OWN_SOCKETS", "OwnSocketWorker", "listen_socket", "reserve_address"]
