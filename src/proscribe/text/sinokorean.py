"""Chinese names written in Hangul, read back into pinyin.

Korean writes a Chinese person's name in Hangul in one of two ways, and lists write the
same person in pinyin:

- **By the Korean reading of its characters** (Sino-Korean): 王昭君 is 왕소군, Wang Zhaojun;
  李鴻章 is 이홍장, Li Hongzhang. One Hangul syllable stands for many characters, so it has
  several Mandarin readings (정: zheng, jing, ding, ...). The table (data/hanja_pinyin.tsv)
  gives each Hangul syllable the pinyin of the frequently used characters read so: the
  Korean readings come from the `hanja` package's table, the pinyin from pypinyin, both
  well kept; the frequency filter is Big5's level-1 set (5,401 common traditional
  characters), which is what Korean Hanja are written in. `python -m
  proscribe.text.sinokorean --hanja-table PATH` writes it again (`hanja` pins old
  versions of PyYAML and pytest, so it is read from its wheel, not installed).
- **By the sound of the Mandarin** (the National Institute of Korean Language's
  transcription of Chinese, 외래어 표기법): Li Xiaopeng is 리샤오펑, Yang Jiechi 양제츠.
  One pinyin syllable may take two Hangul syllables (xiao 샤오, wei 웨이, yuan 위안). No
  library writes this scheme, so its rules are below: initial consonant by initial, final
  by final, and the scheme's three adjustments (y-glides dropped after ㅈ ㅉ ㅊ; zhi chi shi
  ri zi ci si with ㅡ; ü after j q x). Every pinyin syllable (from data/wadegiles.tsv) is
  written by those rules and the table inverted.

`mandarin_orders()` gives a Hangul name's readings as units, each a reading of one or two
Hangul syllables, marked with a leading control character so that they never pass for
Hangul: the syllable alignment (matching.name_v1.names) treats a unit like a syllable and
`unit_spellings()` gives its pinyin spellings.
"""

from __future__ import annotations

import argparse
import math
from functools import lru_cache
from pathlib import Path

__all__ = ["SINO_KOREAN", "TRANSCRIBED", "hanja_read_syllables", "hanja_reading_count",
           "is_mandarin_unit", "is_pinyin_word", "mandarin_orders", "reading_ambiguity",
           "unit_spellings"]

TABLE = Path(__file__).parent / "data" / "hanja_pinyin.tsv"
#: Hangul syllable -> how many frequently used characters are read so (translit's prior of
#: a syllable in a Korean name).
COUNTS = Path(__file__).parent / "data" / "hanja_counts.tsv"
#: Marks a unit read by the Korean reading of a character (one Hangul syllable).
SINO_KOREAN = "\x01"
#: Marks a unit of the Mandarin sound transcription (one or two Hangul syllables).
TRANSCRIBED = "\x02"
#: Most readings of one name kept (the transcription can parse a name more than one way).
MAX_ORDERS = 2

_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_INITIAL_JAMO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_CODA = {"": 0, "ㄴ": 4, "ㄹ": 8, "ㅇ": 21}

