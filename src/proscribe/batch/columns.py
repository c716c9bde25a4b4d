"""Column mapping: which input column holds the name, type, date of birth, country, ids.

Guessed from the headers (`name`, `full_name`, `customer_name`, `date_of_birth`, ...) and
overridden field by field (`--map name="Full Name"`). A file without a name column is
refused before any row is screened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from proscribe.errors import ConfigError

#: Fields a batch row can carry, and the header spellings guessed for each (normalised:
#: lower case, runs of other characters as one underscore).
GUESSES: dict[str, tuple[str, ...]] = {
    "id": ("id", "customer_id", "client_id", "customer_ref", "customer_no", "customer_number",
           "account_id", "ref", "reference"),
    "name": ("name", "full_name", "fullname", "customer_name", "client_name", "party_name",
             "legal_name", "entity_name", "counterparty", "counterparty_name"),
    "type": ("type", "kind", "entity_type", "customer_type", "party_type", "schema"),
    "dob": ("dob", "date_of_birth", "birth_date", "birthdate", "born", "birth"),
    "country": ("country", "nationality", "citizenship", "country_code",
                "country_of_residence", "residence"),
    "gender": ("gender", "sex"),
    "imo": ("imo", "imo_number", "imo_no"),
    "passport": ("passport", "passport_number", "passport_no"),
    "national_id": ("national_id", "national_id_number", "id_number"),
}

FIELDS = tuple(GUESSES)

# Identifier fields become "type:value" query identifiers.
IDENTIFIER_FIELDS = ("imo", "passport", "national_id")


def normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Input column (header as written) for each field; None where the file has none."""

    name: str
    id: str | None = None
    type: str | None = None
    dob: str | None = None
    country: str | None = None
    gender: str | None = None
    imo: str | None = None
    passport: str | None = None
    national_id: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, str | None]) -> ColumnMap:
        return cls(**{k: v for k, v in data.items() if k in FIELDS})  # type: ignore[arg-type]


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """`["name=Full Name", "dob=Birth"]` -> {"name": "Full Name", "dob": "Birth"}."""
    out: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise ConfigError("a column mapping reads field=Column", found=item,
                              expected="e.g. name=Full Name")
        if field not in GUESSES:
            raise ConfigError("unknown field in column mapping", found=field,
                              expected=", ".join(FIELDS))
        out[field] = column.strip()
    return out


def guess_columns(
    headers: Sequence[str], overrides: Mapping[str, str] | None = None, *, file: str | None = None
) -> ColumnMap:
    """A ColumnMap from the headers, explicit overrides first.

    Raises ConfigError naming the problem when an override names a column the file lacks,
    or when no name column can be found.
    """
    overrides = dict(overrides or {})
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    chosen: dict[str, str | None] = {}
    for field, column in overrides.items():
        if column not in headers:
            norm = by_norm.get(normalise_header(column))
            if norm is None:
                raise ConfigError(
                    f"column {column!r} mapped to {field} is not in the file",
                    file=file, expected=column, found=", ".join(headers),
                )
            column = norm
        chosen[field] = column
    taken = {c for c in chosen.values() if c}
    for field, spellings in GUESSES.items():
        if field in chosen:
            continue
        for spelling in spellings:
            guessed = by_norm.get(spelling)
            if guessed is not None and guessed not in taken:
                chosen[field] = guessed
                taken.add(guessed)
                break
    if not chosen.get("name"):
        raise ConfigError(
            "no name column: map one with --map name=<column>",
            file=file,
            expected="a column named " + " / ".join(GUESSES["name"][:4]),
            found=", ".join(headers) or "no columns",
        )
    return ColumnMap.from_dict(chosen)


# ----------------------------------------------------------------------------- row values

_TYPES = {
    "person": "person", "individual": "person", "natural_person": "person", "p": "person",
    "i": "person", "human": "person",
    "organization": "organization", "organisation": "organization", "entity": "organization",
    "company": "organization", "legal_entity": "organization", "legal_person": "organization",
    "business": "organization", "o": "organization", "e": "organization",
    "vessel": "vessel", "ship": "vessel", "v": "vessel",
    "aircraft": "aircraft", "plane": "aircraft", "a": "aircraft",
}

_GENDERS = {"m": "male", "male": "male", "man": "male", "f": "female", "female": "female",
            "woman": "female"}

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


class RowError(ValueError):
    """One row cannot be screened; the message is the reason written to the rejects file."""


def row_type(value: str) -> str | None:
    if not value:
        return None
    kind = _TYPES.get(normalise_header(value))
    if kind is None:
        raise RowError(f"unknown type {value!r} (person, organization, vessel or aircraft)")
    return kind


def row_dob(value: Any) -> str | None:
    """ISO date, year-month or year; also DD.MM.YYYY and DD/MM/YYYY (day first)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return None
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text) else text
    m = _ISO.match(text)
    if m:
        year, month, day = m.groups()
        try:
            if day:
                date(int(year), int(month), int(day))
            elif month and not 1 <= int(month) <= 12:
                raise ValueError
        except ValueError:
            raise RowError(f"impossible date of birth {value!r}") from None
        return text
    m = _DMY.match(text)
    if m:
        day, month, year = (int(x) for x in m.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            raise RowError(f"impossible date of birth {value!r}") from None
    raise RowError(f"unrecognised date of birth {value!r} (YYYY-MM-DD, YYYY-MM or YYYY)")


def row_query(record: Mapping[str, Any], cols: ColumnMap) -> dict[str, Any]:
    """The screening query fields of one input row, as plain values; RowError if unusable."""

    def get(column: str | None) -> str:
        if column is None:
            return ""
        value = record.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value != value:  # NaN from a dataframe
            return ""
        return value.isoformat() if isinstance(value, date) else str(value).strip()

    name = get(cols.name)
    if not name:
        raise RowError("empty name")
    if len(name) > 500:
        raise RowError(f"name longer than 500 characters ({len(name)})")
    query: dict[str, Any] = {"name": name}
    kind = row_type(get(cols.type))
    if kind:
        query["type"] = kind
    dob = row_dob(record.get(cols.dob) if cols.dob else None)
    if dob:
        query["dob"] = dob
    country = get(cols.country)
    if country:
        query["country"] = country
    gender = _GENDERS.get(get(cols.gender).lower())
    if gender:
        query["gender"] = gender
    identifiers = []
    for field in IDENTIFIER_FIELDS:
        value = get(getattr(cols, field))
        if value:
            identifiers.append(f"{field}:{value}")
    if identifiers:
        query["identifiers"] = identifiers
    return query


__all__ = [
    "FIELDS",
    "ColumnMap",
    "RowError",
    "guess_columns",
    "parse_mapping",
    "row_query",
]
