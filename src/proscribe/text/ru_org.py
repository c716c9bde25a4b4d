"""Russian organisation names read word for word into English, as one more Latin form.

Lists give Russian organisations under English names ("ЧЕЛЯБИНСКИЙ КУЗНЕЧНО-ПРЕССОВЫЙ
ЗАВОД" is "CHELYABINSK FORGE AND PRESS PLANT"), and a customer file or an invoice gives
them in Russian: no transliteration brings the two together. This is no translator. The
common words of such names (the kind of body, its trade, "state", "federal", "Russian")
have an English word; a word derived from a city ending in -sk is the city
(Челябинский: Chelyabinsk); every other word is transliterated as the other forms are. The
form counts only when at least one word was read; its legal forms are English ones
("акционерное общество" is "joint stock company"), which `split_legal_forms` knows.

Words are compared by their Snowball stem (snowballstemmer's Russian algorithm, the one
search engines use, run by PyStemmer's C build when installed: 1 µs a word against 70), so that one entry covers a word's cases, numbers and genders
(российский, российская, российской: российск). The table is written by hand from the
words common in Russian company and state body names: no package translates them, and a
machine translation model would be heavier than the whole matcher. A word whose stem is
ambiguous (объединение "association", объединённый "united") is looked up whole first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from proscribe.text.normalize import clean_name
from proscribe.text.translit import cyrillic_word_forms

__all__ = ["english_reading", "english_reading_of"]

_CYRILLIC = re.compile("[\u0400-\u04ff]")

#: Whole words, looked up before their stem.
_WORDS = {
    "объединение": "association", "объединения": "association",
    "объединенная": "united", "объединенный": "united", "объединенной": "united",
    "объединенные": "united",
    "и": "and", "по": "for", "имени": "named after", "им": "named after",
    "в": "", "на": "", "с": "", "при": "", "для": "for",
    "ооо": "llc", "оао": "ojsc", "зао": "cjsc", "пао": "pjsc", "ао": "jsc",
    "нпо": "npo", "фгуп": "fsue", "гуп": "sue",
}

#: Snowball stems -> English. One English word per stem: the spelling lists use most
#: (center, defense, organization).
_STEMS = {
    # the kind of body
    "завод": "plant", "фабрик": "factory", "комбинат": "plant", "компан": "company",
    "корпорац": "corporation", "концерн": "concern", "холдинг": "holding",
    "групп": "group", "предприят": "enterprise", "институт": "institute",
    "университет": "university", "академ": "academy", "центр": "center", "банк": "bank",
    "фонд": "fund", "агентств": "agency", "служб": "service", "министерств": "ministry",
    "комисс": "commission", "комитет": "committee", "совет": "council",
    "департамент": "department", "бюро": "bureau", "обществ": "society",
    "организац": "organization", "ассоциац": "association", "союз": "union",
    "движен": "movement", "парт": "party", "учрежден": "institution",
    "пароходств": "shipping company", "флот": "fleet", "порт": "port",
    "аэропорт": "airport", "авиакомпан": "airline", "дом": "house",
    "биржа": "exchange", "бирж": "exchange", "верф": "shipyard", "лаборатор": "laboratory",
    "войск": "troops", "арм": "army", "гвард": "guard", "управлен": "directorate",
    # legal forms, in English words
    "акционерн": "joint stock", "ограничен": "limited", "ответствен": "liability",
    "публичн": "public", "открыт": "open", "закрыт": "closed", "товариществ": "partnership",
    "унитарн": "unitary", "казен": "state", "бюджетн": "budgetary",
    # who and where
    "российск": "russian", "росс": "russia", "федерац": "federation",
    "государствен": "state", "федеральн": "federal", "национальн": "national",
    "международн": "international", "межрегиональн": "interregional",
    "центральн": "central", "главн": "main", "нов": "new", "восточн": "eastern",
    "западн": "western", "северн": "northern", "южн": "southern",
    "дальневосточн": "far eastern", "черноморск": "black sea", "московск": "moscow",
    "сибирск": "siberian", "крымск": "crimean", "уральск": "ural", "волжск": "volga",
    "балтийск": "baltic", "арктическ": "arctic", "всероссийск": "all russia",
    "муниципальн": "municipal", "обществен": "public", "частн": "private",
    "военн": "military", "оборон": "defense", "безопасн": "security",
    "внутрен": "internal", "иностра": "foreign", "иностран": "foreign", "дел": "affairs",
    "юстиц": "justice", "финанс": "finance", "финансов": "financial",
    "экономическ": "economic", "экономик": "economy",
    # trades
    "торгов": "trading", "транспортн": "transport", "лизингов": "leasing",
    "инвестиц": "investment", "инвестицион": "investment", "прям": "direct",
    "стратегическ": "strategic", "культур": "culture", "избирательн": "election",
    "систем": "systems", "технолог": "technology", "технологическ": "technology",
    "научн": "scientific", "наук": "science", "исследовательск": "research",
    "производствен": "production", "проектн": "design", "конструкторск": "design",
    "электрон": "electronics", "электроник": "electronics",
    "приборостроен": "instrument making", "приборостроительн": "instrument making",
    "машиностроен": "machine building", "машиностроительн": "machine building",
    "авиацион": "aviation", "авиастроительн": "aircraft", "судостроительн": "shipbuilding",
    "ракетн": "rocket", "космическ": "space", "ядерн": "nuclear", "атомн": "atomic",
    "энергетическ": "energy", "энерг": "energy", "нефт": "oil", "нефтян": "oil",
    "газ": "gas", "химическ": "chemical", "металлургическ": "metallurgical",
    "металл": "metal", "горн": "mining", "горнодобыва": "mining", "угольн": "coal",
    "стал": "steel", "алюмин": "aluminum", "медн": "copper", "золот": "gold",
    "алмаз": "diamond", "железнодорожн": "railway", "морск": "sea", "речн": "river",
    "связ": "communication", "телевизион": "television", "радиовещательн":
    "radio broadcasting", "радиотехническ": "radio engineering",
    "информацион": "information", "телекоммуникацион": "telecommunications",
    "вычислительн": "computing", "оптическ": "optical", "точн": "precision",
    "механическ": "mechanical", "электромеханик": "electromechanics", "физик": "physics",
    "техническ": "technical", "прикладн": "applied", "специальн": "special",
    "кредитн": "credit", "сберегательн": "savings", "расчетн": "settlement",
    "депозитар": "depository", "страхов": "insurance", "экспортн": "export",
    "развит": "development", "реконструкц": "reconstruction",
    "промышлен": "industrial", "строительн": "construction", "строительств":
    "construction", "сельскохозяйствен": "agricultural", "зернов": "grain",
    "оператор": "operator", "детск": "children", "образовательн": "educational",
    "образован": "education", "здравоохранен": "health", "спортивн": "sports",
    "медицинск": "medical", "фармацевтическ": "pharmaceutical", "автомобильн": "automobile",
    "тракторн": "tractor", "танков": "tank", "оружейн": "arms", "оруж": "weapons",
    "вооружен": "armament", "боеприпас": "ammunition", "взрывчат": "explosives",
    "порохов": "powder", "кузнечн": "forge", "прессов": "press", "инструментальн": "tool",
    "станкостроительн": "machine tool", "двигател": "engine", "вертолет": "helicopter",
    "самолет": "aircraft", "беспилотн": "unmanned", "радиоэлектрон": "radio electronics",
    "электротехническ": "electrical", "полупроводник": "semiconductor",
    "микроэлектрон": "microelectronics", "компьютерн": "computer",
    "программн": "software", "цифров": "digital", "инновацион": "innovation",
    "лесн": "forest", "рыбн": "fish", "пищев": "food", "продовольствен": "food",
    "снабжен": "supply", "логистическ": "logistics", "логистик": "logistics",
    "сервис": "service", "охран": "security", "агропромышлен": "agro industrial",
    "судоходн": "shipping", "танкерн": "tanker", "грузов": "cargo",
}

#: Two words that are one English word.
_PAIRS = {("железн", "дорог"): "railways", ("железн", "дорога"): "railway"}

_STEMMER = None


def _stem(word: str) -> str:
    global _STEMMER
    if _STEMMER is None:
        import snowballstemmer

        _STEMMER = snowballstemmer.stemmer("russian")
    stem: str = _STEMMER.stemWord(word)
    return stem


def _plain(text: str) -> str:
    """Lower case, stress marks dropped, ё as е (Snowball's alphabet)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(ch for ch in decomposed if ch not in _STRESS)
    return unicodedata.normalize("NFC", kept).replace("ё", "е")


#: Stress marks (заво́д); the breve of й and the diaeresis of ё are letters.
_STRESS = frozenset("\u0301\u0300")


@lru_cache(maxsize=65536)
def _word(word: str) -> tuple[str | None, bool]:
    """(English or None, whether the word was read rather than left to transliteration).
    None: transliterate the word itself."""
    if word in _WORDS:
        return _WORDS[word], True
    if not _CYRILLIC.search(word):
        return word, False
    stem = _stem(word)
    english = _STEMS.get(stem)
    if english is not None:
        return english, True
    if stem.endswith("ск") and len(stem) > 4:
        return stem, True  # a city in -sk (Челябинский, Ижевский): the city's name
    return None, False


#: Word for word, the Russian legal forms come out in a Russian order.
_PHRASES = (
    ("joint stock society", "joint stock company"),
    ("society limited liability", "limited liability company"),
)


@lru_cache(maxsize=16384)
def english_reading(text: str) -> str | None:
    """`text` (a cleaned name) read word for word into English, the other words
    transliterated (ICAO, as the first Cyrillic form), or None when no word was read."""
    out: list[str] = []
    read = False
    words = _plain(text).split()
    skip = False
    for k, w in enumerate(words):
        if skip:
            skip = False
            continue
        if k + 1 < len(words):
            pair = _PAIRS.get((_stem(w), _stem(words[k + 1])))
            if pair is not None:
                out.append(pair)
                read = skip = True
                continue
        english, known = _word(w)
        read = read or known
        if english is None or not english.isascii():
            # iuliia's ICAO leaves letters it has no value for (є, ў) as they are
            english = anyascii(cyrillic_word_forms(w if english is None else english)[0]
                               or w)
        english = english.strip()
        if english:
            out.append(english)
    if not read:
        return None
    reading = clean_name(" ".join(out))
    for russian_order, english_order in _PHRASES:
        reading = reading.replace(russian_order, english_order)
    return reading or None


def english_reading_of(name: str) -> str | None:
    """`english_reading` of a name as given (cleaned here); None at once for a name
    without a Cyrillic letter, which has no word to read."""
    if name.isascii() or not _CYRILLIC.search(name):
        return None
    return english_reading(clean_name(name))
