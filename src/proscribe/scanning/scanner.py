"""What does this text tell me? Listed parties and governed activities in news and reports.

Three passes over the text, each explained:
- parties: runs of capitalised words (and runs of Hangul, Cyrillic or Han script) are cut
  into spans and screened with the same `Screener` as `proscribe screen`; spans in the
  match band are reported with the screening explanation. Lower-case organisation words
  that follow a name ("Agrosoyuz commercial bank") are taken into the span.
- identifiers: IMO numbers and UN reference numbers are looked up exactly.
- activities and resolutions: phrases from `lexicon.yaml` ("coal", "work permits",
  "joint ventures", "ship-to-ship") and resolution / paragraph citations are tied to the
  measures of the loaded rule files that govern them on the given date.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from proscribe.rules import RuleSet, load_regime
from proscribe.screening import Screener, ScreeningQuery

SCANNER_VERSION = "scan-v1"
LEXICON = Path(__file__).with_name("lexicon.yaml")

_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-]*[^\W_])?", re.UNICODE)
_NON_LATIN = re.compile(r"[\uac00-\ud7a3\u0400-\u04ff\u4e00-\u9fff\u0600-\u06ff]")
_SENTENCE_END = re.compile(r"[.!?;:\"«»()\[\]\n]")
_CONNECTORS = {"of", "de", "al", "bin", "ibn", "el", "van", "von", "der", "du", "la", "and", "&"}
_ORG_TAIL = {
    "bank", "commercial", "company", "corporation", "corp", "trading", "group", "shipping",
    "co", "ltd", "llc", "inc", "jsc", "general", "bureau", "department", "association",
    "industries", "industry", "enterprise", "enterprises", "agency", "office", "committee",
}
# Capitalised words that are never a listed party on their own in running text.
_STOP = {
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "to", "with", "but", "and", "or",
    "he", "she", "it", "they", "we", "i", "this", "that", "these", "those", "there", "his",
    "her", "their", "its", "our", "as", "if", "when", "while", "after", "before", "since",
    "according", "however", "besides", "meanwhile", "also", "both", "mr", "mrs", "ms", "dr",
    "president", "secretary", "minister", "director", "chairman", "ambassador", "general",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "un", "us", "usa", "u.s", "eu", "uk",
}
_IMO = re.compile(r"\bIMO(?:\s+(?:No\.?|number|Number))?[\s:#]*(\d{7})\b")
_UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")
_RESOLUTION = re.compile(
    r"\b(?:resolutions?|UNSCR|S/RES/)\s*(?:No\.?\s*)?(\d{4})(?:\s*\(\d{4}\))?", re.IGNORECASE
)
_PARAGRAPH = re.compile(r"\b(?:paragraph|para\.?|OP)\s*(\d{1,2})\b", re.IGNORECASE)


@dataclass(slots=True)
class PartyMention:
    text: str
    start: int
    end: int
    entity_id: str
    name: str
    score: float
    band: str
    explanation: list[dict[str, Any]]


@dataclass(slots=True)
class MeasureRef:
    id: str
    citation: str
    title: str
    layer: str
    grade: str


@dataclass(slots=True)
class ActivityMention:
    """Every place one activity is named, and the measures that govern it."""

    activity: str  # lexicon id
    kind: str
    texts: list[str]
    offsets: list[tuple[int, int]]
    measures: list[MeasureRef]


@dataclass(slots=True)
class ResolutionMention:
    text: str
    start: int
    end: int
    resolution: str
    paragraph: str | None
    measures: list[MeasureRef]


@dataclass(slots=True)
class ScanResult:
    parties: list[PartyMention] = field(default_factory=list)
    activities: list[ActivityMention] = field(default_factory=list)
    resolutions: list[ResolutionMention] = field(default_factory=list)
    on: date | None = None
    scanner_version: str = SCANNER_VERSION
    algorithm: dict[str, Any] = field(default_factory=dict)
    list_versions: list[dict[str, Any]] = field(default_factory=list)
    rules_version: str | None = None
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["on"] = self.on.isoformat() if self.on else None
        return data


@dataclass(frozen=True, slots=True)
class _Phrase:
    activity: str
    kind: str
    pattern: re.Pattern[str]
    hs: tuple[str, ...]
    categories: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[_Phrase, ...]:
    data = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    out = []
    for item in data["activities"]:
        for phrase in item["phrases"]:
            words = [re.escape(w) for w in phrase.split()]
            body = r"[\s\-]+".join(words)
            out.append(
                _Phrase(
                    item["id"],
                    item["kind"],
                    re.compile(rf"\b{body}s?\b", re.IGNORECASE),
                    tuple(item.get("hs", [])),
                    frozenset(item.get("categories", [])),
                )
            )
    # Longest phrases first so "refined petroleum" wins over "petroleum".
    out.sort(key=lambda p: -len(p.pattern.pattern))
    return tuple(out)


_LEGAL = {"co", "ltd", "llc", "inc", "jsc", "corp", "company", "limited", "the", "of", "and"}


def _words(name: str) -> list[str]:
    """Name words that count for coverage: no legal forms, connectors or initials."""
    return [w for w in re.findall(r"[^\W\d_]+|\d+", name.lower())
            if len(w) > 1 and w not in _LEGAL]


def _spans(text: str) -> list[tuple[int, int]]:
    """Candidate name spans: runs of capitalised / non-Latin tokens, cut into sub-spans."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []

    def flush() -> None:
        nonlocal current
        while current and current[-1][2].lower() in _CONNECTORS:
            current.pop()
        if current:
            runs.append(current)
        current = []

    prev_end = 0
    for start, end, word in tokens:
        if _SENTENCE_END.search(text[prev_end:start]):
            flush()
        prev_end = end
        is_name = word[0].isupper() or bool(_NON_LATIN.search(word))
        if is_name:
            current.append((start, end, word))
        elif current and (word.lower() in _CONNECTORS or word.lower() in _ORG_TAIL):
            current.append((start, end, word))
        else:
            flush()
    flush()
    spans: set[tuple[int, int]] = set()
    for run in runs:
        while run and run[0][2].lower() in _STOP | _CONNECTORS:
            run = run[1:]
        for i in range(len(run)):
            if run[i][2].lower() in _CONNECTORS:
                continue
            for j in range(i, min(i + 6, len(run))):
                if run[j][2].lower() in _CONNECTORS:
                    continue
                words = [w for _, _, w in run[i : j + 1]]
                if len(words) == 1:
                    word = words[0]
                    latin_short = not _NON_LATIN.search(word) and len(word) < 6
                    if latin_short or word.lower() in _STOP:
                        continue
                spans.add((run[i][0], run[j][1]))
    return sorted(spans)


