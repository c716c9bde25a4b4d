"""The syllable alignment of a Hangul name with Latin tokens (`names._syllable_dp`) passes
over pieces whose least cost cannot help (their length, their letters no spelling has):
it must give what the plain dynamic programme, costing every piece, gives."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.matching.name_v1.names import (
    _SKIP_COST,
    MIN_PAIR_SIMILARITY,
    _piece_cost,
    _syllable_dp,
    hangul_longest_spelling,
)
from proscribe.text.translit import hangul_syllable_spellings

SURNAMES = "김이박정최조강윤장임한오서신권황안송류홍"
GIVEN = "정수영민철호진은희성훈지현우서연준혜숙옥순남광일용"


def _plain(sylls: tuple[str, ...], toks: tuple[str, ...]) -> float:
    """The same recurrence with every piece costed and nothing passed over."""
    text = "".join(toks)
    n, m = len(sylls), len(text)
    ends, pos = [], 0
    for t in toks:
        pos += len(t)
        ends.append(pos)
    next_end = [next((e for e in ends if e > p), m) for p in range(m + 1)]
    starts = {0, *ends}
    max_cost = (1.0 - MIN_PAIR_SIMILARITY) * max(m, 2 * n) / 3.0
    dp = [[math.inf] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for i in range(n + 1):
        for p in range(m + 1):
            cur = dp[i][p]
            if cur > max_cost:
                continue
            if p in starts and p < m:
                q = next_end[p]
                dp[i][q] = min(dp[i][q], cur + _SKIP_COST * (q - p))
            if i == n:
                continue
            dp[i + 1][p] = min(dp[i + 1][p], cur + _SKIP_COST * 2)
            limit = min(next_end[p] if p < m else m, p + hangul_longest_spelling(sylls[i]) + 1)
            for q in range(p + 1, limit + 1):
                dp[i + 1][q] = min(dp[i + 1][q], cur + _piece_cost(sylls[i], i == 0, text[p:q]))
    cost = dp[n][m]
    if cost > max_cost:
        return 0.0
    return max(0.0, 1.0 - 3.0 * cost / max(m, 2 * n))


@st.composite
def _name_and_tokens(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sylls = (draw(st.sampled_from(SURNAMES)),
             *draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=3)))
    words = []
    for k, syl in enumerate(sylls):
        # Usually one of its spellings, sometimes another syllable's, sometimes junk.
        how = draw(st.integers(0, 9))
        if how < 6:
            words.append(draw(st.sampled_from(sorted(hangul_syllable_spellings(syl, k == 0)))))
        elif how < 8:
            other = draw(st.sampled_from(GIVEN))
            words.append(draw(st.sampled_from(sorted(hangul_syllable_spellings(other)))))
        else:
            words.append(draw(st.text(alphabet="abcdeghijklmnoprstuwy", min_size=1,
                                      max_size=6)))
    # Given-name syllables written together or apart, surname first or last, a typo.
    given = words[1:]
    joined = draw(st.booleans())
    toks = ["".join(given)] if joined else given
    toks = [words[0], *toks] if draw(st.booleans()) else [*toks, words[0]]
    if draw(st.booleans()):
        t = draw(st.integers(0, len(toks) - 1))
        word = toks[t]
        at = draw(st.integers(0, len(word) - 1))
        toks[t] = word[:at] + draw(st.sampled_from("aeioukxz")) + word[at + 1:]
    return tuple(sylls), tuple(w for w in toks if w)


@settings(max_examples=400, deadline=None)
@given(_name_and_tokens())
def test_alignment_equals_the_plain_programme(case: tuple[tuple[str, ...], tuple[str, ...]]
                                              ) -> None:
    sylls, toks = case
    assert _syllable_dp(sylls, toks)[0] == _plain(sylls, toks), case


def test_the_pruned_pieces_are_few_of_those_a_mismatch_would_cost() -> None:
    # A Latin name far from the syllables: most pieces hold letters no spelling has.
    sylls = ("김", "정", "수")
    assert _syllable_dp(sylls, ("kim", "jong", "su"))[0] > 0.9
    assert _syllable_dp(sylls, ("mcdowell", "patrick"))[0] == 0.0 == \
        _plain(sylls, ("mcdowell", "patrick"))
