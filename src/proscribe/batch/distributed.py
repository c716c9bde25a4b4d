"""Dask executor: partitions screened on a LocalCluster or an existing cluster.

Each task carries only its rows and the path of the saved index; a worker process loads the
index once (memory-mapped) and reuses it for every later partition. On an existing cluster
the index path must be readable by every worker (shared storage) and proscribe must be
installed in the workers' environment. Dask is imported here and nowhere in the core.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Any, cast

from proscribe.batch.columns import ColumnMap
from proscribe.batch.worker import PartitionResult, screen_partition
from proscribe.errors import ConfigError


class DaskExecutor:
    def __init__(self, address: str, workers: int, index_path: str, cols: ColumnMap,
                 limit: int | None) -> None:
        from dask.distributed import Client, LocalCluster

        self.index_path, self.cols, self.limit = index_path, cols.to_dict(), limit
        self.cluster: Any = None
        if address == "local":
            self.cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=max(1, workers), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)  # type: ignore[no-untyped-call]
        else:
            if "://" not in address:
                raise ConfigError("--dask takes 'local' or a scheduler address",
                                  expected="local or tcp://host:8786", found=address)
            try:
                self.client = Client(address, timeout=30)  # type: ignore[no-untyped-call]
            except OSError as exc:
                raise ConfigError("cannot reach the Dask scheduler", found=address,
                                  expected=str(exc)) from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def submit(self, rows: list[tuple[int, dict[str, Any]]]) -> Future[PartitionResult]:
        fut: Any = self.client.submit(
            screen_partition, self.index_path, self.cols, rows, self.limit, pure=False
        )
        # dask futures answer .result() like concurrent ones
        return cast("Future[PartitionResult]", fut)

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        if self.cluster is not None:
            self.cluster.close()


__all__ = ["DaskExecutor"]
