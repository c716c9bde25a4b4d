"""`screen_file`: screen every row of a customer file, resumably, on one core, a process
pool or a Dask cluster.

The driver reads the input in chunks (partitions) and hands each to an executor; results
come back in order and each is committed (output flushed and fsynced, then the checkpoint
replaced) before the next. Whatever the executor, each partition goes through the same
`screen_rows`, so the outputs are equal row for row.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from proscribe.batch.columns import ColumnMap, guess_columns
from proscribe.batch.output import HIT_COLUMNS, REJECT_COLUMNS, TableWriter, atomic_write_json
from proscribe.batch.readers import BadRow, file_format, open_input
from proscribe.batch.worker import BANDS, PartitionResult, cached_screener, screen_partition, screen_rows
from proscribe.errors import ConfigError

if TYPE_CHECKING:
    from proscribe.screening import Screener

Progress = Callable[[int, int | None], None]


@dataclass(slots=True)
class BatchSummary:
    """What a run did; also kept in the `.progress` sidecar once the run is complete."""

    input: str
    output: str
    rejects_file: str
    rows: int = 0
    bands: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    hits: int = 0  # candidate rows written (match and review band)
    rejects: int = 0
    seconds: float = 0.0
    list_versions: list[str] = field(default_factory=list)
    complete: bool = False
    resumed_at: int | None = None  # input row the last resume started from

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": round(self.rate, 1)}


class Executor(Protocol):
    workers: int

    def submit(self, rows: list[tuple[int, dict[str, Any]]]) -> Future[PartitionResult]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Screens each partition in this process, when it is submitted."""

    workers = 1

    def __init__(self, screener: Screener, cols: ColumnMap, limit: int | None) -> None:
        self.screener, self.cols, self.limit = screener, cols, limit

    def submit(self, rows: list[tuple[int, dict[str, Any]]]) -> Future[PartitionResult]:
        fut: Future[PartitionResult] = Future()
        fut.set_result(screen_rows(self.screener, self.cols, rows, self.limit))
        return fut

    def close(self) -> None:
        return None


