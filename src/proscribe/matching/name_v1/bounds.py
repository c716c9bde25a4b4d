"""Upper bounds of `align_forms`, so that only promising forms are scored exactly.

The exact alignment (names.py) is a Python loop over token pairs with compounds and
explanations: about 20-100 µs per pair of names. The index proposes ~64 forms per query,
most of them far from the match band. Here the query tokens (and adjacent-token
compounds) are compared with every distinct token of those forms by their OSA edit
distances (`kernel.osa_rows` over the table's tokens as one byte array; rapidfuzz's `cdist`
when the kernel runs interpreted or a text is not in that form), and the loops of
kernel.py (compiled by Cython) turn the matrix into, for every form, a score that
`align_forms` can never exceed:

    num <= sum_i wq_i * best_i  +  sum_j wc_j * best_j
    den >= sum_i wq_i + sum_j wc_j - (1 - alpha) * (heaviest `alone` tokens of one side)

where best_i is the highest similarity bound of query token i against any token or compound
of the form (and of its compounds against the form's tokens; the c-th copy of a repeated
token gets the c-th best), likewise for candidate tokens; pairs are one to one, so at most
|nq - nc| tokens are left alone (counting alpha, the extra-token weight, once two pairs
matched), plus one for each place a compound could pair, and every other unpaired token
counts fully (names._pairs_score). The whole-name (joined) path is bounded by its own
distances, to the forms' whole names. The screener scores entities in
decreasing order of this bound and stops once the bound is below the k-th exact score: the
top-k is the same as scoring every proposed form, at a fraction of the cost.

Token similarity bound (>= `token_similarity` for every pair): equal -> 1; otherwise the
largest of the edit score, 0.95 for one spelling family, 0.85 for one phonetic key and 0.8
for an initial against a name with that letter (the phonetic rule needs at most half the
letters to differ, as in `token_similarity`). Digits are ignored (they only lower scores).

The table is flat int32 / float64 arrays, one per attribute, read by those loops in place
(numpy's vectorised form of the same arithmetic paid a fixed cost on each of its ~40
small-array calls a query form: 0.6 ms a query, against ~0.16 ms now, cdist included).
The tokens and whole names are also kept as bytes (about 3 MB for every list, made at
load), which `kernel.osa_rows` reads instead of picking ~250 Python strings out of the
token list for `cdist` (with an index built in the same process, whose strings lie
scattered, the p50 of queries new to the caches fell by a fifth; with a loaded one, the
bounds of such a query take 5-14% less time). When every query row and whole name is one
`osa_rows` takes (ASCII, 1 to 64 characters: nearly every query), the kernel runs all its
steps in one call, `kernel.token_bounds`, over a `kernel.Tables` holding the table's arrays
(made at load): the step-by-step calls took each array apart into a buffer view again,
~75 a query, and one call costs ~9% less (about 96 against 105 µs a customer name).
"""

from __future__ import annotations

from typing import Any

from collections.abc import Sequence

import numpy as np
from mypy_extensions import mypyc_attr
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from proscribe.matching.name_v1 import kernel
from proscribe.matching.name_v1.kernel import (
    Tables,
    form_bounds,
    gather,
    osa_rows,
    sim_bounds,
    token_bounds,
)
from proscribe.matching.name_v1.names import (
    EXTRA_TOKEN_WEIGHT,
    MIN_PAIR_SIMILARITY,
    MINOR_WEIGHT,
    NameForm,
    token_weight,
)
from proscribe.runtime import thread_scratch
from proscribe.text.phonetic import phonetic_key, spelling_group

__all__ = ["TokenTable"]

#: Least similarity at which align_forms pairs a compound (names._improve_with_compounds).
COMPOUND_MIN = 0.8
#: How far the edit distances of `kernel.osa_rows` are measured, as a share of the longer
#: length (`kernel.sim_bounds` scores a distance d at 1 - 1.5 d / L). Between two tokens,
#: and between a token and a compound whose lengths differ by at most one, up to L / 2:
#: the phonetic rule's bar (d / L <= 0.5), above MIN_PAIR_SIMILARITY's (1 - 0.3) / 1.5.
#: Otherwise a compound pairs at COMPOUND_MIN or more only. Two compounds never pair, and
#: the joined forms' similarity (1 - 2 d / L) is nil from d = L / 2. Each cap has one
#: distance of slack, so nothing turns on rounding.
_OSA_WIDE = 0.5
_OSA_NARROW = (1.0 - COMPOUND_MIN) / 1.5


