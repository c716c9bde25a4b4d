"""The spelling model behind the Hangul-to-Latin alignment: which syllables a Latin spelling
can stand for, and how much less one spelling tells of its syllable than another."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.text.sinokorean import hanja_reading_count
from proscribe.text.translit import (
    hangul_spelling_ambiguity,
    hangul_syllable_spellings,
    hangul_syllables_spelt,
)

syllables = st.integers(0, 11171).map(lambda k: chr(0xAC00 + k))


@settings(max_examples=300, deadline=None)
@given(syllables)
def test_every_spelling_of_a_syllable_reads_back_to_it_at_the_same_cost(ch: str) -> None:
    # hangul_syllables_spelt parses a spelling into jamo; it must be the exact inverse of
    # hangul_syllable_spellings, which writes them.
    for spelling, cost in hangul_syllable_spellings(ch, False).items():
        assert hangul_syllables_spelt(spelling)[ch] == cost
        for other, c in hangul_syllables_spelt(spelling).items():
            assert hangul_syllable_spellings(other, False)[spelling] == c


@settings(max_examples=300, deadline=None)
@given(syllables)
def test_some_spelling_of_every_syllable_costs_no_ambiguity(ch: str) -> None:
    amb = [hangul_spelling_ambiguity(ch, v) for v in hangul_syllable_spellings(ch, False)]
    assert min(amb) == 0.0
    assert all(a >= 0.0 for a in amb)


def test_merged_spellings_tell_less_than_revised_romanization() -> None:
    assert hangul_syllables_spelt("dae") == {"대": 0.0}
    assert set(hangul_syllables_spelt("tae")) == {"태", "대", "때"}
    assert hangul_spelling_ambiguity("대", "dae") == 0.0
    assert hangul_spelling_ambiguity("대", "tae") > 0.5
    # "yong" is 용 or 영: it is 용's own spelling, and a lesser one of 영 than "yeong".
    assert hangul_spelling_ambiguity("용", "yong") == 0.0
    assert hangul_spelling_ambiguity("영", "yong") > 0.3
    assert hangul_spelling_ambiguity("영", "yeong") == 0.0
    # Nothing outside the model: a unit of a Chinese reading, a Latin letter.
    assert hangul_spelling_ambiguity("a", "a") == 0.0


def test_the_prior_counts_common_characters_per_reading() -> None:
    # 정 reads many common characters (正, 政, 定, 情, ...), 중 few (中, 重, 衆, 仲).
    assert hanja_reading_count("정") > 30
    assert 0 < hanja_reading_count("중") < 10
    assert hanja_reading_count("똘") == 0


def test_a_chinese_reading_is_charged_by_how_many_characters_share_its_pinyin() -> None:
    from proscribe.text.sinokorean import reading_ambiguity
    from proscribe.text.translit import SINO_KOREAN

    # 상: shang (上 商 賞 ...) is nearly always read 상; xiang (相 想 ...) is also 향 (向 香).
    assert reading_ambiguity("상", "shang") == 0.0
    assert reading_ambiguity("상", "xiang") > 0.3
    assert hangul_spelling_ambiguity(SINO_KOREAN + "상", "xiang") == reading_ambiguity(
        "상", "xiang")
    # Not a reading of the syllable, or not in the table: nothing to say.
    assert reading_ambiguity("상", "kim") == 0.0
    assert reading_ambiguity("똘", "li") == 0.0


def test_a_surname_spelt_from_the_other_side_of_the_initial_sound_rule_costs_a_little() -> None:
    from proscribe.text.translit import OTHER_SIDE_COST

    # 이 is how the South writes 李 (Lee, Yi, Rhee); 리 how the North does (Ri).
    south, north = hangul_syllable_spellings("이", True), hangul_syllable_spellings("리", True)
    assert south["lee"] == south["yi"] == north["ri"] == 0.0
    assert south["ri"] == north["lee"] == OTHER_SIDE_COST
