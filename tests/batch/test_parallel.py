"""A process pool and a Dask LocalCluster give the single-process result row for row."""

from __future__ import annotations

from pathlib import Path

import pytest

from proscribe.batch import screen_file

from .conftest import write_customers


@pytest.mark.slow
def test_pool_and_dask_equal_single_process(store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "customers.csv"
    write_customers(src, 3000)
    single = screen_file(src, tmp_path / "single.csv", chunk_size=400)
    pool = screen_file(src, tmp_path / "pool.csv", chunk_size=400, workers=2)
    dask = screen_file(src, tmp_path / "dask.csv", chunk_size=400, workers=2, dask="local")
    expected = (tmp_path / "single.csv").read_bytes()
    assert single.hits > 0
    assert (tmp_path / "pool.csv").read_bytes() == expected
    assert (tmp_path / "dask.csv").read_bytes() == expected
    assert (tmp_path / "dask.rejects.csv").read_bytes() == (
        tmp_path / "single.rejects.csv").read_bytes()
    assert single.bands == pool.bands == dask.bands
    # the temporary saved index is removed after the run
    assert not any((tmp_path / "batch").iterdir())


def test_a_worker_loads_each_index_once_ready_to_serve(tmp_path: Path) -> None:
    """A batch worker maps a saved index once per process, with the keys a Hangul name's
    joined groups are expanded against (index.JoinedKeys) already sorted."""
    from proscribe.batch.worker import cached_screener
    from proscribe.model import Entity, EntityKind, Name
    from proscribe.screening import Screener

    Screener.build([Entity("p", "1", EntityKind.PERSON, [Name("Kim Younghochul")])],
                   []).save(tmp_path / "idx")
    screener = cached_screener(str(tmp_path / "idx"))
    assert cached_screener(str(tmp_path / "idx")) is screener
    assert screener.index._joinable == ["tkim", "tkimyounghochul", "tyounghochul"]
