"""Combining the name comparison and the fact checks into one score with its reasons.

score = soft_cap(0.95 * name + primary-name bonus + sum of fact effects), then capped below
the match threshold for a bare common name. The soft cap keeps scores below 1.0 and in
order: an exact name with a matching date of birth ranks above the same name alone.
"""

from __future__ import annotations


import math
from collections.abc import Callable, Sequence

from proscribe.matching.name_v1.features import FEATURES, EntityFacts, QueryFacts
from proscribe.matching.name_v1.names import (
    NameForm,
    Pair,
    align_forms,
    is_chinese_reading,
    is_number_token,
)
from proscribe.model import EntityKind, NameKind
from proscribe.text.normalize import LEGAL_FORM_TYPES
from proscribe.text.ru_org import english_reading_of
from proscribe.text.phonetic import spelling_group
from proscribe.text.translit import detect_script

__all__ = ["NAME_KIND_FACTOR", "FactEffect", "Scored", "fact_effects", "facts_ceiling",
           "score_entity", "soft_cap"]

NAME_WEIGHT = 0.95
PRIMARY_BONUS = 0.015
#: Confidence in each kind of list name: a "low quality" alias proves less.
NAME_KIND_FACTOR = {
    NameKind.PRIMARY: 1.0,
    NameKind.ALIAS: 1.0,
    NameKind.ORIGINAL_SCRIPT: 1.0,
    NameKind.FORMER: 0.98,
    NameKind.WEAK_ALIAS: 0.92,
}
#: Name evidence in nats (sum over matched tokens of similarity x idf among list names)
#: below which a name alone is a "common name", held in the review band unless another fact
#: agrees. 8.5 nats: about one list name in 5,000 would share it by chance.
COMMON_NAME_EVIDENCE = 8.5
SYLLABIC_SCRIPTS = frozenset({"Hang", "Hani"})
SYLLABLE_EVIDENCE_FACTOR = 0.5
#: Least raw score of an entity that shares an exact identifier with the query.
IDENTIFIER_FLOOR = 0.86
_CORROBORATING = {"identifier_match", "dob_match", "country_match"}


def soft_cap(raw: float, knee: float = 0.9) -> float:
    """Identity below `knee`, then an exponential approach to 1 that keeps order."""
    if raw <= knee:
        return max(raw, 0.0)
    room = 1.0 - knee
    return knee + room * (1.0 - math.exp(-(raw - knee) / room))


def _hold(score: float, match_threshold: float, reasons: list[tuple[str, str, float]],
          feature: str, detail: str) -> float:
    """`held_in_review(score)`, with its reason and effect appended to `reasons`."""
    capped = held_in_review(score, match_threshold)
    reasons.append((feature, detail, round(capped - score, 4)))
    return capped


def held_in_review(score: float, match_threshold: float) -> float:
    """A score at or above `match_threshold - 0.02` mapped onto [threshold - 0.07,
    threshold - 0.01]: below the match band, and still in the order of the scores."""
    lo = match_threshold - 0.02
    return match_threshold - 0.07 + 0.06 * (min(score, 1.0) - lo) / max(1.0 - lo, 1e-9)


#: The features' names, in FEATURES' order (what a reason is called).
_FEATURE_NAMES: tuple[str, ...] = tuple(f.__name__ for f in FEATURES)
#: One fact check that moved a score: (feature, effect, detail).
FactEffect = tuple[str, float, str]


def fact_effects(qfacts: QueryFacts, efacts: EntityFacts) -> list[FactEffect]:
    """Every fact check (FEATURES) that moves this entity's score, in order: worked out
    once per entity, for `facts_ceiling` and `score_entity` both."""
    out: list[FactEffect] = []
    for n, feature in enumerate(FEATURES):
        effect = feature(qfacts, efacts)
        if effect is not None:
            out.append((_FEATURE_NAMES[n], effect[0], effect[1]))
    return out


