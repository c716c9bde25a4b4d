"""Transliteration into several comparable Latin forms, not one lossy key.

- Cyrillic: iuliia's ICAO Doc 9303 (passports), BGN/PCGN and GOST 7.79 / Wikipedia schemes,
  which are Russian ones, plus Ukraine's national scheme (below), which none of the
  installed libraries has.
- Han: pypinyin (pinyin, syllables apart and given name joined) plus its Wade-Giles style.
- Hangul: hand tables (below), because no installed library romanises Hangul into the
  McCune-Reischauer and DPRK spellings that sanctions lists use ("Kim Jong Un",
  "Ri Yong Ho", "Choe Ryong Hae"); anyascii gives only a run-together Revised Romanization
  ("GimJeongEun").
- Everything else (Arabic, Greek, Devanagari, Thai, ...): anyascii.

Each function is total: it never raises, and returns at least one form for any input.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from proscribe.text.normalize import clean_name
from proscribe.text.sinokorean import (
    SINO_KOREAN,
    hanja_read_syllables,
    hanja_reading_count,
    is_mandarin_unit,
    reading_ambiguity,
    unit_spellings,
)

__all__ = [
    "HANGUL_SURNAMES",
    "detect_script",
    "hangul_romanizations",
    "hangul_spelling_ambiguity",
    "hangul_syllable_spellings",
    "hangul_spelling_readers",
    "hangul_syllables_spelt",
    "latin_forms",
    "warm_up",
]

# ----------------------------------------------------------------------------- Hangul
# Jamo order is the Unicode one: syllable = 0xAC00 + (initial*21 + medial)*28 + final.
_INITIALS = {
    # Revised Romanization, McCune-Reischauer without breves/apostrophes, DPRK official
    "rr": "g kk n d tt r m b pp s ss - j jj ch k t p h".split(),
    "mr": "k kk n t tt r m p pp s ss - ch tch ch k t p h".split(),
    "kp": "k kk n t tt r m p pp s ss - j jj ch k t p h".split(),
    "common": "g kk n d tt r m b pp s ss - j jj ch k t p h".split(),
}
_MEDIALS = {
    "rr": "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split(),
    "mr": "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i".split(),
    "kp": "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i".split(),
    # How South Koreans commonly write their own names (Sung, Hyun, Soo, Hoon, Hee).
    "common": "a ae ya yae u e yu ye o wa wae oe yo oo wo we wi yu eu ee i".split(),
}
_FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()

#: Korean surnames -> the spellings lists use for them (South and North). Comparison treats
#: every spelling of one surname as the same token (Ri / Lee / Yi, Pak / Park, Choe / Choi).
HANGUL_SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("kim", "gim"),
    "이": ("lee", "yi", "i", "rhee", "ri", "li"),
    "리": ("ri", "lee", "li", "yi", "rhee"),
    "박": ("park", "pak", "bak"),
    "최": ("choi", "choe", "chwe"),
    "정": ("jung", "jong", "chung", "chong", "jeong", "joung"),
    "조": ("cho", "jo", "joe"),
    "강": ("kang", "gang"),
    "장": ("jang", "chang"),
    "윤": ("yoon", "yun"),
    "임": ("lim", "im", "rim", "yim"),
    "림": ("rim", "lim", "im"),
    "한": ("han",),
    "오": ("oh", "o"),
    "서": ("seo", "so", "suh"),
    "신": ("shin", "sin"),
    "권": ("kwon", "gwon"),
    "황": ("hwang",),
    "안": ("ahn", "an"),
    "송": ("song",),
    "류": ("ryu", "yoo", "yu", "ryoo", "rew"),
    "유": ("yoo", "yu", "ryu"),
    "홍": ("hong",),
    "전": ("jeon", "jon", "chon", "chun", "jun"),
    "고": ("ko", "go", "koh"),
    "문": ("moon", "mun"),
    "양": ("yang", "ryang"),
    "량": ("ryang", "yang"),
    "손": ("son", "sohn"),
    "배": ("bae", "pae"),
    "백": ("baek", "paek", "paik", "baik"),
    "허": ("heo", "hur", "ho", "huh"),
    "남": ("nam",),
    "노": ("noh", "no", "roh", "ro"),
    "로": ("ro", "roh", "no"),
    "하": ("ha",),
    "곽": ("kwak", "gwak"),
    "성": ("sung", "seong", "song"),
    "차": ("cha",),
    "주": ("joo", "ju", "chu"),
    "우": ("woo", "u"),
    "구": ("koo", "ku", "gu"),
    "민": ("min",),
    "나": ("na", "ra"),
    "라": ("ra", "na"),
    "진": ("jin", "chin"),
    "지": ("ji", "chi"),
    "엄": ("eom", "um", "om"),
    "채": ("chae",),
    "원": ("won",),
    "천": ("cheon", "chun", "chon"),
    "방": ("bang", "pang"),
    "공": ("kong", "gong"),
    "현": ("hyun", "hyon", "hyeon"),
    "함": ("ham",),
    "변": ("byun", "pyon", "byeon"),
    "염": ("yeom", "yom"),
    "여": ("yeo", "yo", "ryo"),
    "려": ("ryo", "yeo"),
    "추": ("choo", "chu"),
    "도": ("do", "to"),
    "소": ("so",),
    "석": ("seok", "sok", "suk"),
    "선": ("sun", "son", "seon"),
    "설": ("seol", "sol"),
    "마": ("ma",),
    "길": ("gil", "kil"),
    "연": ("yeon", "yon"),
    "위": ("wi", "wee"),
    "표": ("pyo",),
    "명": ("myung", "myong", "myeong"),
    "기": ("ki", "gi"),
    "반": ("ban", "pan"),
    "왕": ("wang",),
    "금": ("geum", "kum", "keum"),
    "옥": ("ok",),
    "육": ("yook", "yuk"),
    "인": ("in",),
    "맹": ("maeng",),
    "제": ("je", "che"),
    "모": ("mo",),
    "탁": ("tak",),
    "국": ("kook", "kuk", "guk"),
    "은": ("eun", "un"),
    "편": ("pyeon", "pyon"),
    "용": ("yong", "ryong"),
    "태": ("tae", "thae"),
    "계": ("kye", "gye"),
    "심": ("sim", "shim"),
}

# How DPRK documents and UN/OFAC DPRK entries spell the commonest surnames.
_DPRK_SURNAMES = {"김": "kim", "이": "ri", "리": "ri", "박": "pak", "최": "choe", "정": "jong",
                  "조": "jo", "강": "kang", "장": "jang", "윤": "yun", "임": "rim", "림": "rim",
                  "한": "han", "오": "o", "서": "so", "신": "sin", "권": "kwon", "황": "hwang",
                  "안": "an", "류": "ryu", "유": "ryu", "전": "jon", "문": "mun", "양": "ryang",
                  "량": "ryang", "백": "paek", "노": "ro", "로": "ro", "곽": "kwak", "주": "ju",
                  "현": "hyon", "변": "pyon", "태": "thae", "계": "kye", "명": "myong"}


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _romanize_syllable(ch: str, scheme: str) -> str:
    code = ord(ch) - 0xAC00
    ini, rest = divmod(code, 21 * 28)
    med, fin = divmod(rest, 28)
    parts = (_INITIALS[scheme][ini], _MEDIALS[scheme][med], _FINALS[fin])
    return "".join(p for p in parts if p != "-")


def _looks_like_korean_person(word: str) -> bool:
    return 2 <= len(word) <= 4 and word[0] in HANGUL_SURNAMES


@lru_cache(maxsize=8192)
def hangul_romanizations(text: str) -> tuple[str, ...]:
    """Latin forms of a Hangul name: Revised Romanization, McCune-Reischauer, DPRK.

    Syllables are written apart ("kim jong un"), the way DPRK names appear on lists; the
    matcher rejoins them where a list writes "Jong-un" or "Jongun". A word that looks like a
    Korean personal name has its surname spelt the common way of each scheme (Kim, Ri, Pak).
    """
    forms: list[str] = []
    for scheme in ("rr", "mr", "kp", "common"):
        words: list[str] = []
        for word in text.split():
            out: list[str] = []
            for i, ch in enumerate(word):
                if _is_hangul(ch):
                    if i == 0 and _looks_like_korean_person(word):
                        spellings = HANGUL_SURNAMES[ch]
                        if scheme in ("rr", "common"):
                            out.append(spellings[0])
                        else:
                            out.append(_DPRK_SURNAMES.get(ch, _romanize_syllable(ch, scheme)))
                    else:
                        out.append(_romanize_syllable(ch, scheme))
                else:
                    out.append(anyascii(ch))
            words.append(" ".join(out))
        form = clean_name(" ".join(words))
        if form and form not in forms:
            forms.append(form)
    return tuple(forms) or (clean_name(anyascii(text)),)


# Every spelling lists use for one jamo, with a cost: 0 for Revised Romanization,
# McCune-Reischauer (breves and apostrophes dropped) and the DPRK's own spellings; a little
# more for the common informal variants (eo -> u, oo for u, ee for i, final ng -> n).
_INITIAL_VARIANTS: tuple[dict[str, float], ...] = (
    {"g": 0, "k": 0}, {"kk": 0, "gg": 0.1, "k": 0.2, "g": 0.2}, {"n": 0}, {"d": 0, "t": 0},
    {"tt": 0, "dd": 0.1, "t": 0.2}, {"r": 0, "l": 0.1, "n": 0.2}, {"m": 0}, {"b": 0, "p": 0},
    {"pp": 0, "bb": 0.1, "p": 0.2}, {"s": 0, "sh": 0.1}, {"ss": 0, "s": 0.2}, {"": 0},
    {"j": 0, "ch": 0}, {"jj": 0, "tch": 0, "ch": 0.2, "j": 0.2}, {"ch": 0, "c": 0.2, "j": 0.2},
    {"k": 0, "kh": 0.1}, {"t": 0, "th": 0.1}, {"p": 0, "ph": 0.1}, {"h": 0},
)
_MEDIAL_VARIANTS: tuple[dict[str, float], ...] = (
    {"a": 0}, {"ae": 0, "e": 0.2}, {"ya": 0}, {"yae": 0, "ye": 0.2},
    {"eo": 0, "o": 0, "u": 0.1, "ou": 0.2}, {"e": 0}, {"yeo": 0, "yo": 0, "you": 0.1, "yu": 0.2},
    {"ye": 0}, {"o": 0, "oh": 0.2}, {"wa": 0}, {"wae": 0, "we": 0.2},
    {"oe": 0, "oi": 0.2, "we": 0.2}, {"yo": 0}, {"u": 0, "oo": 0.1, "ou": 0.2},
    {"wo": 0, "weo": 0.1}, {"we": 0}, {"wi": 0, "wee": 0.2}, {"yu": 0, "yoo": 0.1},
    {"eu": 0, "u": 0, "ue": 0.2}, {"ui": 0, "eui": 0.1, "ee": 0.1, "i": 0.2},
    {"i": 0, "ee": 0.1},
)
_FINAL_EXTRA = {"k": {"g": 0.1}, "t": {"d": 0.2, "s": 0.2}, "l": {"r": 0.1}, "p": {"b": 0.1},
                "ng": {"n": 0.3}}
#: 우 (no initial, medial ㅜ) is also written Woo or Wu.
_WOO_MEDIAL = 13
_WOO: dict[str, float] = {"woo": 0.1, "wu": 0.2}


def _final_spellings(fin: int) -> dict[str, float]:
    """Every spelling of final jamo `fin` with its cost ("" for none)."""
    final = _FINALS[fin]
    return {"": 0.0} if final == "-" else {final: 0.0, **_FINAL_EXTRA.get(final, {})}


@lru_cache(maxsize=4096)
def hangul_syllable_spellings(ch: str, surname: bool = False) -> dict[str, float]:
    """Latin spellings of one Hangul syllable -> their cost (0: a standard scheme).

    "정" -> jeong, jong, chong, jung, chung, ...; with `surname`, the spellings lists use for
    that surname cost nothing (Ri / Lee / Yi / Rhee for 이, Park / Pak / Bak for 박). A unit
    of a Chinese name read from Hangul (text/sinokorean.py) gives its pinyin.
    """
    if is_mandarin_unit(ch):  # a Chinese name's unit (text/sinokorean.py)
        return unit_spellings(ch)
    if not _is_hangul(ch):
        latin = clean_name(anyascii(ch)).replace(" ", "")
        return {latin: 0.0}
    code = ord(ch) - 0xAC00
    ini, rest = divmod(code, 21 * 28)
    med, fin = divmod(rest, 28)
    finals = _final_spellings(fin)
    out: dict[str, float] = {}
    for i, ci in _INITIAL_VARIANTS[ini].items():
        medials = dict(_MEDIAL_VARIANTS[med])
        if i == "" and med == _WOO_MEDIAL:
            medials.update(_WOO)
        for m, cm in medials.items():
            for f, cf in finals.items():
                v = i + m + f
                cost = ci + cm + cf
                if cost < out.get(v, 9.0):
                    out[v] = cost
    if surname:
        other = _OTHER_SIDE.get(ch, ())
        for v in HANGUL_SURNAMES.get(ch, ()):
            out[v] = min(out.get(v, 9.0), OTHER_SIDE_COST if v in other else 0.0)
    return out


#: The South writes these surnames without their initial ㄹ (이, 임, 양: the initial-sound
#: rule) and the North with it (리, 림, 량); the Latin spellings follow the same line (Lee,
#: Lim, Yang in the South; Ri, Rim, Ryang in the North). A spelling from the other side of
#: it costs a little: a name written 이 is likelier Lee than Ri.
_OTHER_SIDE: dict[str, tuple[str, ...]] = {
    "이": ("ri", "li"), "리": ("lee", "yi", "rhee", "i"),
    "임": ("rim",), "림": ("lim", "im"),
    "양": ("ryang",), "량": ("yang",),
}
OTHER_SIDE_COST = 0.1


#: Temperature of the spelling model below: a spelling whose cost is 0.1 higher is taken to
#: be e times less likely to be written for that syllable.
SPELLING_TEMPERATURE = 0.1
#: The model's prior of a syllable in a Korean name: one more than the number of frequently
#: used characters read so (text/sinokorean.py), since given names are mostly written with
#: characters (정 47, 중 4, 증 9), and a syllable that reads none (슬, 똘) still occurs.
SYLLABLE_PRIOR_FLOOR = 1.0


@lru_cache(maxsize=1)
def _jamo_spellings() -> tuple[tuple[tuple[str, int, float], ...],
                               dict[str, tuple[tuple[str, int, float], ...]],
                               dict[str, tuple[tuple[int, float], ...]]]:
    """`hangul_syllable_spellings`' tables turned round, for reading a spelling back:
    (initial spelling, initial, cost); first letter -> (medial spelling, medial, cost);
    final spelling -> ((final, cost), ...)."""
    initials = tuple((v, ini, c) for ini, vs in enumerate(_INITIAL_VARIANTS)
                     for v, c in vs.items())
    medials: dict[str, list[tuple[str, int, float]]] = {}
    for med, vs in enumerate(_MEDIAL_VARIANTS):
        for v, c in vs.items():
            medials.setdefault(v[:1], []).append((v, med, c))
    finals: dict[str, list[tuple[int, float]]] = {}
    for fin in range(len(_FINALS)):
        for v, c in _final_spellings(fin).items():
            finals.setdefault(v, []).append((fin, c))
    return (initials, {k: tuple(v) for k, v in medials.items()},
            {v: tuple(fs) for v, fs in finals.items()})


@lru_cache(maxsize=16_384)
def hangul_syllables_spelt(spelling: str) -> dict[str, float]:
    """The Hangul syllables that `spelling` is an accepted spelling of -> its cost for each
    (the inverse of `hangul_syllable_spellings` without surnames): "tae" -> 태 0, 대 0
    (McCune-Reischauer), 때 0.2; "dae" -> 대 0."""
    initials, medials, finals = _jamo_spellings()
    out: dict[str, float] = {}
    for i, ini, ci in initials:
        if not spelling.startswith(i):
            continue
        after_i = spelling[len(i):]
        pairs = [(m, med, cm) for m, med, cm in medials.get(after_i[:1], ())
                 if after_i.startswith(m)]
        if i == "":  # 우 written Woo or Wu
            pairs += [(m, _WOO_MEDIAL, cm) for m, cm in _WOO.items() if after_i.startswith(m)]
        for m, med, cm in pairs:
            for fin, cf in finals.get(after_i[len(m):], ()):
                ch = chr(0xAC00 + (ini * 21 + med) * 28 + fin)
                cost = ci + cm + cf
                if cost < out.get(ch, 9.0):
                    out[ch] = cost
    return out


@lru_cache(maxsize=16_384)
def hangul_spelling_readers(spelling: str) -> tuple[tuple[str, float], ...]:
    """The syllables a spelling may stand for, with their weights in the spelling model,
    likeliest first: a syllable as likely a priori as the characters read so make it
    (SYLLABLE_PRIOR_FLOOR), each spelling of it the less likely the more it costs
    (SPELLING_TEMPERATURE)."""
    weights = [(s, (SYLLABLE_PRIOR_FLOOR + hanja_reading_count(s))
                * math.exp(-c / SPELLING_TEMPERATURE))
               for s, c in hangul_syllables_spelt(spelling).items()]
    return tuple(sorted(weights, key=lambda sw: (-sw[1], sw[0])))


def _surprise(ch: str, spelling: str) -> float:
    """-ln P(syllable | spelling) under `hangul_spelling_readers`' weights."""
    readers = hangul_spelling_readers(spelling)
    mine = next((w for s, w in readers if s == ch), None)
    if mine is None:
        return 0.0
    return -math.log(mine / sum(w for _, w in readers))


