"""The socket `proscribe serve` listens on (its workers share it: api/balance.py)."""

from __future__ import annotations

import socket


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket, made here rather than by uvicorn, so that Nagle is off.

    uvicorn's own socket for `--workers N` is `socket(AF_INET)`, whose protocol number is 0;
    asyncio sets TCP_NODELAY only on accepted sockets whose protocol is IPPROTO_TCP, so on
    that path every keep-alive response (headers and body are two writes) waited for the
    client's delayed ACK: 40-50 ms a request. This socket says IPPROTO_TCP and sets
    TCP_NODELAY itself (Linux copies it to each accepted connection).

    Raises OSError when the address cannot be bound (another server holds it).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


__all__ = ["listen_socket"]
