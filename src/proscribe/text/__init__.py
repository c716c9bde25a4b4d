"""Name cleaning, transliteration, tokens, phonetic keys, country names."""

from proscribe.text.countries import country_code
from proscribe.text.normalize import clean_name, split_legal_forms, strip_honorifics, tokenize
from proscribe.text.numbers import expand_abbreviations, number_words_to_digits
from proscribe.text.phonetic import phonetic_key, spelling_group
from proscribe.text.translit import detect_script, hangul_romanizations, latin_forms

__all__ = [
    "clean_name",
    "country_code",
    "detect_script",
    "expand_abbreviations",
    "hangul_romanizations",
    "latin_forms",
    "number_words_to_digits",
    "phonetic_key",
    "spelling_group",
    "split_legal_forms",
    "strip_honorifics",
    "tokenize",
]
