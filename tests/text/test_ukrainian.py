"""Ukraine's national transliteration (resolution No. 55 of 2010), one of the Latin forms
of every Cyrillic name."""

from __future__ import annotations

import pytest

from proscribe.text.translit import _ukrainian_word, latin_forms

# The resolution's own examples, and list spellings of Ukrainian and Belarusian persons.
CASES = [
    ("згурський", "zghurskyi"),      # зг is zgh
    ("єнакієве", "yenakiieve"),      # є: ye at the start, ie inside
    ("їжакевич", "yizhakevych"),     # ї: yi at the start
    ("йосипівка", "yosypivka"),      # й: y at the start
    ("стрий", "stryi"),              # й: i inside
    ("юрій", "yurii"),
    ("уляна", "uliana"),             # я: ia inside
    ("ярошенко", "yaroshenko"),      # я: ya at the start
    ("знам'янка", "znamianka"),      # the apostrophe is not written
    ("ґорґани", "gorgany"),
    ("гадяч", "hadiach"),
    ("щербухи", "shcherbukhy"),
    ("володимир", "volodymyr"),
    ("сяргей", "siarhei"),           # Belarusian letters: as on Belarusian passports
    ("якаўлевіч", "yakaulevich"),
    ("го\u0301йда", "hoida"),       # a stress mark is dropped and starts no word
]


@pytest.mark.parametrize(("word", "latin"), CASES)
def test_national_scheme(word: str, latin: str) -> None:
    assert _ukrainian_word(word) == latin


def test_every_cyrillic_name_has_the_ukrainian_form_beside_the_russian_ones() -> None:
    forms = latin_forms("Володимир Зеленський")
    assert "volodymyr zelenskyi" in forms
    assert "volodimir zelenskii" in forms  # ICAO, as before
    assert latin_forms("Vladimir Putin") == ("vladimir putin",)
