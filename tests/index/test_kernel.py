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
    found = np.flatnonzero(hit)
    expected = sorted(found.tolist(), key=lambda f: (-score[f], f))[:limit]
    assert got == expected
    # The scratch rows are left clean for the next query.
    assert not dense.any() and not seen.any()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(postings, st.sampled_from("tgdpwr")), max_size=6),
       st.integers(1, 30))
def test_group_hits_counts_each_form_once_with_its_best_key(
        keys: list[tuple[list[int], str]], max_df: int) -> None:
    """group_hits: the forms of one key group, each once with its best key's weight (its
    inverse document frequency times its kind's factor); keys in more than `max_df` forms
    are skipped and listed; keys not in the index are passed over."""
    import math

    from proscribe.index.candidates import _APPROX
    from proscribe.index.kernel import group_hits

    names = [f"{kind}key{n}" for n, (_, kind) in enumerate(keys)]
    slots = {name: n for n, name in enumerate(names)}
    flat = [f for key, _ in keys for f in key]
    offsets = np.cumsum([0] + [len(key) for key, _ in keys]).astype(np.int64)
    log_n = math.log(N_FORMS + 1)
    gbest = np.zeros(N_FORMS)
    gseen = np.zeros(N_FORMS, dtype=np.uint8)
    ids = np.empty(N_FORMS, dtype=np.int32)
    best = np.empty(N_FORMS)
    skipped: list[tuple[int, int, float]] = []
    n = group_hits(tuple(["tnot-a-key", *names]), slots, _APPROX, offsets,
                   np.asarray(flat, dtype=np.int32), log_n, max_df, gbest, gseen, ids, best,
                   skipped)
    expected: dict[int, float] = {}
    order: list[int] = []
    skips = []
    for (key, kind), lo in zip(keys, offsets.tolist(), strict=False):
        w = (log_n - math.log(len(key) + 1)) * _APPROX[kind]
        if len(key) > max_df:
            skips.append((lo, lo + len(key), w))
            continue
        for f in key:
            if f not in expected:
                order.append(f)
            expected[f] = max(expected.get(f, -math.inf), w)
    assert ids[:n].tolist() == order  # first seen first
    assert best[:n].tolist() == [expected[f] for f in order]
    assert skipped == skips
    assert not gbest.any() and not gseen.any()  # left clean for the next group
