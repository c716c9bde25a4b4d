"""Vectorised upper bounds of `align_forms`, so that only promising forms are scored exactly.

The exact alignment (names.py) is a Python loop over token pairs with compounds and
explanations: about 20-100 µs per pair of names. The index proposes ~64 forms per query,
most of them far from the match band. Here one rapidfuzz `cdist` call compares the query
tokens (and adjacent-token compounds) with every distinct token of those forms, and numpy
turns the matrix into, for every form, a score that `align_forms` can never exceed:

    num <= sum_i wq_i * best_i  +  sum_j wc_j * best_j
    den >= sum_i wq_i + min(extra-token weight) * sum_j wc_j

where best_i is the highest similarity bound of query token i against any token or compound
of the form (and of its compounds against the form's tokens), likewise for candidate tokens;
the whole-name (joined) path is bounded by its own `cdist`. The screener scores entities in
decreasing order of this bound and stops once the bound is below the k-th exact score: the
top-k is the same as scoring every proposed form, at a fraction of the cost.

Token similarity bound (>= `token_similarity` for every pair): equal -> 1; otherwise the
largest of the edit score, 0.95 for one spelling family, 0.85 for one phonetic key and 0.8
for an initial against a name with that letter (the phonetic rule needs at most half the
letters to differ, as in `token_similarity`). Digits are ignored (they only lower scores).
Plain numpy arrays, not objects: this is the hot loop (one array per attribute, per token).
"""

from __future__ import annotations

from typing import Any

from collections.abc import Sequence

import numpy as np
from mypy_extensions import mypyc_attr
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from proscribe.matching.name_v1.names import (
    EXTRA_TOKEN_WEIGHT,
    MIN_PAIR_SIMILARITY,
    NameForm,
    token_weight,
)
from proscribe.text.phonetic import phonetic_key, spelling_group

__all__ = ["TokenTable"]

#: Least similarity at which align_forms pairs a compound (names._improve_with_compounds).
COMPOUND_MIN = 0.8


_TOKENTABLE_FIELDS = ("_group_ids", "_key_ids", "alpha", "comp_off", "first", "form_comp",
                      "form_tok", "groups", "joined", "keys", "lengths", "tok_off", "tokens",
                      "weights")


