from __future__ import annotations

import pytest

from proscribe.text.numbers import expand_abbreviations, number_words_to_digits


@pytest.mark.parametrize("words,digits", [
    ("brigade forty four", "brigade 44"),
    ("brigade forty 4", "brigade 44"),
    ("three percenters", "3 percenters"),
    ("first international bank", "1st international bank"),
    ("twenty first century", "21st century"),
    ("21th century", "21st century"),
    ("112th street", "112th street"),
    ("second economic committee", "2nd economic committee"),
    ("forty", "40"),
    ("chon ma san", "chon ma san"),
])
def test_number_words_to_digits(words: str, digits: str) -> None:
    assert " ".join(number_words_to_digits(words.split())) == digits


def test_expand_abbreviations() -> None:
    assert expand_abbreviations(["first", "bank", "intl"]) == ["first", "bank", "international"]
