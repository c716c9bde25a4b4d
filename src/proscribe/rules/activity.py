"""The activity a user asks about: pydantic at the edge, every bad field named."""

from __future__ import annotations

import re
import datetime as dt
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from proscribe.errors import QueryError
from proscribe.rules.schema import ACTIVITY_KINDS, normalize_direction
from proscribe.text import country_code

EARLIEST = date(2006, 1, 1)
KIND_ALIASES = {"payment": "financial_service", "work_permit": "work_authorization"}
JURISDICTION_LAYERS = {"un": "un", "us": "us_ofac", "us_ofac": "us_ofac", "eu": "eu", "uk": "uk"}
UNIT_ALIASES = {
    "bbl": "barrel",
    "barrel": "barrel",
    "barrels": "barrel",
    "t": "tonne",
    "mt": "tonne",
    "tonne": "tonne",
    "tonnes": "tonne",
    "metric_ton": "tonne",
    "metric_tons": "tonne",
    "kg": "kg",
    "unit": "unit",
    "units": "unit",
    "piece": "unit",
    "pieces": "unit",
}


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _country(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    code = country_code(value)
    if code is None or not re.fullmatch(r"[a-z]{2}", code):
        raise ValueError(f"unknown country {value!r}")
    return code


class PartyIdentifier(_Edge):
    type: str
    value: str


class Party(_Edge):
    """A party to the activity; `country` is nationality, seat or (for a vessel) flag."""

    name: str = Field(min_length=1)
    type: Literal["person", "organization", "vessel", "aircraft"] = "organization"
    country: str | None = None
    role: str | None = None
    identifiers: list[PartyIdentifier] = Field(default_factory=list)

    _c = field_validator("country", mode="before")(_country)


class Goods(_Edge):
    hs: str | None = None
    description: str | None = None
    quantity: float | None = Field(default=None, ge=0)
    unit: str | None = None
    value: float | None = Field(default=None, ge=0)
    currency: str = "USD"
    categories: list[str] = Field(default_factory=list)

    @field_validator("hs", mode="before")
    @classmethod
    def _hs(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).replace(".", "").replace(" ", "")
        if not re.fullmatch(r"\d{2,10}", text) or len(text) % 2:
            raise ValueError(f"invalid HS code {value!r}: 2 to 10 digits in pairs")
        chapter = int(text[:2])
        if chapter < 1 or chapter > 97 or chapter == 77:
            raise ValueError(f"invalid HS code {value!r}: no HS chapter {text[:2]}")
        return text

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        if value is None:
            return None
        key = str(value).strip().lower().replace(" ", "_")
        if key not in UNIT_ALIASES:
            raise ValueError(f"unknown unit {value!r}; known: {sorted(set(UNIT_ALIASES))}")
        return UNIT_ALIASES[key]

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        return str(value).upper() if value is not None else "USD"

    def amount_in(self, unit: str) -> float | None:
        """Quantity in a cap unit (barrel, tonne, usd), or None when not stated."""
        if unit == "usd":
            return self.value if self.value is not None and self.currency == "USD" else None
        if self.quantity is None:
            return None
        if self.unit == unit:
            return self.quantity
        if unit == "tonne" and self.unit == "kg":
            return self.quantity / 1000
        return None

    @property
    def unit_value_usd(self) -> float | None:
        if self.value is None or self.currency != "USD":
            return None
        if self.quantity:
            return self.value / self.quantity
        return self.value


class Activity(_Edge):
    """What someone proposes to do, on a date, under one jurisdiction's law."""

    date: dt.date
    kind: str
    parties: list[Party] = Field(default_factory=list)
    goods: list[Goods] = Field(default_factory=list)
    origin: str | None = None
    destination: str | None = None
    location: str | None = None
    port: str | None = None
    direction: Literal["to_target", "from_target"] | None = None
    contract_date: dt.date | None = None
    purpose: str | None = None
    project: str | None = None
    exemption_refs: list[str] = Field(default_factory=list)
    jurisdiction: Literal["un", "us", "us_ofac", "eu", "uk"] = "un"
    description: str | None = None

    _c = field_validator("origin", "destination", "location", mode="before")(_country)

    @field_validator("date", "contract_date")
    @classmethod
    def _not_before_regime(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value < EARLIEST:
            raise ValueError(f"{value} is before 2006: no regime in these rules reaches back")
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        kind = KIND_ALIASES.get(value.strip().lower(), value.strip().lower())
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"unknown activity kind {value!r}; known: {list(ACTIVITY_KINDS)}")
        return kind

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> Any:
        return normalize_direction(value)

    @field_validator("purpose", "project", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower().replace(" ", "_").replace("-", "_")
        return value

    @property
    def layer(self) -> str:
        return JURISDICTION_LAYERS[self.jurisdiction]


def parse_activity(data: Any) -> Activity:
    """Validate a dict (or pass an Activity through); QueryError names the first bad field."""
    if isinstance(data, Activity):
        return data
    if not isinstance(data, dict):
        raise QueryError("an activity must be a JSON object", field="activity")
    try:
        return Activity.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "activity"
            problems.append(f"{loc}: {err['msg']}")
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "activity"
        raise QueryError(
            f"invalid activity: {problems[0]}", field=field, problems=problems
        ) from None