def facts_ceiling(qfacts: QueryFacts, efacts: EntityFacts,
                  effects: list[FactEffect] | None = None) -> float | None:
    """What the facts add to an entity's raw score at most (the primary-name bonus
    included), whatever its name score: `soft_cap(NAME_WEIGHT * name + this)` bounds
    `score_entity`, since every later step only lowers the score. None with an identifier
    match, whose floor may raise it. `effects`: `fact_effects(qfacts, efacts)`, if known."""
    if effects is None:
        effects = fact_effects(qfacts, efacts)
    total = PRIMARY_BONUS
    for name, delta, _ in effects:
        if name == "identifier_match":
            return None
        total += delta
    return total


_Best = tuple[NameForm, NameForm, NameKind, list[Pair]]


class Scored:
    """The score of one list entity against one query, with the reasons for it (not
    pickled: results leave a worker as plain rows)."""

    __slots__ = ("_named", "_reasons", "alignment", "matched_name", "name_score", "query_name",
                 "score")

    def __init__(self, score: float, name_score: float, matched_name: str, query_name: str,
                 alignment: list[Pair], reasons: list[tuple[str, str, float]],
                 named: _Best | None = None) -> None:
        self.score = score
        self.name_score = name_score
        self.matched_name = matched_name
        self.query_name = query_name
        self.alignment = alignment
        self._reasons = reasons
        # The name pair whose "name_similarity" reason (the first) is still to be written:
        # most scored entities never reach a result (cut by the limit or the floor).
        self._named = named

    @property
    def reasons(self) -> list[tuple[str, str, float]]:
        """(feature, detail, effect) for every step that made the score, in order."""
        named = self._named
        if named is not None:
            self._named = None
            feature, _, effect = self._reasons[0]
            self._reasons[0] = (feature, _name_detail(named), effect)
        return self._reasons


def score_entity(
    qforms: Sequence[NameForm],
    qfacts: QueryFacts,
    cforms: Sequence[tuple[NameForm, NameKind]],
    efacts: EntityFacts,
    person: bool,
    match_threshold: float,
    rarity: Callable[[str], float],
    bounds: Sequence[Sequence[float]] | None = None,
    compounds: Sequence[bool] | None = None,
    effects: list[FactEffect] | None = None,
) -> Scored:
    """Score one entity: best name pair, then every fact check, then the common-name cap.

    `bounds[k][i]`, when given, is an upper bound of the name score of `cforms[k]` against
    `qforms[i]` (kind factor included): pairs that cannot beat the best so far are not
    aligned; `compounds[k]`
    False says that no compound pair is possible with `cforms[k]`. `effects`:
    `fact_effects(qfacts, efacts)`, if the caller has it already.
    """
    # The best pair of any kind, and the best on a name that is not a weak alias: a weak
    # alias alone is held below the match band (see _finish), where a strong name may win.
    best = best_strong = -1.0
    best_pair: _Best | None = None
    strong_pair: _Best | None = None
    order: list[int] = list(range(len(cforms)))
    if bounds is not None:
        order.sort(key=lambda k: -max(bounds[k]))
    for k in order:
        cf, kind = cforms[k]
        weak = kind is NameKind.WEAK_ALIAS
        if bounds is not None and strong_pair is not None and max(bounds[k]) <= best_strong:
            break  # sorted by bound: nothing later beats the best strong pair either
        bar = best if weak else best_strong
        factor = NAME_KIND_FACTOR[kind]
        for qi, qf in enumerate(qforms):
            if bounds is not None and bounds[k][qi] <= bar and \
                    (best_pair if weak else strong_pair) is not None:
                continue
            s, pairs = align_forms(qf, cf, person,
                                   True if compounds is None else compounds[k])
            s *= factor
            if s > best:
                best = s
                best_pair = (qf, cf, kind, pairs)
            if not weak and s > best_strong:
                best_strong = bar = s
                strong_pair = (qf, cf, kind, pairs)
    if effects is None:
        effects = fact_effects(qfacts, efacts)
    scored = _finish(best, best_pair, qforms, efacts, effects, match_threshold, rarity)
    if strong_pair is not None and strong_pair is not best_pair and \
            any(r[0] == "weak_alias" for r in scored._reasons):
        other = _finish(best_strong, strong_pair, qforms, efacts, effects, match_threshold,
                        rarity)
        if other.score >= scored.score:
            return other
    return scored


