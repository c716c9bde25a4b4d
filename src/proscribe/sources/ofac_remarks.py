"""OFAC's free-text remarks, parsed into structured facts.

The OFAC CSV files (sdn.csv, cons_prim.csv) carry most facts about an entry in one
`Remarks` column, pieces separated by ';':

    DOB 08 Nov 1969; POB Pyongyang; nationality Korea, North; Gender Male;
    Passport 745420176 expires 19 Oct 2020; Linked To: KOREA ACHIM SHIPPING CO.

`parse_remarks` is a pure function: it never raises, and each piece it cannot read is kept
in `RemarkFacts.unparsed`, so no fact is lost. The XML form states most of these facts in
elements; its `remarks` element and its date strings go through the same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from proscribe.model import DateKind, FuzzyDate, Identifier, IdentifierType, Link, Place
from proscribe.text.countries import country_code

__all__ = ["RemarkFacts", "parse_date", "parse_remarks", "identifier_type_for"]


@dataclass(slots=True)
class RemarkFacts:
    """What one remarks string states, piece by piece."""

    birth_dates: list[FuzzyDate] = field(default_factory=list)
    birth_places: list[Place] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO2 lower case
    citizenships: list[str] = field(default_factory=list)  # ISO2 lower case
    countries: list[str] = field(default_factory=list)  # other countries named (ISO2)
    country_names: list[str] = field(default_factory=list)  # every country as written
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)  # a.k.a./f.k.a./n.k.a. 'X'
    links: list[Link] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)
    sanctions_info: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def add_property(self, key: str, value: str) -> None:
        values = self.properties.setdefault(key, [])
        if value not in values:
            values.append(value)


# ---------------------------------------------------------------- dates

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_DAY_MON_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})$")
_MON_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RANGE = re.compile(r"^(.+?)\s+to\s+(.+)$", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:circa|c\.|approximately|approx\.?)\s+(.+)$", re.IGNORECASE)


def _single_date(text: str) -> tuple[str, DateKind] | None:
    text = text.strip().rstrip(".").strip()
    if m := _DAY_MON_YEAR.match(text):
        month = _MONTHS.get(m.group(2).lower())
        day = int(m.group(1))
        if month and 1 <= day <= 31:
            return f"{m.group(3)}-{month:02d}-{day:02d}", DateKind.EXACT
        return None
    if m := _MON_YEAR.match(text):
        month = _MONTHS.get(m.group(1).lower())
        if month:
            return f"{m.group(2)}-{month:02d}", DateKind.MONTH
        return None
    if m := _YEAR.match(text):
        return m.group(1), DateKind.YEAR
    if m := _ISO.match(text):
        month, day = int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return text, DateKind.EXACT
    return None


def parse_date(text: str) -> FuzzyDate | None:
    """An OFAC date ('08 Nov 1969', 'Nov 1969', '1969', 'circa 1965', '1960 to 1962')."""
    text = " ".join(text.split())
    if not text:
        return None
    if m := _CIRCA.match(text):
        inner = _single_date(m.group(1))
        if inner is None:
            return None
        return FuzzyDate(inner[0], DateKind.APPROXIMATE, note=text)
    if m := _RANGE.match(text):
        start, end = _single_date(m.group(1)), _single_date(m.group(2))
        if start is None or end is None:
            return None
        return FuzzyDate(start[0], DateKind.RANGE, end=end[0], note=text)
    single = _single_date(text)
    if single is None:
        return None
    return FuzzyDate(single[0], single[1])


# ---------------------------------------------------------------- identifiers

# Label as OFAC writes it -> identifier type. Longest labels are tried first.
_ID_LABELS: dict[str, IdentifierType] = {
    "Vessel Registration Identification": IdentifierType.IMO,
    "Identification Number IMO": IdentifierType.IMO,
    "Company Number IMO": IdentifierType.IMO,
    "IMO": IdentifierType.IMO,
    "MMSI": IdentifierType.MMSI,
    "Call Sign": IdentifierType.CALL_SIGN,
    "SWIFT/BIC": IdentifierType.SWIFT_BIC,
    "Passport": IdentifierType.PASSPORT,
    "Diplomatic Passport": IdentifierType.PASSPORT,
    "National ID No.": IdentifierType.NATIONAL_ID,
    "Identification Number": IdentifierType.NATIONAL_ID,
    "Cedula No.": IdentifierType.NATIONAL_ID,
    "D.N.I.": IdentifierType.NATIONAL_ID,
    "SSN": IdentifierType.NATIONAL_ID,
    "CURP #": IdentifierType.NATIONAL_ID,
    "Personal ID Card": IdentifierType.NATIONAL_ID,
    "National Foreign ID Number": IdentifierType.NATIONAL_ID,
    "Residency Number": IdentifierType.NATIONAL_ID,
    "Tax ID No.": IdentifierType.TAX_ID,
    "NIT #": IdentifierType.TAX_ID,
    "RFC": IdentifierType.TAX_ID,
    "RUC #": IdentifierType.TAX_ID,
    "RIF #": IdentifierType.TAX_ID,
    "V.A.T. Number": IdentifierType.TAX_ID,
    "Registration Number": IdentifierType.REGISTRATION,
    "Registration ID": IdentifierType.REGISTRATION,
    "Business Registration Number": IdentifierType.REGISTRATION,
    "Business Registration Document #": IdentifierType.REGISTRATION,
    "Public Registration Number": IdentifierType.REGISTRATION,
    "Commercial Registry Number": IdentifierType.REGISTRATION,
    "Company Number": IdentifierType.REGISTRATION,
    "C.R. No.": IdentifierType.REGISTRATION,
    "Chamber of Commerce Number": IdentifierType.REGISTRATION,
    "Economic Register Number": IdentifierType.REGISTRATION,
    "Folio Mercantil No.": IdentifierType.REGISTRATION,
    "Matricula Mercantil No": IdentifierType.REGISTRATION,
    "Trade License No.": IdentifierType.REGISTRATION,
    "Unified Social Credit Code (USCC)": IdentifierType.REGISTRATION,
    "Legal Entity Number": IdentifierType.REGISTRATION,
    "Government Gazette Number": IdentifierType.REGISTRATION,
    "D-U-N-S Number": IdentifierType.REGISTRATION,
    "Aircraft Manufacturer's Serial Number (MSN)": IdentifierType.AIRCRAFT_SERIAL,
    "Aircraft Construction Number (also called L/N or S/N or F/N)": (
        IdentifierType.AIRCRAFT_SERIAL
    ),
    "Aircraft Tail Number": IdentifierType.AIRCRAFT_TAIL,
    "Email Address": IdentifierType.EMAIL,
    "Website": IdentifierType.WEBSITE,
    "Phone Number": IdentifierType.PHONE,
    "Telephone": IdentifierType.PHONE,
    "Fax": IdentifierType.PHONE,
    "Digital Currency Address - XBT": IdentifierType.OTHER,
    "Digital Currency Address - ETH": IdentifierType.OTHER,
    "Digital Currency Address - USDT": IdentifierType.OTHER,
    "Digital Currency Address - XMR": IdentifierType.OTHER,
    "Digital Currency Address - LTC": IdentifierType.OTHER,
    "ISIN": IdentifierType.OTHER,
    "Equity Ticker": IdentifierType.OTHER,
    "Driver's License No.": IdentifierType.OTHER,
    "License": IdentifierType.OTHER,
    "BIK (RU)": IdentifierType.OTHER,
}
_ID_ORDER = sorted(_ID_LABELS, key=len, reverse=True)
# Types whose value runs to the end of the piece (no country in brackets after it).
_WHOLE_VALUE = {
    IdentifierType.EMAIL,
    IdentifierType.WEBSITE,
    IdentifierType.PHONE,
}
_ID_NOTE = re.compile(
    r"\s+(?=(?:expires|issued|Issue Date|Expiration Date|Expire Date)\b)", re.IGNORECASE
)


def identifier_type_for(label: str) -> IdentifierType | None:
    """Identifier type of an OFAC id label ('SWIFT/BIC', 'Passport'), None for other facts."""
    label = " ".join(label.split()).rstrip(":")
    return _ID_LABELS.get(label)


def _identifier(label: str, rest: str) -> Identifier | None:
    id_type = _ID_LABELS[label]
    # Keep the label where the type alone loses it (ISIN, digital currency, company IMO).
    note = label if id_type is IdentifierType.OTHER or label.endswith("Number IMO") else None
    rest = rest.strip()
    if id_type in _WHOLE_VALUE:
        value = rest.rstrip(".")
        country = None
        extra = None
    else:
        country = None
        extra = None
        m = re.match(r"^(?P<value>[^()]*?)\s*\((?P<country>[^()]*)\)\s*(?P<extra>.*)$", rest)
        if m:
            value = m.group("value")
            country = m.group("country")
            extra = m.group("extra") or None
        else:
            parts = _ID_NOTE.split(rest, maxsplit=1)
            value = parts[0]
            extra = parts[1] if len(parts) > 1 else None
    value = value.strip()
    if id_type is IdentifierType.IMO:
        value = re.sub(r"^IMO\s*", "", value)
    if not value:
        return None
    notes = [n for n in (note, extra) if n]
    return Identifier(
        type=id_type,
        value=value,
        country=country_code(country) if country else None,
        note="; ".join(notes) or None,
    )


# ---------------------------------------------------------------- pieces

_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*['‘’\"](.*?)['‘’\"]?\.?$", re.S)
_LINKED = re.compile(r"^\(?Linked To:\s*(.+?)\)?$", re.S)
_SANCTION_PREFIXES = (
    "Additional Sanctions Information -",
    "Secondary sanctions risk:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "Executive Order",
    "CAATSA Section",
)
_VESSEL_PROPS = {
    "Vessel Year of Build": "vessel_year_of_build",
    "Other Vessel Flag": "vessel_other_flag",
    "Former Vessel Flag": "vessel_former_flag",
    "Other Vessel Call Sign": "vessel_other_call_sign",
    "Other Vessel Type": "vessel_other_type",
    "Vessel Type": "vessel_type",
    "Vessel Flag": "vessel_flag",
    "Aircraft Model": "aircraft_model",
    "Aircraft Operator": "aircraft_operator",
    "Aircraft Manufacture Date": "aircraft_manufacture_date",
    "Aircraft Mode S Transponder Code": "aircraft_mode_s",
    "Previous Aircraft Tail Number": "aircraft_previous_tail",
    "Organization Established Date": "organization_established",
    "Organization Type:": "organization_type",
    "Target Type": "target_type",
    "Nationality of Registration": "registration_country",
}
_VESSEL_ORDER = sorted(_VESSEL_PROPS, key=len, reverse=True)


# Words after which a final '.' belongs to the name, not to the end of the remarks
# ("Linked To: KAIKAI TECHNOLOGY CO., LTD." but "Linked To: LAZARUS GROUP.").
_ABBREVIATIONS = {"LTD", "CO", "INC", "CORP", "LTDA", "CIA", "JR", "SR", "ST", "BHD", "PTE"}


def _drop_final_stop(text: str) -> str:
    """OFAC ends every remarks string with '.'; drop it unless it closes an abbreviation."""
    if not text.endswith("."):
        return text
    last = text[:-1].rsplit(" ", 1)[-1].lstrip("'(").rstrip(",")
    if last[-1:].isalpha() and ("." in last or last.upper() in _ABBREVIATIONS):
        return text
    return text[:-1]


def _split(text: str) -> list[str]:
    """Pieces separated by ';' (OFAC does not quote or escape them)."""
    return [p.strip() for p in text.split(";") if p.strip()]


def _country(facts: RemarkFacts, name: str, target: list[str] | None) -> None:
    name = name.strip().rstrip(".").strip()
    if not name:
        return
    code = country_code(name)
    if code is None:
        return
    facts.country_names.append(name)
    if target is not None and code not in target:
        target.append(code)


def _piece(facts: RemarkFacts, piece: str) -> None:
    text = piece.strip()
    if text.startswith("alt. "):
        text = text[5:].strip()
    body = text

    if m := _ALIAS.match(text):
        name = m.group(2).strip()
        if name:
            facts.weak_aliases.append(name)
            return
    if m := _LINKED.match(text):
        facts.links.append(Link(relation="linked_to", target_name=m.group(1).strip()))
        return
    for prefix in _SANCTION_PREFIXES:
        if text.startswith(prefix):
            facts.sanctions_info.append(body)
            return
    if body.startswith("DOB "):
        date = parse_date(body[4:])
        if date is not None:
            facts.birth_dates.append(date)
            return
    if body.startswith("POB "):
        value = body[4:].strip()
        if value:
            last = value.rsplit(",", 1)[-1].strip()
            code = country_code(last)
            facts.birth_places.append(Place(value=value, country=code))
            if code:
                facts.country_names.append(last)
            return
    if body.startswith("nationality "):
        _country(facts, body[12:], facts.nationalities)
        return
    if body.startswith("citizen "):
        _country(facts, body[8:], facts.citizenships)
        return
    if body.startswith("Gender "):
        gender = body[7:].strip().lower()
        if gender in {"male", "female"}:
            facts.gender = gender
            return
    for label in _VESSEL_ORDER:
        if body.startswith(label + " ") or body == label:
            value = body[len(label) :].strip()
            key = _VESSEL_PROPS[label]
            if value:
                if key in {"vessel_other_flag", "vessel_former_flag", "vessel_flag"}:
                    _country(facts, value, facts.countries)
                facts.add_property(key, value)
                return
    for label in _ID_ORDER:
        if body.startswith(label + " "):
            ident = _identifier(label, body[len(label) :])
            if ident is not None:
                facts.identifiers.append(ident)
                return
    facts.unparsed.append(text)


def parse_remarks(text: str | None) -> RemarkFacts:
    """Structured facts from an OFAC remarks string; never raises, keeps what it cannot read."""
    facts = RemarkFacts()
    if not text:
        return facts
    text = _drop_final_stop(" ".join(text.split()))
    if text in {"-0-", ""}:
        return facts
    for piece in _split(text):
        _piece(facts, piece)
    return facts