@lru_cache(maxsize=200_000)
def hangul_spelling_ambiguity(ch: str, spelling: str) -> float:
    """How much less a Latin spelling tells of one Hangul syllable than the syllable's most
    telling accepted spelling does, in nats (0 for that spelling).

    McCune-Reischauer without its apostrophes, the DPRK's spellings and the informal ones
    merge syllables that Revised Romanization keeps apart: "tae" is 태 or 대, "yong" is 용
    or 영, "sung" is 승, 숭 or 성, while "dae", "yeong" and "seung" are one syllable each.
    So a Latin name that spells 대 "dae" is likelier to be 대 than one that spells it "tae"
    (Bayes, with a prior from how many common characters read each syllable: no name
    lists are used), and the alignment charges the second a little more. A Chinese name's
    syllable read as its characters (text/sinokorean.py) is charged the same way for its
    pinyin (`reading_ambiguity`); a unit of the Mandarin transcription, and anything that
    is not Hangul, nothing.
    """
    if ch[:1] == SINO_KOREAN:  # a Chinese name's syllable, read as its characters
        return reading_ambiguity(ch[1:], spelling)
    if not _is_hangul(ch):
        return 0.0
    return max(0.0, _surprise(ch, spelling) - _least_surprise(ch))


@lru_cache(maxsize=16_384)
def _least_surprise(ch: str) -> float:
    return min(_surprise(ch, v) for v in hangul_syllable_spellings(ch, False))