def _is_english_reading(qf: NameForm) -> bool:
    """Whether query form `qf` is the English reading of its Russian words (ru_org.py)."""
    reading = english_reading_of(qf.text)
    return reading is not None and set(qf.raw_tokens) <= set(reading.split())


def _unpaired(qt: tuple[str, ...], ct: tuple[str, ...], alignment: list[Pair]) -> str:
    """The tokens the alignment left without a counterpart, as an explanation says it
    ("unpaired: query 'bashar'; list 'hafez'"): what lowered the score beside the pairs.
    Empty when every token paired, or when the pairs are not the forms' own tokens (a
    Hangul name aligned syllable by syllable, a Chinese reading)."""
    q = list(qt)
    c = list(ct)
    for a, b, _ in alignment:
        for side, text in ((q, a), (c, b)):
            for t in text.split(" "):
                if t not in side:
                    return ""
                side.remove(t)
    parts = []
    if q:
        parts.append("query " + ", ".join(f"'{t}'" for t in q))
    if c:
        parts.append("list " + ", ".join(f"'{t}'" for t in c))
    return "unpaired: " + "; ".join(parts) if parts else ""


def _finish(best: float, best_pair: _Best | None, qforms: Sequence[NameForm],
            efacts: EntityFacts, effects: list[FactEffect], match_threshold: float,
            rarity: Callable[[str], float]) -> Scored:
    """The score of one name pair with every fact check and the caps."""
    reasons: list[tuple[str, str, float]] = []
    if best_pair is None:
        name_score = 0.0
        alignment: list[Pair] = []
        matched, qname = "", ""
        raw = 0.0
    else:
        qf, cf, kind, alignment = best_pair
        name_score = max(best, 0.0)
        matched, qname = cf.text, qf.text
        raw = NAME_WEIGHT * name_score
        # Its words are written when the reasons are read (Scored.reasons, _name_detail).
        reasons.append(("name_similarity", "", round(raw, 4)))
        if kind is not NameKind.WEAK_ALIAS and name_score >= 0.95:
            raw += PRIMARY_BONUS if kind is NameKind.PRIMARY else PRIMARY_BONUS / 2
    corroborated = False
    for name, delta, detail in effects:
        raw += delta
        reasons.append((name, detail, delta))
        if name in _CORROBORATING:
            corroborated = True
    if any(r[0] == "identifier_match" for r in reasons):
        # An exact identifier is found even when the name differs: at least the match band.
        floor = IDENTIFIER_FLOOR + 0.1 * name_score
        if raw < floor:
            reasons.append(("identifier_floor", "an exact identifier hit holds the score in the "
                            "match band", round(floor - raw, 4)))
            raw = floor
    score = soft_cap(raw)
    if best_pair is not None and not corroborated and score >= match_threshold - 0.02:
        if detect_script(best_pair[0].text) in SYLLABIC_SCRIPTS:
            # A romanised Hangul or Han token is one syllable from a small inventory: it
            # tells less than a Latin name token of the same rarity among list names.
            # The evidence is the query's own (its least rare romanisation, times the mean
            # similarity), so that the spelling a list chose (Rhee / Lee, Hee / Hui) does not
            # decide which namesake leaves the review band.
            mean = sum((sim for _, _, sim in alignment), 0.0) / max(len(alignment), 1)
            evidence = SYLLABLE_EVIDENCE_FACTOR * mean * min(
                sum((rarity(spelling_group(t) or t) for t in qf.tokens), 0.0) for qf in qforms)
        else:
            evidence = sum((sim * rarity(c) for _, c, sim in alignment), 0.0)
        if evidence < COMMON_NAME_EVIDENCE:
            # Map [threshold - 0.02, 1] onto [threshold - 0.07, threshold - 0.01]: held in
            # review, and still in the order of the uncapped scores.
            score = _hold(score, match_threshold, reasons, "common_name",
                          f"the name alone is common (evidence {evidence:.2f} < "
                          f"{COMMON_NAME_EVIDENCE}); held below the match band without "
                          "another agreeing fact")
    if best_pair is not None and best_pair[2] is NameKind.WEAK_ALIAS and not corroborated \
            and score >= match_threshold - 0.02 and reasons[-1][0] != "common_name":
        # A weak alias ("low quality" a.k.a.: a short or generic name such as EAST ASIA
        # TRADING) alone never makes a match: OFAC does not expect screening on them and
        # OpenSanctions does not match on them. Held in review, in the order of the scores.
        score = _hold(score, match_threshold, reasons, "weak_alias",
                      "the name matched only a weak (low-quality) alias; held below the "
                      "match band without another agreeing fact")
    if best_pair is not None and score >= match_threshold - 0.02 \
            and reasons[-1][0] not in ("common_name", "weak_alias") \
            and not any(r[0] == "identifier_match" for r in reasons):
        qf, cf = best_pair[0], best_pair[1]
        qn = sorted(t for t in qf.tokens if is_number_token(t))
        cn = sorted(t for t in cf.tokens if is_number_token(t))
        ql, cl = set(qf.legal), set(cf.legal)
        qt = {LEGAL_FORM_TYPES[f] for f in ql if f in LEGAL_FORM_TYPES}
        ct = {LEGAL_FORM_TYPES[f] for f in cl if f in LEGAL_FORM_TYPES}
        if efacts.kind is not EntityKind.PERSON and qn != cn:
            # The rule: a name that differs only in a number is not a match (Fund
            # II / Fund III, Storm 1 / Storm 2, Solutions / Solutions II): held in review.
            score = _hold(score, match_threshold, reasons, "number_conflict",
                          f"numbers differ ({' '.join(qn) or 'none'} / "
                          f"{' '.join(cn) or 'none'}); held below the match band")
        elif qt and ct and not qt & ct and not ql & cl:
            # Deutsche Bank AG / Deutsche Bank GmbH: a joint-stock company and a limited-
            # liability one are two companies (siblings, or one re-registered): held in
            # review for a person to decide, unless an identifier agrees.
            score = _hold(score, match_threshold, reasons, "legal_form_conflict",
                          f"legal forms differ ({', '.join(sorted(ql))} / "
                          f"{', '.join(sorted(cl))}); held below the match band")
    return Scored(min(max(score, 0.0), 0.9999), name_score, matched, qname, alignment, reasons,
                  best_pair)


def _name_detail(named: _Best) -> str:
    """The words of a "name_similarity" reason: which query form met which list name."""
    qf, cf, kind, alignment = named
    shown = " ".join(qf.tokens)
    if is_chinese_reading(alignment):
        shown = f"{qf.text}, read as a Chinese name: " + " ".join(
            q[q.index("(") + 1:-1] for q, _, _ in alignment)
    elif _is_english_reading(qf):
        shown = f"{qf.text}, read word for word into English: {shown}"
    detail = f"'{shown}' ~ '{' '.join(cf.tokens)}' ({kind.value} name)"
    shared = [q[q.index(" [") + 2:-1] for q, _, _ in alignment if q.endswith("]")]
    if shared:
        # A Hangul name's spellings that other syllables share (names.hangul_latin_similarity
        # charges them a little): why an exact romanisation is below 1.0.
        detail += f"; spellings other syllables share: {'; '.join(shared)}"
    left = _unpaired(qf.tokens, cf.tokens, alignment)
    if left:
        detail += f"; {left}"
    return detail
