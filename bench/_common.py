"""Shared loading for the screening benchmarks.

Parses the official list files in ../shared/data/lists with the project's own parsers
(UN 2026-02-27, OFAC SDN 2021-07-07 and 2024-05-03, the newest OFAC consolidated list, the
newest UK OFSI and FCDO lists) once, and caches the entities as a pickle under bench/out/.
"""

from __future__ import annotations

import csv
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from proscribe.model import Entity, ListVersion

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
LISTS = SHARED / "lists"
BENCH_DATA = SHARED / "bench"
OUT = ROOT / "bench" / "out"
CACHE = OUT / "entities.pkl"

#: (source, folder date or None for the newest) of every list the benchmarks screen against.
WANTED: list[tuple[str, str | None]] = [
    ("un", "2026-02-27"),
    ("ofac_sdn", "2021-07-07"),
    ("ofac_sdn", "2024-05-03"),
    ("ofac_cons", None),
    ("uk_ofsi", None),
    ("uk_fcdo", None),
]


def _pick_sets() -> list[Any]:
    from proscribe.sources.registry import discover

    sets = discover(LISTS)
    chosen = []
    for source, day in WANTED:
        mine = [s for s in sets if s.source == source]
        if day is not None:
            mine = [s for s in mine if s.folder_date and s.folder_date.isoformat() == day]
        if mine:
            chosen.append(mine[-1])
    return chosen


def load_lists(refresh: bool = False, verbose: bool = True) -> tuple[list[Entity],
                                                                   list[ListVersion]]:
    """Entities (with ids made unique per list version) and the versions they come from."""
    if CACHE.is_file() and not refresh:
        with open(CACHE, "rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own cache
        return data["entities"], data["versions"]
    from proscribe.sources.registry import get_parser

    entities: list[Entity] = []
    versions: list[ListVersion] = []
    seen_sources: dict[str, int] = {}
    for files in _pick_sets():
        started = time.perf_counter()
        try:
            parsed = get_parser(files.source).parse(files)
        except Exception as exc:  # a parser still being written must not stop the bench
            print(f"skip {files.source} {files.folder_date}: {exc}", file=sys.stderr)
            continue
        n = seen_sources.get(files.source, 0)
        seen_sources[files.source] = n + 1
        # Two versions of one list (OFAC SDN 2021 and 2024) hold the same refs: keep both
        # apart, as the anchors did, by suffixing the older ones' refs.
        day = files.folder_date.isoformat() if files.folder_date else "x"
        for entity in parsed.entities:
            entities.append(entity if n == 0 else replace(entity, ref=f"{entity.ref}@{day}"))
        versions.append(ListVersion(source=files.source, version=day,
                                    published=parsed.published, sha256="",
                                    parser_version="bench", entries=len(parsed.entities)))
        if verbose:
            print(f"parsed {files.source} {day}: {len(parsed.entities)} entities in "
                  f"{time.perf_counter() - started:.1f}s", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(CACHE, "wb") as fh:
        pickle.dump({"entities": entities, "versions": versions}, fh)
    return entities, versions


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for h in header:
            table.add_column(h)
        for row in rows:
            table.add_row(*[_fmt(x) for x in row])
        Console().print(table)
    except ImportError:  # pragma: no cover
        print(title)
        print("\t".join(header))
        for row in rows:
            print("\t".join(_fmt(x) for x in row))


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4f}" if abs(x) < 10 else f"{x:.1f}"
    return str(x)


def emit_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, default=str))


class LogicV2:
    """nomenklatura's logic-v2 (the default of OpenSanctions' yente; a bench extra, never
    imported by the package), as the issue's anchor runs it: a token_sort brute-force scan
    over every list name, then logic-v2 rescoring the entities of the 50 best names.

    `LogicV2.create()` is None when nomenklatura is not installed. Every entity handed to
    nomenklatura gets a unique id: it caches by id.
    """

    def __init__(self, entities: list[Entity]) -> None:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig

        from proscribe.text import clean_name

        algo = get_algorithm("logic-v2")
        assert algo is not None
        self.algo = algo
        self.cfg = ScoringConfig.defaults()
        self._model = model
        self._serial = 0
        self.names: list[str] = []
        self.owners: list[Entity] = []
        for e in entities:
            for nm in e.names:
                self.names.append(clean_name(nm.value))
                self.owners.append(e)
        self.compare(self.proxy("Person", "warm up"), self.proxy("Person", "warm up"))

    @classmethod
    def create(cls, entities: list[Entity]) -> LogicV2 | None:
        try:
            import nomenklatura.matching  # noqa: F401
        except ImportError:
            print("nomenklatura not installed: logic-v2 skipped", file=sys.stderr)
            return None
        return cls(entities)

    def proxy(self, schema: str, name: str, **props: str | None) -> Any:
        self._serial += 1
        e = self._model.make_entity(schema)
        e.id = f"bench-{self._serial}"
        e.add("name", name)
        for k, v in props.items():
            if v:
                e.add(k, v)
        return e

    def compare(self, a: Any, b: Any) -> float:
        return float(self.algo.compare(a, b, self.cfg).score)

    def rescore(self, name: str, candidates: int = 50) -> dict[str, float]:
        """logic-v2 scores of the entities owning the `candidates` best token_sort names
        for a person query `name`, by entity id."""
        from rapidfuzz import fuzz, process

        from proscribe.model import EntityKind
        from proscribe.text import clean_name

        q = self.proxy("Person", name)
        scored: dict[str, float] = {}
        for _, _, idx in process.extract(clean_name(name), self.names,
                                         scorer=fuzz.token_sort_ratio, limit=candidates):
            e = self.owners[idx]
            if e.id in scored:
                continue
            r = self.proxy("Person" if e.kind is EntityKind.PERSON else "LegalEntity",
                           e.primary_name)
            for nm in e.names[1:]:
                r.add("alias", nm.value)
            scored[e.id] = self.compare(q, r)
        return scored