# ----------------------------------------------------------------------------- scripts


def detect_script(text: str) -> str:
    """The dominant non-Latin script of a name (ISO 15924-like), or "Latn"."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha() or ch.isascii():
            continue
        if _is_hangul(ch) or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f":
            script = "Hang"
        elif "\u0400" <= ch <= "\u04ff":
            script = "Cyrl"
        elif "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            script = "Hani"
        elif "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            script = "Arab"
        else:
            try:
                name = unicodedata.name(ch)
            except ValueError:
                continue
            script = "Latn" if "LATIN" in name else "Zyyy"
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Latn"
    return max(counts.items(), key=lambda kv: kv[1])[0]


def _cyrillic_forms(text: str) -> list[str]:
    """`text` (cleaned: single spaces) under each of iuliia's Cyrillic schemes, then
    Ukraine's national scheme, then anyascii.

    iuliia translates word by word (a letter's context never crosses a space), so each
    word's renderings are cached: customer files repeat given names and surnames. A scheme
    that fails on any word is left out for the whole name, as before."""
    words = [cyrillic_word_forms(w) for w in text.split(" ")]
    out = []
    for k in range(len(_CYRILLIC_SCHEMES)):
        parts = [w[k] for w in words]
        if all(p is not None for p in parts):
            out.append(" ".join(p for p in parts if p is not None))
    out.append(" ".join(_ukrainian_word(w) for w in text.split(" ")))
    out.append(anyascii(text))
    return out


# Ukraine's national transliteration (Cabinet of Ministers resolution No. 55 of 27 January
# 2010), the spelling of Ukrainian passports and of the Latin names that lists give
# Ukrainian persons (Volodymyr Oleksandrovych Zelenskyy, Yuliia Tymoshenko, Hryhorii):
# г is h and и is y, where every Russian scheme reads them g and i. iuliia has Russian
# schemes only. Applied to every Cyrillic name, as a Russian-looking name may be a
# Ukrainian one (Володимир Зеленський has no letter that only Ukrainian writes). The
# letters Ukrainian does not write get their Belarusian passport values (ў u, ы y, э e,
# ё io), which is also how lists spell Belarusians (Siarhei, Yakaulevich).
_UK_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "ў": "u", "ы": "y", "э": "e", "ё": "io", "ъ": "", "'": "", "’": "",
    "ʼ": "",
}
_UK_APOSTROPHES = frozenset("'’ʼ")
#: At the start of a word (an apostrophe inside a word does not start one: Znamianka).
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "ё": "yo"}


@lru_cache(maxsize=65536)
def _ukrainian_word(word: str) -> str:
    """`word` (lower case) under Ukraine's 2010 national scheme; characters it has no
    value for are kept as they are (anyascii reads them after)."""
    out: list[str] = []
    start = True
    prev = ""
    for ch in word:
        if unicodedata.combining(ch):
            continue  # a stress mark (Ю́лія) is not a letter and ends no word
        if start and ch in _UK_INITIAL:
            out.append(_UK_INITIAL[ch])
        elif ch == "г" and prev == "з":
            out.append("gh")  # зг is zgh, apart from zh (ж): Zghurskyi
        else:
            out.append(_UK_LETTERS.get(ch, ch))
        start = not ch.isalpha() and ch not in _UK_APOSTROPHES
        prev = ch
    return "".join(out)


_CYRILLIC_SCHEMES = ("ICAO_DOC_9303", "BGN_PCGN", "WIKIPEDIA", "GOST_779")


@lru_cache(maxsize=65536)
def cyrillic_word_forms(word: str) -> tuple[str | None, ...]:
    """One Cyrillic word under each of iuliia's schemes (`_CYRILLIC_SCHEMES`; None where
    one fails on it)."""
    import iuliia

    out: list[str | None] = []
    for name in _CYRILLIC_SCHEMES:
        try:
            out.append(getattr(iuliia, name).translate(word))
        except Exception:  # a schema choking on an odd character must not lose the name
            out.append(None)
    return tuple(out)


@lru_cache(maxsize=65536)
def _han_syllables(word: str, wade_giles: bool) -> tuple[str, ...]:
    """The syllables of one whitespace-free run of a Chinese name, in pinyin or in
    Wade-Giles, as ASCII. pypinyin picks a character's reading by the phrase around it, and
    its phrases never cross a space (it splits the text into runs of Han characters
    first), so a name's syllables are those of its words one after the other: the words,
    shared by many names (a surname, a common given name), are converted once. pypinyin's
    conversion (Wade-Giles above all) was three quarters of preparing a Chinese name new to
    the caches."""
    from pypinyin import Style, lazy_pinyin

    style = Style.WADEGILES if wade_giles else Style.NORMAL
    return tuple(anyascii(s) for s in lazy_pinyin(word, style=style, errors="default")
                 if s.strip())


def _han_forms(text: str) -> list[str]:
    out = []
    words = text.split()
    for wade_giles in (False, True):
        try:
            sylls = [s for word in words for s in _han_syllables(word, wade_giles)]
        except Exception:
            continue
        joined = " ".join(sylls)
        out.append(joined)
        # Chinese personal names: surname apart, given name joined ("mao zedong").
        if 2 <= len(sylls) <= 4 and " " not in text.strip():
            out.append(sylls[0] + " " + "".join(sylls[1:]))
    out.append(anyascii(text))
    return out


def warm_up() -> None:
    """Import the transliteration libraries and load their tables now (pypinyin's take
    ~180 ms), so that a serving process's first Chinese or Cyrillic name is not the one
    that pays for it, and work out the Hangul spelling model (`hangul_spelling_ambiguity`)
    for the 472 syllables that frequently used characters read, most of those in given
    names (~0.13 s; a syllable new to the caches cost a Korean name ~0.3 ms). Called by the
    API and batch workers after they load an index; not by a one-off `proscribe screen`,
    which would pay it for nothing."""
    _han_forms("王")
    _cyrillic_forms("ива")
    from proscribe.text.ru_org import english_reading

    english_reading("завод")  # the Snowball stemmer
    for syllable in hanja_read_syllables():
        _least_surprise(syllable)


@lru_cache(maxsize=65536)
def latin_forms(text: str) -> tuple[str, ...]:
    """Cleaned Latin forms of a name, the first being the most common rendering.

    A Latin name gives one form (accents removed); other scripts give one per scheme.
    """
    cleaned = clean_name(text)
    if not cleaned:
        return ("",)
    if cleaned.isascii():
        return (cleaned,)
    script = detect_script(cleaned)
    raw: list[str]
    if script == "Hang":
        raw = list(hangul_romanizations(cleaned))
    elif script == "Cyrl":
        raw = _cyrillic_forms(cleaned)
    elif script == "Hani":
        raw = _han_forms(cleaned)
    else:
        raw = [anyascii(cleaned)]
    forms: list[str] = []
    for form in raw:
        form = clean_name(anyascii(form))
        if form and form not in forms:
            forms.append(form)
    return tuple(forms) or ("",)
