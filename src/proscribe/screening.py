"""The one entry point: `screen(query) -> ScreeningResult` (and the `Screener` behind it).

The API, the CLI and batch jobs all call this, so the same query gets the same answer
everywhere. Pydantic models are the edge (query in, result out); the hot loop uses the
plain classes of `proscribe.matching.name_v1` and the numpy arrays of `proscribe.index`.
"""

from __future__ import annotations

import heapq
import math
import pickle
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field, field_validator

from proscribe.errors import IndexNotReadyError, QueryError
from proscribe.index import CandidateIndex, KeyGroup, QueryGroup, hangul_query_keys, query_keys
from proscribe.matching.name_v1 import (
    ALGORITHM_ID,
    ALGORITHM_SETTINGS,
    ALGORITHM_VERSION,
    EntityFacts,
    NameForm,
    QueryFacts,
    Scored,
    name_forms,
    score_entity,
    soft_cap,
)
from proscribe.matching.name_v1.bounds import TokenTable
from proscribe.matching.name_v1.features import PERSON_KIND_MISMATCH
from proscribe.matching.name_v1.kernel import entity_bounds
from proscribe.matching.name_v1.names import (
    EXTRA_TOKEN_WEIGHT,
    hangul_alignment,
    hangul_name_bound,
    hangul_reading_orders,
)
from proscribe.matching.name_v1.scorer import (
    NAME_KIND_FACTOR,
    NAME_WEIGHT,
    PRIMARY_BONUS,
    fact_effects,
    facts_ceiling,
)
from proscribe.model import Entity, EntityKind, Identifier, IdentifierType, ListVersion, NameKind
from proscribe.runtime import gc_paused
from proscribe.settings import get_settings
from proscribe.text.countries import country_code

__all__ = [
    "ALL_HITS",
    "AlgorithmInfo",
    "Candidate",
    "NameMemo",
    "Reason",
    "Screener",
    "ScreeningQuery",
    "ScreeningResult",
    "TokenPair",
    "UsedListVersion",
]

Band = Literal["match", "review", "no_match"]
_NO_FORMS = np.empty(0, dtype=np.int32)
_DOB_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_KIND_ALIASES = {
    "company": "organization", "org": "organization", "organisation": "organization",
    "entity": "organization", "legalentity": "organization", "individual": "person",
    "ship": "vessel",
}
_GENDERS = {"m": "male", "male": "male", "man": "male", "f": "female", "female": "female",
            "woman": "female"}
#: Name forms pulled from the index per query before exact scoring.
CANDIDATE_FORMS = 64
#: Candidates scoring this far below the review threshold are not listed: no reviewer
#: looks at them, and not having to score them exactly is most of the speed.
LIST_FLOOR_BELOW_REVIEW = 0.1
#: The most candidates a query may ask for (`ScreeningQuery.limit`), which batch screening
#: and monitoring ask for: every list entry in the review band or above is a hit there, and
#: a common name has dozens of namesakes on the lists (48 for "Muhamad Ali"); the first ten
#: alone left out one that the batch benchmark planted, and a monitored customer screened
#: again in full (its record changed) kept only its ten best, the others read as removed
#: hits.
ALL_HITS = 500
#: Reference number of list names for token rarity (about the size of UN + OFAC + UK).
RARITY_REFERENCE = 50_000
#: Most tokens whose rarity a screener remembers (list tokens, and query tokens of Hangul
#: and Han names): past it the memory starts again.
_RARITIES_KEPT = 200_000


# ------------------------------------------------------------------------- models
class ScreeningQuery(BaseModel):
    """A party to screen: a name, and whatever else is known about it."""

    name: str = Field("", description="Name in any script.")
    type: EntityKind | None = Field(None, description="person, organization, vessel, aircraft.")
    dob: str | None = Field(None, description="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD.")
    country: str | None = Field(None, description="Nationality or country: ISO2 or a name.")
    gender: str | None = Field(None, description="male / female.")
    identifiers: list[str] = Field(
        default_factory=list, description='"type:value", e.g. "imo:8660313".'
    )
    limit: int | None = Field(None, ge=1, le=ALL_HITS, description="Most candidates returned.")
    match_threshold: float | None = Field(None, ge=0, le=1)
    review_threshold: float | None = Field(None, ge=0, le=1)

    @field_validator("type", mode="before")
    @classmethod
    def _kind_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            low = value.strip().lower()
            return _KIND_ALIASES.get(low, low) or None
        return value


