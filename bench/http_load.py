"""HTTP load on /screen over loopback, with a list update in the middle of the run.

    python bench/http_load.py [--seconds 5] [--workers 1] [--levels 1,8,64] [--lists real]
                              [--queries names]

Starts `proscribe serve` in a subprocess over a fresh store holding the hand-made UN
fixture (tests/fixtures/store/v1), or with `--lists real` the real UN, OFAC SDN and OFSI
files of ../shared/data/lists (35,000 entities: every request pays a full screening),
then drives POST /screen from asyncio keep-alive connections (a minimal HTTP/1.1 client,
so the load generator costs little of the two cores) at each concurrency level. Halfway
through the run, POST /admin/lists/update imports v2 (the fixture's, or the next OFSI
publication) and swaps the index. Reports requests/s, p50/p99 latency, errors, how many
answers came from each list version, and the ratio to in-process `Screener.screen()`
measured in the same run, and how each level's connections were split between the workers
(`split`, sampled half a second in). By default every client cycles through four fixed
queries, which the server's caches soon hold; `--queries names` sends person names of the
public benchmarks instead, a fresh slice of 4,000 for each level and for the in-process
figure.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DATA, LISTS, read_csv  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "store"
REAL_V1 = ["un/2026-02-27", "ofac/sdn/2024-05-03", "uk/2025-04-10"]
REAL_V2 = "uk/2025-04-14"
QUERIES = [
    {"name": "Jang Su Han", "type": "person", "dob": "1969"},
    {"name": "Ocean Maritime Management Company"},
    {"name": "Kim Yong Chol", "country": "kp"},
    {"name": "John Smith", "type": "person"},
]
#: `--queries names`: persons of the public benchmarks (the 683 perturbed UN names and
#: names of the global negatives, every script), each level its own slice, so that nearly
#: every request is a name new to the server's caches, as in real traffic.
NAMES_PER_LEVEL = 4000


def _bench_names(n: int) -> list[dict[str, Any]]:
    import random

    names = [row["full_name"]
             for file in ("positives_un_treated.csv", "negatives_global.csv")
             for row in read_csv(BENCH_DATA / "opensanctions_yente" / file)
             if row["full_name"]]
    rng = random.Random(7)
    rng.shuffle(names)
    return [{"name": name, "type": "person"} for name in names[:n]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Conn:
    """One keep-alive HTTP/1.1 connection (just enough HTTP for this benchmark)."""

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.key = key
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.key}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
            self.writer = self.reader = None


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its children (uvicorn workers)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        pass
    return total


def _split(pid: int, port: int) -> list[int]:
    """Established connections on `port` held by each worker process, most first: how the
    kernel spread the clients' keep-alive connections over the workers."""
    import psutil

    counts = []
    try:
        for proc in psutil.Process(pid).children(recursive=True):
            try:
                n = sum(1 for c in proc.net_connections("tcp")
                        if c.laddr and c.laddr.port == port and c.status == "ESTABLISHED")
            except psutil.Error:
                continue
            if n:
                counts.append(n)
    except psutil.Error:
        pass
    return sorted(counts, reverse=True)


def _wait_started(pid: int, workers: int, deadline: float) -> None:
    """Until the server has its workers (its only process with one) and all sit idle
    (under 5% of a core over half a second): each has finished loading the index."""
    import psutil

    root = psutil.Process(pid)
    while time.time() < deadline:
        try:
            procs = [p for p in root.children(recursive=True)
                     if "resource_tracker" not in " ".join(p.cmdline())] or [root]
            if len(procs) >= (workers if workers > 1 else 1):
                before = [sum(p.cpu_times()[:2]) for p in procs]
                time.sleep(0.5)
                if all(sum(p.cpu_times()[:2]) - b < 0.025
                       for p, b in zip(procs, before, strict=True)):
                    return
            else:
                time.sleep(0.2)
        except psutil.Error:  # a process came or went meanwhile: look again
            time.sleep(0.2)


