from __future__ import annotations

import pytest

from proscribe.text.sinokorean import (
    SINO_KOREAN,
    TABLE,
    TRANSCRIBED,
    mandarin_orders,
    transcribe_pinyin,
    unit_spellings,
)

# The National Institute of Korean Language's table for Chinese (외래어 표기법, 중국어의
# 주음 부호와 한글 대조표), one or more syllables per rule of the scheme.
OFFICIAL = {
    "li": "리", "xiao": "샤오", "peng": "펑", "wang": "왕", "yang": "양", "ma": "마",
    # zhi chi shi ri zi ci si: the vowel is ㅡ
    "zhi": "즈", "chi": "츠", "shi": "스", "ri": "르", "zi": "쯔", "ci": "츠", "si": "쓰",
    # after ㅈ ㅉ ㅊ the y-glide is dropped; after ㅅ it stays
    "jia": "자", "jie": "제", "jiao": "자오", "jiu": "주", "jian": "젠", "jiang": "장",
    "qiu": "추", "qian": "첸", "xia": "샤", "xie": "셰", "xiu": "슈", "xian": "셴",
    # u after j q x is ü
    "ju": "쥐", "xu": "쉬", "jue": "줴", "xue": "쉐", "quan": "취안", "jun": "쥔", "lv": "뤼",
    # the u-finals, with and without an initial
    "dui": "두이", "wei": "웨이", "lun": "룬", "wen": "원", "guo": "궈", "wo": "워",
    "hua": "화", "huai": "화이", "guan": "관", "huang": "황", "dong": "둥", "weng": "웡",
    # the i-finals
    "lian": "롄", "yan": "옌", "bie": "볘", "liu": "류", "you": "유", "xiong": "슝",
    "yong": "융", "yuan": "위안", "yun": "윈", "yue": "웨",
    # the rest
    "bo": "보", "er": "얼", "dou": "더우", "ai": "아이", "bei": "베이", "zheng": "정",
    "shen": "선", "ze": "쩌", "san": "싼", "ting": "팅",
}


@pytest.mark.parametrize(("pinyin", "hangul"), sorted(OFFICIAL.items()))
def test_pinyin_is_written_as_the_korean_scheme_writes_it(pinyin: str, hangul: str) -> None:
    assert transcribe_pinyin(pinyin) == hangul


def test_what_is_not_pinyin_has_no_transcription() -> None:
    assert transcribe_pinyin("kim") is None


def test_a_name_transcribed_from_mandarin_is_cut_into_its_syllables() -> None:
    orders = mandarin_orders("리샤오펑", True)
    cut = (TRANSCRIBED + "리", TRANSCRIBED + "샤오", TRANSCRIBED + "펑")
    assert cut in orders
    assert [sorted(unit_spellings(u)) for u in cut] == [["li"], ["xiao"], ["feng", "peng"]]


def test_a_name_in_korean_readings_of_hanja_gets_their_mandarin_readings() -> None:
    (order,) = [o for o in mandarin_orders("왕소군", True) if o[0][0] == SINO_KOREAN]
    assert [("wang", "zhao", "jun")[k] in unit_spellings(u) for k, u in enumerate(order)] \
        == [True, True, True]
    # 金 is read 김 as a surname: Kim Jong Un is Jin Zhengen in Chinese.
    assert "jin" in unit_spellings(SINO_KOREAN + "김")
    # Without a Korean surname first, no Hanja reading is guessed.
    assert all(o[0][0] != SINO_KOREAN for o in mandarin_orders("왕소군", False))


def test_korean_syllables_that_no_mandarin_syllable_sounds_like_give_no_transcription() -> None:
    # Mandarin has no syllable ending in -m or -k: 김 and 박 cannot be transcriptions.
    assert all(o[0][0] != TRANSCRIBED for o in mandarin_orders("김정은", True))
    assert all(o[0][0] != TRANSCRIBED for o in mandarin_orders("박정희", True))


def test_the_table_is_written_by_the_generator() -> None:
    head = TABLE.read_text(encoding="utf-8").splitlines()[:2]
    assert head[1].startswith("# Written by `python -m proscribe.text.sinokorean`")
