"""Shared batch fixtures: a store with the small UN fixture lists and generated customers."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from proscribe.settings import override_settings
from proscribe.sources.base import ListFileSet
from proscribe.store import Store

FIX = Path(__file__).parent.parent / "fixtures" / "store"

FIRST = ["Anna", "Pedro", "Mei", "Olga", "Tomasz", "Aisha", "Lars", "Chiara", "Yusuf", "Ingrid"]
LAST = ["Novak", "Garcia", "Lindqvist", "Okafor", "Rossi", "Tanaka", "Dubois", "Schmidt"]
PLANTED = ["Han Jang Su", "Ocean Maritime Management Company", "Kim Yong Chol"]


def un(folder: str) -> ListFileSet:
    path = next((FIX / folder).rglob("consolidated.xml"))
    return ListFileSet("un", [path], date.fromisoformat(path.parent.name))


@pytest.fixture
def store_url(tmp_path: Path) -> Iterator[str]:
    """SQLite store with UN v1 and v2 imported; settings point at it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with override_settings(data_dir=tmp_path, database_url=url):
        store = Store(url)
        store.import_fileset(un("v1"))
        store.import_fileset(un("v2"))
        yield url
    from proscribe.store.store import _ENGINES

    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def write_customers(path: Path, rows: int, seed: int = 7) -> None:
    """Customers with a planted listed name every 97th row and a bad row every 499th."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Customer ID", "Full Name", "Date of Birth", "Nationality", "Type"])
        for i in range(1, rows + 1):
            if i % 499 == 0:
                w.writerow([f"C{i}", "", "1970-01-01", "FR", "person"])
                continue
            name = (PLANTED[i // 97 % len(PLANTED)] if i % 97 == 0
                    else f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            kind = "company" if "Company" in name else "person"
            dob = "" if kind == "company" else f"{rng.randint(1940, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            w.writerow([f"C{i}", name, dob, rng.choice(["FR", "DE", "KP", ""]), kind])