# The scheme's consonant for each pinyin initial ("": a syllable starting with a vowel).
_PINYIN_INITIALS = {
    "b": "ㅂ", "p": "ㅍ", "m": "ㅁ", "f": "ㅍ", "d": "ㄷ", "t": "ㅌ", "n": "ㄴ", "l": "ㄹ",
    "g": "ㄱ", "k": "ㅋ", "h": "ㅎ", "j": "ㅈ", "q": "ㅊ", "x": "ㅅ", "zh": "ㅈ", "ch": "ㅊ",
    "sh": "ㅅ", "r": "ㄹ", "z": "ㅉ", "c": "ㅊ", "s": "ㅆ", "": "ㅇ",
}
# Each final as Hangul syllables (vowel, final consonant); the first takes the initial.
_PINYIN_FINALS: dict[str, tuple[tuple[str, str], ...]] = {
    "a": (("ㅏ", ""),), "o": (("ㅗ", ""),), "e": (("ㅓ", ""),), "i": (("ㅣ", ""),),
    "u": (("ㅜ", ""),), "ü": (("ㅟ", ""),), "ai": (("ㅏ", ""), ("ㅣ", "")),
    "ei": (("ㅔ", ""), ("ㅣ", "")), "ao": (("ㅏ", ""), ("ㅗ", "")),
    "ou": (("ㅓ", ""), ("ㅜ", "")), "an": (("ㅏ", "ㄴ"),), "en": (("ㅓ", "ㄴ"),),
    "ang": (("ㅏ", "ㅇ"),), "eng": (("ㅓ", "ㅇ"),), "er": (("ㅓ", "ㄹ"),),
    "ong": (("ㅜ", "ㅇ"),), "ia": (("ㅑ", ""),), "io": (("ㅛ", ""),), "ie": (("ㅖ", ""),),
    "iao": (("ㅑ", ""), ("ㅗ", "")), "iou": (("ㅠ", ""),), "ian": (("ㅖ", "ㄴ"),),
    "in": (("ㅣ", "ㄴ"),), "iang": (("ㅑ", "ㅇ"),), "ing": (("ㅣ", "ㅇ"),),
    "iong": (("ㅠ", "ㅇ"),), "ua": (("ㅘ", ""),), "uo": (("ㅝ", ""),),
    "uai": (("ㅘ", ""), ("ㅣ", "")), "uan": (("ㅘ", "ㄴ"),), "uang": (("ㅘ", "ㅇ"),),
    "ueng": (("ㅝ", "ㅇ"),), "üe": (("ㅞ", ""),), "üan": (("ㅟ", ""), ("ㅏ", "ㄴ")),
    "ün": (("ㅟ", "ㄴ"),),
    # After a consonant: dui 두이, dun 둔; alone: wei 웨이, wen 원.
    "uei": (("ㅜ", ""), ("ㅣ", "")), "uen": (("ㅜ", "ㄴ"),),
}
_ALONE = {"uei": (("ㅞ", ""), ("ㅣ", "")), "uen": (("ㅝ", "ㄴ"),)}
# Syllables without an initial, as pinyin writes them, to their finals.
_Y_W = {
    "yi": "i", "ya": "ia", "yo": "io", "ye": "ie", "yao": "iao", "you": "iou", "yan": "ian",
    "yin": "in", "yang": "iang", "ying": "ing", "yong": "iong", "yu": "ü", "yue": "üe",
    "yuan": "üan", "yun": "ün", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai",
    "wei": "uei", "wan": "uan", "wen": "uen", "wang": "uang", "weng": "ueng",
}
_PLAIN_AFTER_AFFRICATE = {"ㅑ": "ㅏ", "ㅕ": "ㅓ", "ㅖ": "ㅔ", "ㅛ": "ㅗ", "ㅠ": "ㅜ"}


def _syllable(initial: str, medial: str, coda: str) -> str:
    return chr(0xAC00 + (_INITIAL_JAMO.index(initial) * 21 + _MEDIALS.index(medial)) * 28
               + _CODA[coda])


def transcribe_pinyin(syllable: str) -> str | None:
    """One toneless pinyin syllable in Hangul under the Korean transcription of Chinese
    ("xiao" -> 샤오, "zhi" -> 즈, "jue" -> 줴); None for what is not a pinyin syllable."""
    s = syllable.replace("v", "ü")
    initial = next((i for i in ("zh", "ch", "sh") if s.startswith(i)), None)
    if initial is None:
        initial = s[0] if s[:1] in _PINYIN_INITIALS and s[:1] not in "yw" else ""
    final = s[len(initial):]
    if not initial:
        final = _Y_W.get(s, final)
    elif initial in ("j", "q", "x") and final[:1] == "u":
        final = "ü" + final[1:]
    else:
        final = {"iu": "iou", "ui": "uei", "un": "uen"}.get(final, final)
    parts = (_ALONE if not initial else {}).get(final) or _PINYIN_FINALS.get(final)
    if parts is None:
        return None
    jamo = _PINYIN_INITIALS[initial]
    out = []
    for k, (medial, coda) in enumerate(parts):
        if k == 0:
            if final == "i" and initial in ("zh", "ch", "sh", "r", "z", "c", "s"):
                medial = "ㅡ"
            elif jamo in "ㅈㅉㅊ":
                medial = _PLAIN_AFTER_AFFRICATE.get(medial, medial)
            out.append(_syllable(jamo, medial, coda))
        else:
            out.append(_syllable("ㅇ", medial, coda))
    return "".join(out)


