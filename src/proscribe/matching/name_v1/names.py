"""Name forms and the token alignment that compares two of them.

A `NameForm` is one Latin rendering of one name, cut into tokens, with honorifics and legal
forms set apart. Plain slotted classes (not pydantic): the index holds ~200k of them and the
comparison runs in the hot loop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from proscribe.text.normalize import clean_name, split_legal_forms, strip_honorifics
from proscribe.text.phonetic import phonetic_key, spelling_group
from proscribe.text.translit import latin_forms

__all__ = ["NameForm", "align_forms", "name_forms", "token_similarity"]

#: Weight of an unmatched candidate token when at least two tokens matched: a list name
#: with a middle name the query lacks is still the same name.
EXTRA_TOKEN_WEIGHT = {"person": 0.35, "other": 0.75}
#: Weight of a one-letter token (an initial).
INITIAL_WEIGHT = 0.3
#: Below this a token pair is left unmatched rather than counted as a poor match.
MIN_PAIR_SIMILARITY = 0.3
#: Factor for tokens aligned out of order (not a rotation of the query's order).
ORDER_FACTOR = 0.97


class NameForm:
    """One Latin rendering of one name."""

    __slots__ = ("groups", "joined", "keys", "legal", "raw_tokens", "text", "tokens")

    def __init__(self, text: str, tokens: tuple[str, ...], raw_tokens: tuple[str, ...],
                 legal: tuple[str, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self.raw_tokens = raw_tokens
        self.legal = legal
        self.keys = tuple(phonetic_key(t) for t in tokens)
        self.groups = tuple(spelling_group(t) for t in tokens)
        self.joined = "".join(raw_tokens)

    def __getstate__(self) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return (self.text, self.tokens, self.raw_tokens, self.legal)

    def __setstate__(self, state: tuple[str, tuple[str, ...], tuple[str, ...],
                                        tuple[str, ...]]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"NameForm({' '.join(self.tokens)!r}, legal={self.legal})"


@lru_cache(maxsize=65536)
def name_forms(value: str, person: bool | None = None) -> tuple[NameForm, ...]:
    """Every comparable Latin form of a name (one per transliteration scheme)."""
    out: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for latin in latin_forms(value):
        raw = latin.split()
        if person is not False:
            raw = strip_honorifics(raw)
        rest, legal = split_legal_forms(" ".join(raw))
        if person:
            legal = ()
            tokens = tuple(raw)
        else:
            tokens = tuple(rest.split())
        if not tokens or tokens in seen:
            continue
        seen.add(tokens)
        out.append(NameForm(value, tokens, tuple(raw), legal))
    if not out:
        cleaned = clean_name(value)
        toks = tuple(cleaned.split()) or (cleaned,)
        out.append(NameForm(value, toks, toks, ()))
    return tuple(out)


def _weight(token: str) -> float:
    return INITIAL_WEIGHT if len(token) == 1 else 1.0


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two tokens in 0..1.

    Equal -> 1; tokens with digits must be equal; one spelling family (Ri / Lee) -> 0.95;
    an initial against a name with that initial -> 0.8; otherwise an edit-distance score
    that punishes short tokens harder (Chol / Chun: 0.25), raised to 0.85 when the phonetic
    skeletons agree and at most half the letters differ (Mohammed / Muhammad, Jong / Chong).
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if _has_digit(a) or _has_digit(b):
        return 0.0
    ga = spelling_group(a)
    if ga is not None and ga == spelling_group(b):
        return 0.95
    if len(a) == 1 or len(b) == 1:
        return 0.8 if a[0] == b[0] else 0.0
    dist = OSA.distance(a, b)
    rel = dist / max(len(a), len(b))
    sim = max(0.0, 1.0 - 1.5 * rel)
    ka = phonetic_key(a)
    if sim < 0.85 and rel <= 0.5 and len(ka) >= 2 and ka == phonetic_key(b):
        sim = 0.85
    return sim


@lru_cache(maxsize=200_000)
def _joined_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if _has_digit(a) or _has_digit(b):
        da = "".join(c for c in a if c.isdigit())
        if da != "".join(c for c in b if c.isdigit()):
            return 0.0
    dist = OSA.distance(a, b)
    return max(0.0, 1.0 - 2.0 * dist / max(len(a), len(b)))


Pair = tuple[str, str, float]
_has_digit = re.compile(r"\d").search


def align_forms(q: NameForm, c: NameForm, person: bool,
                compounds: bool = True) -> tuple[float, list[Pair]]:
    """Name similarity of two forms and the token pairs it rests on.

    Greedy best-first alignment, order-free (word order does not matter); adjacent tokens
    may be joined on either side ("jong un" ~ "jongun", "jsc argument" ~ "jscargument").
    Unmatched query tokens count fully against the score; unmatched candidate tokens count
    less once two tokens matched (a missing middle name). `compounds=False` skips the
    compound search when the caller knows no compound can pair (bounds.py).
    """
    qt, ct = q.tokens, c.tokens
    nq, nc = len(qt), len(ct)
    cand: list[tuple[float, int, int]] = []
    for i in range(nq):
        a = qt[i]
        for j in range(nc):
            s = token_similarity(a, ct[j])
            if s >= MIN_PAIR_SIMILARITY:
                cand.append((s, i, j))
    cand.sort(reverse=True)
    used_q = [False] * nq
    used_c = [False] * nc
    pairs: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for s, i, j in cand:
        if used_q[i] or used_c[j]:
            continue
        used_q[i] = used_c[j] = True
        pairs.append((s, (i,), (j,)))
    # Joined or split tokens: try compounds of two adjacent tokens for what is left weak,
    # and keep them only when they raise the score (a compound must not displace two
    # exact pairs: "wen xian wang" / "wang wen chou").
    score, out = _pairs_score(qt, ct, pairs, person)
    weak = any(p[0] < 0.9 for p in pairs) or not all(used_q) or not all(used_c)
    if compounds and (nq > 1 or nc > 1) and weak:
        cpairs = _improve_with_compounds(qt, ct, pairs)
        if cpairs is not pairs:
            cscore, cout = _pairs_score(qt, ct, cpairs, person)
            if cscore > score:
                score, out = cscore, cout
    # The whole name written together (JSCARGUMENT) or split differently.
    if score < 0.95 and (q.joined and c.joined):
        js = _joined_similarity(q.joined, c.joined) * 0.97
        if js > score:
            return js, [(" ".join(q.raw_tokens), " ".join(c.raw_tokens), js)]
    return score, out


def _pairs_score(qt: tuple[str, ...], ct: tuple[str, ...],
                 pairs: list[tuple[float, tuple[int, ...], tuple[int, ...]]],
                 person: bool) -> tuple[float, list[Pair]]:
    nq, nc = len(qt), len(ct)
    wq = [_weight(t) for t in qt]
    wc = [_weight(t) for t in ct]
    num = 0.0
    den = 0.0
    mq = [False] * nq
    mc = [False] * nc
    out: list[Pair] = []
    for s, qi, cj in pairs:
        w = sum(wq[i] for i in qi) + sum(wc[j] for j in cj)
        num += s * w
        den += w
        for i in qi:
            mq[i] = True
        for j in cj:
            mc[j] = True
        out.append((" ".join(qt[i] for i in qi), " ".join(ct[j] for j in cj), s))
    matched = len(pairs)
    alpha = EXTRA_TOKEN_WEIGHT["person" if person else "other"] if matched >= 2 else 1.0
    den += sum(wq[i] for i in range(nq) if not mq[i])
    den += alpha * sum(wc[j] for j in range(nc) if not mc[j])
    score = num / den if den else 0.0
    if len(pairs) > 2 and not _in_cyclic_order(pairs):
        # Order-free, but a reshuffle that is not a rotation ("LAST FIRST" is one) ranks
        # below the same tokens in order.
        score *= ORDER_FACTOR
    return score, out


def _in_cyclic_order(pairs: list[tuple[float, tuple[int, ...], tuple[int, ...]]]) -> bool:
    seq = [p[2][0] for p in sorted(pairs, key=lambda p: p[1][0])]
    ranks = sorted(seq)
    n = len(seq)
    start = ranks.index(seq[0])
    return all(seq[k] == ranks[(start + k) % n] for k in range(n))


def _may_reach_compound(a: str, b: str) -> bool:
    """False when token_similarity(a, b) < 0.8 for sure: the lengths differ too much for
    the edit score (needs rel <= 2/15) and for the phonetic rule (rel <= 0.5), and neither
    is in a spelling family. A cheap test before the cached call."""
    la, lb = len(a), len(b)
    if 2 * abs(la - lb) <= max(la, lb):
        return True
    return spelling_group(a) is not None and spelling_group(b) is not None


def _improve_with_compounds(
    qt: tuple[str, ...], ct: tuple[str, ...],
    pairs: list[tuple[float, tuple[int, ...], tuple[int, ...]]],
) -> list[tuple[float, tuple[int, ...], tuple[int, ...]]]:
    units: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for i in range(len(qt) - 1):
        comp = qt[i] + qt[i + 1]
        for j in range(len(ct)):
            if _may_reach_compound(comp, ct[j]):
                s = token_similarity(comp, ct[j])
                if s >= 0.8:
                    units.append((s, (i, i + 1), (j,)))
    for j in range(len(ct) - 1):
        comp = ct[j] + ct[j + 1]
        for i in range(len(qt)):
            if _may_reach_compound(qt[i], comp):
                s = token_similarity(qt[i], comp)
                if s >= 0.8:
                    units.append((s, (i,), (j, j + 1)))
    if not units:
        return pairs
    # Re-run the greedy choice over singles and compounds together; a compound that
    # covers two tokens beats two weaker single pairs.
    allp = units + pairs
    allp.sort(key=lambda p: (p[0] * (len(p[1]) + len(p[2])), p[0]), reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen = []
    for s, qi, cj in allp:
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        chosen.append((s, qi, cj))
    return chosen
