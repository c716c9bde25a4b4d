from __future__ import annotations

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
