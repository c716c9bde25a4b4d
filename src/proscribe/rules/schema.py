"""Rule files as data: the pydantic schema every regime YAML file is validated against.

One file per (regime, layer); one record per measure. Pydantic sits here because rule
files are an edge: they are written by hand and must be refused, with the records named,
when they do not validate.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Layer = Literal["un", "us_ofac", "eu", "uk"]
Grade = Literal["V", "P", "U"]
Direction = Literal["to_target", "from_target", "both"]
MeasureType = Literal["prohibition", "obligation", "asset_freeze"]
Effect = Literal["permitted", "permitted_with_conditions", "requires_committee_exemption"]

ACTIVITY_KINDS: tuple[str, ...] = (
    "trade",
    "aircraft_parts",
    "work_authorization",
    "joint_venture",
    "financial_service",
    "bank_branch",
    "bank_account",
    "financial_support_for_trade",
    "vessel_port_entry",
    "ship_to_ship_transfer",
    "vessel_flagging",
    "vessel_leasing",
    "crew_services",
    "vessel_insurance",
    "technical_training",
    "scientific_cooperation",
    "fishing_rights",
    "travel",
)

_HS_RANGE = re.compile(r"^(\d{2,10})(?:-(\d{2,10}))?$")


def normalize_direction(value: Any) -> Any:
    """'to_dprk', 'to_iran' -> 'to_target'; 'from_x' -> 'from_target'; the regime names its target."""
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("both", "to_target", "from_target"):
            return low
        if low.startswith("to_"):
            return "to_target"
        if low.startswith("from_"):
            return "from_target"
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidence(_Strict):
    """The fact sheet's grade: V seen in a source, P paragraph/figure from general knowledge, U unverified."""

    grade: Grade
    note: str | None = None


class GoodsCoverage(_Strict):
    """HS codes covered: a code prefix ('2701'), a chapter range ('72-83') or a category tag."""

    hs: str | None = None
    category: str | None = None
    min_unit_value_usd: float | None = None
    grade: Grade | None = None  # when the HS mapping itself is graded lower than the measure
    note: str | None = None

    @field_validator("hs")
    @classmethod
    def _hs_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.replace(".", "").replace(" ", "")
        m = _HS_RANGE.match(value)
        if not m:
            raise ValueError(f"HS coverage {value!r} is not a code or a range like 72-83")
        lo, hi = m.group(1), m.group(2)
        if hi is not None and (len(lo) != len(hi) or int(lo) > int(hi)):
            raise ValueError(f"HS range {value!r} must join codes of equal length, low to high")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> GoodsCoverage:
        if (self.hs is None) == (self.category is None):
            raise ValueError("give exactly one of hs or category")
        return self

    def matches(self, hs: str | None, categories: frozenset[str], unit_value: float | None) -> bool:
        if self.category is not None:
            hit = self.category in categories
        elif hs is None:
            hit = False
        else:
            assert self.hs is not None
            lo, _, hi = self.hs.partition("-")
            hi = hi or lo
            head = hs[: len(lo)]
            hit = len(head) == len(lo) and int(lo) <= int(head) <= int(hi)
        if hit and self.min_unit_value_usd is not None:
            return unit_value is None or unit_value > self.min_unit_value_usd
        return hit

    def span(self) -> tuple[str, str] | None:
        """The HS range as 10-digit bounds, for overlap checks (None for categories)."""
        if self.hs is None:
            return None
        lo, _, hi = self.hs.partition("-")
        hi = hi or lo
        return lo.ljust(10, "0"), hi.ljust(10, "9")


class Condition(_Strict):
    """One test of a fact, named after a rule function in `proscribe.rules.conditions`.

    `if_unknown` says what to do when the activity does not state the fact:
    `ask` reports it missing (with how each answer would change the verdict);
    `condition` assumes it holds and carries it forward as a condition that remains
    (e.g. "exclusively for livelihood purposes" for oil within the cap);
    `no` assumes it does not hold (a named-project exclusion nobody claimed).
    """

    check: str
    args: dict[str, Any] = Field(default_factory=dict)
    if_unknown: Literal["ask", "condition", "no"] = "ask"
    any_of: list[Condition] = Field(default_factory=list)


class CapLimit(_Strict):
    amount: float = Field(gt=0)
    unit: Literal["barrel", "tonne", "usd"]


