"""Name forms and the token alignment that compares two of them.

A `NameForm` is one Latin rendering of one name, cut into tokens, with honorifics and legal
forms set apart. Plain slotted classes (not pydantic): the index holds ~200k of them and the
comparison runs in the hot loop.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from mypy_extensions import mypyc_attr
from rapidfuzz.distance import OSA, Levenshtein

from proscribe.text.normalize import clean_name, split_legal_forms, strip_honorifics
from proscribe.text.sinokorean import (
    SINO_KOREAN,
    TRANSCRIBED,
    is_pinyin_word,
    mandarin_orders,
)
from proscribe.text.numbers import expand_abbreviations, number_words_to_digits
from proscribe.text.phonetic import KOREAN_SURNAME_SPELLINGS, phonetic_key, spelling_group
from proscribe.text.ru_org import english_reading_of
from proscribe.text.translit import (
    HANGUL_SURNAMES,
    hangul_spelling_ambiguity,
    hangul_spelling_readers,
    hangul_syllable_spellings,
    latin_forms,
)
from proscribe.text.wadegiles import pinyin_readings

__all__ = ["NameForm", "align_forms", "is_number_token", "name_forms", "token_similarity",
           "token_weight"]

#: Weight of an unmatched candidate token when at least two tokens matched: a list name
#: with a middle name the query lacks is still the same name.
EXTRA_TOKEN_WEIGHT = {"person": 0.35, "other": 0.75}
#: Weight of a one-letter token (an initial).
INITIAL_WEIGHT = 0.3
#: Weight of a particle or function word ("al", "bin", "de", "of", "the", "and") and of a
#: generic organisation word ("bank", "trading", "group"): they say little about identity,
#: so agreeing on them proves little and missing them costs little.
MINOR_WEIGHT = 0.4
MINOR_TOKENS = frozenset(
    """
    the of and und for de des del della di du la le el al ad ar as at an ud ul da do dos das
    van von der den ten y e et bin ben ibn bint abu abd
    bank banca banco commercial trading trade company group holding holdings international
    industrial industries industry enterprise enterprises services service general national
    import export investment investments development technology technologies shipping
    logistics management global partners foundation association society center centre
    institute academy agency corporation organization organisation fund
    """.split()
)
#: Below this a token pair is left unmatched rather than counted as a poor match.
MIN_PAIR_SIMILARITY = 0.3
#: Factor for a token paired across a filiation particle (bin / ben / ibn / bint).
FILIATION_SWAP_FACTOR = 0.5
_FILIATION = frozenset({"bin", "ben", "ibn", "bint", "binti", "bte"})
#: Factor for tokens aligned out of order (not a rotation of the query's order).
ORDER_FACTOR = 0.97


@mypyc_attr(serializable=True)  # pickled in saved indexes and to workers
class NameForm:
    """One Latin rendering of one name."""

    __slots__ = ("groups", "joined", "keys", "legal", "raw_tokens", "text", "tokens")

    def __init__(self, text: str, tokens: tuple[str, ...], raw_tokens: tuple[str, ...],
                 legal: tuple[str, ...]) -> None:
        self._set(text, tokens, raw_tokens, legal)

    def _set(self, text: str, tokens: tuple[str, ...], raw_tokens: tuple[str, ...],
             legal: tuple[str, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self.raw_tokens = raw_tokens
        self.legal = legal
        self.keys = tuple(phonetic_key(t) for t in tokens)
        self.groups = tuple(spelling_group(t) for t in tokens)
        self.joined = "".join(raw_tokens)

    # Pickled whole, derived keys included: a saved index loads without recomputing them
    # (a third of a second for the lists' 70,000 forms).
    def __getstate__(self) -> tuple[Any, ...]:
        return (self.text, self.tokens, self.raw_tokens, self.legal, self.keys, self.groups,
                self.joined)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        if len(state) == 4:
            self._set(state[0], state[1], state[2], state[3])
            return
        self.text = state[0]
        self.tokens = state[1]
        self.raw_tokens = state[2]
        self.legal = state[3]
        self.keys = state[4]
        self.groups = state[5]
        self.joined = state[6]

    def __repr__(self) -> str:
        return f"NameForm({' '.join(self.tokens)!r}, legal={self.legal})"


#: Ship prefixes ("MV WISE HONEST", "M/T YU JONG 2", "SS Minnow"): not part of a vessel's
#: name; lists mostly give the name without them. Cleaned, "M/V" is "m v".
VESSEL_PREFIXES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split()) for p in (
        "mv", "m v", "mt", "m t", "ms", "m s", "ss", "s s", "fv", "f v", "sv", "s v",
        "mts", "lpg c", "lng c", "tb", "t b"))


def strip_vessel_prefix(raw: list[str]) -> list[str]:
    """`raw` without a leading ship prefix, when a name remains after it."""
    for prefix in VESSEL_PREFIXES:
        n = len(prefix)
        if len(raw) > n and tuple(raw[:n]) == prefix:
            return raw[n:]
    return raw


@lru_cache(maxsize=65536)
def name_forms(value: str, person: bool | None = None,
               vessel: bool = False) -> tuple[NameForm, ...]:
    """Every comparable Latin form of a name (one per transliteration scheme); `vessel`:
    the name of a ship, whose prefix (MV, M/T...) is dropped."""
    out: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    latins = latin_forms(value)
    if person is not True:
        # A Russian organisation name read into English (text/ru_org.py), as lists give
        # them: "Российский фонд прямых инвестиций" is Russian Direct Investment Fund.
        english = english_reading_of(value)
        if english is not None and english not in latins:
            latins = (*latins, english)
    for latin in latins:
        raw = latin.split()
        if vessel:
            raw = strip_vessel_prefix(raw)
        if person:
            raw = strip_honorifics(raw)
        elif person is None:
            # Kind unknown: a title is dropped only from what still looks like a full name
            # ("IG Minister" is not the person "IG").
            kept = strip_honorifics(raw)
            if len(kept) >= 2:
                raw = kept
        variants = [raw]
        if not person:
            # Number words as digits, abbreviations written out (text/numbers.py): in place
            # for organisations and vessels, as another form when the kind is unknown.
            plain = expand_abbreviations(number_words_to_digits(raw))
            if plain != raw:
                variants = [plain] if person is False else [raw, plain]
        for raw in variants:
            if person:
                legal: tuple[str, ...] = ()
                tokens = tuple(raw)
            else:
                rest, legal = split_legal_forms(" ".join(raw))
                tokens = tuple(rest.split())
                acronym = _join_initials(tokens)
                if acronym is not tokens:
                    # Written together, the letters may also be a legal form ("S.A.").
                    rest, more = split_legal_forms(" ".join(acronym))
                    acronym = tuple(rest.split())
                    if person is None:  # perhaps a person's initials: both forms
                        if acronym and acronym not in seen:
                            seen.add(acronym)
                            out.append(NameForm(value, acronym, tuple(raw), legal + more))
                    else:
                        tokens, legal = acronym, legal + more
            if not tokens or tokens in seen:
                continue
            seen.add(tokens)
            out.append(NameForm(value, tokens, tuple(raw), legal))
    if out and person is not False and not _looks_korean(out[0].tokens):
        # A Chinese name in Wade-Giles, read as pinyin (text/wadegiles.py); a romanised
        # Korean name ("Jang Su Han") is not one.
        for reading in pinyin_readings(out[0].tokens):
            if reading not in seen:
                seen.add(reading)
                out.append(NameForm(value, reading, reading, ()))
    if not out:
        cleaned = clean_name(value)
        toks = tuple(cleaned.split()) or (cleaned,)
        out.append(NameForm(value, toks, toks, ()))
    return tuple(out)


def _join_initials(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """An organisation's run of three or more single letters is one acronym: "A.B.C.
    Company" is "abc", as written together, and not three initials that may come in any
    order ("C.B.A."). A pair of letters is joined only when it is a legal form ("S.A.",
    "N.A."): "U.S." stays two initials, which meet "United States"."""
    if len(tokens) < 2:
        return tokens
    out: list[str] = []
    run: list[str] = []
    for t in (*tokens, ""):
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        if run:
            # A legal form written in letters after a numeral or an acronym ("Fund X
            # L.P.", "I.B.M. S.A.") is not part of it; "U.S.A." stays one acronym.
            tail = ""
            if len(run) >= 3 and _is_legal_form(run[-2] + run[-1]):
                head = run[:-2]
                if len(head) >= 3 or (len(head) == 1 and head[0] in "ivx"):
                    tail, run = run[-2] + run[-1], head
            joined = "".join(run)
            if len(run) >= 3 or (len(run) == 2 and _is_legal_form(joined)):
                out.append(joined)
            else:
                out.extend(run)
            if tail:
                out.append(tail)
            run = []
        if t:
            out.append(t)
    return tokens if len(out) == len(tokens) else tuple(out)


@lru_cache(maxsize=4096)
def _is_legal_form(token: str) -> bool:
    rest, legal = split_legal_forms("x " + token)  # a form is split off only after a name
    return rest.strip() == "x" and bool(legal)


def token_weight(token: str) -> float:
    """How much one token counts in a name: initials and minor words count less."""
    if len(token) == 1:
        return INITIAL_WEIGHT
    return MINOR_WEIGHT if token in MINOR_TOKENS else 1.0


_weight = token_weight


def _filiation(tokens: tuple[str, ...]) -> int:
    """Index of the first filiation particle after the first token, or -1 ("al bin ali" is
    a family name, not a filiation)."""
    for k in range(1, len(tokens) - 1):
        if tokens[k] in _FILIATION and tokens[k - 1] not in ("al", "el", "aal", "al-"):
            return k
    return -1
_VOWELS = frozenset("aeiouy")
#: Korean name syllables as lists romanise them ("kim", "yong", "chol", "hyok", "ryong").
_KOREAN_SYLLABLE = re.compile(
    r"^(?:[bcdghjkmnprst]|ch|kk|tt|pp|ss|jj|tch|sh|ph|th|kh)?"
    r"(?:a|ae|ya|yae|eo|e|yeo|ye|o|wa|wae|oe|yo|u|wo|we|wi|yu|eu|ui|i|oo|ou|yoo|you|ee)"
    r"(?:k|n|t|l|m|p|ng|g|r|b)?$")


@lru_cache(maxsize=200_000)
def _looks_korean(tokens: tuple[str, ...]) -> bool:
    """A romanised Korean personal name: a Korean surname and one-syllable tokens."""
    return (2 <= len(tokens) <= 4
            and (tokens[0] in KOREAN_SURNAME_SPELLINGS or tokens[-1] in KOREAN_SURNAME_SPELLINGS)
            and all(_KOREAN_SYLLABLE.match(t) for t in tokens))


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two tokens in 0..1.

    Equal -> 1; tokens with digits must be equal; one spelling family (Ri / Lee) -> 0.95;
    an initial against a name with that initial -> 0.8; otherwise an edit-distance score
    that punishes short tokens harder (Chol / Chun: 0.25), raised to 0.85 when the phonetic
    skeletons agree, at most half the letters differ and the lengths differ by at most one
    (Mohammed / Muhammad; not Castro / Castillo).
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
    if sim < 0.85 and rel <= 0.5 and abs(len(a) - len(b)) <= 1:
        # Same skeleton, about the same length, and both written with vowels: a spelling
        # variant (Castro / Castillo and an acronym STTS / States are not).
        ka = phonetic_key(a)
        if len(ka) >= 2 and ka == phonetic_key(b) and _VOWELS.intersection(a) \
                and _VOWELS.intersection(b):
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
    if person:
        syllables = hangul_alignment(q, c)
        if syllables is not None:
            return syllables
    nq, nc = len(qt), len(ct)
    # "A bin B" is A, son of B: when both names hold a filiation particle and the greedy
    # pairing crosses it both ways (a name before it on one side is after it on the other,
    # and the reverse), the names are swapped: Omar bin Abdullah is not Abdullah bin Omar.
    # ("AL BEN ALI, Isa Ben Tarif" crosses one way only: a family name written first.)
    qb = _filiation(qt) if person else -1
    cb = _filiation(ct) if qb >= 0 else -1
    cand: list[tuple[float, int, int]] = []
    for i in range(nq):
        a = qt[i]
        row = _similarity_row(a)
        for j in range(nc):
            s = _row_similarity(row, a, ct[j])
            if s >= MIN_PAIR_SIMILARITY:
                cand.append((s, i, j))
    cand.sort(reverse=True)
    pairs, used_q, used_c = _greedy(cand, nq, nc)
    if cb >= 0:
        cross = {i < qb for _, (i,), (j,) in pairs
                 if i != qb and j != cb and (i < qb) != (j < cb)}
        if len(cross) == 2:
            cand = sorted(((s * FILIATION_SWAP_FACTOR if i != qb and j != cb and
                            (i < qb) != (j < cb) else s, i, j) for s, i, j in cand),
                          reverse=True)
            pairs, used_q, used_c = _greedy(cand, nq, nc)
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


def hangul_alignment(q: NameForm, c: NameForm) -> tuple[float, list[Pair]] | None:
    """`align_forms` of a Hangul personal name `q` against a person's name `c` when it
    compares them syllable by syllable (with a Hangul name, or with a Latin one: every
    accepted spelling of each syllable); None when the token alignment applies instead."""
    if not _is_hangul_char(q.text[:1]):
        return None
    orders = korean_syllable_orders(q.text)
    if not orders:
        return None
    if _is_hangul_char(c.text[:1]):
        return _hangul_similarity(orders, c.text)
    if not _has_hangul(c.text):
        return hangul_latin_similarity(hangul_reading_orders(q.text), c.raw_tokens)
    return None


#: token_similarity remembered per query token: a query aligns its few tokens with the
#: tokens of dozens of list names, and a lookup by the list token in the query token's
#: row spares the lru cache's hashing of a new pair each time (UN names of five words or
#: more, 10 of the 40 slowest queries: about 7% less, six pairs). At most `_SIMILARITIES_KEPT`
#: pairs in all (the lru cache keeps 500,000): all are dropped when full.
_SIMILARITY_ROWS: dict[str, dict[str, float]] = {}
_SIMILARITIES_KEPT = 200_000
_similarities = 0


def _similarity_row(a: str) -> dict[str, float]:
    row = _SIMILARITY_ROWS.get(a)
    if row is None:
        row = _SIMILARITY_ROWS[a] = {}
    return row


def _row_similarity(row: dict[str, float], a: str, b: str) -> float:
    """token_similarity(a, b), remembered in `row` (a's: `_similarity_row(a)`)."""
    global _similarities
    known = row.get(b)
    if known is None:
        if _similarities >= _SIMILARITIES_KEPT:
            _SIMILARITY_ROWS.clear()
            _similarities = 0
        known = row[b] = token_similarity(a, b)
        _similarities += 1
    return known


def _greedy(cand: list[tuple[float, int, int]], nq: int, nc: int) -> tuple[
        list[tuple[float, tuple[int, ...], tuple[int, ...]]], list[bool], list[bool]]:
    """Best-first one-to-one pairing of tokens (cand sorted by similarity, best first)."""
    used_q = [False] * nq
    used_c = [False] * nc
    pairs: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for s, i, j in cand:
        if used_q[i] or used_c[j]:
            continue
        used_q[i] = used_c[j] = True
        pairs.append((s, (i,), (j,)))
    return pairs, used_q, used_c


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
        w = 0.0
        for i in qi:
            w += wq[i]
        for j in cj:
            w += wc[j]
        num += s * w
        den += w
        for i in qi:
            mq[i] = True
        for j in cj:
            mc[j] = True
        out.append((" ".join(qt[i] for i in qi), " ".join(ct[j] for j in cj), s))
    # Extra names count less once two names matched: in a person's name, particles like
    # "al" or "bin" matching do not make a name (Bashar al-Assad is not al-Assad with a
    # name added). An organisation's generic words are part of its name (Deutsche Bank).
    matched = len(pairs)
    if person:
        matched = 0
        for _, qi, cj in pairs:
            if any(wq[i] != MINOR_WEIGHT for i in qi) or \
                    any(wc[j] != MINOR_WEIGHT for j in cj):
                matched += 1
    alpha = EXTRA_TOKEN_WEIGHT["person" if person else "other"] if matched >= 2 else 1.0
    if person and alpha < 1.0 and (_looks_korean(qt) or _looks_korean(ct)):
        # A Korean given name is two syllables: one of them missing is another given name
        # (Kim Chol is not Kim Yong Chol).
        alpha = 1.0
    # Unpaired tokens, heaviest first; for an organisation or a vessel, whether each is a
    # number (first among equal weights).
    left_q = sorted(((wq[i], not person and is_number_token(qt[i]))
                     for i in range(nq) if not mq[i]), reverse=True)
    left_c = sorted(((wc[j], not person and is_number_token(ct[j]))
                     for j in range(nc) if not mc[j]), reverse=True)
    # A token left on both sides is a different name in its place (al-Mosuli / al-Tikriti):
    # it counts fully on both. Tokens left on one side only are extra names (a middle name,
    # a patronymic on either side) and count `alpha` once two tokens matched.
    k = min(len(left_q), len(left_c))
    for side in (left_q, left_c):
        for n, (w, number) in enumerate(side):
            counted = w if n < k else alpha * w
            # A number tells an organisation or a vessel from its namesakes (Fund II,
            # Bowne Global Solutions II, Storm 2 and Storm 1): left unpaired, it counts as
            # a whole name, never as an extra word.
            den += 1.0 if number else counted
    # An initial left opposite another (William G. Frost / William W. Frost) is a
    # different name in its place that the letters tell for sure: both count as whole
    # names, not at an initial's weight.
    if k:
        conflicts = min(sum(1 for i in range(nq) if not mq[i] and _is_initial(qt[i])),
                        sum(1 for j in range(nc) if not mc[j] and _is_initial(ct[j])))
        den += 2.0 * (1.0 - INITIAL_WEIGHT) * conflicts
    score = num / den if den else 0.0
    if len(pairs) > 2 and not _in_cyclic_order(pairs):
        # Order-free, but a reshuffle that is not a rotation ("LAST FIRST" is one) ranks
        # below the same tokens in order.
        score *= ORDER_FACTOR
    return score, out


#: Roman numerals that name a number in an organisation's name (one letter is an initial).
_ROMAN_NUMERALS = frozenset("ii iii iv vi vii viii ix xi xii xiii xiv xv xvi xvii xviii xix xx"
                            .split())


def is_number_token(token: str) -> bool:
    """A token that names a number: digits, or a Roman numeral from II."""
    return token in _ROMAN_NUMERALS or any(ch.isdigit() for ch in token)


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


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
    # A compound holding an initial pairs only when exact ("o brien" ~ "obrien"): near
    # enough, it is a name with an initial beside it ("william w" ~ "william" at 0.85),
    # which would take the initial out of the comparison and an exact pair with it.
    units: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = []
    for i in range(len(qt) - 1):
        comp = qt[i] + qt[i + 1]
        least = 1.0 if len(qt[i]) == 1 or len(qt[i + 1]) == 1 else 0.8
        row = _similarity_row(comp)
        for j in range(len(ct)):
            if _may_reach_compound(comp, ct[j]):
                s = _row_similarity(row, comp, ct[j])
                if s >= least:
                    units.append((s, (i, i + 1), (j,)))
    for j in range(len(ct) - 1):
        comp = ct[j] + ct[j + 1]
        least = 1.0 if len(ct[j]) == 1 or len(ct[j + 1]) == 1 else 0.8
        for i in range(len(qt)):
            if _may_reach_compound(qt[i], comp):
                s = _row_similarity(_similarity_row(qt[i]), qt[i], comp)
                if s >= least:
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


# ----------------------------------------------------------------------------- Hangul
# A Hangul personal name against a Latin one, syllable by syllable: each syllable accepts
# every spelling lists use for it (hangul_syllable_spellings), and dynamic programming finds
# the cheapest way to cut the Latin tokens into those syllables (a token holds one or more
# whole syllables: "Jong-un", "Jong Un" and "Jongun" all fit 정은). Surname first or last.
#: Cost of a Latin token or a Hangul syllable left without a counterpart, per letter.
_SKIP_COST = 1.0
#: Scale of a spelling's cost (hangul_syllable_spellings) against one edit.
VARIANT_COST_FACTOR = 0.1
#: Scale of a spelling's ambiguity (translit.hangul_spelling_ambiguity, nats) against one
#: edit: a spelling shared by two syllables costs ln 2 x 0.05 = 0.035, more than an
#: informal variant's 0.01 and far less than an edit.
AMBIGUITY_COST_FACTOR = 0.05


def _is_hangul_char(ch: str) -> bool:
    return bool(ch) and "\uac00" <= ch <= "\ud7a3"


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@lru_cache(maxsize=8192)
def korean_syllable_orders(text: str) -> tuple[tuple[str, ...], ...]:
    """The syllables of a Hangul personal name, surname first, in each plausible order
    ("김정은" and "정은 김" -> 김 정 은); empty when the text is not one."""
    words = [w for w in clean_name(text).split() if w]
    if not words or not all(all(_is_hangul_char(ch) for ch in w) for w in words):
        return ()
    sylls = "".join(words)
    if not 2 <= len(sylls) <= 5:
        return ()
    orders: list[tuple[str, ...]] = []
    if sylls[0] in HANGUL_SURNAMES:
        orders.append(tuple(sylls))
    if len(words) > 1 and words[-1][0] in HANGUL_SURNAMES:
        orders.append(tuple(words[-1] + "".join(words[:-1])))
    return tuple(orders)


#: A Chinese reading of a Hangul name (text/sinokorean.py) scores this share of what the
#: same alignment scores under a Korean reading, so that a Korean spelling that fits
#: always ranks first. The Mandarin transcription is one standard table (리샤오펑 is Li
#: Xiaopeng); the Korean reading of the characters is a guess, each Hangul syllable
#: standing for several characters with their own Mandarin readings (3.4 on average), so
#: on the name alone it reaches the review band, never the match band (0.8 x 0.95 < 0.80).
TRANSCRIPTION_FACTOR = 0.9
SINO_KOREAN_FACTOR = 0.8


def _chinese(unit: str) -> bool:
    """text.sinokorean.is_mandarin_unit, compiled with the rest of this module (a hot path)."""
    return unit[:1] == SINO_KOREAN or unit[:1] == TRANSCRIBED


def _reading_factor(order: tuple[str, ...]) -> float:
    if not _chinese(order[0]):
        return 1.0
    return SINO_KOREAN_FACTOR if order[0][0] == SINO_KOREAN else TRANSCRIPTION_FACTOR


@lru_cache(maxsize=8192)
def hangul_reading_orders(text: str) -> tuple[tuple[str, ...], ...]:
    """What a Hangul personal name is compared with Latin names as: its Korean syllable
    orders (`korean_syllable_orders`), then its readings as a Chinese name written in Hangul
    (Li Xiaopeng as 리샤오펑, Wang Zhaojun as 왕소군: text.sinokorean.mandarin_orders), whose
    units stand in for syllables. Empty when the text is not a Korean-style name."""
    korean = korean_syllable_orders(text)
    if not korean:
        return ()
    sylls = "".join(clean_name(text).split())
    return korean + mandarin_orders(sylls, True)


#: Pieces of text whose cost `_piece_costs` keeps for one syllable.
_PIECES_KEPT = 2048


@lru_cache(maxsize=8192)
def _piece_costs(syllable: str, surname: bool) -> dict[str, float]:
    """`_piece_cost` of one syllable, remembered per piece of text: the alignment asks
    for a few hundred pieces, and one dictionary a syllable costs it less than a cache
    keyed by all three."""
    return {}


def _piece_cost(syllable: str, surname: bool, piece: str) -> float:
    spellings = hangul_syllable_spellings(syllable, surname)
    best = 9.0
    for v, c in spellings.items():
        # A spelling's own cost and its ambiguity only break ties between accepted
        # spellings; a letter outside every accepted spelling costs a whole edit. A
        # surname's spellings are conventions (Lee / Yi / Rhee): no ambiguity is charged.
        d = Levenshtein.distance(piece, v, score_cutoff=3) + VARIANT_COST_FACTOR * c
        if not surname:
            d += AMBIGUITY_COST_FACTOR * hangul_spelling_ambiguity(syllable, v)
        if d < best:
            best = d
    return best


#: Least ambiguity (nats) of an exact spelling that an explanation names: a charge of 0.01.
NOTED_AMBIGUITY = 0.2


def _shared_spelling(syllable: str, piece: str) -> str:
    """"jong: also 종, 중" when `piece` is exactly an accepted spelling of a (given-name)
    syllable that other syllables share enough to be charged (hangul_spelling_ambiguity):
    what the explanation says of it, the likeliest others first. Empty otherwise."""
    if _chinese(syllable) or hangul_spelling_ambiguity(syllable, piece) < NOTED_AMBIGUITY:
        return ""
    others = [s for s, _ in hangul_spelling_readers(piece) if s != syllable][:2]
    return f"{piece}: also {', '.join(others)}" if others else ""


@lru_cache(maxsize=4096)
def _spelling_letters(syllable: str) -> frozenset[str]:
    """Every letter of any accepted spelling of a syllable (surname or not)."""
    return frozenset("".join(hangul_syllable_spellings(syllable, True)) +
                     "".join(hangul_syllable_spellings(syllable, False)))


@lru_cache(maxsize=4096)
def hangul_longest_spelling(syllable: str) -> int:
    """Length of the longest accepted spelling of a Hangul syllable (surname or not)."""
    return max(len(v) for v in hangul_syllable_spellings(syllable, True))


@lru_cache(maxsize=100_000)
def hangul_latin_similarity(orders: tuple[tuple[str, ...], ...],
                            tokens: tuple[str, ...]) -> tuple[float, list[Pair]]:
    """Similarity of a Hangul name (its syllable orders) to Latin tokens, and the pairs."""
    best: tuple[float, list[Pair]] = (0.0, [])
    if not tokens:
        return best
    latin_orders = [tokens]
    if len(tokens) > 1:
        latin_orders.append(tokens[-1:] + tokens[:-1])
    joined = "".join(tokens)
    pinyin: bool | None = None  # whether the tokens are pinyin: asked once, if needed
    for sylls in orders:
        factor = _reading_factor(sylls)
        # A Chinese reading is compared with pinyin names only, and only when it can beat
        # the reading already found.
        if factor != 1.0:
            if pinyin is None:
                pinyin = all(is_pinyin_word(t) for t in tokens)
            if not pinyin or _latin_bound(sylls, joined) * factor <= best[0]:
                continue
        for toks in latin_orders:
            sim, pairs = _syllable_dp(sylls, toks)
            if factor != 1.0 and sim > 0.0:
                sim *= factor
                pairs = [(a, b, sim) for a, b, _ in pairs]
            if sim > best[0]:
                best = (sim, pairs)
    return best


def _syllable_dp(sylls: tuple[str, ...], toks: tuple[str, ...]) -> tuple[float, list[Pair]]:
    text = "".join(toks)
    n, m = len(sylls), len(text)
    ends = []
    pos = 0
    for t in toks:
        pos += len(t)
        ends.append(pos)
    next_end = [0] * (m + 1)
    k = 0
    for p in range(m + 1):
        while k < len(ends) and ends[k] <= p:
            k += 1
        next_end[p] = ends[k] if k < len(ends) else m
    starts = {0, *ends}
    inf = float("inf")
    # Below MIN_PAIR_SIMILARITY the name says nothing: paths costing more are cut.
    max_cost = (1.0 - MIN_PAIR_SIMILARITY) * max(m, 2 * n) / 3.0
    # dp[i][p]: least cost of syllables[:i] against text[:p]; back: where it came from.
    dp = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    piece_costs = [_piece_costs(syl, i == 0) for i, syl in enumerate(sylls)]
    # What a piece costs at least, before its cost is looked up (`_piece_cost` compares it
    # with every spelling of its syllable: ~70% of an alignment with a list name new to
    # the caches): its length against the nearest spelling length, and one edit for each
    # of its letters that no spelling of the syllable has (counted along the text once per
    # syllable). A piece that cannot improve on what is known of its end, or takes the
    # path past max_cost, is passed over; the alignment is the same.
    floors = [_length_piece_costs(syl) for syl in sylls]
    foreign: list[list[int]] = []
    for syl in sylls:
        letters = _spelling_letters(syl)
        counts = [0] * (m + 1)
        for j in range(m):
            counts[j + 1] = counts[j] + (0 if text[j] in letters else 1)
        foreign.append(counts)
    for i in range(n + 1):
        for p in range(m + 1):
            cur = dp[i][p]
            if cur > max_cost:
                continue
            if p in starts and p < m:            # a whole Latin token left unmatched
                q = next_end[p]
                if cur + _SKIP_COST * (q - p) < dp[i][q]:
                    dp[i][q] = cur + _SKIP_COST * (q - p)
                    back[i][q] = (i, p)
            if i == n:
                continue
            skip = cur + _SKIP_COST * 2          # a syllable left unmatched
            if skip < dp[i + 1][p]:
                dp[i + 1][p] = skip
                back[i + 1][p] = (i, p)
            limit = min(next_end[p] if p < m else m, p + hangul_longest_spelling(sylls[i]) + 1)
            costs = piece_costs[i]
            floor = floors[i]
            fcount = foreign[i]
            reached = dp[i + 1]
            for q in range(p + 1, limit + 1):
                least = fcount[q] - fcount[p]
                if least > 4:
                    least = 4  # _piece_cost's edit distance is capped there
                if floor[q - p] > least:
                    least = floor[q - p]
                if cur + least >= reached[q] or cur + least > max_cost:
                    continue
                piece = text[p:q]
                pc = costs.get(piece)
                if pc is None:
                    if len(costs) >= _PIECES_KEPT:
                        costs.clear()
                    pc = costs[piece] = _piece_cost(sylls[i], i == 0, piece)
                c = cur + pc
                if c < dp[i + 1][q]:
                    dp[i + 1][q] = c
                    back[i + 1][q] = (i, p)
    cost = dp[n][m]
    if cost > max_cost:
        return 0.0, []
    # One syllable wrong in three is another person (Kim Yong Chol / Kim Yong Chun): the
    # cost weighs twice what a token edit does.
    sim = max(0.0, 1.0 - 3.0 * cost / max(m, 2 * n))
    # Pairs per Latin token: the syllables it holds (for the explanation and the evidence).
    held: dict[int, list[str]] = {}
    read: dict[int, list[str]] = {}  # a Chinese reading's pinyin, per token
    shared: dict[int, list[str]] = {}  # spellings charged as shared with other syllables
    i, p = n, m
    while (i, p) != (0, 0):
        prev = back[i][p]
        if prev is None:
            break
        pi, pp = prev
        if pi < i and pp < p:
            tok = sum(1 for e in ends if e <= pp)
            unit = sylls[pi]
            if _chinese(unit):
                held.setdefault(tok, []).insert(0, unit[1:])
                read.setdefault(tok, []).insert(0, _nearest_spelling(unit, text[pp:p]))
            else:
                held.setdefault(tok, []).insert(0, unit)
                note = _shared_spelling(unit, text[pp:p]) if pi > 0 else ""
                if note:
                    shared.setdefault(tok, []).insert(0, note)
        i, p = pi, pp
    pairs: list[Pair] = []
    for j in range(len(toks)):
        if j in held:
            shown = "".join(held[j])
            if j in read:
                shown += " (" + " ".join(read[j]) + ")"
            elif j in shared:
                shown += " [" + "; ".join(shared[j]) + "]"
            pairs.append((shown, toks[j], sim))
    return sim, pairs


def _nearest_spelling(unit: str, piece: str) -> str:
    """The accepted spelling of a unit closest to the text matched to it (explanations)."""
    spellings = sorted(hangul_syllable_spellings(unit, False))
    return min(spellings, key=lambda v: Levenshtein.distance(piece, v)) if spellings else ""


def is_chinese_reading(pairs: list[Pair]) -> bool:
    """Whether a Hangul name's alignment (hangul_latin_similarity) read it as Chinese."""
    return any(q.endswith(")") for q, _, _ in pairs)


def hangul_name_bound(orders: tuple[tuple[str, ...], ...], text: str, joined: str,
                      raw_tokens: tuple[str, ...] | None = None) -> float:
    """Upper bound of `align_forms` for a Hangul personal name (its syllable orders)
    against a person name (`text`, and `joined`: its tokens written together), cheaper
    than the syllable alignment it bounds.

    Against Hangul: the similarity itself (cheap). Against Latin: `hangul_latin_similarity`
    costs at least one edit per letter beyond the longest spellings of the syllables, one
    per letter that no spelling of any of them has (skipping a letter costs one too), and
    one per letter that every spelling of a syllable has and the text lacks (less the slack
    of skipping that syllable); its similarity is 1 - 3 cost / max(m, 2 n).
    """
    if _is_hangul_char(text[:1]):
        korean = tuple(o for o in orders if not _chinese(o[0]))
        return _hangul_similarity(korean, text)[0]
    if _has_hangul(text):
        return 1.0  # compared token by token: no bound here
    # The orders of one reading hold the same syllables; each reading has its own budget.
    # A Chinese reading counts against pinyin names only (hangul_latin_similarity; without
    # the name's raw tokens, it always counts).
    best = 0.0
    done: set[tuple[str, ...]] = set()
    pinyin: bool | None = None
    for syllables in orders:
        if _chinese(syllables[0]):
            if pinyin is None:  # as the alignment decides it, on the raw tokens
                pinyin = raw_tokens is None or all(is_pinyin_word(t) for t in raw_tokens)
            if not pinyin:
                continue
        units = tuple(sorted(syllables))
        if units not in done:
            done.add(units)
            bound = _latin_bound(syllables, joined)
            bound *= _reading_factor(syllables)
            if bound > best:
                best = bound
                if best >= 1.0:
                    break
    return best


def _latin_bound(syllables: tuple[str, ...], joined: str) -> float:
    longest, letters, required, slack = _hangul_budget(syllables)
    m = len(joined)
    foreign = sum(1 for ch in joined if ch not in letters)
    cost = float(max(m - longest, foreign))
    by_length = _length_costs(tuple(sorted(syllables)))
    if m < len(by_length) and by_length[m] > cost:
        cost = float(by_length[m])
    missing = 0
    for ch, k in required:
        have = joined.count(ch)
        if have < k:
            missing += k - have
    if missing - slack > cost:
        cost = float(missing - slack)
    if cost > 0:
        return max(0.0, 1.0 - 3.0 * cost / max(m, 2 * len(syllables)))
    return 1.0


#: The longest Latin text (letters) `_length_costs` bounds; longer ones are not bounded
#: by length.
_LENGTH_TABLE = 64


@lru_cache(maxsize=4096)
def _length_costs(units: tuple[str, ...]) -> tuple[int, ...]:
    """For each length m of a Latin text (up to `_LENGTH_TABLE` letters), a lower bound of
    the cost of `_syllable_dp` cutting any text of m letters into these syllables (`units`:
    sorted, as the bound does not depend on their order).

    The alignment matches each syllable to a piece of 1 to (its longest spelling + 1)
    letters, at a cost of at least the piece's length difference to the nearest length of
    a spelling of it (`_piece_cost`: an edit distance, capped at 4 by its cutoff), or
    skips it (two letters' skipping cost); letters left over (whole tokens unmatched) cost
    one letter's each. The least sum over lengths alone, whatever the letters (a surname's
    spellings and a given name's both count): a text far longer or shorter than the
    syllables' spellings cannot align, which the letter counts of `_hangul_budget` miss
    ("PAK, Yong Sik" holds the letters of 백명자옥자, and four of its five syllables do
    not fit in ten letters). Whole edits, rounding the skipping costs down."""
    skip_letter = math.floor(_SKIP_COST)
    skip_unit = math.floor(2 * _SKIP_COST)
    big = 1 << 20
    reach = [0]  # reach[s]: least cost of the syllables so far over s letters
    for syl in units:
        piece = _length_piece_costs(syl)
        top = len(piece) - 1
        grown = [big] * (len(reach) + top)
        for used in range(len(reach)):
            c = reach[used]
            if c >= big:
                continue
            if c + skip_unit < grown[used]:
                grown[used] = c + skip_unit
            for n in range(1, top + 1):
                if c + piece[n] < grown[used + n]:
                    grown[used + n] = c + piece[n]
        reach = grown
    out: list[int] = []
    best = big  # least of reach[s] - s x skip_letter over s <= m (the rest left over)
    for m in range(_LENGTH_TABLE + 1):
        if m < len(reach) and reach[m] - m * skip_letter < best:
            best = reach[m] - m * skip_letter
        out.append(best + m * skip_letter)
    return tuple(out)


@lru_cache(maxsize=4096)
def _length_piece_costs(syllable: str) -> tuple[int, ...]:
    """[n]: the least `_piece_cost` of a piece of n letters matched to a syllable, on
    lengths alone (n from 1 to its longest spelling + 1; [0] unused)."""
    lengths = {len(v) for v in hangul_syllable_spellings(syllable, False)}
    lengths.update(len(v) for v in hangul_syllable_spellings(syllable, True))
    top = hangul_longest_spelling(syllable) + 1
    return (0, *(min(min(abs(k - n), 4) for k in lengths) for n in range(1, top + 1)))


@lru_cache(maxsize=4096)
def _hangul_budget(syllables: tuple[str, ...]) -> tuple[
        int, frozenset[str], tuple[tuple[str, int], ...], int]:
    """What `hangul_name_bound` checks a Latin name against, once per query: the summed
    longest spellings of the syllables; every letter of any accepted spelling of them
    (surname or not); the letters (with counts) that every spelling of each syllable has,
    summed over the syllables; and the slack of skipping a syllable (2 edits) that
    requires more than 2 letters.

    A piece of text matched to a syllable misses at least its required letters that it
    lacks (one edit each: `_piece_cost` caps an edit distance at 4, so at most 4 are kept
    a syllable); the pieces are disjoint, so over the whole text at least the required
    letters the text lacks, less what skipped syllables save."""
    letters: set[str] = set()
    total: dict[str, int] = {}
    slack = 0
    for ch in syllables:
        letters |= _spelling_letters(ch)
        need: dict[str, int] | None = None
        for surname in (False, True):
            for v in hangul_syllable_spellings(ch, surname):
                have: dict[str, int] = {}
                for letter in v:
                    have[letter] = have.get(letter, 0) + 1
                if need is None:
                    need = have
                else:
                    need = {k: min(n, have[k]) for k, n in need.items() if k in have}
        kept = 0
        for letter, n in sorted((need or {}).items()):
            n = min(n, 4 - kept)
            if n <= 0:
                break
            total[letter] = total.get(letter, 0) + n
            kept += n
        if kept > 2:
            slack += kept - 2
    return (sum(hangul_longest_spelling(ch) for ch in syllables), frozenset(letters),
            tuple(sorted(total.items())), slack)


@lru_cache(maxsize=20_000)
def _hangul_similarity(orders: tuple[tuple[str, ...], ...], other: str) -> tuple[float,
                                                                                 list[Pair]]:
    """Two Hangul names, syllable by syllable (one syllable off in three is another name)."""
    theirs = korean_syllable_orders(other)
    if not theirs:
        theirs = ("".join(clean_name(other).split()),)  # type: ignore[assignment]
    best: tuple[float, list[Pair]] = (0.0, [])
    for a in orders:
        for b in theirs:
            sa, sb = "".join(a), "".join(b)
            d = Levenshtein.distance(sa, sb)
            sim = max(0.0, 1.0 - 1.5 * d / max(len(sa), len(sb)))
            if sim > best[0]:
                best = (sim, [(sa, sb, sim)])
    return best