class PoolExecutor:
    """A pool of local processes, each loading the saved index once (spawned, not forked:
    the driver has threads, and forking a threaded process can deadlock)."""

    def __init__(self, workers: int, index_path: str, cols: ColumnMap, limit: int | None) -> None:
        self.workers = workers
        self.index_path, self.cols, self.limit = index_path, cols.to_dict(), limit
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"),
            initializer=cached_screener, initargs=(index_path,),
        )

    def submit(self, rows: list[tuple[int, dict[str, Any]]]) -> Future[PartitionResult]:
        return self.pool.submit(screen_partition, self.index_path, self.cols, rows, self.limit)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def screen_file(
    input_path: Path,
    out: Path,
    *,
    mapping: dict[str, str] | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    rejects: Path | None = None,
    resume: bool = False,
    chunk_size: int = 5000,
    screener: Screener | None = None,
    index_path: Path | None = None,
    as_of: date | None = None,
    workers: int = 1,
    dask: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    on_start: Callable[[BatchSummary, int | None], None] | None = None,
) -> BatchSummary:
    """Screen every row of `input_path` and write the hits to `out`.

    The screener is, in order: `screener`, the saved index at `index_path`, or the lists
    current on `as_of` in the store. `workers` > 1 runs a local process pool; `dask` is
    "local" (a LocalCluster of `workers` processes) or a scheduler address.
    Raises QueryError/ConfigError before any work for a bad input or option.
    """
    if chunk_size < 1:
        raise ConfigError("chunk size must be at least 1", found=str(chunk_size))
    inp = open_input(input_path, fmt=input_format, encoding=encoding, delimiter=delimiter)
    cols = guess_columns(inp.headers, mapping, file=str(input_path))
    out_fmt = file_format(out, output_format)
    rejects = rejects or out.with_name(out.name.rsplit(".", 1)[0] + ".rejects.csv")
    progress_path = out.with_name(out.name + ".progress")
    identity = {
        "input": str(input_path.resolve()),
        "input_size": input_path.stat().st_size,
        "columns": cols.to_dict(),
        "output_format": out_fmt,
        "rejects_file": str(rejects),
    }
    state: dict[str, Any] | None = None
    if resume and progress_path.exists():
        state = json.loads(progress_path.read_text(encoding="utf-8"))
        mismatch = [k for k, v in identity.items() if state.get(k) != v]
        if mismatch:
            raise ConfigError(
                "cannot resume: the run was started with other input or options",
                file=str(progress_path), found=", ".join(mismatch),
            )
        if state.get("complete"):
            return _summary_from(state)
    elif progress_path.exists():
        progress_path.unlink()

    temp_dir: str | None = None
    executor: Executor | None = None
    hits_w: TableWriter | None = None
    rej_w: TableWriter | None = None
    try:
        versions: list[str]
        if screener is None and index_path is not None:
            screener = cached_screener(str(index_path))
        if screener is None:
            from proscribe.screeners import load_screener

            screener = load_screener(as_of)
        versions = [_version_label(v) for v in screener.versions]
        if state is not None and state.get("list_versions") != versions:
            raise ConfigError(
                "cannot resume: the list versions changed since the run started "
                "(start again without --resume, or pin the lists with --as-of or --index)",
                expected=", ".join(state.get("list_versions", [])), found=", ".join(versions),
            )
        if dask is not None or workers > 1:
            if index_path is None:
                from proscribe.settings import get_settings

                base = get_settings().data_dir / "batch"
                base.mkdir(parents=True, exist_ok=True)
                temp_dir = tempfile.mkdtemp(prefix="index-", dir=base)
                index_path = Path(temp_dir) / "index"
                screener.save(index_path)
            if dask is not None:
                from proscribe.batch.distributed import DaskExecutor

                executor = DaskExecutor(dask, workers, str(index_path), cols, limit)
            else:
                executor = PoolExecutor(workers, str(index_path), cols, limit)
        else:
            executor = SerialExecutor(screener, cols, limit)

        summary = _summary_from(state) if state else BatchSummary(
            input=str(input_path), output=str(out), rejects_file=str(rejects),
            list_versions=versions,
        )
        done = summary.rows
        summary.resumed_at = done if state else None
        chunk_no = int(state["chunks"]) if state else 0
        hits_w = TableWriter(out, out_fmt, HIT_COLUMNS, state["out_state"] if state else None)
        rej_w = TableWriter(rejects, "csv", REJECT_COLUMNS, state["rejects_state"] if state else None)
        if on_start:
            on_start(summary, inp.total)
        started = time.perf_counter()
        base_seconds = summary.seconds

        def commit(fut: Future[PartitionResult], bad: list[BadRow], n: int) -> None:
            nonlocal chunk_no
            assert hits_w is not None and rej_w is not None
            res = fut.result()
            rows_rej: list[dict[str, Any]] = [
                {"line": b.line, "reason": b.reason, "raw": b.raw} for b in bad
            ]
            rows_rej = sorted(rows_rej + res.rejects, key=lambda r: int(r["line"]))
            hits_w.write(res.hits, chunk_no)
            rej_w.write(rows_rej, chunk_no)
            out_state, rej_state = hits_w.commit(), rej_w.commit()
            chunk_no += 1
            summary.rows += n
            summary.hits += len(res.hits)
            summary.rejects += len(rows_rej)
            for band, count in res.bands.items():
                summary.bands[band] = summary.bands.get(band, 0) + count
            summary.seconds = base_seconds + time.perf_counter() - started
            atomic_write_json(progress_path, {**identity, **_state(summary), "chunks": chunk_no,
                                              "out_state": out_state, "rejects_state": rej_state})
            if progress:
                progress(summary.rows, inp.total)

        window = max(1, 2 * executor.workers) if not isinstance(executor, SerialExecutor) else 1
        pending: deque[tuple[Future[PartitionResult], list[BadRow], int]] = deque()
        for good, bad, n in _partitions(inp.rows(skip=done), chunk_size):
            pending.append((executor.submit(good), bad, n))
            while len(pending) >= window:
                commit(*pending.popleft())
        while pending:
            commit(*pending.popleft())
        hits_w.finish()
        rej_w.finish()
        summary.complete = True
        summary.seconds = base_seconds + time.perf_counter() - started
        atomic_write_json(progress_path, {**identity, **_state(summary), "chunks": chunk_no,
                                          "out_state": {}, "rejects_state": {}})
        return summary
    finally:
        for writer in (hits_w, rej_w):
            if writer is not None:
                writer.close()
        if executor is not None:
            executor.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


def _partitions(
    rows: Iterator[tuple[int, dict[str, Any]] | BadRow], size: int
) -> Iterator[tuple[list[tuple[int, dict[str, Any]]], list[BadRow], int]]:
    good: list[tuple[int, dict[str, Any]]] = []
    bad: list[BadRow] = []
    n = 0
    for row in rows:
        n += 1
        if isinstance(row, BadRow):
            bad.append(row)
        else:
            good.append(row)
        if n == size:
            yield good, bad, n
            good, bad, n = [], [], 0
    if n:
        yield good, bad, n


def _version_label(version: Any) -> str:
    source = getattr(version, "source", None)
    ver = getattr(version, "version", None)
    return f"{source}:{ver}" if source and ver else str(version)


def _state(summary: BatchSummary) -> dict[str, Any]:
    data = asdict(summary)
    return {k: data[k] for k in ("rows", "bands", "hits", "rejects", "seconds",
                                 "list_versions", "complete", "resumed_at")} | {
        "output": summary.output}


def _summary_from(state: dict[str, Any]) -> BatchSummary:
    return BatchSummary(
        input=state["input"], output=state["output"], rejects_file=state["rejects_file"],
        rows=state["rows"], bands=dict(state["bands"]), hits=state["hits"],
        rejects=int(state["rejects"]),
        seconds=state["seconds"], list_versions=list(state["list_versions"]),
        complete=bool(state.get("complete")), resumed_at=state.get("resumed_at"),
    )


__all__ = ["BatchSummary", "PoolExecutor", "SerialExecutor", "screen_file"]