@lru_cache(maxsize=1)
def _transcribed() -> dict[str, tuple[str, ...]]:
    """Hangul (one or two syllables) -> the pinyin syllables the scheme writes so."""
    from proscribe.text.wadegiles import pinyin_syllables

    table: dict[str, list[str]] = {}
    for p in sorted(pinyin_syllables()):
        hangul = transcribe_pinyin(p)
        if hangul:
            table.setdefault(hangul, []).append(p)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _sino_korean() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, readings = line.split("\t")
            table[syllable] = tuple(readings.split(","))
    return table


@lru_cache(maxsize=1)
def _reading_counts() -> tuple[dict[str, int], dict[str, dict[str, int]],
                               dict[str, int]]:
    """(syllable -> characters read so, syllable -> pinyin -> characters, pinyin ->
    characters with that pinyin whatever their Korean reading)."""
    counts: dict[str, int] = {}
    by_pinyin: dict[str, dict[str, int]] = {}
    chars: dict[str, set[str]] = {}  # pinyin -> characters, each counted once
    for line in COUNTS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, count, readings = line.split("\t")
            counts[syllable] = int(count)
            mine = by_pinyin[syllable] = {}
            for item in filter(None, readings.split(",")):
                p, han = item.split(":")
                p = p.replace("v", "u")
                mine[p] = mine.get(p, 0) + len(han)
                chars.setdefault(p, set()).update(han)
    return counts, by_pinyin, {p: len(c) for p, c in chars.items()}


def hanja_read_syllables() -> list[str]:
    """Every Hangul syllable that some frequently used character (Big5 level 1) reads."""
    return sorted(_reading_counts()[0])


def hanja_reading_count(syllable: str) -> int:
    """How many frequently used characters (Big5 level 1) are read as this Hangul syllable
    (0 for a syllable that reads none: 슬, 똘, 쭝)."""
    return _reading_counts()[0].get(syllable, 0)


@lru_cache(maxsize=65536)
def reading_ambiguity(syllable: str, pinyin: str) -> float:
    """How much less a pinyin reading tells of the Hangul syllable it is read from than the
    syllable's most telling reading does, in nats (0 for that one): -ln P(syllable |
    pinyin), counting the frequently used characters that have the pinyin, less its least
    value over the syllable's readings. 상 is xiang (相 想 象 ...), shang (上 商 ...) or
    shuang (霜 雙 ...); a Chinese name spelt Xiang is likelier to be written 상 than one
    spelt Shuang. 0 for what the table does not hold."""
    _, by_pinyin, total = _reading_counts()
    mine = by_pinyin.get(syllable)
    if not mine or pinyin not in mine:
        return 0.0

    def surprise(p: str) -> float:
        return -math.log(mine[p] / total[p])

    return max(0.0, surprise(pinyin) - min(surprise(p) for p in mine))


@lru_cache(maxsize=65536)
def is_pinyin_word(word: str) -> bool:
    """Whether a cleaned Latin word is pinyin syllables written together ("xiaopeng",
    "zhaojun"); Korean spellings mostly are not ("kim", "seung", "hyun", "eun", "park")."""
    syllables = _pinyin_spellings()
    n = len(word)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if ok[i]:
            for k in range(1, min(6, n - i) + 1):
                if word[i:i + k] in syllables:
                    ok[i + k] = True
    return n > 0 and ok[n]


@lru_cache(maxsize=1)
def _pinyin_spellings() -> frozenset[str]:
    from proscribe.text.wadegiles import pinyin_syllables

    return frozenset(p.replace("v", "u") for p in pinyin_syllables()) | pinyin_syllables()


def is_mandarin_unit(unit: str) -> bool:
    return unit[:1] in (SINO_KOREAN, TRANSCRIBED)


@lru_cache(maxsize=8192)
def unit_spellings(unit: str) -> dict[str, float]:
    """Pinyin spellings of a marked unit (all cost 0: one reading is as good as another)."""
    table = _sino_korean() if unit[:1] == SINO_KOREAN else _transcribed()
    return {p.replace("v", "u"): 0.0 for p in table.get(unit[1:], ())}


