"""The one domain model every list parser yields.

Plain slotted dataclasses, no I/O: they are built by the parsers, stored as JSON by the
store, indexed by the matcher and exported to FollowTheMoney. Pydantic is kept to the
edges (API, settings, rule files); these classes sit in hot loops (indexing 40k entities,
diffing versions) where pydantic's validation would cost more than it checks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class EntityKind(StrEnum):
    """What a listed subject is."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class NameKind(StrEnum):
    """How a list presents a name."""

    PRIMARY = "primary"
    ALIAS = "alias"  # a.k.a. / good quality alias
    WEAK_ALIAS = "weak_alias"  # low-quality a.k.a. (OFAC "weak", UN "Low", UK "Low quality")
    ORIGINAL_SCRIPT = "original_script"  # name in a non-Latin script (UN NAME_ORIGINAL_SCRIPT)
    FORMER = "former"  # f.k.a. / formerly known as


class DateKind(StrEnum):
    """Precision of a (birth) date as the list states it."""

    EXACT = "exact"  # YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    YEAR = "year"  # YYYY
    RANGE = "range"  # start..end, each YYYY or a full date
    APPROXIMATE = "approximate"  # "circa 1965": value is the year


class IdentifierType(StrEnum):
    """Identifier kinds the matcher can compare exactly."""

    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    SWIFT_BIC = "swift_bic"
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    REGISTRATION = "registration"  # company registration / business number
    TAX_ID = "tax_id"
    UN_REF = "un_ref"  # UN reference number, e.g. KPi.033: the cross-list key
    AIRCRAFT_SERIAL = "aircraft_serial"
    AIRCRAFT_TAIL = "aircraft_tail"
    EMAIL = "email"
    WEBSITE = "website"
    PHONE = "phone"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    script: str | None = None  # ISO 15924 where known: "Hang", "Cyrl", "Hani", "Arab"
    lang: str | None = None
    # Structured parts when the list gives them (UN FIRST_NAME.., OFSI Name 1..6)
    first: str | None = None
    middle: str | None = None
    last: str | None = None


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date as precise as the list states it.

    `value` is ISO: "1969-11-08", "1969-11" or "1969"; `end` is only set for ranges.
    """

    value: str
    kind: DateKind = DateKind.EXACT
    end: str | None = None
    note: str | None = None

    @property
    def year_range(self) -> tuple[int, int]:
        """Inclusive range of years this date may fall in."""
        start = int(self.value[:4])
        stop = int(self.end[:4]) if self.end else start
        if self.kind is DateKind.APPROXIMATE:
            return start - 1, stop + 1
        return start, stop


@dataclass(frozen=True, slots=True)
class Identifier:
    type: IdentifierType
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2, lower case
    note: str | None = None

    @property
    def key(self) -> str:
        """Comparable form: type plus the value without spaces, dashes or case."""
        return f"{self.type.value}:{normalize_identifier(self.value)}"


def normalize_identifier(value: str) -> str:
    """Upper-case, alphanumerics only: 'IMO 8660313' stays distinct from type, so strip it."""
    out = "".join(ch for ch in value.upper() if ch.isalnum())
    if out.startswith("IMO") and out[3:].isdigit():
        out = out[3:]
    return out


@dataclass(frozen=True, slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO2 lower case
    country_name: str | None = None  # as written in the list
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A relation stated by the list: 'Linked To: X', owner, operator of a vessel."""

    relation: str  # linked_to, owned_by, operated_by, vessel_of, associate
    target_name: str
    target_ref: str | None = None  # source ref of the target when the list gives one
    note: str | None = None


@dataclass(slots=True)
class Entity:
    """One listed subject in one version of one list."""

    source: str  # "un", "ofac_sdn", "ofac_cons", "uk_ofsi", "uk_fcdo", "eu"
    ref: str  # the list's own id: "KPe.020", "24606", OFSI group id, EU logicalId
    kind: EntityKind
    names: list[Name] = field(default_factory=list)
    birth_dates: list[FuzzyDate] = field(default_factory=list)
    birth_places: list[Place] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO2 lower case
    countries: list[str] = field(default_factory=list)  # other associated countries, ISO2
    gender: str | None = None  # "male" / "female"
    titles: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)  # as the list writes them: "DPRK3"
    regimes: list[str] = field(default_factory=list)  # normalised regime ids: "dprk"
    listed_on: date | None = None
    remarks: str | None = None
    links: list[Link] = field(default_factory=list)
    # Other facts as the list states them (vessel flag/type/tonnage, aircraft model, ...)
    properties: dict[str, list[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.ref}"

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.ref

    @property
    def is_dprk(self) -> bool:
        return "dprk" in self.regimes

    @property
    def un_refs(self) -> list[str]:
        return [i.value for i in self.identifiers if i.type is IdentifierType.UN_REF]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; `Entity.from_dict` inverts it exactly.

        Written out by hand: `dataclasses.asdict` deep-copies recursively and was 80% of
        the time of storing a list version.
        """
        return {
            "source": self.source,
            "ref": self.ref,
            "kind": self.kind.value,
            "names": [_plain(n) for n in self.names],
            "birth_dates": [_plain(d) for d in self.birth_dates],
            "birth_places": [_plain(p) for p in self.birth_places],
            "nationalities": list(self.nationalities),
            "countries": list(self.countries),
            "gender": self.gender,
            "titles": list(self.titles),
            "positions": list(self.positions),
            "identifiers": [_plain(i) for i in self.identifiers],
            "addresses": [_plain(a) for a in self.addresses],
            "programmes": list(self.programmes),
            "regimes": list(self.regimes),
            "listed_on": self.listed_on.isoformat() if self.listed_on else None,
            "remarks": self.remarks,
            "links": [_plain(k) for k in self.links],
            "properties": {k: list(v) for k, v in self.properties.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        listed = data.get("listed_on")
        return cls(
            source=data["source"],
            ref=data["ref"],
            kind=EntityKind(data["kind"]),
            names=[_name(n) for n in data.get("names", [])],
            birth_dates=[_fdate(d) for d in data.get("birth_dates", [])],
            birth_places=[Place(**p) for p in data.get("birth_places", [])],
            nationalities=list(data.get("nationalities", [])),
            countries=list(data.get("countries", [])),
            gender=data.get("gender"),
            titles=list(data.get("titles", [])),
            positions=list(data.get("positions", [])),
            identifiers=[_ident(i) for i in data.get("identifiers", [])],
            addresses=[Address(**a) for a in data.get("addresses", [])],
            programmes=list(data.get("programmes", [])),
            regimes=list(data.get("regimes", [])),
            listed_on=date.fromisoformat(listed) if listed else None,
            remarks=data.get("remarks"),
            links=[Link(**k) for k in data.get("links", [])],
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
        )


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(obj: Any) -> dict[str, Any]:
    """Flat dataclass -> dict; enum members become their values."""
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(obj))
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = value.value if isinstance(value, StrEnum) else value
    return out


def _name(d: dict[str, Any]) -> Name:
    return Name(**{**d, "kind": NameKind(d["kind"])})


def _fdate(d: dict[str, Any]) -> FuzzyDate:
    return FuzzyDate(**{**d, "kind": DateKind(d["kind"])})


def _ident(d: dict[str, Any]) -> Identifier:
    return Identifier(**{**d, "type": IdentifierType(d["type"])})
