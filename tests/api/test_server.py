"""A real uvicorn server on loopback: index swap under load, a refused import, workers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn

from proscribe.api import ApiConfig, create_app
from proscribe.api.balance import BALANCED
from proscribe.api.listen import listen_socket
from proscribe.store.keys import KeyStore

if TYPE_CHECKING:
    from tests.api.conftest import Env

JANG = {"name": "Jang Su Han", "type": "person", "dob": "1969"}


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 on a free port in a thread; yields the base URL."""

    sock = listen_socket("127.0.0.1", 0)  # as `proscribe serve` makes it: Nagle off
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=10))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def test_index_swap_under_load(env: Env) -> None:
    app = create_app(env.settings, ApiConfig(api_index_poll_s=0, api_rate_limit_per_s=0))
    seen: list[list[tuple[int, str]]] = []
    errors: list[str] = []
    stop = threading.Event()

    def client(base: str, out: list[tuple[int, str]]) -> None:
        with httpx.Client(base_url=base, headers=env.h(env.screen), timeout=30) as c:
            while not stop.is_set():
                try:
                    r = c.post("/screen", json=JANG)
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    continue
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")
                    continue
                data = r.json()
                assert data["candidates"][0]["entity_id"] == "un:KPi.900"
                out.append((data["audit_id"], data["list_versions"][0]["version"]))

    with live_server(app) as base:
        threads = []
        for _ in range(6):
            out: list[tuple[int, str]] = []
            seen.append(out)
            threads.append(threading.Thread(target=client, args=(base, out)))
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            env.add_version("v2")
            with httpx.Client(base_url=base, headers=env.h(env.admin), timeout=120) as admin:
                r = admin.post("/admin/lists/update")
                assert r.status_code == 200, r.text
                assert r.json()["status"] == "updated"
                time.sleep(0.5)
                # A broken publication is refused; the v2 index keeps serving.
                env.add_broken()
                r = admin.post("/admin/lists/update")
                assert r.status_code == 200, r.text
                assert r.json()["status"] == "refused"
                time.sleep(0.3)
                assert admin.get("/readyz").json()["list_versions"][0]["version"] == "2026-02-10"
        finally:
            stop.set()
            for t in threads:
                t.join(60)
    assert not errors, errors[:5]
    total = sum(len(out) for out in seen)
    assert total > 50
    for out in seen:
        versions = [v for _, v in out]
        assert versions[0] == "2026-01-10" and versions[-1] == "2026-02-10"
        # Once a client saw the new index it never sees the old one again.
        first_new = versions.index("2026-02-10")
        assert set(versions[first_new:]) == {"2026-02-10"}
    from proscribe.store.audit import AuditLog

    report = AuditLog.open(env.url).verify()
    assert report.ok and report.records == total


def _connections_by_worker(pid: int, port: int) -> list[int]:
    """How many established connections on `port` each process under `pid` holds."""
    import psutil

    counts = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            n = sum(1 for conn in child.net_connections(kind="tcp")
                    if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port)
        except psutil.Error:
            continue
        if n:
            counts.append(n)
    return sorted(counts)


