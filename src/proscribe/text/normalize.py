"""Name cleaning: Unicode, case, punctuation, honorifics, company legal forms.

Script-preserving: transliteration is a separate step (`proscribe.text.translit`), so a
Cyrillic or Hangul name comes out of `clean_name` still in its script, only tidied.
Every function here is total (never raises on any str) and idempotent; a Hypothesis test
checks both.

Legal forms are recognised with rigour's org-type table (the one OpenSanctions keeps, which
knows "obshchestvo s ogranichennoy otvetstvennostyu" -> "ooo", "public joint stock company"
-> "pjsc", Cyrillic "ооо"); `_EXTRA_LEGAL` adds the few forms it lacks (corp, inc, Korean and
Chinese company words) so they are not compared as if they were distinctive name tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

__all__ = [
    "HONORIFICS",
    "LEGAL_FORM_TYPES",
    "clean_name",
    "split_legal_forms",
    "strip_honorifics",
    "tokenize",
]

# Punctuation that joins (apostrophes: O'Brien -> obrien) versus separates (everything else).
_JOINERS = {"'", "\u2019", "\u2018", "`", "\u00b4", "\u02bc", "\u02bb"}
_SPACE_RE = re.compile(r"\s+")

#: Honorifics and titles dropped from person names (lists write them inconsistently).
HONORIFICS = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady madam madame mme mlle m herr frau
    sheikh shaikh shaykh sheik haji hajji hadji al-haj alhaj mullah mulla maulana maulvi mawlawi
    mawlawi qari hafiz hafez imam sayyid sayed syed sayyed
    general gen colonel col lieutenant lt major maj captain capt admiral adm brigadier brig
    commander cmdr sergeant sgt
    president minister ambassador senator deputy governor judge
    rev reverend father fr
    """.split()
)

# Forms rigour's table does not know: compared as legal forms, never as name tokens.
_EXTRA_LEGAL = {
    "corp": "corp",
    "corporation": "corp",
    "inc": "inc",
    "incorporated": "inc",
    "company": "co",
    "co": "co",
    "ltd": "ltd",
    "limited": "ltd",
    "llc": "llc",
    "plc": "plc",
    "jsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "oao": "jsc",
    "zao": "jsc",
    "pao": "jsc",
    "ao": "jsc",
    "ooo": "ooo",
    "gmbh": "gmbh",
    "ag": "ag",
    "sa": "sa",
    "sarl": "sarl",
    "srl": "srl",
    "bv": "bv",
    "nv": "nv",
    "spa": "spa",
    "fze": "fze",
    "fzco": "fze",
    "fzc": "fze",
    "fzllc": "fze",
    "pte": "pte",
    "sdn": "sdn",
    "bhd": "bhd",
    "coltd": "ltd",
    "주식회사": "jsc",
    "유한회사": "llc",
    "有限公司": "ltd",
    "股份有限公司": "jsc",
    "公司": "co",
    "株式会社": "jsc",
    "ооо": "ooo",
    "оао": "jsc",
    "зао": "jsc",
    "пао": "jsc",
    "ао": "jsc",
    "тов": "llc",
    "тоо": "llc",
    # The words of the Russian forms on their own, as "company" is in English: a name
    # written out of the usual order ("Obshchestvo Fintender Aktsionernoe") keeps them
    # apart, and they say nothing of which company it is. Common transliterations.
    "obshchestvo": "co",
    "obshhestvo": "co",
    "obschestvo": "co",
    "obshestvo": "co",
    "общество": "co",
    "aktsionernoe": "jsc",
    "aktsionernoye": "jsc",
    "aktsionernoje": "jsc",
    "akcionernoe": "jsc",
    "акционерное": "jsc",
    # ... and of "obshchestvo s ogranichennoy otvetstvennostyu" (OOO), whose "s" ("with")
    # goes with them (split_legal_forms).
    "ogranichennoy": "ooo",
    "ogranichennoi": "ooo",
    "ogranichennoj": "ooo",
    "ограниченной": "ooo",
    "otvetstvennostyu": "ooo",
    "otvetstvennostiu": "ooo",
    "otvetstvennostju": "ooo",
    "ответственностью": "ooo",
}
#: Two-word legal forms that rigour's table only takes with their "company": a name
#: written out of order leaves them apart ("Company Ratep Joint-Stock"), and some names use
#: them alone ("Ratep Joint Stock"). Like "company", they say nothing of which company it is.
_LEGAL_PAIRS = {("joint", "stock"): "jsc", ("limited", "liability"): "llc"}
_PAIR_NOUNS = frozenset({"company", "co", "corporation", "partnership", "society"})
#: Legal-form words long enough that a one-edit misspelling of them is still read as one
#: ("Joint Stock Copany Manel", a typo the batch benchmark planted, is Manel JSC); the
#: shortest token that can be one.
_TYPO_MIN = 6
_TYPO_WORDS = tuple(w for w in _EXTRA_LEGAL if w.isascii() and len(w) >= 7)
# rigour's compare forms folded into the same classes, so "OAO" and "JSC" agree.
_LEGAL_CLASS = {
    "pjsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "oao": "jsc",
    "zao": "jsc",
    "pao": "jsc",
    "ao": "jsc",
    "jsc": "jsc",
    "coltd": "ltd",
    "ltd": "ltd",
    "llc": "llc",
    "ooo": "ooo",
}