class Reason(BaseModel):
    feature: str
    detail: str
    effect: float


class TokenPair(BaseModel):
    query: str
    candidate: str
    similarity: float


class Candidate(BaseModel):
    entity_id: str
    source: str
    ref: str
    kind: EntityKind
    name: str
    matched_name: str
    score: float
    band: Band
    explanation: list[Reason]
    alignment: list[TokenPair]


class AlgorithmInfo(BaseModel):
    id: str
    version: str
    settings: dict[str, Any]


class UsedListVersion(BaseModel):
    source: str
    version: str
    published: date | None


class ScreeningResult(BaseModel):
    query: ScreeningQuery
    candidates: list[Candidate]
    band: Band
    algorithm: AlgorithmInfo
    list_versions: list[UsedListVersion]
    elapsed_ms: float


# ------------------------------------------------------------------------- query parsing
class _Prepared:
    __slots__ = ("facts", "forms", "groups", "limit", "match", "person", "review", "spans")

    def __init__(self, forms: tuple[NameForm, ...], groups: list[QueryGroup],
                 spans: list[int] | None, facts: QueryFacts, person: bool | None, limit: int,
                 match: float, review: float) -> None:
        self.forms = forms
        self.groups = groups
        self.spans = spans  # the weight of each group in the lookup (None: all 1)
        self.facts = facts
        self.person = person
        self.limit = limit
        self.match = match
        self.review = review


@dataclass(slots=True)
class _Proposal:
    """What `Screener._propose` found for a query name: each proposed entity's forms (by
    entity), the entities an identifier forced in, the bound of each form against each
    query form and whether a compound could pair with it, and the entities in the order
    they are scored (`bounds`: each one's best bound; None when unbounded)."""

    hits: dict[int, list[int]]
    forced: set[int]
    form_ub: dict[int, list[float]]
    form_comp: dict[int, bool]
    order: list[int]
    bounds: dict[int, float] | None


def _facts_bonus(identifiers: bool, date: bool, country: bool) -> float:
    """What a query's facts can add to an entity's raw score at most, the primary-name
    bonus included (an identifier, a date of birth, a country)."""
    return PRIMARY_BONUS + (0.3 if identifiers else 0.0) + (0.06 if date else 0.0) + \
        (0.03 if country else 0.0)


def _other_kind_most(date: bool, country: bool) -> float:
    """The most an entity of the other kind (a person against a non-person, or the other way
    round) can score, whatever its name: a perfect name, the query's date of birth and
    country agreeing when it has them (no identifier: an identifier match lifts a score to
    IDENTIFIER_FLOOR), and the kind mismatch."""
    return soft_cap(NAME_WEIGHT * 1.0 + _facts_bonus(False, date, country)
                    + PERSON_KIND_MISMATCH)


def _band(score: float, match: float, review: float) -> Band:
    return "match" if score >= match else "review" if score >= review else "no_match"


def _parse_identifier(text: str) -> list[str]:
    kind, sep, value = text.partition(":")
    if not sep:
        value = text
        keys = [Identifier(t, value).key for t in IdentifierType]
        return [k for k in keys if not k.endswith(":")]
    try:
        itype = IdentifierType(kind.strip().lower())
    except ValueError:
        raise QueryError(
            f"unknown identifier type {kind!r}; use one of "
            + ", ".join(t.value for t in IdentifierType),
            field="identifiers",
            found=text,
        ) from None
    key = Identifier(itype, value).key
    if key.endswith(":"):
        raise QueryError("identifier has no value", field="identifiers", found=text)
    return [key]


#: A query name's comparable forms, its index key groups and each group's weight.
_Named = tuple[tuple[NameForm, ...], list[QueryGroup], list[int] | None]
#: What a batch keeps of a name that proposes no entity able to reach the review band.
_NOTHING: _Named = ((), [], None)
_NO_PROPOSAL = _Proposal({}, set(), {}, {}, [], {})


