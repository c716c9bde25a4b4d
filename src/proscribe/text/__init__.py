"""Name cleaning, transliteration, tokens, phonetic keys, country names."""

from proscribe.text.countries import country_code

__all__ = ["country_code"]
