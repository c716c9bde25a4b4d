"""Comparison functions: each checks one fact and returns (effect on the score, detail).

They return None when the fact cannot be checked (the query or the list entry lacks it).
Their docstrings' first lines are the explanations users see; keep them plain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mypy_extensions import mypyc_attr

from proscribe.model import Entity, EntityKind, IdentifierType

__all__ = [
    "FEATURES",
    "PERSON_KIND_MISMATCH",
    "EntityFacts",
    "QueryFacts",
    "country_match",
    "country_mismatch",
    "dob_match",
    "dob_year_disjoint",
    "gender_mismatch",
    "identifier_conflict",
    "identifier_match",
    "kind_mismatch",
    "legal_form_mismatch",
]

#: Identifier types whose conflict says "a different subject" (a person may hold several
#: passports, so passports only conflict on the same issuing country; see below).
_CONFLICTING_TYPES = {
    IdentifierType.IMO,
    IdentifierType.MMSI,
    IdentifierType.SWIFT_BIC,
    IdentifierType.REGISTRATION,
    IdentifierType.TAX_ID,
    IdentifierType.AIRCRAFT_SERIAL,
}


@mypyc_attr(native_class=False)  # a plain class: pickled to batch workers
class QueryFacts:
    """The non-name facts of a query, in comparable form."""

    __slots__ = ("countries", "date", "gender", "id_keys", "id_types", "kind", "legal", "years")

    def __init__(self, kind: EntityKind | None = None, dob: str | None = None,
                 countries: frozenset[str] = frozenset(), gender: str | None = None,
                 id_keys: frozenset[str] = frozenset(), legal: bool = False) -> None:
        self.kind = kind
        self.date = dob
        self.years = (int(dob[:4]), int(dob[:4])) if dob else None
        self.countries = countries
        self.gender = gender
        self.id_keys = id_keys
        self.id_types = frozenset(k.split(":", 1)[0] for k in id_keys)
        self.legal = legal


_ENTITYFACTS_FIELDS = ("countries", "dates", "gender", "id_keys", "id_types", "kind", "years")


@mypyc_attr(native_class=False)  # a plain class: pickled in saved indexes
class EntityFacts:
    """The non-name facts of a listed entity, in comparable form (built once, at index time)."""

    __slots__ = _ENTITYFACTS_FIELDS

    # A tuple and plain assignments: 35,000 of them are read with every saved index.
    def __getstate__(self) -> tuple[Any, ...]:
        return (self.countries, self.dates, self.gender, self.id_keys, self.id_types,
                self.kind, self.years)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.countries, self.dates, self.gender, self.id_keys, self.id_types, self.kind,
         self.years) = state

    def __init__(self, entity: Entity) -> None:
        self.kind = entity.kind
        self.years = [d.year_range for d in entity.birth_dates if d.value[:4].isdigit()]
        self.dates = {d.value for d in entity.birth_dates}
        countries = set(entity.nationalities) | set(entity.countries)
        countries.update(a.country for a in entity.addresses if a.country)
        self.countries = frozenset(c.lower() for c in countries if c)
        self.gender = entity.gender
        self.id_keys = frozenset(i.key for i in entity.identifiers)
        self.id_types = frozenset(i.type.value for i in entity.identifiers
                                  if i.type in _CONFLICTING_TYPES)


Effect = tuple[float, str] | None


def dob_match(q: QueryFacts, e: EntityFacts) -> Effect:
    """The date of birth agrees with the list."""
    if q.years is None or not e.years or q.date is None:
        return None
    if len(q.date) >= 7 and any(d.startswith(q.date) or q.date.startswith(d) for d in e.dates
                                if len(d) >= 7):
        return 0.06, f"date of birth {q.date} matches the list"
    y = q.years[0]
    if any(lo <= y <= hi for lo, hi in e.years):
        return 0.04, f"year of birth {y} matches the list"
    return None


def dob_year_disjoint(q: QueryFacts, e: EntityFacts) -> Effect:
    """The year of birth differs from every birth date the list gives."""
    if q.years is None or not e.years:
        return None
    y = q.years[0]
    gap = min(max(lo - y, y - hi, 0) for lo, hi in e.years)
    if gap == 0:
        return None
    if gap == 1:
        return -0.04, f"year of birth {y} is one year off the list's"
    return -0.25, f"year of birth {y} differs from the list's by {gap} years"


def country_match(q: QueryFacts, e: EntityFacts) -> Effect:
    """The country agrees with a nationality or country the list gives."""
    if not q.countries or not e.countries:
        return None
    common = q.countries & e.countries
    if common:
        return 0.03, f"country {', '.join(sorted(common))} is on the list entry"
    return None


def country_mismatch(q: QueryFacts, e: EntityFacts) -> Effect:
    """The country is none of those the list gives."""
    if not q.countries or not e.countries or q.countries & e.countries:
        return None
    return -0.06, (f"country {', '.join(sorted(q.countries))} is not among the list's "
                   f"({', '.join(sorted(e.countries))})")


def gender_mismatch(q: QueryFacts, e: EntityFacts) -> Effect:
    """The gender differs from the list's."""
    if not q.gender or not e.gender or q.gender == e.gender:
        return None
    return -0.15, f"gender {q.gender} differs from the list's {e.gender}"


def identifier_match(q: QueryFacts, e: EntityFacts) -> Effect:
    """An identifier (IMO, SWIFT/BIC, passport, registration) is exactly the list's."""
    common = q.id_keys & e.id_keys
    if not common:
        return None
    return 0.3, f"identifier {', '.join(sorted(common))} is on the list entry"


def identifier_conflict(q: QueryFacts, e: EntityFacts) -> Effect:
    """An identifier of a kind that is unique per subject differs from the list's."""
    if not q.id_types or q.id_keys & e.id_keys:
        return None
    clash = q.id_types & e.id_types
    if not clash:
        return None
    return -0.25, f"{', '.join(sorted(clash))} differs from the list's"


#: A person against an organization, vessel or aircraft, or the other way round.
PERSON_KIND_MISMATCH = -0.5


def kind_mismatch(q: QueryFacts, e: EntityFacts) -> Effect:
    """The query is a different kind of subject (person, organization, vessel) than the list's."""
    if q.kind is None or q.kind is e.kind:
        return None
    if EntityKind.PERSON in (q.kind, e.kind):
        return PERSON_KIND_MISMATCH, f"a {q.kind.value} is not a {e.kind.value}"
    return -0.08, f"a {q.kind.value} is listed as a {e.kind.value}"


def legal_form_mismatch(q: QueryFacts, e: EntityFacts) -> Effect:
    """The query names a company (a legal form) but the list entry is a person."""
    if q.legal and q.kind is None and e.kind is EntityKind.PERSON:
        return -0.3, "the query has a company legal form; the list entry is a person"
    return None


FEATURES: tuple[Callable[[QueryFacts, EntityFacts], Effect], ...] = (
    identifier_match,
    identifier_conflict,
    dob_match,
    dob_year_disjoint,
    country_match,
    country_mismatch,
    gender_mismatch,
    kind_mismatch,
    legal_form_mismatch,
)
