"""Phonetic keys for Latin name tokens, and equivalence groups for spelling families.

`phonetic_key` is a consonant skeleton tuned to the spelling noise of transliterated names
rather than to English pronunciation (which metaphone/soundex target): vowels, h, w and y are
dropped, voiced/unvoiced pairs merge (k/g, t/d, p/b, ch/j) and doubled letters fold, so
Mohammed / Muhammad / Mohamed, Jong / Chong / Jung and Gim / Kim share a key. It is a
candidate-generation and tie-break signal, never a match on its own.

`spelling_group` maps a token to a canonical spelling when a hand table knows the family:
Korean surnames (Ri / Lee / Yi / Rhee, Pak / Park, Choe / Choi) whose spellings share no
skeleton, and the commonest Arabic given names.
"""

from __future__ import annotations

from functools import lru_cache

from proscribe.text.translit import HANGUL_SURNAMES

__all__ = ["KOREAN_SURNAME_SPELLINGS", "phonetic_key", "spelling_group"]

#: Every Latin spelling of a Korean surname (Kim, Ri, Lee, Pak, Choe...).
KOREAN_SURNAME_SPELLINGS = frozenset(s for v in HANGUL_SURNAMES.values() for s in v) - {"i", "o", "u", "an", "in", "un", "so", "no", "na", "do", "ma", "mo", "to"}

_DIGRAPHS = (
    ("tch", "j"),
    ("sch", "s"),
    ("ph", "f"),
    ("sh", "s"),
    ("ch", "j"),
    ("zh", "j"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("ts", "s"),
    ("tz", "s"),
    ("dz", "j"),
    ("dj", "j"),
    ("ks", "x"),
    ("ng", "n"),
)
_CLASS = {
    "b": "p",
    "p": "p",
    "f": "f",
    "v": "f",
    "c": "k",
    "k": "k",
    "g": "k",
    "q": "k",
    "x": "x",
    "d": "t",
    "t": "t",
    "j": "j",
    "z": "s",
    "s": "s",
    "l": "l",
    "r": "l",
    "m": "m",
    "n": "n",
}


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Consonant skeleton of a Latin token; a leading vowel becomes "a"; digits stay."""
    if not token:
        return ""
    if any(ch.isdigit() for ch in token):
        return token
    text = token
    for src, dst in _DIGRAPHS:
        if src in text:
            text = text.replace(src, dst)
    out: list[str] = []
    if text[0] in "aeiouyhw":
        out.append("a")
    for ch in text:
        cls = _CLASS.get(ch)
        if cls is None:
            continue
        if out and out[-1] == cls:
            continue
        out.append(cls)
    return "".join(out)


def _build_groups() -> dict[str, str]:
    groups: dict[str, str] = {}
    for spellings in HANGUL_SURNAMES.values():
        canon = spellings[0]
        for sp in spellings:
            # A spelling shared by two surnames (e.g. "song") keeps its first family.
            groups.setdefault(sp, canon)
    arabic = {
        "muhammad": "mohammed muhammad mohamed mohammad mohamad muhammed mohamad mohamud "
        "muhamed mouhamed mohd muhamad mukhammad mukhammed mahomed",
        "ahmad": "ahmad ahmed ahmet akhmad akhmed",
        "husain": "hussein husain hussain husein hossein hussien houssein husayn",
        "hasan": "hasan hassan hasen hassen",
        "abdul": "abdul abdel abd abdal abdoul abdulla",
        "abdullah": "abdullah abdallah abdulla abdoullah",
        "yusuf": "yusuf yousef youssef yusef yousuf yousif yosef",
        "umar": "omar umar omer",
        "uthman": "osman uthman usman othman osmane",
        "ali": "ali aly",
        "qasim": "qasim kasim qassim kassem qasem",
        "mustafa": "mustafa mostafa moustafa mustapha",
        "ibrahim": "ibrahim ebrahim ibraheem",
        "khalid": "khalid khaled halid",
        "said": "said saeed sayed saeid sayid",
    }
    for canon, words in arabic.items():
        for word in words.split():
            groups.setdefault(word, canon)
    return groups


_GROUPS = _build_groups()


def spelling_group(token: str) -> str | None:
    """Canonical spelling of a token's known spelling family, else None."""
    return _GROUPS.get(token)
