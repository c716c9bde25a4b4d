"""Shared fixtures: isolated settings, a store URL on SQLite and (in CI) real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from proscribe.settings import get_settings, override_settings

FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("PROSCRIBE_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    """The real official list files (../shared/data/lists); skip when absent."""
    path = get_settings().lists_dir
    if path is None or not path.is_dir():
        pytest.skip("real list files not found (set PROSCRIBE_LISTS_DIR)")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """Settings pointing at a fresh data folder (SQLite store inside it)."""
    with override_settings(data_dir=tmp_path, database_url=None):
        yield tmp_path


def _fresh_pg_database() -> tuple[str, str]:
    assert PG_URL is not None
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str, url: str) -> None:
    from proscribe.store.store import _ENGINES

    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
    assert PG_URL is not None
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite file, and PostgreSQL when CI provides one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        with override_settings(data_dir=tmp_path, database_url=url):
            yield url
        from proscribe.store.store import _ENGINES

        engine = _ENGINES.pop(url, None)
        if engine is not None:
            engine.dispose()
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PROSCRIBE_TEST_POSTGRES_URL (scripts/test starts one)")
        pytest.skip("no PostgreSQL server (PROSCRIBE_TEST_POSTGRES_URL unset)")
    name, url = _fresh_pg_database()
    try:
        with override_settings(data_dir=tmp_path, database_url=url):
            yield url
    finally:
        _drop_pg_database(name, url)