def _prepare(query: ScreeningQuery, named: _Named | None = None) -> _Prepared:
    """Check and parse a query. `named`: what `_name_part` made of its name and type before
    (a batch meets the same name again with other facts)."""
    settings = get_settings()
    name = (query.name or "").strip()
    if not name and not query.identifiers:
        raise QueryError("a query needs a name or an identifier", field="name")
    dob = query.dob.strip() if query.dob else None
    if dob:
        if not _DOB_RE.match(dob):
            raise QueryError("date of birth must be YYYY, YYYY-MM or YYYY-MM-DD", field="dob",
                             found=dob)
        try:
            if len(dob) == 10:
                date.fromisoformat(dob)
            elif len(dob) == 7 and not 1 <= int(dob[5:7]) <= 12:
                raise ValueError(dob)
        except ValueError:
            raise QueryError("date of birth is not a real date", field="dob", found=dob) from None
    countries: frozenset[str] = frozenset()
    if query.country and query.country.strip():
        code = country_code(query.country)
        if code is None:
            raise QueryError("unknown country", field="country", found=query.country)
        countries = frozenset({code})
    gender = None
    if query.gender and query.gender.strip():
        gender = _GENDERS.get(query.gender.strip().lower())
        if gender is None:
            raise QueryError("gender must be male or female", field="gender",
                             found=query.gender)
    id_keys: set[str] = set()
    for text in query.identifiers:
        if text.strip():
            id_keys.update(_parse_identifier(text.strip()))
    if named is None:
        named = _name_part(name, query.type)
    forms, groups, spans = named
    legal = any(f.legal for f in forms)
    facts = QueryFacts(query.type, dob, countries, gender, frozenset(id_keys), legal)
    match = query.match_threshold if query.match_threshold is not None else \
        settings.match_threshold
    review = query.review_threshold if query.review_threshold is not None else \
        settings.review_threshold
    limit = query.limit or settings.max_candidates
    person = None if query.type is None else query.type is EntityKind.PERSON
    return _Prepared(forms, groups, spans, facts, person, limit, match, review)


def _name_part(name: str, qtype: EntityKind | None) -> _Named:
    """What the screening makes of a query's name and kind: its comparable forms and the
    key groups the index is asked with."""
    person = None if qtype is None else qtype is EntityKind.PERSON
    forms = name_forms(name, person, qtype is EntityKind.VESSEL) if name else ()
    groups: list[QueryGroup] = []
    seen: set[KeyGroup] = set()
    # A Hangul personal name looks for every spelling of its syllables, not one per scheme
    # (index.hangul_query_keys); of unknown kind, it may also be a company's name.
    orders = hangul_reading_orders(name) if forms and person is not False else ()
    spans: list[int] | None = None
    if orders:
        spans = []
        for hgroup, span in hangul_query_keys(orders):
            seen.add(hgroup)
            groups.append(hgroup)
            spans.append(span)
    for form in forms if not (orders and person) else ():
        for group in query_keys(form.tokens, form.raw_tokens):
            key = tuple(group)
            if key not in seen:
                seen.add(key)
                groups.append(group)
                if spans is not None:
                    spans.append(1)
    return forms, groups, spans


def _entity_forms(entity: Entity) -> list[tuple[NameForm, NameKind]]:
    """The distinct comparable forms of an entity's names, each with its name's kind (the
    first name giving a form keeps it). Forms with the same tokens but other words around
    them (a legal form: "UMATEX" and "UMATEX JOINT-STOCK COMPANY") are both kept: the whole
    name written together is compared too, and a misspelt legal form ("Umatex Jont-Stock
    Company") is only near the second."""
    person = entity.kind is EntityKind.PERSON
    vessel = entity.kind is EntityKind.VESSEL
    out: list[tuple[NameForm, NameKind]] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for name in entity.names:
        for form in name_forms(name.value, person, vessel):
            key = (form.tokens, form.joined)
            if key not in seen:
                seen.add(key)
                out.append((form, name.kind))
    return out