def _measure_ref(rules: RuleSet, measure_id: str) -> MeasureRef:
    lm = rules.by_id[measure_id]
    m = lm.measure
    return MeasureRef(m.id, m.citation, m.title, lm.layer, m.confidence.grade)


def _governing(rules: RuleSet, phrase: _Phrase, on: date | None) -> list[MeasureRef]:
    refs = []
    for lm in rules.measures:
        m = lm.measure
        if on is not None and not lm.in_force(on):
            continue
        if phrase.kind not in m.activities:
            continue
        if m.goods and (phrase.hs or phrase.categories):
            if not any(
                g.matches(hs, phrase.categories, None) for g in m.goods for hs in phrase.hs or [None]
            ):
                continue
        elif m.goods and phrase.kind == "trade":
            continue
        refs.append(_measure_ref(rules, m.id))
    return refs


def scan(
    text: str,
    *,
    screener: Screener | None = None,
    rules: RuleSet | None = None,
    on: date | None = None,
    include_review: bool = False,
) -> ScanResult:
    """Listed parties, identifiers, governed activities and cited resolutions in `text`."""
    t0 = time.perf_counter()
    rules = rules or load_regime("dprk")
    result = ScanResult(on=on, rules_version=rules.version)
    if screener is not None:
        result.list_versions = [
            {"source": v.source, "version": v.version,
             "published": v.published.isoformat() if v.published else None}
            for v in screener.versions
        ]
        result.parties, result.algorithm = _parties(text, screener, include_review)
    result.activities = _activities(text, rules, on)
    result.resolutions = _resolutions(text, rules, on)
    result.elapsed_ms = round((time.perf_counter() - t0) * 1000, 1)
    return result


