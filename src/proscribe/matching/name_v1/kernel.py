"""The numeric inner loops of the score bounds (bounds.py), over flat numpy arrays.

Plain Python that Cython compiles to C at install (types in `kernel.pxd`, an augmenting
declaration file, so this source stays ordinary, type-checked Python and runs as is when
no compiler was there, only slower). mypyc, which compiles the rest of the matcher, keeps
every number in a list as a Python object and pays a reference count on each read; these
loops read ~2,000 matrix cells and ~500 token slots a query, which is where that cost
dominated. Nothing here allocates per cell or calls back into Python.

`gather` lays out the tokens of the proposed forms as local columns; `osa_rows` measures
the query's edit distances to them (and to the forms' whole names); `form_bounds` turns one
query form's distances into an upper bound of `align_forms` per form (the derivation is in
bounds.py). `token_bounds` runs them all for one query in one call, over the arrays of a
`Tables`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Tables", "entity_bounds", "form_bounds", "gather", "osa_rows", "sim_bounds",
           "token_bounds"]

#: 64 bits set: the masks keep the interpreted source's integers to the 64 bits at which
#: the compiled code's `unsigned long long` wraps (no-ops there).
_M64 = 0xFFFFFFFFFFFFFFFF


def gather(fids: np.ndarray, tok_off: np.ndarray, form_tok: np.ndarray, comp_off: np.ndarray,
           form_comp: np.ndarray, weights: np.ndarray, scratch: np.ndarray
           ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                      np.ndarray, np.ndarray]:
    """The distinct token and compound ids of forms `fids` as columns.

    Returns (number of columns, column token ids, per form: offsets into the next two,
    the column of each token, the weight of each token, then offsets into and columns of
    its compounds, and per column 1 when it is a token of one of the forms, 0 when only a
    compound). `scratch` (one int32 per vocabulary entry, all -1) is left all -1.
    """
    n = fids.shape[0]
    ntok = 0
    ncomp = 0
    for k in range(n):
        f = fids[k]
        ntok += tok_off[f + 1] - tok_off[f]
        ncomp += comp_off[f + 1] - comp_off[f]
    col_arr = np.empty(ntok + ncomp, dtype=np.int32)
    col_tok_arr = np.zeros(ntok + ncomp, dtype=np.uint8)
    ltok_off_arr = np.empty(n + 1, dtype=np.int32)
    ltok_arr = np.empty(ntok, dtype=np.int32)
    lwt_arr = np.empty(ntok, dtype=np.float64)
    lcomp_off_arr = np.empty(n + 1, dtype=np.int32)
    lcomp_arr = np.empty(ncomp, dtype=np.int32)
    col = col_arr
    col_tok = col_tok_arr
    ltok_off = ltok_off_arr
    ltok = ltok_arr
    lwt = lwt_arr
    lcomp_off = lcomp_off_arr
    lcomp = lcomp_arr
    ncols = 0
    pt = 0
    pc = 0
    ltok_off[0] = 0
    lcomp_off[0] = 0
    for k in range(n):
        f = fids[k]
        for p in range(tok_off[f], tok_off[f + 1]):
            t = form_tok[p]
            c = scratch[t]
            if c < 0:
                c = scratch[t] = ncols
                col[ncols] = t
                ncols += 1
            col_tok[c] = 1
            ltok[pt] = c
            lwt[pt] = weights[p]
            pt += 1
        ltok_off[k + 1] = pt
        for p in range(comp_off[f], comp_off[f + 1]):
            t = form_comp[p]
            if t < 0:
                continue
            c = scratch[t]
            if c < 0:
                c = scratch[t] = ncols
                col[ncols] = t
                ncols += 1
            lcomp[pc] = c
            pc += 1
        lcomp_off[k + 1] = pc
    for c in range(ncols):
        scratch[col[c]] = -1
    return (ncols, col_arr, ltok_off_arr, ltok_arr, lwt_arr, lcomp_off_arr, lcomp_arr,
            col_tok_arr)


def osa_rows(rows: list[str], col_ids: np.ndarray, chars: np.ndarray, char_off: np.ndarray,
             pm: np.ndarray, dist: np.ndarray, row_tok: np.ndarray, col_tok: np.ndarray,
             wide: float, narrow: float) -> None:
    """`dist[r, c]`: the OSA distance (optimal string alignment, as rapidfuzz's
    `OSA.distance`) between `rows[r]` and token `t = col_ids[c]`, whose code points are
    `chars[char_off[t]:char_off[t + 1]]`, or L + 1 (L: the longer length) when it is
    more than a cap: only what decides a similarity is measured. Every row has 1 to 64
    code points, all below 256 as every token's are (bounds.py checks). `pm`: 256 zeros,
    left zero.

    The cap: `int(wide * L) + 1` when row and column are both tokens (`row_tok[r]`,
    `col_tok[c]` 1), or one is and their lengths differ by at most one; `int(narrow * L)
    + 1` when only one is; when neither is, nothing is measured (L + 1). A length
    difference above the cap is not measured, and the measure stops once the distance
    cannot come back under the cap (the last row's value changes by at most one a
    character). `wide` and `narrow` of 1 or more give every distance exactly.

    Hyyrö's bit-parallel algorithm (2003), as rapidfuzz runs it, over the tokens as one
    byte array (about 3 MB for every list): rapidfuzz's `cdist` needs the tokens as Python
    strings, picked out of the token list one by one, each a read from wherever the heap
    put it.
    """
    nr = len(rows)
    nc = col_ids.shape[0]
    one = 1  # typed 64-bit in kernel.pxd: a plain `1 << 40` is a C int shifted too far
    for r in range(nr):
        s = rows[r]
        m = len(s)
        for i in range(m):
            ch = ord(s[i])
            pm[ch] = pm[ch] | (one << i)
        mask = one << (m - 1)
        for c in range(nc):
            t = col_ids[c]
            j0 = char_off[t]
            n = char_off[t + 1] - j0
            big = m if m > n else n
            gap = m - n if m > n else n - m
            # The cap is int(lim) + 1: a distance d is over it when d - 1 > lim.
            if row_tok[r] and col_tok[c]:
                lim = wide * big
            elif row_tok[r] or col_tok[c]:
                lim = (wide if gap <= 1 else narrow) * big
            else:
                lim = -2.0  # not measured
            if gap - 1 > lim:
                dist[r, c] = big + 1
                continue
            vp = _M64
            vn = 0
            d0 = 0
            pm_old = 0
            d = m
            left = n
            for j in range(j0, j0 + n):
                pm_j = int(pm[chars[j]])  # int(): a plain integer interpreted, a cast compiled
                tr = (((~d0 & _M64) & pm_j) << 1) & pm_old
                d0 = ((((pm_j & vp) + vp) & _M64) ^ vp) | pm_j | vn | tr
                hp = vn | (~(d0 | vp) & _M64)
                hn = d0 & vp
                if hp & mask:
                    d += 1
                if hn & mask:
                    d -= 1
                left -= 1
                if d - left - 1 > lim:
                    d = big + 1
                    break
                hp = ((hp << 1) | 1) & _M64
                hn = (hn << 1) & _M64
                vp = hn | (~(d0 | hp) & _M64)
                vn = hp & d0
                pm_old = pm_j
            dist[r, c] = d
        for i in range(m):
            pm[ord(s[i])] = 0


def sim_bounds(dist: np.ndarray, rows: np.ndarray, col_ids: np.ndarray, lengths: np.ndarray,
               first: np.ndarray, groups: np.ndarray, keys: np.ndarray, min_pair: float,
               sim: np.ndarray) -> None:
    """Token similarity bounds (bounds.py, "Token similarity bound") of query rows against
    columns, 0 below `min_pair`, into `sim` (rows x columns).

    dist: OSA distances, rows x columns. rows: per row, its length, spelling-group id,
    phonetic-key id and first letter (-1 for none, -2 for one no list token has).
    """
    nr = dist.shape[0]
    nc = dist.shape[1]
    for r in range(nr):
        rl = rows[r, 0]
        rg = rows[r, 1]
        rk = rows[r, 2]
        rf = rows[r, 3]
        for c in range(nc):
            d = dist[r, c]
            t = col_ids[c]
            lc = lengths[t]
            if d == 0:
                s = 1.0
                rel = 0.0
            else:
                dd = d
                rel = dd / (rl if rl > lc else lc)
                s = 1.0 - 1.5 * rel
            if rg >= 0 and s < 0.95 and groups[t] == rg:
                s = 0.95
            if rk >= 0 and s < 0.85 and keys[t] == rk and rel <= 0.5 and -1 <= rl - lc <= 1:
                s = 0.85
            if s < 0.8 and (rl == 1 or lc == 1) and rf == first[t]:
                s = 0.8
            sim[r, c] = s if s >= min_pair else 0.0


def form_bounds(sim: np.ndarray, rowmap: np.ndarray, nq: int, wq: np.ndarray,
                ltok_off: np.ndarray, ltok: np.ndarray, lwt: np.ndarray, lcomp_off: np.ndarray,
                lcomp: np.ndarray, alpha: np.ndarray, fids: np.ndarray, jdist: np.ndarray,
                jlen: np.ndarray, qjl: int, compound_min: float, minor_w: float,
                person_a: float, scratch: np.ndarray, out: np.ndarray,
                compound: np.ndarray) -> None:
    """Upper bounds of `align_forms` for one query form against every form of `fids`.

    sim: `sim_bounds` of every distinct query row of the query's forms; rowmap: the rows of
    this form in it (its nq tokens, then its nq - 1 adjacent compounds, which pair at
    `compound_min` or more only). wq: the query tokens' weights. jdist / jlen: distance of
    the query's joined form to each form's (empty when the query has none) and each list
    form's joined length (by form id). minor_w: the weight of a particle (names.MINOR_WEIGHT);
    person_a: the extra-token weight of a person's form. scratch: at least 2 nr + nq + twice
    the local token count.
    Writes out[k] and sets compound[k] when a compound pair could reach `compound_min` with
    form k.
    """
    nr = rowmap.shape[0]
    n = fids.shape[0]
    wq_sum = 0.0
    wq_min = 1e300
    for i in range(nq):
        wq_sum += wq[i]
        if wq[i] < wq_min:
            wq_min = wq[i]
    wq_low = 2.0 * wq_min if 2.0 * wq_min < wq_sum else wq_sum
    # scratch[0:nr]: per query row, best against the form's tokens;
    bq = nr               # scratch[nr:nr + nq]: per query token, its bound
    vals = nr + nq        # scratch[nr + nq:]: per form token, weight x its bound;
    kbuf = vals + ltok.shape[0]  # then room for one row or column (repeated tokens)
    has_joined = jdist.shape[0] > 0
    for k in range(n):
        t0 = ltok_off[k]
        t1 = ltok_off[k + 1]
        for p in range(t0, t1):
            scratch[vals + p] = 0.0
        for r in range(nr):
            m = 0.0
            rr = rowmap[r]
            least = compound_min if r >= nq else 0.0
            for p in range(t0, t1):
                v = sim[rr, ltok[p]]
                if v < least:
                    v = 0.0
                if v > m:
                    m = v
                if v > scratch[vals + p]:
                    scratch[vals + p] = v
            scratch[r] = m
        # A token written twice (Muhammad ... Muhammad) pairs with two different tokens:
        # its c-th copy is bounded by the c-th best of them. Not when a compound of its
        # own side could pair: a compound takes particular copies (by position), and the
        # best match may then go to another copy than the first.
        qcomp = False
        for i in range(nq - 1):
            if scratch[nq + i] > 0.0:
                qcomp = True
        if not qcomp:
            for i in range(1, nq):
                c = 0
                for j in range(i):
                    if rowmap[j] == rowmap[i]:
                        c += 1
                if c > 0:
                    rr = rowmap[i]
                    for p in range(t0, t1):
                        scratch[kbuf + p - t0] = sim[rr, ltok[p]]
                    scratch[i] = _kth(scratch, kbuf, kbuf + t1 - t0, c)
        # Query tokens against the form's compounds (pairs at >= compound_min only);
        # ncomp counts the places where a compound pair could be (each chosen compound
        # takes one of them).
        comp_best = 0.0
        ncomp = 0
        for i in range(nq):
            scratch[bq + i] = scratch[i]
        for p in range(lcomp_off[k], lcomp_off[k + 1]):
            m = 0.0
            for i in range(nq):
                v = sim[rowmap[i], lcomp[p]]
                if v >= compound_min:
                    if v > m:
                        m = v
                    if v > scratch[bq + i]:
                        scratch[bq + i] = v
            if m > 0.0:
                ncomp += 1
                if m > comp_best:
                    comp_best = m
                # Compound q of the form joins its tokens q and q + 1: only they can
                # take part in that pair.
                j = vals + t0 + p - lcomp_off[k]
                if m > scratch[j]:
                    scratch[j] = m
                if m > scratch[j + 1]:
                    scratch[j + 1] = m
        if comp_best == 0.0:
            # Repeated candidate tokens, as repeated query tokens above (no candidate
            # compound could pair).
            for p in range(t0 + 1, t1):
                c = 0
                for q in range(t0, p):
                    if ltok[q] == ltok[p]:
                        c += 1
                if c > 0:
                    for r in range(nr):
                        v = sim[rowmap[r], ltok[p]]
                        scratch[kbuf + r] = 0.0 if r >= nq and v < compound_min else v
                    scratch[vals + p] = _kth(scratch, kbuf, kbuf + nr, c)
        has_comp = comp_best > 0.0
        for i in range(nq - 1):                # query compounds i,i+1
            v = scratch[nq + i]
            if v > 0.0:
                has_comp = True
                ncomp += 1
                if v > scratch[bq + i]:
                    scratch[bq + i] = v
                if v > scratch[bq + i + 1]:
                    scratch[bq + i + 1] = v
        if has_comp:
            compound[k] = 1
        num = 0.0
        matched = 0
        for i in range(nq):
            num += wq[i] * scratch[bq + i]
            if scratch[bq + i] > 0.0:
                matched += 1
        # Candidate tokens: best against any query row, or against a query token as part of
        # a compound of theirs; pairs are one to one, so only the best nq (2 nq with
        # candidate compounds) count.
        wc_sum = 0.0
        wc_min = 1e300
        for p in range(t0, t1):
            w = lwt[p]
            wc_sum += w
            if w < wc_min:
                wc_min = w
            v = scratch[vals + p]
            scratch[vals + p] = w * v
        kk = 2 * nq if comp_best > 0.0 else nq
        if kk >= t1 - t0:
            for p in range(t0, t1):
                num += scratch[vals + p]
        else:
            num += _largest(scratch, vals + t0, vals + t1, kk)
        if matched >= 2 and alpha[fids[k]] == person_a:
            # In a person's name a pair made of particles only ("abd" / "abd", "al" / "al",
            # "abd al" / "abd") does not count as a name matched (names._pairs_score).
            # Every pair holds a query token, so the query tokens that could be in a pair
            # that counts bound the pairs that count: one that is not a particle and could
            # pair at all, or a particle that could pair with a candidate token that is not
            # one, alone or in a compound on either side (a compound of two query
            # particles counts through its candidate token; one with a name in it, through
            # that name).
            matched = 0
            for i in range(nq):
                if scratch[bq + i] <= 0.0:
                    continue
                found = wq[i] != minor_w or _pairs_with_a_name(sim, rowmap[i], ltok, lwt, t0,
                                                               t1, minor_w, 0.0)
                for p in range(lcomp_off[k], lcomp_off[k + 1]):
                    if found:
                        break
                    j = t0 + p - lcomp_off[k]
                    found = (lwt[j] != minor_w or lwt[j + 1] != minor_w) \
                        and sim[rowmap[i], lcomp[p]] >= compound_min
                for q in range(i - 1 if i > 0 else 0, i + 1 if i + 1 < nq else i):
                    if not found and scratch[nq + q] > 0.0:
                        found = _pairs_with_a_name(sim, rowmap[nq + q], ltok, lwt, t0, t1,
                                                   minor_w, compound_min)
                if found:
                    matched += 1
        # Unmatched tokens weigh alpha only once two pairs matched (names._pairs_score),
        # and only those left on one side: a token left opposite another counts fully.
        if matched >= 2:
            a = alpha[fids[k]]
            # One-to-one pairs leave exactly |nq - nc| tokens alone, on the longer side;
            # each compound pair (two tokens against one) moves that by one, either way.
            nc = t1 - t0
            alone = 0.0
            if not has_comp:
                if nq > nc:
                    alone = _largest(wq, 0, nq, nq - nc)
                elif nc > nq:
                    alone = _largest(lwt, t0, t1, nc - nq)
            else:
                most = (nq - nc if nq > nc else nc - nq) + ncomp
                alone = _largest(wq, 0, nq, most if most < nq else nq)
                v = _largest(lwt, t0, t1, most if most < nc else nc)
                if v > alone:
                    alone = v
            den = wq_sum + wc_sum - (1.0 - a) * alone
            if has_comp:
                # The earlier bound (all but the two lightest tokens a side alone), when
                # it is the tighter one.
                low = 2.0 * wc_min if 2.0 * wc_min < wc_sum else wc_sum
                v = a * (wq_sum + wc_sum) + (1.0 - a) * (low + wq_low)
                if v > den:
                    den = v
        else:
            den = wq_sum + wc_sum
        ub = 0.0
        if den > 0.0:
            ub = num / den
            if ub > 1.0:
                ub = 1.0
        if has_joined:
            d = jdist[k]
            if d == 0:
                js = 0.97
            else:
                jl = jlen[fids[k]]
                dd = d
                js = 1.0 - 2.0 * dd / (jl if jl > qjl else qjl)
                js = js * 0.97 if js > 0.0 else 0.0
            if js > ub:
                ub = js
        out[k] = ub


class Tables:
    """The arrays of a token table (bounds.TokenTable) that every query reads, held once.

    A compiled call takes each array it is passed apart into a buffer view anew (a few
    hundred nanoseconds each): the five calls of a query's bounds took ~75 of them, most of
    the table's own, which this holds (as typed views once compiled). `chars` / `char_off`:
    the tokens as bytes; `jchars` / `jchar_off`: the forms' whole names as bytes.
    """

    def __init__(self, tok_off: np.ndarray, form_tok: np.ndarray, comp_off: np.ndarray,
                 form_comp: np.ndarray, weights: np.ndarray, chars: np.ndarray,
                 char_off: np.ndarray, lengths: np.ndarray, first: np.ndarray,
                 groups: np.ndarray, keys: np.ndarray, alpha: np.ndarray, jchars: np.ndarray,
                 jchar_off: np.ndarray, jlen: np.ndarray) -> None:
        self.tok_off = tok_off
        self.form_tok = form_tok
        self.comp_off = comp_off
        self.form_comp = form_comp
        self.weights = weights
        self.chars = chars
        self.char_off = char_off
        self.lengths = lengths
        self.first = first
        self.groups = groups
        self.keys = keys
        self.alpha = alpha
        self.jchars = jchars
        self.jchar_off = jchar_off
        self.jlen = jlen


def token_bounds(tab: Tables, fids: np.ndarray, rows: list[str], info: np.ndarray,
                 row_tok: np.ndarray, maps: np.ndarray, map_off: np.ndarray, wq: np.ndarray,
                 wq_off: np.ndarray, joined: list[str], jrow: np.ndarray, jlens: np.ndarray,
                 pm: np.ndarray, gscratch: np.ndarray, ones: np.ndarray, no_joined: np.ndarray,
                 wide: float, narrow: float, min_pair: float, compound_min: float,
                 minor_w: float, person_a: float, best: np.ndarray,
                 compound: np.ndarray) -> None:
    """`gather`, `osa_rows`, `sim_bounds` and `form_bounds` for every form of a query, as
    bounds.TokenTable.upper_bounds runs them one by one (the same numbers).

    rows / info / row_tok: the query's distinct rows (tokens and adjacent compounds), as
    `osa_rows` and `sim_bounds` take them; query form q has rows maps[map_off[q]:
    map_off[q + 1]] and token weights wq[wq_off[q]:wq_off[q + 1]]; its whole name is
    joined[jrow[q]] (jrow -1: none), of length jlens[q]. Every row and whole name is one
    `osa_rows` takes. `gscratch`: `gather`'s; `ones`: at least max(len(fids), len(joined))
    ones; `no_joined`: an empty int32 array. Writes best[q, k] and compound[k].
    """
    n = fids.shape[0]
    res = gather(fids, tab.tok_off, tab.form_tok, tab.comp_off, tab.form_comp, tab.weights,
                 gscratch)
    ncols = res[0]
    col_ids = res[1]
    ltok_off = res[2]
    ltok = res[3]
    lwt = res[4]
    lcomp_off = res[5]
    lcomp = res[6]
    col_tok = res[7]
    nr = len(rows)
    nt = ltok.shape[0]
    dist = np.empty((nr, ncols), dtype=np.int32)
    osa_rows(rows, col_ids[:ncols], tab.chars, tab.char_off, pm, dist, row_tok,
             col_tok[:ncols], wide, narrow)
    sim = np.empty((nr, ncols))
    sim_bounds(dist, info, col_ids[:ncols], tab.lengths, tab.first, tab.groups, tab.keys,
               min_pair, sim)
    nj = len(joined)
    jd = np.empty((nj, n), dtype=np.int32)
    if nj > 0:
        osa_rows(joined, fids, tab.jchars, tab.jchar_off, pm, jd, ones[:nj], ones[:n],
                 wide, wide)
    nqf = map_off.shape[0] - 1
    most = 0
    for q in range(nqf):
        size = 2 * (map_off[q + 1] - map_off[q]) + wq_off[q + 1] - wq_off[q] + 2 * nt
        if size > most:
            most = size
    scratch = np.empty(most)
    for q in range(nqf):
        j = jrow[q]
        if j >= 0:
            jq = jd[j]
        else:
            jq = no_joined
        form_bounds(sim, maps[map_off[q]:map_off[q + 1]], wq_off[q + 1] - wq_off[q],
                    wq[wq_off[q]:wq_off[q + 1]], ltok_off, ltok, lwt, lcomp_off, lcomp,
                    tab.alpha, fids, jq, tab.jlen, jlens[q], compound_min, minor_w,
                    person_a, scratch, best[q], compound)


def entity_bounds(ubq: np.ndarray, comp: np.ndarray, fids: np.ndarray,
                  form_entity: np.ndarray, kind_factor: np.ndarray, name_weight: float,
                  plus: float, floor: float, check: bool, hits: dict[int, list[int]],
                  form_ub: dict[int, list[float]], form_comp: dict[int, bool],
                  ent_ub: dict[int, float]) -> None:
    """From the bounds `ubq` (query forms x proposed forms `fids`), what the screener
    keeps (`Screener._propose`): each bound scaled in place by its form's name-kind factor;
    with `check`, only the entities one of whose forms can reach `floor`
    (`name_weight * bound + plus >= floor`); for each kept form, in order, its entity's
    list of forms in `hits`, its bounds in `form_ub`, whether a compound could pair in
    `form_comp`, and its entity's best bound in `ent_ub`.

    The numpy form of the same steps cost ~0.06 ms a query in a dozen small-array calls
    and a loop over Python lists.
    """
    nq = ubq.shape[0]
    n = fids.shape[0]
    top_arr = np.empty(n)
    top = top_arr
    live: set[int] = set()
    for k in range(n):
        f = fids[k]
        kf = kind_factor[f]
        m = -1.0
        for i in range(nq):
            v = ubq[i, k] * kf
            ubq[i, k] = v
            if i == 0 or v > m:
                m = v
        top[k] = m
        if check and name_weight * m + plus >= floor:
            live.add(int(form_entity[f]))
    for k in range(n):
        f = fids[k]
        ent = int(form_entity[f])
        if check and ent not in live:
            continue
        mine = hits.get(ent)
        if mine is None:
            hits[ent] = [int(f)]
        else:
            mine.append(int(f))
        form_ub[int(f)] = [float(ubq[i, k]) for i in range(nq)]
        form_comp[int(f)] = comp[k] != 0
        m = top[k]
        if m > ent_ub.get(ent, -1.0):
            ent_ub[ent] = float(m)


def _pairs_with_a_name(sim: np.ndarray, rr: int, ltok: np.ndarray, lwt: np.ndarray, t0: int,
                       t1: int, minor_w: float, least: float) -> bool:
    """Whether query row `rr` could pair (above 0, and at `least` or more) with a token of
    ltok[t0:t1] that is not a particle."""
    for p in range(t0, t1):
        v = sim[rr, ltok[p]]
        if lwt[p] != minor_w and v > 0.0 and v >= least:
            return True
    return False


def _largest(w: np.ndarray, lo: int, hi: int, m: int) -> float:
    """Sum of the `m` largest of w[lo:hi]."""
    return _select(w, lo, hi, m, False)


def _kth(w: np.ndarray, lo: int, hi: int, k: int) -> float:
    """The k-th largest (0-based) of w[lo:hi], 0 when there are fewer."""
    return _select(w, lo, hi, k + 1, True)


def _select(w: np.ndarray, lo: int, hi: int, m: int, last: bool) -> float:
    """The `m` largest of w[lo:hi], picked in order of value then position (no marks):
    their sum, or with `last` the m-th of them (0 when there are fewer)."""
    total = 0.0
    prev_w = 1e300
    prev_p = -1
    for _ in range(m):
        best_w = -1.0
        best_p = -1
        for p in range(lo, hi):
            x = w[p]
            if (x < prev_w or (x == prev_w and p > prev_p)) and x > best_w:
                best_w = x
                best_p = p
        if best_p < 0:
            return 0.0 if last else total
        total += best_w
        prev_w = best_w
        prev_p = best_p
    return prev_w if last else total
