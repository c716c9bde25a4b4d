"""Time and peak memory to import every list under PROSCRIBE_LISTS_DIR into a fresh store.

Each phase runs in its own subprocess so peak RSS is measured cleanly:
  parse-only  - the parsers alone (the floor any store adds to)
  import      - parse + store into a fresh SQLite file (what `proscribe lists import` does)
  re-import   - the same again: every publication must be a no-op (sha256 already stored)
Targets (issue 2): all files in under 15 s and under 1 GiB.

    python bench/ingest.py [--lists DIR] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(phase: str, lists: str, url: str) -> None:
    from proscribe.sources.registry import discover, get_parser
    from proscribe.store import Store, import_folder

    t0 = time.perf_counter()
    per_source: dict[str, float] = {}
    entries = 0
    refused = 0
    if phase == "parse-only":
        for files in discover(Path(lists)):
            t = time.perf_counter()
            try:
                entries += len(get_parser(files.source).parse(files).entities)
            except Exception:  # noqa: BLE001 - refused sets are counted, not fatal
                refused += 1
            per_source[files.source] = per_source.get(files.source, 0) + time.perf_counter() - t
    else:
        store = Store(url)
        for out in import_folder(store, Path(lists)):
            if out.result:
                entries += out.result.version.entries if out.result.created else 0
            else:
                refused += 1
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": phase, "seconds": round(elapsed, 2), "peak_mb": round(peak_mb),
                      "entries": entries, "refused": refused,
                      "per_source_s": {k: round(v, 2) for k, v in per_source.items()}}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lists", default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    from proscribe.settings import get_settings

    lists = args.lists or str(get_settings().lists_dir)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        rows = []
        for phase in ("parse-only", "import", "re-import"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", phase, lists, url],
                check=True, capture_output=True, text=True,
            )
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'phase':<12} {'seconds':>8} {'peak MiB':>9} {'entries':>8} {'refused':>8}")
    for r in rows:
        print(f"{r['phase']:<12} {r['seconds']:>8} {r['peak_mb']:>9} {r['entries']:>8} "
              f"{r['refused']:>8}")
    print("parse time by source:", rows[0]["per_source_s"])
    imp = rows[1]
    print(json.dumps({
        "bench": "ingest",
        "import_s": imp["seconds"], "import_peak_mb": imp["peak_mb"],
        "parse_only_s": rows[0]["seconds"], "reimport_s": rows[2]["seconds"],
        "entries": imp["entries"], "refused_sets": imp["refused"],
        "target_met": imp["seconds"] < 15 and imp["peak_mb"] < 1024,
    }))


if __name__ == "__main__":
    main()