class NameMemo:
    """A bounded, thread-safe memory of what a screener found for recent query names
    (`Screener.screen_hits(query, memo)`): a customer file names the same person many
    times with other dates of birth, and most of a screening is the name's. Least
    recently used entries go first. It belongs to one screener (entity numbers are its)."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._held: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._held.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._held.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._held[key] = value
            self._held.move_to_end(key)
            while len(self._held) > self.size:
                self._held.popitem(last=False)

    def __len__(self) -> int:
        return len(self._held)


# ------------------------------------------------------------------------- the screener
class Screener:
    """Listed entities, their prepared names and the candidate index over them."""

    def __init__(self, entities: list[Entity], versions: list[ListVersion],
                 forms: list[NameForm], form_kinds: list[NameKind],
                 entity_forms: list[list[int]], index: CandidateIndex) -> None:
        self._entity_list: list[Entity] | None = entities
        self._entity_file: Path | None = None
        self.versions = versions
        self._forms = forms
        self._form_kinds = form_kinds
        self._entity_forms = entity_forms
        self.index = index
        # Hot-loop arrays (numpy, not objects): the token table behind the score bounds and
        # each form's name-kind factor.
        form_person = [False] * len(forms)
        for n, mine in enumerate(entity_forms):
            if entities[n].kind is EntityKind.PERSON:
                for f in mine:
                    form_person[f] = True
        self._tokens = TokenTable.build(forms, form_person)
        self._kind_factor = np.fromiter((NAME_KIND_FACTOR[k] for k in form_kinds),
                                        dtype=np.float64, count=len(form_kinds))
        self._facts = [EntityFacts(e) for e in entities]
        # What a result shows of an entity, as plain tuples: a loaded screener reads the
        # full entity records only when asked for them (they are most of the load time).
        self._heads = [(e.id, e.source, e.ref, e.kind, e.primary_name) for e in entities]
        self._finish()

    def _finish(self) -> None:
        self._by_id = {h[0]: n for n, h in enumerate(self._heads)}
        self._used = [UsedListVersion(source=v.source, version=v.version, published=v.published)
                      for v in self.versions]
        self._algo = AlgorithmInfo(id=ALGORITHM_ID, version=ALGORITHM_VERSION,
                                   settings=dict(ALGORITHM_SETTINGS))
        self._entity_lock = threading.Lock()
        # Token -> _rarity(token): asked once per scored entity, and the index never changes.
        self._rarities: dict[str, float] = {}
        # Which forms name persons (the extra-token weight of a person's), for
        # `_person_forms`: one gather a query instead of a gather and a comparison.
        self._form_person: np.ndarray = self._tokens.alpha == EXTRA_TOKEN_WEIGHT["person"]

    @property
    def _entities(self) -> list[Entity]:
        if self._entity_list is None:
            with self._entity_lock:
                if self._entity_list is None:
                    assert self._entity_file is not None
                    with open(self._entity_file, "rb") as fh, gc_paused(freeze=True):
                        self._entity_list = pickle.load(fh)  # noqa: S301 - our own file
        return self._entity_list

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, entities: Iterable[Entity], versions: Sequence[ListVersion]) -> Screener:
        """Prepare every name of every entity and index them (a record id seen twice keeps
        its last occurrence)."""
        with gc_paused(freeze=True):
            return cls._build(entities, versions)

    @classmethod
    def _build(cls, entities: Iterable[Entity], versions: Sequence[ListVersion]) -> Screener:
        unique: dict[str, Entity] = {}
        for entity in entities:
            unique.pop(entity.id, None)
            unique[entity.id] = entity
        ents = list(unique.values())
        forms: list[NameForm] = []
        kinds: list[NameKind] = []
        entity_forms: list[list[int]] = []
        rows: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
        idents: list[tuple[int, str]] = []
        for n, entity in enumerate(ents):
            mine: list[int] = []
            for form, kind in _entity_forms(entity):
                mine.append(len(forms))
                forms.append(form)
                kinds.append(kind)
                rows.append((n, form.tokens, form.raw_tokens))
            entity_forms.append(mine)
            for ident in entity.identifiers:
                key = ident.key
                if not key.endswith(":"):
                    idents.append((n, key))
        index = CandidateIndex.build(rows, idents)
        return cls(ents, list(versions), forms, kinds, entity_forms, index)

    # ------------------------------------------------------------------ lookups
    @property
    def algorithm(self) -> AlgorithmInfo:
        """The algorithm (id, version, settings) that every result of this screener names."""
        return self._algo

    def entity(self, entity_id: str) -> Entity | None:
        n = self._by_id.get(entity_id)
        return None if n is None else self._entities[n]

    @property
    def entities(self) -> list[Entity]:
        return self._entities

    def _rarity(self, token: str) -> float:
        """How rare a list token is: idf against a list of at least RARITY_REFERENCE names,
        so that a small test index does not make every token look common."""
        if not token:
            return 0.0
        known = self._rarities.get(token)
        if known is not None:
            return known
        n = max(self.index.n_forms, RARITY_REFERENCE)
        # A joined pair ("vladimirputin" ~ "vladimir putin") holds the evidence of every
        # part, not just the rarest.
        value = sum(math.log((n + 1) / (self.index.df("t" + part) + 1))
                    for part in token.split())
        if len(self._rarities) >= _RARITIES_KEPT:  # query tokens too: keep it bounded
            self._rarities.clear()
        self._rarities[token] = value
        return value

    # ------------------------------------------------------------------ screening
    def score_all(self, query: ScreeningQuery) -> list[tuple[Scored, int]]:
        """Every candidate the index proposes, scored, best first (no limit, no models)."""
        prep = _prepare(query)
        return self._score(prep)

    def _score(self, prep: _Prepared, limit: int | None = None,
               floor: float | None = None) -> list[tuple[Scored, int]]:
        """Score the index's candidates, best first.

        With a `limit`, only candidates scoring at least `LIST_FLOOR_BELOW_REVIEW` under the
        review threshold (or `floor`) are kept, and entities are scored exactly in
        decreasing order of a vectorised upper bound of their score (see
        `matching.name_v1.bounds`), stopping once the bound falls below that floor or the
        `limit`-th exact score: the same list as scoring them all.
        """
        if floor is None:
            floor = prep.review - LIST_FLOOR_BELOW_REVIEW if limit is not None else -math.inf
        return self._rank(prep, self._propose(prep, limit is not None, floor, True), limit,
                          floor)

    def _propose(self, prep: _Prepared, bounded: bool, floor: float,
                 own_facts: bool = False) -> _Proposal:
        """The entities the index proposes for the query's name and identifiers, with the
        bounds of their forms and in the order `_rank` scores them.

        Entities whose bound cannot reach `floor` whatever the query's date of birth and
        country add are left out (`_rank` would stop before them): what is left depends on
        the name, kind, identifiers and floor only, so a batch reuses it for every row with
        that name. With `own_facts` (a proposal used for this query only), what its own date
        of birth and country can add decides it.
        """
        hits: dict[int, list[int]] = {}
        fids = _NO_FORMS
        if prep.groups:
            fids = self.index.lookup(prep.groups, CANDIDATE_FORMS, prep.spans)
        forced: set[int] = set()
        for key in prep.facts.id_keys:
            for ent in self.index.by_identifier(key):
                forced.add(ent)
        form_ub: dict[int, list[float]] = {}
        form_comp: dict[int, bool] = {}
        facts = prep.facts
        if bounded and fids.shape[0] and facts.kind is not None and not facts.id_keys and \
                _other_kind_most(bool(facts.date) or not own_facts,
                                 bool(facts.countries) or not own_facts) + 1e-9 < floor:
            # A person against an organization, vessel or aircraft (or one of those against
            # a person) loses 0.5 (features.kind_mismatch): however well its name matches,
            # and with the facts the query brings agreeing (any it could bring, unless
            # `own_facts`), it stays below the floor, and `_rank` would pass it over on its
            # facts. Its forms are not bounded at all (for a Hangul person name, a fifth of
            # the query went to bounding them).
            person = self._person_forms(fids)
            keep = person if facts.kind is EntityKind.PERSON else ~person
            if np.count_nonzero(keep) != keep.shape[0]:  # (ndarray.all() goes through Python)
                fids = fids[keep]
        if not bounded:
            ent_list: list[int] = self.index.form_entity[fids].tolist()
            for fid, ent in zip(fids.tolist(), ent_list, strict=True):
                hits.setdefault(ent, []).append(fid)
            for ent in forced:
                hits[ent] = list(self._entity_forms[ent])
            return _Proposal(hits, forced, form_ub, form_comp, list(hits), None)
        orders = hangul_reading_orders(prep.forms[0].text) if prep.forms else ()
        if orders:
            # A Hangul personal name is compared with person names syllable by syllable
            # against every accepted spelling (names.hangul_latin_similarity), which the
            # token bounds do not model: its own bound (names.hangul_name_bound) for person
            # forms, those whose extra-token weight is the person one. The token bounds
            # are worked out for the other forms only (most of a Hangul query's are
            # persons': a third of its time went to bounds thrown away).
            person = self._person_forms(fids)
            fid_list: list[int] = fids.tolist()
            ubq = np.empty((len(prep.forms), len(fid_list)))
            comp = np.ones(len(fid_list), dtype=bool)
            other = np.flatnonzero(~person)
            if other.size:
                ubq[:, other], comp[other] = self._tokens.upper_bounds(prep.forms, fids[other])
            for k in np.flatnonzero(person).tolist():
                form = self._forms[fid_list[k]]
                ubq[:, k] = hangul_name_bound(orders, form.text, form.joined, form.raw_tokens)
        else:
            ubq, comp = self._tokens.upper_bounds(prep.forms, fids)
        # Each bound scaled by its form's name-kind factor. What the facts add at most (its
        # identifiers, and any date of birth and country): an entity none of whose forms
        # reaches the floor with that is never scored. Below soft_cap's knee (0.9) a raw
        # score is the score, and a positive floor keeps soft_cap's clamp at 0 out of it.
        most = _facts_bonus(bool(prep.facts.id_keys), True, True)
        ent_ub: dict[int, float] = {}
        entity_bounds(ubq, np.ascontiguousarray(comp).view(np.uint8), fids,
                      self.index.form_entity, self._kind_factor, NAME_WEIGHT,
                      most + 1e-9, floor, fids.shape[0] > 0 and 1e-6 < floor <= 0.9, hits,
                      form_ub, form_comp, ent_ub)
        for ent in forced:
            hits[ent] = list(self._entity_forms[ent])
            ent_ub[ent] = math.inf
        order = sorted(ent_ub, key=lambda e: -ent_ub[e])
        return _Proposal(hits, forced, form_ub, form_comp, order, ent_ub)

    def _person_forms(self, fids: np.ndarray) -> np.ndarray:
        """Which of the forms `fids` name persons (the extra-token weight of a person's)."""
        mask: np.ndarray = self._form_person[fids]
        return mask

    def _rank(self, prep: _Prepared, prop: _Proposal, limit: int | None,
              floor: float) -> list[tuple[Scored, int]]:
        """Score the proposed entities exactly (in the order of their bounds, when they
        have them), best first."""
        bounds = prop.bounds
        hits, forced, form_ub, form_comp = prop.hits, prop.forced, prop.form_ub, prop.form_comp
        facts_q = prep.facts
        plus = _facts_bonus(bool(facts_q.id_keys), bool(facts_q.date), bool(facts_q.countries))
        out: list[tuple[Scored, int]] = []
        top: list[float] = []
        forms, kinds = self._forms, self._form_kinds
        # A Hangul personal name: its syllable alignment with a person's name is what
        # exact scoring would do first; most entities proposed on their bound score 0 by
        # it (their Latin names cannot be cut into its syllables), and are passed over
        # without the rest of the scoring.
        # (The test `_propose` makes: a Korean-style name, whose forms share its text.)
        syllabic = bounds is not None and bool(prep.forms) and \
            bool(hangul_reading_orders(prep.forms[0].text))
        for ent in prop.order:
            facts = self._facts[ent]
            effects = None
            if bounds is not None:
                u = bounds[ent]
                bar = max(top[0], floor) if limit and len(top) >= limit else floor
                if u != math.inf:
                    if soft_cap(NAME_WEIGHT * u + plus) + 1e-9 < bar:
                        break  # in order of this bound: no later entity can do better
                    # This entity's own facts (a date of birth years apart, another
                    # country) often keep it below the bar whatever its name scores. They
                    # are weighed first: they cost a few microseconds, a Hangul name's
                    # syllable ceiling (below) ~15 (a batch row of a Korean customer
                    # with a date of birth and a country: 14.7 people checked, 0.1 scored).
                    effects = fact_effects(facts_q, facts)
                    most = facts_ceiling(facts_q, facts, effects)
                    top_up = plus if most is None else min(plus, most)
                    if soft_cap(NAME_WEIGHT * u + top_up) + 1e-9 < bar:
                        continue
                    if syllabic and facts.kind is EntityKind.PERSON and \
                            not self._syllables_reach(prep.forms, hits[ent], form_ub,
                                                      top_up, bar):
                        continue
            mine = hits[ent]
            cforms = [(forms[f], kinds[f]) for f in mine]
            fb = fc = None
            if form_ub and ent not in forced:
                fb = [form_ub[f] for f in mine]
                fc = [form_comp[f] for f in mine]
            scored = score_entity(prep.forms, prep.facts, cforms, facts,
                                  facts.kind is EntityKind.PERSON, prep.match, self._rarity,
                                  fb, fc, effects)
            if scored.score < floor:
                continue
            out.append((scored, ent))
            if limit is not None:
                if len(top) < limit:
                    heapq.heappush(top, scored.score)
                elif scored.score > top[0]:
                    heapq.heapreplace(top, scored.score)
        heads = self._heads
        out.sort(key=lambda p: (-p[0].score, heads[p[1]][0]))
        return out if limit is None else out[:limit]

    def _syllables_reach(self, qforms: tuple[NameForm, ...], mine: list[int],
                         form_ub: dict[int, list[float]], top_up: float, bar: float) -> bool:
        """Whether a person's proposed forms `mine` can score as names, against a Hangul
        personal name's forms, what brings the entity to `bar` with `top_up` from its
        facts (`soft_cap(NAME_WEIGHT * name + top_up) >= bar`): by the syllable alignment
        itself where it applies (names.hangul_alignment, cached for the exact scoring that
        may follow), times the form's name-kind factor as `score_entity` weighs it; by
        each other pair's bound.

        The pairs are aligned best bound first, and only while their bound could pass (an
        alignment never exceeds its bound, names.hangul_name_bound): the answer is the
        first alignment that passes, or no. Taking the most over every pair instead cost a
        Hangul query of the speed benchmark ~0.47 ms (8.9 people, 34 alignments)."""
        forms, kinds = self._forms, self._form_kinds
        pairs: list[tuple[float, int, int]] = []
        for f in mine:
            ub = form_ub[f]
            for qi in range(len(qforms)):
                b = ub[qi]
                # A hair of slack: a pair whose bound only ties the bar is still aligned.
                if soft_cap(NAME_WEIGHT * (b + 1e-6) + top_up) + 1e-9 >= bar:
                    pairs.append((b, f, qi))
        pairs.sort(reverse=True)
        for b, f, qi in pairs:
            got = hangul_alignment(qforms[qi], forms[f])
            v = b if got is None else got[0] * NAME_KIND_FACTOR[kinds[f]]
            if soft_cap(NAME_WEIGHT * v + top_up) + 1e-9 >= bar:
                return True
        return False

    def compare(self, query: ScreeningQuery | str, entity: Entity) -> Scored:
        """Score any entity against a query with no index in between (the slow reference
        path, also used for pairwise benchmarks); token rarity comes from this screener."""
        if isinstance(query, str):
            query = ScreeningQuery(name=query)
        prep = _prepare(query)
        return score_entity(prep.forms, prep.facts, _entity_forms(entity), EntityFacts(entity),
                            entity.kind is EntityKind.PERSON, prep.match, self._rarity)

    def band(self, score: float, query: ScreeningQuery | None = None) -> Band:
        """The decision band of a score under the query's (or the configured) thresholds."""
        settings = get_settings()
        match = settings.match_threshold
        review = settings.review_threshold
        if query is not None and query.match_threshold is not None:
            match = query.match_threshold
        if query is not None and query.review_threshold is not None:
            review = query.review_threshold
        return _band(score, match, review)

    def screen(self, query: ScreeningQuery | str) -> ScreeningResult:
        """Screen one party; candidates best first, each with its band and reasons."""
        started = time.perf_counter()
        if isinstance(query, str):
            query = ScreeningQuery(name=query)
        prep = _prepare(query)
        scored = self._score(prep, prep.limit)
        candidates = [self._candidate_data(s, ent, prep) for s, ent in scored]
        # One validation of plain data, in pydantic's compiled core: building the models
        # one by one with model_construct cost 2.4 times as much (a candidate with three
        # reasons and five token pairs: 21 us against 9). The query, algorithm and list
        # versions are models already and are taken as they are.
        return ScreeningResult.model_validate({
            "query": query,
            "candidates": candidates,
            "band": candidates[0]["band"] if candidates else "no_match",
            "algorithm": self._algo,
            "list_versions": self._used,
            "elapsed_ms": (time.perf_counter() - started) * 1000.0,
        })

    def screen_data(self, query: ScreeningQuery) -> dict[str, Any]:
        """`screen(query)` as the plain data its JSON form holds, less `algorithm` and
        `list_versions` (which the service states once per index): what
        `screen(query).model_dump(mode="json", exclude={"algorithm", "list_versions"})`
        gives, built straight from the scores. The service's answer and audit record: the
        result models and their dump cost a quarter of a screening (about 3 us an object,
        50 objects for 10 candidates with their reasons and token pairs)."""
        started = time.perf_counter()
        prep = _prepare(query)
        scored = self._score(prep, prep.limit)
        candidates = [self._candidate_data(s, ent, prep) for s, ent in scored]
        return {
            "query": query.model_dump(mode="json"),
            "candidates": candidates,
            "band": candidates[0]["band"] if candidates else "no_match",
            "elapsed_ms": (time.perf_counter() - started) * 1000.0,
        }

    def screen_many(self, queries: Iterable[ScreeningQuery | str]) -> list[ScreeningResult]:
        return [self.screen(q) for q in queries]

    def screen_hits(self, query: ScreeningQuery,
                    memo: NameMemo | None = None) -> list[Candidate]:
        """Only the candidates in the match or review band, best first, as `screen()` would
        give them: the batch path. Exact scoring stops at the review threshold rather than
        below it (the bounds prune more), and no result model is built.

        `memo`: what earlier queries of this screener with the same name, kind,
        identifiers and review threshold found (their name's forms and the proposed
        entities with their bounds), reused so that only the facts of this one (date of
        birth, country, gender) are scored again: the same hits as without it.
        """
        if memo is None:
            prep = _prepare(query)
            scored = self._score(prep, prep.limit, floor=prep.review)
            return [self._candidate(s, ent, prep) for s, ent in scored]
        key = (query.name, query.type, tuple(query.identifiers), query.review_threshold)
        held = memo.get(key)
        prop: _Proposal | None = None
        if held is not None:
            named, prop, floor = held
            prep = _prepare(query, named)
            if prep.review != floor:  # the configured threshold changed
                prop = None
        if prop is None:
            prep = _prepare(query)
            prop = self._propose(prep, True, prep.review)
            if prop.order:
                # The key groups served the lookup only.
                memo.put(key, ((prep.forms, [], None), prop, prep.review))
            else:
                # Most names of a customer file propose nothing that can reach the band:
                # one shared entry, nothing of theirs kept.
                memo.put(key, (_NOTHING, _NO_PROPOSAL, prep.review))
        scored = self._rank(prep, prop, prep.limit, prep.review)
        return [self._candidate(s, ent, prep) for s, ent in scored]

    def _candidate(self, s: Scored, ent: int, prep: _Prepared) -> Candidate:
        return Candidate.model_validate(self._candidate_data(s, ent, prep))

    def _candidate_data(self, s: Scored, ent: int, prep: _Prepared) -> dict[str, Any]:
        """A candidate as the plain data of its JSON form (`Candidate`)."""
        eid, source, ref, kind, name = self._heads[ent]
        score = s.score
        return {
            "entity_id": eid, "source": source, "ref": ref, "kind": kind.value,
            "name": name, "matched_name": s.matched_name, "score": round(score, 4),
            "band": _band(score, prep.match, prep.review),
            "explanation": [{"feature": f, "detail": d, "effect": round(e, 4)}
                            for f, d, e in s.reasons],
            "alignment": [{"query": q, "candidate": c, "similarity": round(x, 4)}
                          for q, c, x in s.alignment],
        }

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path | str) -> None:
        """Write the index (numpy arrays, memory-mappable), the prepared names and facts,
        and the entity records apart (read on first use after a load)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.index.save(folder)
        with open(folder / "entities.pkl", "wb") as fh:
            pickle.dump(self._entities, fh, protocol=pickle.HIGHEST_PROTOCOL)
        with open(folder / "screener.pkl", "wb") as fh:
            pickle.dump({"algorithm": ALGORITHM_ID, "version": ALGORITHM_VERSION,
                         "heads": self._heads, "facts": self._facts, "versions": self.versions,
                         "forms": self._forms, "kinds": self._form_kinds,
                         "entity_forms": self._entity_forms, "tokens": self._tokens,
                         "kind_factor": self._kind_factor}, fh,
                        protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path | str, mmap: bool = True) -> Screener:
        """A saved index (`save()`); the numpy arrays memory-mapped when `mmap`."""
        with gc_paused(freeze=True):
            return cls._load(path, mmap)

    @classmethod
    def _load(cls, path: Path | str, mmap: bool = True) -> Screener:
        folder = Path(path)
        if not (folder / "screener.pkl").is_file() or not (folder / "entities.pkl").is_file():
            raise IndexNotReadyError("no saved screening index here", path=str(folder))
        with open(folder / "screener.pkl", "rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - our own file, written by save()
        if data.get("algorithm") != ALGORITHM_ID or data.get("version") != ALGORITHM_VERSION \
                or "heads" not in data:
            raise IndexNotReadyError("saved index was built by another algorithm version; "
                                     "rebuild it", path=str(folder),
                                     found=f"{data.get('algorithm')} {data.get('version')}")
        self = cls.__new__(cls)
        self._entity_list = None
        self._entity_file = folder / "entities.pkl"
        self.versions = data["versions"]
        self._forms = data["forms"]
        self._form_kinds = data["kinds"]
        self._entity_forms = data["entity_forms"]
        self.index = CandidateIndex.load(folder, mmap=mmap)
        self._tokens = data["tokens"]
        self._kind_factor = data["kind_factor"]
        self._facts = data["facts"]
        self._heads = data["heads"]
        self._finish()
        return self