async def _level(port: int, key: str, clients: int, seconds: float,
                 on_half: Any = None, server_pid: int | None = None,
                 queries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    versions: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    bodies = [json.dumps(q).encode() for q in queries or QUERIES]
    stride = max(1, len(bodies) // clients)  # clients start apart in a long list

    async def worker(n: int) -> None:
        conn = Conn(port, key)
        i = n * stride if len(bodies) > len(QUERIES) else n
        try:
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                i += 1
                t0 = time.perf_counter()
                try:
                    status, data = await conn.request("POST", "/screen", body)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                    errors.append(repr(exc))
                    await conn.close()
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors.append(f"{status} {data[:200]!r}")
                    continue
                lv = "+".join(v["version"] for v in json.loads(data)["list_versions"])
                versions[lv] = versions.get(lv, 0) + 1
        finally:
            await conn.close()

    started = time.perf_counter()
    cpu_server = _cpu(server_pid) if server_pid else 0.0
    cpu_client = time.process_time()
    tasks = [asyncio.create_task(worker(n)) for n in range(clients)]

    async def halfway() -> dict[str, Any]:
        await asyncio.sleep(seconds / 2)
        result: dict[str, Any] = await on_half()
        return result

    # The update runs beside the clients; the level's rate counts the clients' own time
    # only (an import slower than the rest of the level used to stretch it).
    updating = asyncio.create_task(halfway()) if on_half is not None else None
    await asyncio.sleep(min(0.5, seconds / 4))
    split = _split(server_pid, port) if server_pid else []
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    cpu_client = time.process_time() - cpu_client
    cpu_server = (_cpu(server_pid) - cpu_server) if server_pid else float("nan")
    update: dict[str, Any] | None = await updating if updating is not None else None
    latencies.sort()
    n = max(1, len(latencies))

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 \
            if latencies else float("nan")

    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
            "errors": len(errors), "error_samples": errors[:3], "versions": versions,
            "update": update, "split": split,
            # CPU a request, of the server (all workers) and of this load generator: less
            # noisy than req/s on a shared machine (the update's import is included).
            "server_cpu_ms": cpu_server / n * 1000, "client_cpu_ms": cpu_client / n * 1000}


def _in_process(data_dir: Path, seconds: float, database_url: str | None = None,
                specs: list[dict[str, Any]] | None = None) -> float:
    from proscribe.screening import ScreeningQuery
    from proscribe.settings import override_settings
    from proscribe.screeners import load_screener

    with override_settings(data_dir=data_dir, database_url=database_url):
        screener = load_screener()
        queries = [ScreeningQuery(**q) for q in specs or QUERIES]
        n, deadline = 0, time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            screener.screen(queries[n % len(queries)])
            n += 1
        return n / (time.perf_counter() - started)


def _empty_database(url: str) -> None:
    """Drop every table of the database at `url` (a benchmark's own scratch database)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per concurrency level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--levels", default="1,8,64", help="concurrent clients per level")
    parser.add_argument("--http", default="auto", help="serve --http: auto, httptools, h11")
    parser.add_argument("--loop", default="auto", help="serve --loop: auto, uvloop, asyncio")
    parser.add_argument("--lists", choices=["fixture", "real"], default="fixture",
                        help="the hand-made UN fixture, or the real lists (../shared)")
    parser.add_argument("--queries", choices=["four", "names"], default="four",
                        help="the four fixed queries over and over, or benchmark names "
                             "new to the server's caches (a fresh slice each level)")
    parser.add_argument("--database-url", default=None,
                        help="the store (default: a fresh SQLite file); e.g. a PostgreSQL URL "
                             "whose database is emptied first")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    named = _bench_names(NAMES_PER_LEVEL * (len(levels) + 1)) if args.queries == "names" \
        else None

    tmp = Path(tempfile.mkdtemp(prefix="proscribe-bench-"))
    lists = tmp / "lists"
    if args.lists == "real":
        for part in REAL_V1:
            shutil.copytree(LISTS / part, lists / part)
    else:
        shutil.copytree(FIXTURES / "v1", lists)
    env = {**os.environ, "PROSCRIBE_DATA_DIR": str(tmp / "data"),
           "PROSCRIBE_LISTS_DIR": str(lists), "PROSCRIBE_API_RATE_LIMIT_PER_S": "0",
           "PROSCRIBE_API_INDEX_POLL_S": "1"}
    env.pop("PROSCRIBE_DATABASE_URL", None)
    if args.database_url:
        _empty_database(args.database_url)
        env["PROSCRIBE_DATABASE_URL"] = args.database_url
    cli = [sys.executable, "-c", "from proscribe.cli import main; main()"]
    subprocess.run([*cli, "lists", "import", "--json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    key = json.loads(subprocess.run([*cli, "keys", "create", "--scope", "admin", "--json"],
                                    env=env, check=True, capture_output=True,
                                    text=True).stdout)["key"]
    port = _free_port()
    log = open(tmp / "serve.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--workers",
                               str(args.workers), "--log-level", "warning",
                               "--http", args.http, "--loop", args.loop],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit((tmp / "serve.log").read_text()) from None
                time.sleep(0.2)
        # The port answers once one worker listens; the others may still be loading the
        # index, and the keep-alive clients of the first level would all stay on the first.
        _wait_started(server.pid, args.workers, deadline + 60)

        async def update() -> dict[str, Any]:
            if args.lists == "real":
                shutil.copytree(LISTS / REAL_V2, lists / REAL_V2)
            else:
                shutil.copytree(FIXTURES / "v2", lists, dirs_exist_ok=True)
            conn = Conn(port, key)
            t0 = time.perf_counter()
            status, data = await conn.request("POST", "/admin/lists/update", b"{}")
            await conn.close()
            report = json.loads(data)
            return {"status": status, "result": report.get("status"),
                    "seconds": round(time.perf_counter() - t0, 3)}

        async def run_all() -> list[dict[str, Any]]:
            out = []
            middle = len(levels) // 2  # the update runs in the middle level (by position)
            for n, clients in enumerate(levels):
                mine = (named[n * NAMES_PER_LEVEL:(n + 1) * NAMES_PER_LEVEL]
                        if named else None)
                out.append(await _level(port, key, clients, args.seconds,
                                        update if n == middle else None, server.pid, mine))
            return out

        results = asyncio.run(run_all())
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    baseline = _in_process(tmp / "data", min(args.seconds, 3.0), args.database_url,
                           named[len(levels) * NAMES_PER_LEVEL:] if named else None)
    shutil.rmtree(tmp, ignore_errors=True)

    print(f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'vs in-process':>13} {'srv cpu ms':>10} {'cli cpu ms':>10}"
          "  versions / update")
    for r in results:
        upd = f"  update: {r['update']}" if r["update"] else ""
        print(f"{r['clients']:>7} {r['requests']:>9} {r['rps']:>8.0f} {r['p50_ms']:>7.2f} "
              f"{r['p99_ms']:>7.2f} {r['errors']:>6} {r['rps'] / baseline:>13.3f} "
              f"{r['server_cpu_ms']:>10.3f} {r['client_cpu_ms']:>10.3f} "
              f"{'/'.join(map(str, r['split'])) or '-':>9}  {r['versions']}{upd}")
    print(f"in-process Screener.screen(): {baseline:.0f} queries/s "
          f"({1000 / baseline:.3f} ms a query)")
    print(json.dumps({
        "bench": "http_load", "lists": args.lists, "workers": args.workers,
        "queries": args.queries,
        "seconds": args.seconds,
        "http": args.http, "loop": args.loop,
        "database": "postgresql" if (args.database_url or "").startswith("postgresql")
        else "sqlite",
        "in_process_qps": round(baseline, 1),
        "levels": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                    if k != "error_samples"} for r in results],
        "errors": sum(r["errors"] for r in results),
    }))


if __name__ == "__main__":
    main()
