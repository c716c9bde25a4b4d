"""Russian organisation names read word for word into English (text/ru_org.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.matching.name_v1.names import name_forms
from proscribe.text import clean_name
from proscribe.text.ru_org import english_reading

CASES = [
    # the kind of body, its trade, and a city in -sk; a word it cannot read is transliterated
    ("ЧЕЛЯБИНСКИЙ КУЗНЕЧНО-ПРЕССОВЫЙ ЗАВОД", "cheliabinsk forge press plant"),
    ("Российский фонд прямых инвестиций", "russian fund direct investment"),
    # one entry covers a word's cases and genders (Snowball stems)
    ("Центральная избирательная комиссия Российской Федерации",
     "central election commission russian federation"),
    # Russian legal forms come out as the English ones split_legal_forms knows
    ("Публичное акционерное общество «Объединённая авиастроительная корпорация»",
     "public joint stock company united aircraft corporation"),
    ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ ФЛАЙ БРИДЖ",
     "limited liability company flai bridzh"),
    ("ООО Специальный Технологический Центр", "llc special technology center"),
    # two words that are one English word; stress marks are not letters
    ("Российские железные дороги", "russian railways"),
    ("Ка́мский автомоби́льный заво́д", "kamsk automobile plant"),
    # nothing read: no form
    ("Агросоюз", None),
    ("Владимир Путин", None),
    ("Siemens AG", None),
]


@pytest.mark.parametrize(("name", "english"), CASES)
def test_english_reading(name: str, english: str | None) -> None:
    assert english_reading(clean_name(name)) == english


def test_an_organisation_gets_the_reading_as_a_form_and_a_person_does_not() -> None:
    name = "Российский фонд прямых инвестиций"
    org = [" ".join(f.tokens) for f in name_forms(name, False)]
    assert "russian fund direct investment" in org
    assert any(t.startswith("rossiisk") for t in org)  # the transliterations stay
    kindless = [" ".join(f.tokens) for f in name_forms(name, None)]
    assert "russian fund direct investment" in kindless
    person = [" ".join(f.tokens) for f in name_forms("Новиков Центр", True)]
    assert all("center" not in t for t in person)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў -'«»0123456789AO\u0301",
               max_size=60))
def test_any_cyrillic_text_reads_into_ascii_or_nothing(text: str) -> None:
    reading = english_reading(clean_name(text))
    assert reading is None or (reading.isascii() and reading == clean_name(reading) != "")


def test_the_explanation_says_the_name_was_read_into_english() -> None:
    from proscribe.model import Entity, EntityKind, Name
    from proscribe.screening import Screener, ScreeningQuery

    entity = Entity("t", "rdif", EntityKind.ORGANIZATION,
                    [Name("RUSSIAN DIRECT INVESTMENT FUND")])
    screener = Screener.build([entity], [])
    scored = screener.compare(ScreeningQuery(name="Российский фонд прямых инвестиций",
                                             type="organization"), entity)
    detail = dict((f, d) for f, d, _ in scored.reasons)["name_similarity"]
    assert "read word for word into English: russian fund direct investment" in detail
    # a transliterated name is not said to be read
    plain = screener.compare(ScreeningQuery(name="ООО ФЛАЙ БРИДЖ", type="organization"),
                             Entity("t", "fb", EntityKind.ORGANIZATION, [Name("FLAI BRIDZH")]))
    assert "English" not in dict((f, d) for f, d, _ in plain.reasons)["name_similarity"]
