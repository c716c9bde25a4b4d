"""Numbers written in words, and the abbreviations organisation names use.

"Brigade Forty-Four" and "Brigade 44", "Three Percenters" and "3 Percenters", "First
International Bank" and "1st International Bank" name the same thing: number words become
digits (ordinals keep their suffix, "first" -> "1st"), so that numbers stay significant
tokens compared exactly. English only; applied to organisation and vessel names, not to
person names (where such words are rare and may be surnames). A small hand table: rigour
and normality have none for this.
"""

from __future__ import annotations

__all__ = ["expand_abbreviations", "number_words_to_digits"]

_UNITS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_ORDINAL_UNITS = {w: n for n, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_ORDINAL_TENS = {w: 10 * n for n, w in enumerate(
    "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
    .split()) if w != "_"}

#: Abbreviations of organisation words, written out (cleaned: "Int'l" is "intl").
ABBREVIATIONS = {
    "intl": "international", "natl": "national", "dept": "department",
    "assn": "association", "mfg": "manufacturing", "univ": "university",
    "svcs": "services", "bros": "brothers", "govt": "government",
}


_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else _SUFFIX.get(n % 10, "th")
    return f"{n}{suffix}"


def number_words_to_digits(tokens: list[str]) -> list[str]:
    """["forty", "four", "brigade"] -> ["44", "brigade"]; ["first", "bank"] ->
    ["1st", "bank"]; a tens word may be followed by a unit word or digit ("forty 4")."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        if tok in _TENS:
            value = _TENS[tok]
            if nxt in _UNITS and 0 < _UNITS[nxt] < 10:
                out.append(str(value + _UNITS[nxt]))
                i += 2
                continue
            if nxt in _ORDINAL_UNITS and 0 < _ORDINAL_UNITS[nxt] < 10:
                out.append(_ordinal(value + _ORDINAL_UNITS[nxt]))
                i += 2
                continue
            if len(nxt) == 1 and nxt.isdigit() and nxt != "0":
                out.append(str(value + int(nxt)))
                i += 2
                continue
            out.append(str(value))
        elif tok in _UNITS:
            out.append(str(_UNITS[tok]))
        elif tok in _ORDINAL_UNITS:
            out.append(_ordinal(_ORDINAL_UNITS[tok]))
        elif tok in _ORDINAL_TENS:
            out.append(_ordinal(_ORDINAL_TENS[tok]))
        elif len(tok) > 2 and tok[-2:] in ("st", "nd", "rd", "th") and tok[:-2].isdigit():
            out.append(_ordinal(int(tok[:-2])))  # "21th" and "21st" are one ordinal
        else:
            out.append(tok)
        i += 1
    return out


def expand_abbreviations(tokens: list[str]) -> list[str]:
    return [ABBREVIATIONS.get(t, t) for t in tokens]
