"""Wade-Giles spellings of Chinese names read as pinyin ("Hsi Chin-ping" ~ "Xi Jinping").

Lists write Chinese names in pinyin, and older or Taiwanese names in Wade-Giles ("Tsai
Hsien-tai" is "Cai Xiantai"). Without its apostrophes a Wade-Giles syllable may stand for
two pinyin syllables ("chin": jin or qin), so a Wade-Giles name gets a form for each
reading (at most `MAX_READINGS`). A name is read so only when every token is a Wade-Giles
syllable and one of them is not a pinyin syllable: pinyin names and most other names are
left alone.

The syllable table (data/wadegiles.tsv) is derived from pypinyin, which holds both
spellings of every character: `python -m proscribe.text.wadegiles` writes it again, and a
test checks that it is current.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

__all__ = ["MAX_READINGS", "pinyin_readings", "pinyin_syllables"]

TABLE = Path(__file__).parent / "data" / "wadegiles.tsv"
MAX_READINGS = 8


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    wg: dict[str, tuple[str, ...]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, readings = line.split("\t")
            wg[syllable] = tuple(readings.split(","))
    pinyin = frozenset(p for readings in wg.values() for p in readings)
    return wg, pinyin


def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable of a character (ü written v: "lv")."""
    return _table()[1]


@lru_cache(maxsize=65536)
def pinyin_readings(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Pinyin readings of a name written in Wade-Giles (cleaned tokens: "hsi chin ping"),
    or none when it does not look like one."""
    if not 1 < len(tokens) <= 5:
        return ()
    wg, pinyin = _table()
    if not all(t in wg for t in tokens) or all(t in pinyin for t in tokens):
        return ()
    out = []
    for combo in itertools.product(*(wg[t] for t in tokens)):
        if combo != tokens:
            out.append(combo)
        if len(out) >= MAX_READINGS:
            break
    return tuple(out)


def build_table() -> str:
    """The syllable table, from pypinyin: Wade-Giles syllable -> pinyin syllables."""
    from pypinyin import Style, lazy_pinyin

    table: dict[str, set[str]] = {}
    for cp in range(0x4E00, 0x9FA6):
        ch = chr(cp)
        py = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
        wg = lazy_pinyin(ch, style=Style.WADEGILES, errors="ignore")
        if py and wg:
            key = "".join(c for c in wg[0].lower() if c.isalpha())
            if key and py[0].isalpha():
                table.setdefault(key, set()).add(py[0])
    lines = ["# Wade-Giles syllable (no apostrophes) -> pinyin syllables, from pypinyin.",
             "# Written by `python -m proscribe.text.wadegiles`; do not edit."]
    lines += [f"{k}\t{','.join(sorted(v))}" for k, v in sorted(table.items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TABLE.write_text(build_table(), encoding="utf-8")
    print(f"wrote {TABLE}")