_TOKENTABLE_FIELDS = ("_group_ids", "_key_ids", "alpha", "comp_off", "first", "form_comp",
                      "form_tok", "groups", "joined", "joined_len", "keys", "lengths",
                      "tok_off", "tokens", "weights")
_I32 = np.int32
_EMPTY_I32 = np.empty(0, dtype=_I32)
#: Query rows whose (length, spelling group, phonetic key, first letter) a table keeps.
_ROW_INFO_SIZE = 100_000
#: Edit distances by `kernel.osa_rows` when the kernel runs compiled; interpreted, by
#: rapidfuzz's `cdist` (the same numbers, faster than the interpreted loop).
_NATIVE_OSA = not kernel.__file__.endswith(".py")


def _byte_texts(texts: Sequence[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray
                                                                     ] | None:
    """`texts` as one uint8 array of code points and the offsets of each in it, or None
    when a code point is 256 or more (`kernel.osa_rows` then does not apply)."""
    try:
        data = "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return None
    off = np.zeros(len(texts) + 1, dtype=_I32)
    np.cumsum(lengths, out=off[1:])
    return np.frombuffer(data, dtype=np.uint8), off


def _native_rows(rows: list[str]) -> bool:
    """Whether `kernel.osa_rows` takes these query rows: 1 to 64 ASCII characters each."""
    return all(0 < len(r) <= 64 for r in rows) and "".join(rows).isascii()


def _pattern_table(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.uint64)


def _ones(n: int) -> np.ndarray:
    return np.ones(n, dtype=np.uint8)


_ONE = np.ones(1, dtype=np.uint8)


@mypyc_attr(native_class=False)  # a plain class: pickled in saved indexes
class TokenTable:
    """Every distinct token (and adjacent-token compound) of the list names, as arrays.

    `form_tok` / `tok_off`: the token ids of each form, flat with offsets; `form_comp` /
    `comp_off`: the ids of each form's adjacent compounds (-1 when it has none); `weights`:
    the weight of each entry of `form_tok`; `alpha`: each form's extra-token weight. All
    int32 or float64, as kernel.pxd declares them.
    """

    __slots__ = (*_TOKENTABLE_FIELDS, "_rows", "_bytes", "_joined_bytes", "_tables")

    # Explicit pickling: in a module compiled by mypyc, pickle's default sees no fields.
    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _TOKENTABLE_FIELDS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._rows: dict[str, tuple[int, int, int, int]] = {}
        self._byte_arrays()

    def _byte_arrays(self) -> None:
        """The tokens and the forms' whole names as bytes, for `kernel.osa_rows`: made at
        build and at load, not saved (~20 ms for every list)."""
        self._bytes = _byte_texts(self.tokens, self.lengths) if _NATIVE_OSA else None
        self._joined_bytes = (_byte_texts(self.joined, self.joined_len) if _NATIVE_OSA
                              else None)
        self._tables: Tables | None = None
        byte, jbyte = self._bytes, self._joined_bytes
        if byte is not None and jbyte is not None:
            self._tables = Tables(self.tok_off, self.form_tok, self.comp_off, self.form_comp,
                                  self.weights, byte[0], byte[1], self.lengths, self.first,
                                  self.groups, self.keys, self.alpha, jbyte[0], jbyte[1],
                                  self.joined_len)

    def __init__(self, tokens: list[str], form_tok: list[int], tok_off: list[int],
                 form_comp: list[int], comp_off: list[int], joined: list[str],
                 alpha: list[float]) -> None:
        self.tokens = tokens
        self.alpha = np.asarray(alpha, dtype=np.float64)
        self.form_tok = np.asarray(form_tok, dtype=_I32)
        self.tok_off = np.asarray(tok_off, dtype=_I32)
        self.form_comp = np.asarray(form_comp, dtype=_I32)
        self.comp_off = np.asarray(comp_off, dtype=_I32)
        self.joined = joined
        self.joined_len = np.asarray([len(j) for j in joined], dtype=_I32)
        self.lengths = np.asarray([len(t) for t in tokens], dtype=_I32)
        self.first = np.asarray([ord(t[0]) if t else 0 for t in tokens], dtype=_I32)
        self._group_ids: dict[str, int] = {}
        self._key_ids: dict[str, int] = {}
        self.groups = np.asarray([self._group_id(t, True) for t in tokens], dtype=_I32)
        self.keys = np.asarray([self._key_id(t, True) for t in tokens], dtype=_I32)
        wt = [token_weight(t) for t in tokens]
        self.weights = np.asarray([wt[t] for t in form_tok], dtype=np.float64)
        self._rows = {}
        self._byte_arrays()

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
        person_w = EXTRA_TOKEN_WEIGHT["person"]
        other_w = EXTRA_TOKEN_WEIGHT["other"]
        return cls(list(vocab), form_tok, tok_off, form_comp, comp_off,
                   [f.joined for f in forms], [person_w if p else other_w for p in person])

    # ------------------------------------------------------------------ bounds
    def upper_bounds(self, qforms: Sequence[NameForm],
                     fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each query form q and form id f in `fids`: a bound >= align_forms(q, f)
        (shape: len(qforms) x len(fids)), and whether any compound pair (joined or split
        tokens) could reach 0.8 with f (when not, align_forms can skip its compound
        search)."""
        n = int(fids.shape[0])
        if n == 0 or not qforms:
            return np.zeros((len(qforms), n)), np.zeros(n, dtype=bool)
        f32 = np.ascontiguousarray(fids, dtype=_I32)
        # Every distinct row (token or adjacent compound) of every query form: one distance
        # and one similarity matrix for them all (a query's forms share most tokens).
        row_of: dict[str, int] = {}
        maps: list[list[int]] = []
        tok_rows: list[int] = []  # the rows that are tokens (each form's first len(qt))
        for qf in qforms:
            qt = qf.tokens
            mine: list[int] = []
            for row in list(qt) + [qt[i] + qt[i + 1] for i in range(len(qt) - 1)]:
                r = row_of.get(row, -1)
                if r < 0:
                    r = row_of[row] = len(row_of)
                mine.append(r)
            maps.append(mine)
            tok_rows.extend(mine[:len(qt)])
        rows = list(row_of)
        row_tok = np.zeros(len(rows), dtype=np.uint8)
        row_tok[tok_rows] = 1
        info = np.asarray([self._row_info(r) for r in rows], dtype=_I32)
        pm = thread_scratch("bounds.osa", 256, _pattern_table)
        tables = self._tables
        if tables is not None and _native_rows(rows) and all(
                not qf.joined or _native_rows([qf.joined]) for qf in qforms):
            return self._fused(tables, qforms, f32, rows, info, row_tok, maps, pm)
        ncols, col_ids, ltok_off, ltok, lwt, lcomp_off, lcomp, col_tok = gather(
            f32, self.tok_off, self.form_tok, self.comp_off, self.form_comp, self.weights,
            self._scratch())
        col_ids = col_ids[:ncols]
        nt = int(ltok.shape[0])
        sim = np.empty((len(rows), ncols))
        byte = self._bytes
        if byte is not None and _native_rows(rows):
            dist = np.empty((len(rows), ncols), dtype=_I32)
            osa_rows(rows, col_ids, byte[0], byte[1], pm, dist, row_tok, col_tok[:ncols],
                     _OSA_WIDE, _OSA_NARROW)
        else:
            tokens = self.tokens
            dist = cdist(rows, [tokens[t] for t in col_ids.tolist()], scorer=OSA.distance,
                         dtype=_I32, workers=1)
        sim_bounds(dist, info, col_ids, self.lengths, self.first, self.groups, self.keys,
                   MIN_PAIR_SIMILARITY, sim)
        jbyte = self._joined_bytes
        joined: list[str] | None = None
        best = np.empty((len(qforms), n))
        compound = np.zeros(n, dtype=np.uint8)
        for qi, qf in enumerate(qforms):
            qt = qf.tokens
            nq = len(qt)
            wq = np.asarray([token_weight(t) for t in qt], dtype=np.float64)
            jd = _EMPTY_I32
            if qf.joined and jbyte is not None and _native_rows([qf.joined]):
                jd = np.empty(n, dtype=_I32)
                osa_rows([qf.joined], f32, jbyte[0], jbyte[1], pm, jd.reshape(1, n), _ONE,
                         self._all_tokens(n), _OSA_WIDE, _OSA_WIDE)
            elif qf.joined:
                if joined is None:
                    all_joined = self.joined
                    joined = [all_joined[f] for f in f32.tolist()]
                jd = cdist([qf.joined], joined, scorer=OSA.distance, dtype=_I32,
                           workers=1)[0]
            rowmap = np.asarray(maps[qi], dtype=_I32)
            form_bounds(sim, rowmap, nq, wq, ltok_off, ltok, lwt, lcomp_off, lcomp,
                        self.alpha, f32, jd, self.joined_len, len(qf.joined), COMPOUND_MIN,
                        MINOR_WEIGHT, EXTRA_TOKEN_WEIGHT["person"],
                        np.empty(2 * rowmap.shape[0] + nq + 2 * nt), best[qi], compound)
        return best, compound.view(bool)

    def _fused(self, tables: Tables, qforms: Sequence[NameForm], f32: np.ndarray,
               rows: list[str], info: np.ndarray, row_tok: np.ndarray, maps: list[list[int]],
               pm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`upper_bounds` in one kernel call (`kernel.token_bounds`), when every query row
        and whole name is one `kernel.osa_rows` takes: the same bounds."""
        n = int(f32.shape[0])
        flat: list[int] = []
        map_off = [0]
        weights: list[float] = []
        wq_off = [0]
        joined: list[str] = []
        jrow: list[int] = []
        jlens: list[int] = []
        for qi, qf in enumerate(qforms):
            flat.extend(maps[qi])
            map_off.append(len(flat))
            weights.extend([token_weight(t) for t in qf.tokens])
            wq_off.append(len(weights))
            if qf.joined:
                if qf.joined not in joined:
                    joined.append(qf.joined)
                jrow.append(joined.index(qf.joined))
            else:
                jrow.append(-1)
            jlens.append(len(qf.joined))
        best = np.empty((len(qforms), n))
        compound = np.zeros(n, dtype=np.uint8)
        token_bounds(tables, f32, rows, info, row_tok, np.asarray(flat, dtype=_I32),
                     np.asarray(map_off, dtype=_I32), np.asarray(weights, dtype=np.float64),
                     np.asarray(wq_off, dtype=_I32), joined, np.asarray(jrow, dtype=_I32),
                     np.asarray(jlens, dtype=_I32), pm, self._scratch(),
                     self._all_tokens(max(n, len(joined))), _EMPTY_I32, _OSA_WIDE,
                     _OSA_NARROW, MIN_PAIR_SIMILARITY, COMPOUND_MIN, MINOR_WEIGHT,
                     EXTRA_TOKEN_WEIGHT["person"], best, compound)
        return best, compound.view(bool)

    def _row_info(self, row: str) -> tuple[int, int, int, int]:
        """A query row's length, spelling-group id, phonetic-key id and first letter, as
        `kernel.sim_bounds` reads them; kept, as queries repeat their words (working them
        out again was about 6 us a row)."""
        got = self._rows.get(row)
        if got is None:
            if len(self._rows) >= _ROW_INFO_SIZE:
                self._rows.clear()
            got = self._rows[row] = (len(row), self._group_id(row, False),
                                     self._key_id(row, False), ord(row[0]) if row else -1)
        return got

    @staticmethod
    def _all_tokens(n: int) -> np.ndarray:
        """n ones (uint8): the whole names, measured as tokens by `kernel.osa_rows`."""
        ones: np.ndarray = thread_scratch("bounds.ones", n, _ones)
        return ones[:n]

    def _scratch(self) -> np.ndarray:
        """This thread's int32 row of -1, one slot per vocabulary entry (kernel.gather)."""
        row: np.ndarray = thread_scratch("bounds.gather", len(self.tokens),
                                         lambda n: np.full(n, -1, dtype=_I32))
        return row
