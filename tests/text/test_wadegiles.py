from __future__ import annotations

import pytest

from proscribe.text.wadegiles import TABLE, build_table, pinyin_readings


def test_table_is_current() -> None:
    # Derived from pypinyin: `python -m proscribe.text.wadegiles` writes it again.
    assert TABLE.read_text(encoding="utf-8") == build_table()


def test_wade_giles_names_read_as_pinyin() -> None:
    assert ("xi", "jin", "ping") in pinyin_readings(("hsi", "chin", "ping"))
    assert ("mao", "ze", "dong") in pinyin_readings(("mao", "tse", "tung"))
    # Pinyin, Korean and Western names are left alone.
    for name in ("xi jinping", "li wei", "kim jong un", "john smith", "ri chol"):
        assert pinyin_readings(tuple(name.split())) == (), name


def test_a_romanised_korean_name_is_not_read_as_wade_giles() -> None:
    from proscribe.matching.name_v1 import name_forms

    assert [f.tokens for f in name_forms("Jang Su Han", True)] == [("jang", "su", "han")]
    assert ("xi", "jin", "ping") in [f.tokens for f in name_forms("Hsi Chin-ping", True)]


@pytest.mark.parametrize("name", ["毛泽东", "仁傑 李", "張 宗翰 秀玉", "重庆 银行", "长 长江",
                                  "9 6 猫", "あすか 七夏 高橋", "李a 明"])
def test_a_chinese_name_is_read_word_by_word_as_pypinyin_reads_it_whole(name: str) -> None:
    """translit._han_forms converts each whitespace-free word once (cached) and joins them:
    pypinyin's phrases never cross a space, so the forms are those of the whole text."""
    from anyascii import anyascii
    from pypinyin import Style, lazy_pinyin

    from proscribe.text import clean_name
    from proscribe.text.translit import latin_forms

    whole: list[str] = []
    for style in (Style.NORMAL, Style.WADEGILES):
        sylls = [anyascii(s) for s in lazy_pinyin(name, style=style, errors="default")
                 if s.strip()]
        whole.append(" ".join(sylls))
        if 2 <= len(sylls) <= 4 and " " not in name:
            whole.append(sylls[0] + " " + "".join(sylls[1:]))
    whole.append(anyascii(name))
    expected: list[str] = []
    for form in whole:
        form = clean_name(anyascii(form))
        if form and form not in expected:
            expected.append(form)
    assert list(latin_forms(name)) == expected
