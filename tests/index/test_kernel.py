"""The posting-list merge of the candidate index (index/kernel.py) against plain numpy."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.index.kernel import accumulate, top_forms

N_FORMS = 60
postings = st.lists(st.integers(0, N_FORMS - 1), max_size=40, unique=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(postings, st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0])),
                min_size=1, max_size=6),
       st.lists(st.tuples(postings, st.sampled_from([0.25, 0.5])), max_size=2),
       st.integers(0, 70))
def test_merge_equals_numpy(groups: list[tuple[list[int], float]],
                            common: list[tuple[list[int], float]], limit: int) -> None:
    dense = np.zeros(N_FORMS)
    seen = np.zeros(N_FORMS, dtype=np.uint8)
    touched = np.empty(N_FORMS, dtype=np.int32)
    score = np.zeros(N_FORMS)
    hit = np.zeros(N_FORMS, dtype=bool)
    n = 0
    for ids, w in groups:
        arr = np.asarray(ids, dtype=np.int32)
        n = accumulate(arr, np.full(len(ids), w), 0.0, False, dense, seen, touched, n)
        score[arr] += w
        hit[arr] = True
    for ids, w in common:  # only adds to forms already hit
        arr = np.asarray(ids, dtype=np.int32)
        n = accumulate(arr, np.empty(0), w, True, dense, seen, touched, n)
        score[arr[hit[arr]]] += w
    got = top_forms(dense, seen, touched, n, limit).tolist()
    ids = np.flatnonzero(hit)
    expected = sorted(ids.tolist(), key=lambda f: (-score[f], f))[:limit]
    assert got == expected
    # The scratch rows are left clean for the next query.
    assert not dense.any() and not seen.any()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(postings, st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0])), max_size=6))
def test_group_best_counts_each_form_once_with_its_best_key(
        keys: list[tuple[list[int], float]]) -> None:
    """group_best: the forms of one key group, each once with its best key's weight."""
    from proscribe.index.kernel import group_best

    gbest = np.zeros(N_FORMS)
    gseen = np.zeros(N_FORMS, dtype=np.uint8)
    ids = np.empty(N_FORMS, dtype=np.int32)
    best = np.empty(N_FORMS)
    flat = [f for key, _ in keys for f in key]
    bounds = np.cumsum([0] + [len(key) for key, _ in keys])
    n = group_best(np.asarray(flat, dtype=np.int32), bounds[:-1].astype(np.int64),
                   bounds[1:].astype(np.int64), np.asarray([w for _, w in keys]),
                   gbest, gseen, ids, best)
    expected: dict[int, float] = {}
    for key, w in keys:
        for f in key:
            expected[f] = max(expected.get(f, -1.0), w)
    assert dict(zip(ids[:n].tolist(), best[:n].tolist(), strict=True)) == expected
    assert n == len(expected)
    assert not gbest.any() and not gseen.any()  # left clean for the next group
