"""Fixtures of the service tests: a store with the v1 UN fixture imported, keys, a client."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from proscribe.api import ApiConfig, create_app
from proscribe.settings import Settings, get_settings, override_settings
from proscribe.store import Store, import_folder
from proscribe.store.keys import KeyStore

with warnings.catch_warnings():
    # starlette.testclient warns that it wants httpx2 on import; the client works as is.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FIXTURES = Path(__file__).parent.parent / "fixtures" / "store"


def add_version(lists: Path, name: str) -> None:
    """Copy the hand-made UN publication v1 or v2 into a lists folder."""
    shutil.copytree(FIXTURES / name, lists, dirs_exist_ok=True)


def add_broken(lists: Path, day: str = "2026-03-10") -> None:
    folder = lists / "un" / day
    folder.mkdir(parents=True)
    text = (FIXTURES / "v2" / "un" / "2026-02-10" / "consolidated.xml").read_text()
    (folder / "consolidated.xml").write_text(text[: len(text) // 2])  # truncated XML


@dataclass
class Env:
    settings: Settings
    lists: Path
    screen: str
    check: str
    admin: str
    url: str

    def h(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def add_version(self, name: str) -> None:
        add_version(self.lists, name)

    def add_broken(self, day: str = "2026-03-10") -> None:
        add_broken(self.lists, day)

    def client(self, **config: object) -> TestClient:
        return make_client(self, **config)


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> Iterator[Env]:
    lists = tmp_path / "lists"
    add_version(lists, "v1")
    with override_settings(lists_dir=lists):
        store = Store.open(db_url)
        import_folder(store, lists)
        keys = KeyStore(store.engine)
        yield Env(
            settings=get_settings(),
            lists=lists,
            screen=keys.create(["screen"], "screen")[1],
            check=keys.create(["check"], "check")[1],
            admin=keys.create(["admin"], "admin")[1],
            url=db_url,
        )


def make_client(env: Env, **config: object) -> TestClient:
    cfg = ApiConfig(**{"api_index_poll_s": 0, **config})  # type: ignore[arg-type]
    return TestClient(create_app(env.settings, cfg))


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    with make_client(env) as c:
        yield c