class CapPeriod(_Strict):
    """A cap period: from `start`, either once until `end` or recurring every 12 months."""

    start: date
    end: date | None = None
    recurrence: Literal["none", "yearly"] = "none"
    limits: list[CapLimit] = Field(default_factory=list)  # empty: figure not in the text
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> CapPeriod:
        if self.recurrence == "none" and self.end is None:
            raise ValueError("a one-off cap period needs an end date")
        if self.end is not None and self.end < self.start:
            raise ValueError("cap period ends before it starts")
        return self

    def window(self, on: date) -> tuple[date, date] | None:
        """The concrete period containing `on`, inclusive, or None."""
        if on < self.start or (self.end is not None and on > self.end):
            return None
        if self.recurrence == "none":
            assert self.end is not None
            return self.start, self.end
        years = on.year - self.start.year
        start = _add_years(self.start, years)
        if start > on:
            start = _add_years(self.start, years - 1)
        stop = _add_years(start, 1) - timedelta(days=1)
        if self.end is not None:
            stop = min(stop, self.end)
        return start, stop


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class Cap(_Strict):
    id: str
    periods: list[CapPeriod] = Field(min_length=1)
    notify: str | None = None  # the reporting duty, as a condition that remains


class Exemption(_Strict):
    id: str
    description: str
    citation: str | None = None  # when the exemption sits in another paragraph
    when: list[Condition] = Field(default_factory=list)
    effect: Effect = "permitted_with_conditions"
    conditions: list[str] = Field(default_factory=list)  # duties that remain when it applies
    valid_from: date | None = None
    valid_until: date | None = None
    cap: Cap | None = None
    confidence: Confidence | None = None


class WindDown(_Strict):
    """Prior contracts may be performed for `days` after `start` (inclusive end = start + days)."""

    days: int = Field(gt=0)
    start: date | None = None  # default: the measure's effective date
    contracts_before: date
    conditions: list[str] = Field(default_factory=list)
    citation: str | None = None


class Supersession(_Strict):
    measure: str
    since: date
    exemption: str | None = None  # only this exemption of the other measure ends
    note: str | None = None


class NamedParty(_Strict):
    """A designation the rules state as data (for national layers, or when lists are absent)."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    listed_on: date
    country: str | None = None
    note: str | None = None


class Measure(_Strict):
    id: str
    title: str
    type: MeasureType = "prohibition"
    resolution: str
    paragraph: str
    citation: str
    adopted: date
    effective: date
    ends: date | None = None
    direction: Direction | None = None
    activities: list[str] = Field(default_factory=list)
    goods: list[GoodsCoverage] = Field(default_factory=list)
    nexus: list[Literal["direction", "party", "vessel", "location", "designated_party"]] = Field(
        default_factory=list
    )
    applies_when: list[Condition] = Field(default_factory=list)
    wind_down: WindDown | None = None
    exemptions: list[Exemption] = Field(default_factory=list)
    committee_exemption: bool = False  # the Committee may exempt case by case
    conditions: list[str] = Field(default_factory=list)  # obligations attached (type obligation)
    deadline: date | None = None  # obligation: after it, the activity is prohibited
    lists: list[str] = Field(default_factory=list)  # asset_freeze: list sources that bind
    designated: list[NamedParty] = Field(default_factory=list)
    supersedes: list[Supersession] = Field(default_factory=list)
    source: str
    confidence: Confidence
    explanation: str | None = None

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> Any:
        return normalize_direction(value)

    @field_validator("activities")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        unknown = [k for k in value if k not in ACTIVITY_KINDS]
        if unknown:
            raise ValueError(f"unknown activity kinds {unknown}; known: {list(ACTIVITY_KINDS)}")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Measure:
        if self.effective < self.adopted:
            raise ValueError("effective date precedes adoption")
        if self.ends is not None and self.ends < self.effective:
            raise ValueError("measure ends before it takes effect")
        return self


class RuleFile(_Strict):
    regime: str
    layer: Layer
    target: str  # ISO 3166-1 alpha-2 of the target state, lower case
    authority: str
    committee: str | None = None  # who grants case-by-case exemptions
    # declared purposes that make a case-by-case Committee exemption the route (humanitarian)
    committee_purposes: list[str] = Field(default_factory=list)
    measures: list[Measure]

    @field_validator("target")
    @classmethod
    def _target(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2}", value):
            raise ValueError("target must be an ISO 3166-1 alpha-2 code in lower case")
        return value
