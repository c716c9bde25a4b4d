"""Screening one partition of rows: the same function in-process, in a process pool and
on a Dask worker, so every way of running a batch gives the same rows.

A worker process loads the saved index once (`Screener.load(path, mmap=True)`) and keeps it
for every partition it is given afterwards.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from proscribe.batch.columns import ColumnMap, RowError, row_query
from proscribe.errors import ProscribeError
from proscribe.runtime import gc_paused

if TYPE_CHECKING:
    from proscribe.screening import Candidate, NameMemo, Screener, ScreeningQuery

BANDS = ("match", "review", "no_match")

_CACHE: dict[str, Screener] = {}
_CACHE_LOCK = threading.Lock()
_MEMOS: weakref.WeakKeyDictionary[Screener, NameMemo] = weakref.WeakKeyDictionary()


def cached_screener(index_path: str) -> Screener:
    """The saved index at `index_path`, loaded once per process (memory-mapped)."""
    with _CACHE_LOCK:
        screener = _CACHE.get(index_path)
        if screener is None:
            from proscribe.screening import Screener
            from proscribe.text.translit import warm_up

            screener = Screener.load(index_path, mmap=True)
            screener.index.warm()
            warm_up()
            _CACHE[index_path] = screener
        return screener


def name_memo(screener: Screener) -> NameMemo:
    """This process's memory of the names `screener` has screened (`NameMemo`): a customer
    file names the same person again in later partitions, with other facts."""
    with _CACHE_LOCK:
        memo = _MEMOS.get(screener)
        if memo is None:
            from proscribe.screening import NameMemo

            memo = _MEMOS[screener] = NameMemo()
        return memo


@dataclass(slots=True)
class PartitionResult:
    """Hits (one dict per candidate in the match/review band), rejects and counts."""

    rows: int = 0
    hits: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    bands: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))


def _explanation(value: Any) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    elif hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def screen_rows(
    screener: Screener,
    cols: ColumnMap,
    rows: Sequence[tuple[int, dict[str, Any]]],
    limit: int | None = None,
) -> PartitionResult:
    """Screen (line, record) rows; a row that cannot be made a query becomes a reject."""
    from pydantic import ValidationError

    from proscribe.screening import ALL_HITS, ScreeningQuery

    out = PartitionResult(rows=len(rows))
    queries: list[tuple[tuple[Any, ...], ScreeningQuery]] = []
    kept: list[tuple[int, dict[str, Any]]] = []
    # Rows with the same query fields are one query (validated once); a reason stands for
    # every row that repeats a rejected one.
    made: dict[tuple[Any, ...], ScreeningQuery | str] = {}
    for line, record in rows:
        try:
            spec = row_query(record, cols)
        except RowError as exc:
            out.rejects.append(_reject(line, str(exc), record))
            continue
        key = _spec_key(spec)
        query = made.get(key)
        if query is None:
            try:
                # Every candidate in the review band or above, unless told otherwise.
                spec["limit"] = limit if limit is not None else ALL_HITS
                query = made[key] = ScreeningQuery(**spec)
            except (ValidationError, ProscribeError) as exc:
                query = made[key] = _validation_reason(exc)
        if isinstance(query, str):
            out.rejects.append(_reject(line, query, record))
            continue
        queries.append((key, query))
        kept.append((line, record))
    # A customer file repeats names (and whole rows): each distinct query is screened once,
    # and the name's part of it (forms, lookup, bounds) once per name while it is recent.
    memo = name_memo(screener)
    seen: dict[tuple[Any, ...], list[Candidate]] = {}
    # No cyclic collection while the partition is screened, then everything it left in the
    # caches and the name memo frozen out of the collector: it is long-lived, and full
    # collections would walk it again and again (150,000 Faker rows on one core: 9.1 s of
    # collections with the memo, 3.4 s frozen after every 5,000 rows; 3.5 s and 2.2 s
    # without the memo; collections inside a partition were still ~6% of a run). Nothing
    # the screening keeps holds a reference cycle, so nothing frozen is kept alive by it
    # (runtime.gc_paused); reference counting frees the rest as it goes.
    with gc_paused(freeze=True):
        _screen_kept(screener, cols, kept, queries, memo, seen, out)
    return out


def _spec_key(spec: dict[str, Any]) -> tuple[Any, ...]:
    """What tells one row's query fields (`row_query`) from another's: the same key, the
    same query."""
    return (spec["name"], spec.get("type"), spec.get("dob"), spec.get("country"),
            spec.get("gender"), tuple(spec.get("identifiers", ())))


def _screen_kept(screener: Screener, cols: ColumnMap, kept: list[tuple[int, dict[str, Any]]],
                 queries: list[tuple[tuple[Any, ...], ScreeningQuery]], memo: NameMemo,
                 seen: dict[tuple[Any, ...], list[Candidate]], out: PartitionResult) -> None:
    for (line, record), (key, query) in zip(kept, queries, strict=True):
        hits = seen.get(key)
        if hits is None:
            hits = seen[key] = screener.screen_hits(query, memo)
        best = "no_match"
        for cand in hits:
            band = str(getattr(cand.band, "value", cand.band))
            if band == "no_match":
                continue
            if best == "no_match" or (band == "match" and best == "review"):
                best = band
            out.hits.append(
                {
                    "line": line,
                    "row_id": _text(record.get(cols.id)) if cols.id else None,
                    "query_name": query.name,
                    "entity_id": cand.entity_id,
                    "source": cand.source,
                    "ref": cand.ref,
                    "entity_name": cand.name,
                    "matched_name": cand.matched_name,
                    "score": round(float(cand.score), 6),
                    "band": band,
                    "explanation": _explanation(cand.explanation),
                }
            )
        out.bands[best] += 1


def screen_partition(
    index_path: str,
    cols: dict[str, str | None],
    rows: Sequence[tuple[int, dict[str, Any]]],
    limit: int | None = None,
) -> PartitionResult:
    """Entry point for pool and Dask workers: everything in it pickles by value."""
    return screen_rows(cached_screener(index_path), ColumnMap.from_dict(cols), rows, limit)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _reject(line: int, reason: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"line": line, "reason": reason,
            "raw": json.dumps(record, ensure_ascii=False, default=str)}


def _validation_reason(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors()]
            return "; ".join(parts)
        except (TypeError, KeyError):
            pass
    return str(exc)


__all__ = ["BANDS", "PartitionResult", "cached_screener", "name_memo", "screen_partition",
           "screen_rows"]
