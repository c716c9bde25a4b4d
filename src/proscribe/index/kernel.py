"""The merge of posting lists in `CandidateIndex.lookup`, over flat numpy arrays.

Plain Python that Cython compiles at install, with the types of `kernel.pxd` beside it (as
matching/name_v1/kernel.py): numpy's unique / bincount / argpartition over a few hundred
postings cost a fixed ~10 µs a call, several calls a query. Here a dense score row (one
float per name form, all zero between queries, with a row of marks for the forms hit)
takes each posting in one step and a heap keeps the best forms.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["accumulate", "group_hits", "top_forms"]


def accumulate(ids: np.ndarray, weights: np.ndarray, weight: float, only_hit: bool,
               dense: np.ndarray, seen: np.ndarray, touched: np.ndarray, ntouched: int) -> int:
    """Add `weights[k]` (or `weight` for every id when `weights` is empty) to `dense[id]`
    for each id of `ids`, marking ids seen for the first time in `seen` and listing them
    in `touched` (so at most once each, whatever the weights); with `only_hit`, only to ids
    already seen. Returns the new count of touched ids."""
    n = ids.shape[0]
    per_id = weights.shape[0] > 0
    for k in range(n):
        f = ids[k]
        if not seen[f]:
            if only_hit:
                continue
            seen[f] = 1
            touched[ntouched] = f
            ntouched += 1
        dense[f] += weights[k] if per_id else weight
    return ntouched


def group_hits(keys: tuple[str, ...], slots: dict[str, int], approx: dict[str, float],
               offsets: np.ndarray, postings: np.ndarray, log_n: float, max_df: int,
               gbest: np.ndarray, gseen: np.ndarray, ids: np.ndarray, best: np.ndarray,
               skipped: list[tuple[int, int, float]]) -> int:
    """The forms hit by one query token's key group, each once with its best key's weight
    (`CandidateIndex._group_hits`): a key's weight is its inverse document frequency
    `log_n - log(df + 1)` times `approx[key[0]]` (how approximate its kind is). Keys in more
    than `max_df` forms are left out and listed in `skipped` as (lo, hi, weight) of their
    postings. Writes the forms to `ids` and their weights to `best` (first seen first) and
    returns how many; `gbest` and `gseen` are scratch rows over all forms, zero between
    calls and left so.

    One call a group where the interpreted loop paid a dictionary lookup, two numpy scalar
    reads and conversions and four numpy calls a key: ~0.1 ms for a query new to the
    caches, a quarter of its screening.
    """
    ng = 0
    for k in keys:
        slot = slots.get(k, -1)
        if slot < 0:
            continue
        lo = offsets[slot]
        hi = offsets[slot + 1]
        w = (log_n - math.log(hi - lo + 1)) * approx[k[0]]
        if hi - lo > max_df:
            skipped.append((lo, hi, w))
            continue
        for p in range(lo, hi):
            f = postings[p]
            if not gseen[f]:
                gseen[f] = 1
                ids[ng] = f
                ng += 1
                gbest[f] = w
            elif w > gbest[f]:
                gbest[f] = w
    for j in range(ng):
        f = ids[j]
        best[j] = gbest[f]
        gseen[f] = 0
        gbest[f] = 0.0
    return ng


def top_forms(dense: np.ndarray, seen: np.ndarray, touched: np.ndarray, ntouched: int,
              limit: int) -> np.ndarray:
    """The `limit` touched ids of highest `dense` score, best first (ties: lower id
    first); `dense` and `seen` are zeroed again at the touched ids."""
    k = ntouched if ntouched < limit else limit
    out_arr = np.empty(k, dtype=np.int32)
    if k <= 0:
        for j in range(ntouched):
            dense[touched[j]] = 0.0
            seen[touched[j]] = 0
        return out_arr
    out = out_arr
    # A min-heap of the k best (worst at the root), by (score, -id).
    size = 0
    for j in range(ntouched):
        f = touched[j]
        s = dense[f]
        if size < k:
            i = size
            size += 1
            while i > 0:                      # sift up
                parent = (i - 1) // 2
                g = out[parent]
                if dense[g] < s or (dense[g] == s and g > f):
                    break
                out[i] = g
                i = parent
            out[i] = f
        else:
            g = out[0]
            if s < dense[g] or (s == dense[g] and f > g):
                continue
            _sift_down(dense, out, size, f)   # replace the root
    # Heap to sorted, best first: repeatedly move the worst to the end.
    end = size
    while end > 1:
        end -= 1
        last = out[end]
        out[end] = out[0]
        _sift_down(dense, out, end, last)
    for j in range(ntouched):
        dense[touched[j]] = 0.0
        seen[touched[j]] = 0
    return out_arr


def _sift_down(dense: np.ndarray, out: np.ndarray, size: int, f: int) -> None:
    """Put `f` at the root of the heap out[:size] (worst at the root, by (score, -id))
    and sift it down to its place."""
    s = dense[f]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        h = out[c]
        if c + 1 < size:
            h2 = out[c + 1]
            if dense[h2] < dense[h] or (dense[h2] == dense[h] and h2 > h):
                c += 1
                h = h2
        if s < dense[h] or (s == dense[h] and f > h):
            break
        out[i] = h
        i = c
    out[i] = f
