"""Name cleaning, transliteration, tokens, phonetic keys, country names."""

from proscribe.text.countries import country_code
from proscribe.text.normalize import clean_name, split_legal_forms, strip_honorifics, tokenize
from proscribe.text.phonetic import phonetic_key, spelling_group
from proscribe.text.translit import detect_script, hangul_romanizations, latin_forms

__all__ = [
    "clean_name",
    "country_code",
    "detect_script",
    "hangul_romanizations",
    "latin_forms",
    "phonetic_key",
    "spelling_group",
    "split_legal_forms",
    "strip_honorifics",
    "tokenize",
]