def _parties(
    text: str, screener: Screener, include_review: bool
) -> tuple[list[PartyMention], dict[str, Any]]:
    best: dict[str, PartyMention] = {}
    algorithm: dict[str, Any] = {}
    wanted = {"match", "review"} if include_review else {"match"}
    for start, end in _spans(text):
        span = text[start:end]
        res = screener.screen(ScreeningQuery(name=span, limit=3))
        algorithm = algorithm or res.algorithm.model_dump()
        span_words = len(_words(span))
        for cand in res.candidates:
            if cand.band not in wanted:
                continue
            if len(_words(cand.matched_name)) > span_words + 1:
                # Running text names a party in full: a short span ("East Asia") inside a
                # much longer listed name is a different thing, not a mention of it.
                continue
            mention = PartyMention(
                span, start, end, cand.entity_id, cand.name, cand.score, cand.band,
                [r.model_dump() for r in cand.explanation],
            )
            held = best.get(cand.entity_id)
            if held is None or mention.score > held.score or (
                mention.score == held.score and len(span) > len(held.text)
            ):
                best[cand.entity_id] = mention
    for match in _IMO.finditer(text):
        res = screener.screen(ScreeningQuery(name="", identifiers=[f"imo:{match.group(1)}"]))
        for cand in res.candidates[:1]:
            best.setdefault(cand.entity_id, PartyMention(
                match.group(), match.start(), match.end(), cand.entity_id, cand.name,
                cand.score, cand.band, [{"feature": "identifier_match",
                                          "detail": f"IMO {match.group(1)}"}]))
    for match in _UN_REF.finditer(text):
        res = screener.screen(ScreeningQuery(name="", identifiers=[f"un_ref:{match.group(1)}"]))
        for cand in res.candidates[:1]:
            best.setdefault(cand.entity_id, PartyMention(
                match.group(), match.start(), match.end(), cand.entity_id, cand.name,
                cand.score, cand.band, [{"feature": "identifier_match",
                                          "detail": f"UN reference {match.group(1)}"}]))
    # One mention per stretch of text: overlapping spans keep the best-scoring entity.
    kept: list[PartyMention] = []
    for mention in sorted(best.values(), key=lambda m: (-m.score, -(m.end - m.start))):
        if not any(k.start < mention.end and mention.start < k.end and k.score > mention.score
                   for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start), algorithm


def _activities(text: str, rules: RuleSet, on: date | None) -> list[ActivityMention]:
    taken: list[tuple[int, int]] = []
    by_id: dict[str, ActivityMention] = {}
    for phrase in _lexicon():
        for match in phrase.pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            held = by_id.get(phrase.activity)
            if held is None:
                held = by_id[phrase.activity] = ActivityMention(
                    phrase.activity, phrase.kind, [], [], _governing(rules, phrase, on)
                )
            held.texts.append(match.group())
            held.offsets.append((match.start(), match.end()))
    for held in by_id.values():
        pairs = sorted(zip(held.offsets, held.texts))
        held.offsets = [o for o, _ in pairs]
        held.texts = [t for _, t in pairs]
    return sorted(by_id.values(), key=lambda m: m.offsets[0])


def _resolutions(text: str, rules: RuleSet, on: date | None) -> list[ResolutionMention]:
    out = []
    for match in _RESOLUTION.finditer(text):
        number = match.group(1)
        para_match = _PARAGRAPH.search(text, match.end(), match.end() + 400)
        paragraph = para_match.group(1) if para_match else None
        measures = [lm for lm in rules.measures if lm.measure.resolution == number]
        if paragraph:
            narrowed = [
                lm for lm in measures
                if re.match(rf"OP{paragraph}\b", lm.measure.paragraph.replace(" ", ""))
            ]
            measures = narrowed or measures
        out.append(ResolutionMention(
            match.group(), match.start(), match.end(), number, paragraph,
            [_measure_ref(rules, lm.measure.id) for lm in measures],
        ))
    return out
