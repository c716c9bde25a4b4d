"""What a check returns: verdict, the measures that applied and why, what remains or is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal[
    "prohibited",
    "permitted",
    "permitted_with_conditions",
    "requires_committee_exemption",
    "insufficient_information",
]

SEVERITY: dict[str, int] = {
    "permitted": 0,
    "permitted_with_conditions": 1,
    "requires_committee_exemption": 2,
    "insufficient_information": 3,
    "prohibited": 4,
}


def worst(verdicts: list[str]) -> Verdict:
    """The most restrictive verdict; 'permitted' when nothing applied."""
    if not verdicts:
        return "permitted"
    out = max(verdicts, key=SEVERITY.__getitem__)
    return out  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class PartyHit:
    """A party found designated on a list (what an injected screener returns)."""

    party: str  # the party's name as the activity gives it
    entity_id: str  # "un:KPe.020", "ofac_sdn:24606"
    name: str  # the listed name
    source: str  # the list: un, ofac_sdn, eu, uk_ofsi, or "rules" for designations in the data


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Condition(_Out):
    text: str
    citation: str
    deadline: date | None = None


class MissingFact(_Out):
    field: str
    question: str
    citation: str
    measure: str
    if_yes: Verdict  # the overall verdict if the fact is answered the way the exemption needs
    if_no: Verdict
    explanation: str


class Unconfirmed(_Out):
    citation: str
    measure: str
    grade: Literal["P", "U"]
    note: str | None = None


class CapUse(_Out):
    cap: str
    citation: str
    period_start: date
    period_end: date
    unit: str
    limit: float
    used_before: float
    this_activity: float
    used_after: float
    remaining_after: float
    share_of_cap: float  # this activity's share of the limit, 0..1+
    exceeds: bool


class AppliedMeasure(_Out):
    id: str
    citation: str
    title: str
    layer: str
    outcome: Verdict
    reasons: list[str]
    exemption: str | None = None
    confidence: Literal["V", "P", "U"]
    source: str


class LayerVerdict(_Out):
    verdict: Verdict
    binding: bool
    measures: list[str] = Field(default_factory=list)


class Screening(_Out):
    screened: bool
    note: str | None = None
    hits: list[dict[str, str]] = Field(default_factory=list)
    list_versions: list[dict[str, Any]] = Field(default_factory=list)


class CheckResult(_Out):
    verdict: Verdict
    regime: str
    date: date
    kind: str
    jurisdiction: str
    layers: dict[str, LayerVerdict]
    measures: list[AppliedMeasure]
    conditions: list[Condition] = Field(default_factory=list)
    missing: list[MissingFact] = Field(default_factory=list)
    unconfirmed: list[Unconfirmed] = Field(default_factory=list)
    caps: list[CapUse] = Field(default_factory=list)
    screening: Screening
    notes: list[str] = Field(default_factory=list)
    rules_version: str
    engine_version: str

    @property
    def citations(self) -> list[str]:
        return [m.citation for m in self.measures]
