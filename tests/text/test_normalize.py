from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.text import clean_name, latin_forms, phonetic_key, split_legal_forms
from proscribe.text.translit import hangul_syllable_spellings


def test_examples() -> None:
    assert clean_name("  O'Brien,  JOHN ") == "obrien john"
    assert clean_name("11420 CORP.") == "11420 corp"
    assert split_legal_forms("ООО Агросоюз") == ("агросоюз", ("ooo",))
    assert split_legal_forms("Samsung Co., Ltd.")[0] == "samsung"
    assert clean_name("Procter & Gamble") == clean_name("Procter and Gamble")
    assert split_legal_forms("Volkswagen Gesellschaft mit beschrankter Haftung") == \
        ("volkswagen", ("gmbh",))
    assert split_legal_forms("FABERLIC EUROPE Sp. z o.o.") == ("faberlic europe", ("llc",))
    # A two-word legal form apart from its "company" (a name written out of order).
    assert split_legal_forms("Company Ratep Joint-Stock") == ("ratep", ("co", "jsc"))
    assert split_legal_forms("Ratep Joint Stock") == ("ratep", ("jsc",))
    assert split_legal_forms("Alpha Limited Liability") == ("alpha", ("llc",))
    # ... or scattered by a reordering, when a "company" says they are a legal form.
    assert split_legal_forms("Stock Company Sovcomflot Joint") == ("sovcomflot", ("co", "jsc"))
    assert split_legal_forms("Stock Joint Trading") == ("stock joint trading", ())
    assert split_legal_forms("Joint Stock") == ("joint stock", ())
    # The Russian LLC's words out of order, with their "s".
    assert split_legal_forms("S Ogranichennoi Otvetstvennostyu Fertoing Obshchestvo") == \
        ("fertoing", ("co", "ooo"))
    # A legal-form word misspelt by one edit, beside one spelt right, is still one; alone,
    # or when nothing else would be left of the name, it is a name word.
    assert split_legal_forms("Joint Stock Copany Manel") == ("manel", ("co", "jsc"))
    assert split_legal_forms("Limiter Ltd") == ("limiter", ("ltd",))
    assert split_legal_forms("Corporaton Alfa") == ("corporaton alfa", ())
    assert split_legal_forms("Compass Shipping Ltd") == ("compass shipping", ("ltd",))
    # A roman numeral is a significant token, not a legal form.
    assert split_legal_forms("Bowne Global Solutions II, Inc.")[0] == "bowne global solutions ii"


def test_hangul_syllable_spellings() -> None:
    jeong = hangul_syllable_spellings("정", True)
    assert {"jeong", "jong", "chong", "jung", "chung"} <= set(jeong)
    assert jeong["jong"] == 0 and jeong["jung"] == 0  # surname spellings cost nothing
    assert {"lee", "yi", "ri", "rhee"} <= set(hangul_syllable_spellings("이", True))
    young = hangul_syllable_spellings("영")
    assert young["yeong"] == young["yong"] == 0 < young["young"]


def test_transliteration_forms() -> None:
    assert "kim jong un" in latin_forms("김정은")
    assert "kim chong un" in latin_forms("김정은")
    assert "agrosoyuz" in latin_forms("Агросоюз")
    assert "mao zedong" in latin_forms("毛泽东")
    assert "mao tsetung" in latin_forms("毛泽东")
    assert phonetic_key("mohammed") == phonetic_key("muhammad") == phonetic_key("mohamed")


@given(st.text())
def test_clean_name_total_and_idempotent(text: str) -> None:
    once = clean_name(text)
    assert clean_name(once) == once


@given(st.text())
def test_latin_forms_never_raise(text: str) -> None:
    forms = latin_forms(text)
    assert forms
    for form in forms:
        assert clean_name(form) == form
    split_legal_forms(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_clean_name_ascii_fast_path_equals_the_general_one(text: str) -> None:
    from proscribe.text.normalize import _clean_name

    assert clean_name(text) == _clean_name(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", min_size=1,
                        max_size=9), min_size=1, max_size=4))
def test_cyrillic_forms_word_by_word_equal_the_whole_name(words: list[str]) -> None:
    """translit._cyrillic_forms caches each word; iuliia on the whole name gives the same
    (its forms are iuliia's schemes, then the Ukrainian one and anyascii)."""
    import iuliia

    from proscribe.text.translit import _CYRILLIC_SCHEMES, _cyrillic_forms

    text = " ".join(words)
    whole = [getattr(iuliia, name).translate(text) for name in _CYRILLIC_SCHEMES]
    assert _cyrillic_forms(text)[:-2] == whole