@mypyc_attr(native_class=False)  # a plain class: pickled in saved indexes
class TokenTable:
    """Every distinct token (and adjacent-token compound) of the list names, as arrays.

    `form_tok` / `tok_off`: the token ids of each form, flat with offsets; `form_comp` /
    `comp_off`: the ids of each form's adjacent compounds (-1 when it has none).
    """

    __slots__ = _TOKENTABLE_FIELDS

    # Explicit pickling: in a module compiled by mypyc, pickle's default sees no fields.
    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _TOKENTABLE_FIELDS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __init__(self, tokens: list[str], form_tok: np.ndarray, tok_off: np.ndarray,
                 form_comp: np.ndarray, comp_off: np.ndarray, joined: list[str],
                 alpha: np.ndarray) -> None:
        self.tokens = tokens
        self.alpha = alpha
        self.form_tok = form_tok
        self.tok_off = tok_off
        self.form_comp = form_comp
        self.comp_off = comp_off
        self.joined = joined
        self.lengths = np.fromiter((len(t) for t in tokens), dtype=np.float64,
                                   count=len(tokens))
        self.first = np.fromiter((ord(t[0]) if t else 0 for t in tokens), dtype=np.int32,
                                 count=len(tokens))
        self._group_ids: dict[str, int] = {}
        self._key_ids: dict[str, int] = {}
        self.groups = np.fromiter((self._group_id(t, True) for t in tokens), dtype=np.int32,
                                  count=len(tokens))
        self.keys = np.fromiter((self._key_id(t, True) for t in tokens), dtype=np.int32,
                                count=len(tokens))
        wt = np.fromiter((token_weight(t) for t in tokens), dtype=np.float64,
                         count=len(tokens))
        self.weights = wt[form_tok] if form_tok.size else np.empty(0)

    def _group_id(self, token: str, add: bool) -> int:
        g = spelling_group(token)
        if g is None:
            return -1
        gid = self._group_ids.get(g)
        if gid is None:
            if not add:
                return -2
            gid = self._group_ids[g] = len(self._group_ids)
        return gid

    def _key_id(self, token: str, add: bool) -> int:
        k = phonetic_key(token)
        if len(k) < 2:
            return -1
        kid = self._key_ids.get(k)
        if kid is None:
            if not add:
                return -2
            kid = self._key_ids[k] = len(self._key_ids)
        return kid

    @classmethod
    def build(cls, forms: Sequence[NameForm], person: Sequence[bool]) -> TokenTable:
        """Token arrays of `forms`; `person[k]`: form k names a person (its extra-token
        weight)."""
        vocab: dict[str, int] = {}
        form_tok: list[int] = []
        tok_off = [0]
        form_comp: list[int] = []
        comp_off = [0]
        for form in forms:
            toks = form.tokens
            for t in toks:
                form_tok.append(vocab.setdefault(t, len(vocab)))
            tok_off.append(len(form_tok))
            if len(toks) > 1:
                for i in range(len(toks) - 1):
                    form_comp.append(vocab.setdefault(toks[i] + toks[i + 1], len(vocab)))
            else:
                form_comp.append(-1)
            comp_off.append(len(form_comp))
        return cls(list(vocab), np.asarray(form_tok, dtype=np.int32),
                   np.asarray(tok_off, dtype=np.int64), np.asarray(form_comp, dtype=np.int32),
                   np.asarray(comp_off, dtype=np.int64), [f.joined for f in forms],
                   np.asarray([EXTRA_TOKEN_WEIGHT["person" if p else "other"] for p in person],
                              dtype=np.float64))

    # ------------------------------------------------------------------ bounds
    def _sim_bound(self, rows: list[str], cols: np.ndarray) -> np.ndarray:
        """Upper bound of `token_similarity` for rows (strings) x cols (token ids)."""
        ctoks = [self.tokens[c] for c in cols.tolist()]
        dist = cdist(rows, ctoks, scorer=OSA.distance, dtype=np.int32, workers=1)
        rl = np.fromiter((len(r) for r in rows), dtype=np.float64, count=len(rows))
        cl = self.lengths[cols]
        maxlen = np.maximum(rl[:, None], cl[None, :])
        rel = dist / np.maximum(maxlen, 1.0)
        sim = np.maximum(1.0 - 1.5 * rel, 0.0)
        sim[dist == 0] = 1.0
        rg = np.fromiter((self._group_id(r, False) for r in rows), dtype=np.int32,
                         count=len(rows))
        rk = np.fromiter((self._key_id(r, False) for r in rows), dtype=np.int32,
                         count=len(rows))
        cg = self.groups[cols]
        ck = self.keys[cols]
        same_g = (rg[:, None] == cg[None, :]) & (rg[:, None] >= 0)
        same_k = (rk[:, None] == ck[None, :]) & (rk[:, None] >= 0) & (rel <= 0.5) & \
            (np.abs(rl[:, None] - cl[None, :]) <= 1)
        sim = np.where(same_g, np.maximum(sim, 0.95), sim)
        sim = np.where(same_k, np.maximum(sim, 0.85), sim)
        rf = np.fromiter((ord(r[0]) if r else -1 for r in rows), dtype=np.int32,
                         count=len(rows))
        initial = ((rl[:, None] == 1) | (cl[None, :] == 1)) & (rf[:, None] == self.first[cols])
        sim = np.where(initial, np.maximum(sim, 0.8), sim)
        # align_forms leaves a pair below MIN_PAIR_SIMILARITY unmatched: it adds nothing.
        sim[sim < MIN_PAIR_SIMILARITY] = 0.0
        out: np.ndarray = sim
        return out

    def upper_bounds(self, qforms: Sequence[NameForm],
                     fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each query form q and form id f in `fids`: a bound >= align_forms(q, f)
        (shape: len(qforms) x len(fids)), and whether any compound pair (joined or split
        tokens) could reach 0.8 with f (when not, align_forms can skip its compound
        search)."""
        n = fids.shape[0]
        if n == 0 or not qforms:
            return np.zeros((len(qforms), n)), np.zeros(n, dtype=bool)
        starts, ends = self.tok_off[fids], self.tok_off[fids + 1]
        lens = ends - starts
        flat = _ranges(starts, lens)
        tok_ids = self.form_tok[flat]
        wc = self.weights[flat]
        cstarts, cends = self.comp_off[fids], self.comp_off[fids + 1]
        clens = cends - cstarts
        comp_ids = self.form_comp[_ranges(cstarts, clens)]
        seg = np.zeros(n, dtype=np.int64)
        np.cumsum(lens[:-1], out=seg[1:])
        cseg = np.zeros(n, dtype=np.int64)
        np.cumsum(clens[:-1], out=cseg[1:])
        uniq, inv_all = np.unique(np.concatenate([tok_ids, comp_ids]), return_inverse=True)
        has_sentinel = bool(uniq.shape[0] and uniq[0] < 0)
        inv_tok = inv_all[: tok_ids.shape[0]]
        inv_comp = inv_all[tok_ids.shape[0]:]
        cols = uniq[1:] if has_sentinel else uniq
        shift = 1 if has_sentinel else 0
        wc_sum = np.add.reduceat(wc, seg)
        alpha_f = self.alpha[fids]
        wc_min = np.minimum.reduceat(wc, seg)
        seg_id = np.repeat(np.arange(n), lens)
        joined = [self.joined[f] for f in fids.tolist()]
        best = np.zeros((len(qforms), n))
        compound = np.zeros(n, dtype=bool)
        for qi, qf in enumerate(qforms):
            qt = list(qf.tokens)
            nq = len(qt)
            rows = qt + [qt[i] + qt[i + 1] for i in range(nq - 1)]
            sim = np.zeros((len(rows), uniq.shape[0]))
            sim[:, shift:] = self._sim_bound(rows, cols)
            sim[nq:][sim[nq:] < COMPOUND_MIN] = 0.0   # query compounds pair at >= 0.8 only
            a = sim[:, inv_tok]                       # rows x flat tokens
            b = sim[:nq][:, inv_comp]                 # query tokens x flat compounds
            b[b < COMPOUND_MIN] = 0.0
            row_tok = np.maximum.reduceat(a, seg, axis=1)      # rows x forms
            row_comp = np.maximum.reduceat(b, cseg, axis=1)    # nq x forms
            bq = np.maximum(row_tok[:nq], row_comp)
            compound |= row_comp.max(axis=0) > 0
            if nq > 1:
                compound |= row_tok[nq:].max(axis=0) > 0
            for i in range(nq - 1):                   # query compounds i,i+1
                bq[i] = np.maximum(bq[i], row_tok[nq + i])
                bq[i + 1] = np.maximum(bq[i + 1], row_tok[nq + i])
            wq = np.array([token_weight(t) for t in qt])
            # Candidate tokens: best against any query row; or any compound of the form.
            col_tok = a.max(axis=0)
            comp_best = np.maximum.reduceat(b.max(axis=0), cseg) if b.shape[1] else \
                np.zeros(n)
            bc = np.maximum(col_tok, np.repeat(comp_best, lens))
            # Pairs are one to one: at most nq candidate tokens are matched (2 nq with
            # candidate compounds), so only the best that many count.
            k = np.where(comp_best > 0, 2 * nq, nq)
            num = wq @ bq + _top_k_sums(wc * bc, seg_id, seg, k)
            # Unmatched candidate tokens weigh alpha only once two pairs matched, and every
            # pair holds a query token with a non-zero bound.
            # When alpha applies, two or more candidate tokens are matched and weigh fully.
            two = (bq > 0).sum(axis=0) >= 2
            alpha = np.where(two, alpha_f, 1.0)
            # Unmatched tokens on either side weigh at least alpha (names._pairs_score).
            wq_sum = wq.sum()
            wq_low = min(2.0 * float(wq.min()), float(wq_sum))
            den = alpha * (wq_sum + wc_sum) + np.where(
                two, (1.0 - alpha_f) * (np.minimum(2.0 * wc_min, wc_sum) + wq_low), 0.0)
            ub = np.minimum(num / den, 1.0)
            if qf.joined:
                jd = cdist([qf.joined], joined, scorer=OSA.distance, dtype=np.int32,
                           workers=1)[0]
                jl = np.fromiter((len(j) for j in joined), dtype=np.float64, count=n)
                ml = np.maximum(np.maximum(jl, len(qf.joined)), 1.0)
                js = np.where(jd == 0, 1.0, np.maximum(1.0 - 2.0 * jd / ml, 0.0)) * 0.97
                ub = np.maximum(ub, js)
            best[qi] = ub
        return best, compound


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + l) for each (s, l)."""
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    cum = np.cumsum(lens)
    offs = np.repeat(starts - (cum - lens), lens)
    return offs + np.arange(total)


def _top_k_sums(values: np.ndarray, seg_id: np.ndarray, seg: np.ndarray,
                k: np.ndarray) -> np.ndarray:
    """Per segment, the sum of its k[segment] largest values."""
    order = np.lexsort((-values, seg_id))
    rank = np.arange(values.shape[0]) - seg[seg_id[order]]
    keep = rank < k[seg_id[order]]
    return np.bincount(seg_id[order][keep], weights=values[order][keep],
                       minlength=seg.shape[0])