def _wait_idle(pid: int, workers: int) -> None:
    """Until `workers` processes run under `pid` and all sit idle (each has loaded the
    index and taken its place among those that accept), within 60 s."""
    import psutil

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            procs = psutil.Process(pid).children(recursive=True)
            if len(procs) >= workers:
                before = [sum(p.cpu_times()[:2]) for p in procs]
                time.sleep(0.5)
                if all(sum(p.cpu_times()[:2]) - b < 0.05 for p, b in zip(procs, before)):
                    return
            else:
                time.sleep(0.2)
        except psutil.Error:
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_with_workers_shares_one_index(env: Env, tmp_path: Path) -> None:
    """`proscribe serve --workers 2`: built once, memory-mapped by both, updates reach both."""
    port = _free_port()
    environ = {
        **os.environ,
        "PROSCRIBE_DATA_DIR": str(env.settings.data_dir),
        "PROSCRIBE_DATABASE_URL": env.url,
        "PROSCRIBE_LISTS_DIR": str(env.lists),
        "PROSCRIBE_API_INDEX_POLL_S": "0.3",
        "PROSCRIBE_API_RATE_LIMIT_PER_S": "0",
        # A worker ahead steps aside for up to a second: the spread checked below does not
        # depend on the machine being quick.
        "PROSCRIBE_API_ACCEPT_GRACE_MS": "1000",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from proscribe.cli import main; main()", "serve",
             "--port", str(port), "--workers", "2"],
            env=environ, stdout=log_fh, stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30) as c:
                deadline = time.monotonic() + 60
                while True:
                    assert proc.poll() is None, log_path.read_text()
                    try:
                        if c.get("/readyz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.2)
                indexes = [p for p in (env.settings.data_dir / "index").iterdir()
                           if p.is_dir() and not p.name.startswith(".")]
                assert len(indexes) == 1  # built once by `serve`, loaded by each worker
                if BALANCED and Path("/proc/self/fd").is_dir():
                    # Keep-alive connections opened one after another alternate between
                    # the workers. (With a socket per worker and SO_REUSEPORT, the kernel's
                    # hash split 16 connections 8 / 8 a fifth of the time; on one shared
                    # socket under uvicorn's own accept, a burst all went to one worker.)
                    _wait_idle(proc.pid, 2)
                    pool = [httpx.Client(base_url=base, timeout=30) for _ in range(16)]
                    try:
                        for client in pool:
                            assert client.get("/healthz").status_code == 200
                        # 17 with `c`: 9 / 8
                        assert _connections_by_worker(proc.pid, port) == [8, 9]
                    finally:
                        for client in pool:
                            client.close()
                env.add_version("v2")
                r = c.post("/admin/lists/update", headers=env.h(env.admin), timeout=120)
                assert r.status_code == 200 and r.json()["status"] == "updated", r.text
                time.sleep(1.5)  # the other worker notices within its poll interval
                versions = set()
                for _ in range(40):
                    # A new connection each time, so either worker may answer.
                    r = c.post("/screen", json=JANG,
                               headers={**env.h(env.screen), "Connection": "close"})
                    assert r.status_code == 200, r.text
                    versions.add(r.json()["list_versions"][0]["version"])
                assert versions == {"2026-02-10"}
        finally:
            proc.terminate()
            proc.wait(30)
    lines = [ln for ln in log_path.read_text().splitlines() if ln.startswith("{")]
    assert lines, log_path.read_text()
    assert all("level" in json.loads(ln) for ln in lines)
    assert KeyStore.open(env.url).list()


def test_listen_socket_turns_nagle_off() -> None:
    """With Nagle on, each keep-alive answer (headers, then body: two writes) waited for
    the client's delayed ACK: ~45 ms a request under `serve --workers 2`."""

    sock = listen_socket("127.0.0.1", 0)
    try:
        sock.listen(1)
        with socket.create_connection(sock.getsockname()[:2]):
            conn, _ = sock.accept()
            with conn:
                assert conn.proto == socket.IPPROTO_TCP  # asyncio sets TCP_NODELAY on these
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()


def test_serve_is_refused_an_address_another_server_holds() -> None:
    """Workers share `serve`'s one socket, bound without SO_REUSEPORT: a second server
    started on the same port fails ("address in use") rather than taking connections."""
    other = listen_socket("127.0.0.1", 0)
    try:
        other.listen(1)
        with pytest.raises(OSError):
            listen_socket("127.0.0.1", other.getsockname()[1]).close()
    finally:
        other.close()


def test_other_workers_follow_a_swap_within_the_signal_poll(env: Env) -> None:
    """A swap in one worker reaches another by a stat of index/CURRENT, not the store poll."""
    from proscribe.api.service import SIGNAL_POLL_S, IndexManager

    config = ApiConfig(api_index_poll_s=3600)  # the store poll never fires in this test
    a, b = IndexManager(env.settings, config), IndexManager(env.settings, config)
    assert a.load() is not None and b.load() is not None
    # Loaded ready to serve: the keys a Hangul query's joined groups are expanded against
    # are sorted before the first request (index.JoinedKeys), not during it.
    assert a.current is not None and a.current.screener.index._joinable is not None
    b.start_watcher()
    try:
        env.add_version("v2")
        report = a.update()
        assert report["status"] == "updated"
        assert a.current is not None
        wanted = a.current.index_version
        assert a.current.screener.index._joinable is not None
        deadline = time.monotonic() + 20 * SIGNAL_POLL_S + 5
        while b.current is None or b.current.index_version != wanted:
            assert time.monotonic() < deadline, "the other worker never swapped"
            time.sleep(0.02)
        assert b.current.screener.index._joinable is not None
    finally:
        b.stop_watcher()


def test_isolated_update_imports_and_builds_in_a_child(env: Env) -> None:
    """`proscribe serve`'s updates: parsed and built in a child, mapped here; a refused
    publication still leaves the old index serving."""
    from proscribe.api.service import IndexManager

    manager = IndexManager(env.settings, ApiConfig(api_index_poll_s=0), isolate_updates=True)
    assert manager.load() is not None
    env.add_version("v2")
    report = manager.update()
    assert report["status"] == "updated" and report["imported"], report
    assert manager.current is not None and manager.current.header == "un=2026-02-10"
    env.add_broken()
    report = manager.update()
    assert report["status"] == "refused" and report["refused"][0]["source"] == "un"
    assert manager.current.header == "un=2026-02-10"


def test_the_update_child_runs_at_a_lower_priority() -> None:
    """`PROSCRIBE_API_UPDATE_NICE`: the child process that imports a list update is
    niced, so the serving workers are scheduled first (`IndexManager.update`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from proscribe.api.service import _lower_priority

    ctx = multiprocessing.get_context("spawn")
    mine = os.nice(0)
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_lower_priority,
                             initargs=(5,)) as pool:
        theirs = pool.submit(os.nice, 0).result(60)
    assert theirs == min(19, mine + 5)