#: Multi-word legal forms, matched on the Latin (accent-free) form before rigour's table.
_LEGAL_PHRASES = (
    (" gesellschaft mit beschrankter haftung ", "gmbh"),
    (" sp z o o ", "llc"),
    (" spolka z ograniczona odpowiedzialnoscia ", "llc"),
)
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$")


def _split_legal_pairs(text: str, forms: list[str]) -> str:
    """`text` without the words of `_LEGAL_PAIRS` that rigour's table will not take, their
    classes added to `forms`: a pair that no "company" follows ("Ratep Joint Stock"), and a
    pair scattered by a reordering when a "company" is in the name too ("Stock Company
    Sovcomflot Joint"). A pair followed by its "company" is left to rigour."""
    words = text.split()
    if len(words) < 3:
        return text
    drop: set[int] = set()
    for (a, b), cls in _LEGAL_PAIRS.items():
        if a not in words or b not in words:
            continue
        i = words.index(a)
        j = words.index(b)
        if j == i + 1:
            if j + 1 < len(words) and words[j + 1] in _PAIR_NOUNS:
                continue  # the whole phrase: rigour's
        elif not any(w in _PAIR_NOUNS for w in words):
            continue  # two words apart, and nothing says they are a legal form
        drop.update((i, j))
        forms.append(cls)
    if not drop or len(drop) == len(words):
        return text
    return " ".join(w for k, w in enumerate(words) if k not in drop)


@lru_cache(maxsize=65536)
def _legal_typo(token: str) -> str | None:
    """The class of a legal-form word of 7 letters or more that `token` misspells by one
    edit ("copany", "corporaton"), else None."""
    for word in _TYPO_WORDS:
        if abs(len(word) - len(token)) <= 1 and OSA.distance(token, word, score_cutoff=1) <= 1:
            return _EXTRA_LEGAL[word]
    return None


def _fold_legal(form: str) -> str:
    form = form.replace(" ", "")
    return _LEGAL_CLASS.get(form, _EXTRA_LEGAL.get(form, form))