@lru_cache(maxsize=8192)
def mandarin_orders(syllables: str, korean_surname: bool) -> tuple[tuple[str, ...], ...]:
    """Readings of a Hangul name (its syllables, written together) as a Chinese name: each
    way the Mandarin transcription cuts it into units, then (for a name starting with a
    Korean surname) the Korean reading of each syllable. Empty when neither applies."""
    orders: list[tuple[str, ...]] = []
    transcribed = _transcribed()

    def cut(rest: str) -> list[tuple[str, ...]]:
        if not rest:
            return [()]
        out: list[tuple[str, ...]] = []
        for n in (1, 2):
            if len(rest) >= n and rest[:n] in transcribed:
                out.extend((TRANSCRIBED + rest[:n],) + tail for tail in cut(rest[n:]))
        return out

    # Fewest units first: 샤오 is xiao before it is xia + o.
    orders.extend(sorted(cut(syllables)[:4 * MAX_ORDERS], key=len)[:MAX_ORDERS])
    sino = _sino_korean()
    if korean_surname and all(ch in sino for ch in syllables):
        order = tuple(SINO_KOREAN + ch for ch in syllables)
        if order not in orders:
            orders.append(order)
    return tuple(orders)


# ----------------------------------------------------------------------------- the table
_DOOEUM = {  # initial-sound rule: a reading and the form it takes starting a word
    "녀": "여", "뇨": "요", "뉴": "유", "니": "이", "랴": "야", "려": "여", "례": "예",
    "료": "요", "류": "유", "리": "이", "라": "나", "래": "내", "로": "노", "뢰": "뇌",
    "루": "누", "르": "느",
}


def _initial_form(syllable: str) -> str:
    code = ord(syllable) - 0xAC00
    head = chr(0xAC00 + code - code % 28)
    if head not in _DOOEUM:
        return syllable
    return chr(ord(_DOOEUM[head]) + code % 28)


def _write_table(hanja_table: Path) -> None:  # pragma: no cover - a maintainer's tool
    import yaml
    from pypinyin import Style, pinyin

    from proscribe.text.wadegiles import pinyin_syllables

    valid = pinyin_syllables()
    readings: dict[str, dict[str, None]] = {}
    characters: dict[str, dict[str, set[str]]] = {}
    table = yaml.load(hanja_table.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    # 金 is read 김 as a surname (Kim), 금 otherwise.
    for han, hangul in [*sorted(table.items()), ("金", "김")]:
        if len(han) != 1 or len(hangul) != 1:
            continue
        try:
            code = int.from_bytes(han.encode("big5"), "big")
        except UnicodeEncodeError:
            continue
        if not 0xA440 <= code <= 0xC67E:  # Big5 level 1: frequently used characters
            continue
        for form in (hangul, _initial_form(hangul)):
            characters.setdefault(form, {}).setdefault("", set()).add(han)
        # Its main reading only: the others of a character are mostly rare words' readings.
        for p in pinyin(han, style=Style.NORMAL, heteronym=False)[0]:
            p = p.replace("ü", "v")
            if p not in valid or not any(v in p for v in "aeiouv"):
                continue
            for form in (hangul, _initial_form(hangul)):
                readings.setdefault(form, {})[p] = None
                characters[form].setdefault(p, set()).add(han)
    lines = ["# Hangul syllable -> pinyin of the frequently used characters it reads.",
             "# Written by `python -m proscribe.text.sinokorean`; do not edit."]
    lines += [f"{k}\t{','.join(sorted(v))}" for k, v in sorted(readings.items())]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["# Hangul syllable -> how many frequently used characters (Big5 level 1) read so,",
             "# then those of them with each pinyin reading.",
             "# Written by `python -m proscribe.text.sinokorean`; do not edit."]
    lines += [f"{k}\t{len(v[''])}\t"
              + ",".join(f"{p}:{''.join(sorted(c))}" for p, c in sorted(v.items()) if p)
              for k, v in sorted(characters.items())]
    COUNTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hanja-table", type=Path, required=True,
                        help="table.yml of the hanja package (pip download hanja)")
    _write_table(parser.parse_args().hanja_table)
