"""Batch screening throughput and recall of planted listed names.

    python bench/batch.py --rows 1000000 [--planted 500] [--lists ../shared/data/lists]

Generates N customers (a fresh Faker name per row, of a locale drawn among 20; fixed seed;
no pool of rows reused), plants K perturbed names of listed
persons and organisations, and screens the file on 1 core, a 2-process pool and a Dask
LocalCluster of 2 workers. Prints a table (rows/s, ratio to 1 core, recall of the planted
names) and a final JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "ru_RU",
           "uk_UA", "tr_TR", "pt_BR", "ar_AA", "fa_IR", "hi_IN", "zh_CN", "ja_JP", "ko_KR",
           "vi_VN", "id_ID"]
#: The country of a locale's customers (none for the pan-Arabic one).
COUNTRY = {loc: loc.split("_")[1] for loc in LOCALES if loc != "ar_AA"}


def perturb(name: str, rng: random.Random) -> str:
    tokens = name.replace(",", " ").split()
    choice = rng.randrange(4)
    if choice == 0 and len(tokens) > 1:
        tokens = tokens[1:] + tokens[:1]  # surname first / last
    elif choice == 1:
        longest = max(range(len(tokens)), key=lambda i: len(tokens[i]))
        t = tokens[longest]
        if len(t) > 5:
            k = rng.randrange(1, len(t) - 1)
            tokens[longest] = t[:k] + t[k + 1:]  # one letter dropped
    elif choice == 2:
        tokens = [t.capitalize() for t in tokens]
    else:
        tokens = [t.lower() for t in tokens]
    return " ".join(tokens)


def make_customers(path: Path, rows: int, planted: list[tuple[str, str, str]], seed: int
                   ) -> tuple[dict[int, str], int]:
    """Write the file; returns ({csv line: planted entity id}, distinct customer names).

    Every row is a fresh Faker name of a locale drawn at random, with its own date of birth:
    names repeat only as often as the locales' own name tables make them (common Chinese
    and Korean names do), not because rows are drawn again from a small pool, which would
    make the screening caches look better than a real customer file lets them be.
    """
    from faker import Faker

    rng = random.Random(seed)
    fakers = {}
    for loc in LOCALES:
        fakers[loc] = Faker(loc)
        fakers[loc].seed_instance(seed)
    where = set(rng.sample(range(rows), len(planted)))
    plant_iter = iter(planted)
    truth: dict[int, str] = {}
    names: set[str] = set()
    first_day = date(1936, 1, 1).toordinal()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "type", "dob", "country"])
        for i in range(rows):
            if i in where:
                entity_id, name, kind = next(plant_iter)
                w.writerow([f"P{i}", perturb(name, rng), kind, "", ""])
                truth[i + 2] = entity_id
            else:
                loc = LOCALES[rng.randrange(len(LOCALES))]
                name = fakers[loc].name()
                names.add(name)
                dob = date.fromordinal(first_day + rng.randrange(72 * 365)).isoformat()
                w.writerow([f"C{i}", name, "person", dob, COUNTRY.get(loc, "")])
    return truth, len(names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--planted", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--lists", type=Path, default=None, help="lists folder (default: setting)")
    ap.add_argument("--modes", default="1core,2cores,dask")
    args = ap.parse_args()

    from proscribe.batch import screen_file
    from proscribe.errors import SourceError
    from proscribe.settings import get_settings, override_settings
    from proscribe.sources.registry import discover
    from proscribe.screeners import load_screener
    from proscribe.store import Store

    work = Path(tempfile.mkdtemp(prefix="proscribe-bench-"))
    url = f"sqlite:///{work / 'store.db'}"
    with override_settings(data_dir=work, database_url=url):
        lists = args.lists or get_settings().lists_dir
        if lists is None:
            sys.exit("no lists folder: pass --lists")
        store = Store(url)
        by_source: dict[str, list] = {}  # type: ignore[type-arg]
        for fs in discover(lists):
            if fs.source in ("un", "ofac_sdn", "uk_ofsi"):
                by_source.setdefault(fs.source, []).append(fs)
        t0 = time.perf_counter()
        for sets in by_source.values():  # newest publication that imports
            for fs in sorted(sets, key=lambda f: str(f.folder_date), reverse=True):
                try:
                    store.import_fileset(fs)
                    break
                except SourceError as exc:
                    print(f"skipped {fs.source} {fs.folder_date}: {exc.message}", file=sys.stderr)
        screener = load_screener()
        index = work / "index"
        screener.save(index)
        build_s = time.perf_counter() - t0
        rng = random.Random(args.seed)
        candidates = [(e.id, e.primary_name, e.kind.value) for e in screener.entities
                      if e.kind.value in ("person", "organization")
                      and 2 <= len(e.primary_name.split()) <= 5 and e.primary_name.isascii()]
        planted = rng.sample(candidates, min(args.planted, len(candidates)))
        src = work / "customers.csv"
        t0 = time.perf_counter()
        truth, distinct = make_customers(src, args.rows, planted, args.seed)
        gen_s = time.perf_counter() - t0
        print(f"lists: {', '.join(f'{v.source}:{v.version}' for v in screener.versions)} "
              f"({len(screener.entities)} entities, index {build_s:.1f}s); "
              f"{args.rows:,} customers generated in {gen_s:.1f}s ({distinct:,} distinct names), "
              f"{len(truth)} planted",
              file=sys.stderr)
        modes = {"1core": {"workers": 1}, "2cores": {"workers": 2},
                 "dask": {"workers": 2, "dask": "local"}}
        results = []
        for mode in args.modes.split(","):
            out = work / f"hits-{mode}.csv"
            t0 = time.perf_counter()
            s = screen_file(src, out, index_path=index, chunk_size=5000, **modes[mode])  # type: ignore[arg-type]
            secs = time.perf_counter() - t0
            found: dict[int, set[str]] = {}
            with out.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    found.setdefault(int(row["line"]), set()).add(row["entity_id"])
            hit = sum(1 for line, eid in truth.items() if eid in found.get(line, set()))
            missed = [planted[i] for i, (line, eid) in enumerate(sorted(truth.items()))
                      if eid not in found.get(line, set())][:5]
            results.append({"mode": mode, "rows": s.rows, "seconds": round(secs, 2),
                            "rows_per_s": round(s.rows / secs, 1),
                            "recall": round(hit / len(truth), 4) if truth else None,
                            "planted": len(truth), "missed_examples": missed,
                            "rows_flagged": s.bands["match"] + s.bands["review"]})
    base = results[0]["rows_per_s"] if results else 1
    print(f"{'mode':8} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'x 1core':>8} {'recall':>7}")
    for r in results:
        r["ratio"] = round(r["rows_per_s"] / base, 2)
        print(f"{r['mode']:8} {r['rows']:>10,} {r['seconds']:>9.1f} {r['rows_per_s']:>10,.0f} "
              f"{r['ratio']:>8.2f} {r['recall']:>7.3f}")
    print(json.dumps({"bench": "batch", "rows": args.rows, "planted": args.planted,
                      "distinct_names": distinct,
                      "results": results}))


if __name__ == "__main__":
    main()