#: `clean_name` of ASCII text in one `str.translate`: letters lower-cased, digits kept, "&"
#: spelt out, apostrophes dropped, anything else a space (the general path gives the same,
#: checked by tests/text/test_normalize.py).
_ASCII_CLEAN: dict[int, str | None] = {
    c: (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
_ASCII_CLEAN[ord("&")] = " and "
_ASCII_CLEAN.update({ord(j): None for j in _JOINERS if j.isascii()})


@lru_cache(maxsize=65536)
def clean_name(text: str) -> str:
    """Unicode NFKC, case-folded, punctuation to spaces, whitespace collapsed.

    Digits are kept: "11420 CORP" and "11421 CORP" stay different names.
    """
    if text.isascii():
        return " ".join(text.translate(_ASCII_CLEAN).split())
    return _clean_name(text)


def _clean_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for ch in text:
        if ch.isalnum():
            out.append(ch)
        elif ch == "&":  # "AT&T" and "AT and T", "Procter & Gamble" and "Procter and Gamble"
            out.append(" and ")
        elif ch in _JOINERS:
            continue
        else:
            cat = unicodedata.category(ch)
            if cat.startswith("M"):  # combining marks stay with their letter
                out.append(ch)
            else:
                out.append(" ")
    cleaned = _SPACE_RE.sub(" ", "".join(out)).strip()
    # NFKC after case-folding can produce new compositions; one more pass settles it.
    return unicodedata.normalize("NFKC", cleaned)


def tokenize(text: str) -> list[str]:
    """Tokens of a cleaned name."""
    return clean_name(text).split()


def strip_honorifics(tokens: list[str]) -> list[str]:
    """Drop honorifics and titles, unless that would leave nothing."""
    kept = [t for t in tokens if t not in HONORIFICS]
    return kept if kept else tokens


#: Legal-form classes (as split_legal_forms gives them) by the kind of company they make:
#: private limited-liability companies and joint-stock companies. A name under one kind and
#: the same name under the other are two companies (or one re-registered). "Co", "Corp",
#: "Ltd" and "Inc" are used too loosely across countries to tell either way.
LEGAL_FORM_TYPES: dict[str, str] = {
    **dict.fromkeys(("llc", "ooo", "gmbh", "sarl", "srl", "sro", "tov", "bv", "doo", "ood",
                     "sprl", "bvba", "kft", "kft.", "eood", "spzoo"), "limited_liability"),
    **dict.fromkeys(("jsc", "jscb", "pjsc", "ag", "sa", "sas", "plc", "nv", "spa", "ab", "as"),
                    "joint_stock"),
}


@lru_cache(maxsize=65536)
def split_legal_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """Split a cleaned name into (name without legal forms, legal-form classes found).

    "pao sberbank" -> ("sberbank", ("jsc",)); a name that is nothing but a legal form is
    kept as it is ("co" stays "co").
    """
    text = clean_name(text)
    if not text:
        return "", ()
    forms: list[str] = []
    for phrase, phrase_cls in _LEGAL_PHRASES:
        shorter = f" {text} ".replace(phrase, " ").strip()
        if shorter and shorter != text:
            text = shorter
            forms.append(phrase_cls)
    text = _split_legal_pairs(text, forms)
    rest = text
    try:
        from rigour.names import extract_org_types, remove_org_types

        found = extract_org_types(text)
        if found:
            rest = remove_org_types(text)
            forms.extend(_fold_legal(compare) for _, compare in found)
    except Exception:  # rigour is an optimisation here; the hand table below still works
        rest = text
    # rigour takes a roman numeral for a legal form; it is a significant token ("Bowne
    # Global Solutions II" is another company than "Bowne Global Solutions").
    numerals = [f for f in forms if _ROMAN.match(f)]
    if numerals:
        forms = [f for f in forms if not _ROMAN.match(f)]
        rest = " ".join([rest, *numerals])
    tokens = []
    typos: list[tuple[str, str]] = []
    words = rest.split()
    for k, tok in enumerate(words):
        cls = _EXTRA_LEGAL.get(tok)
        if cls is None and tok in ("s", "с") and k + 1 < len(words) \
                and _EXTRA_LEGAL.get(words[k + 1]) == "ooo":
            cls = "ooo"  # the "s" of "s ogranichennoy otvetstvennostyu"
        if cls is not None:
            forms.append(cls)
            continue
        typo = _legal_typo(tok) if len(tok) >= _TYPO_MIN else None
        if typo is not None:
            typos.append((tok, typo))
        tokens.append(tok)
    # A misspelt legal-form word is read as one only beside a legal form spelt right, and
    # when a name is left: "Joint Stock Copany Manel" is Manel JSC, "Limiter Ltd" stays.
    if typos and forms and len(tokens) > len(typos):
        misspelt = {t for t, _ in typos}
        tokens = [t for t in tokens if t not in misspelt]
        forms.extend(cls for _, cls in typos)
    if not tokens:
        return text, ()
    return " ".join(tokens), tuple(sorted(set(forms)))
