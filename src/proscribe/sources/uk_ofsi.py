"""UK OFSI Consolidated List of Financial Sanctions Targets (ConList), CSV and XLSX forms.

Two layouts are read by the same code, keyed on the header row:

- 2014-2018 CSV (29 columns): "Last Updated,DD/MM/YYYY" on line 1, header on line 2 (Name 6,
  Name 1..5, Title, DOB, ..., Passport Details, NI Number, ..., Other Information, Group
  Type, Alias Type, Regime, Listed On, Last Updated, Group ID).
- 2022+ XLSX/CSV (36 columns): adds Name Non-Latin Script, Non-Latin Script Type/Language,
  Passport Number, National Identification Number/Details, Alias Quality and UK Sanctions
  List Date Designated; Other Information holds "(Key):value" facts (UK Sanctions List Ref,
  UN Ref, Gender, IMO number, Flag of ship, ...).

One entity is one Group ID; each row is one name variant of it, and the rows of a group are
merged. Every bad row is collected, then the whole file is refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from proscribe.errors import ParseError
from proscribe.model import (
    Address,
    DateKind,
    Entity,
    EntityKind,
    FuzzyDate,
    Identifier,
    IdentifierType,
    Link,
    Name,
    NameKind,
    Place,
)
from proscribe.sources.base import (
    ListFileSet,
    ParsedList,
    clean,
    decode_text,
    pick_one_file,
    refuse_if_problems,
)
from proscribe.sources.xlsx import iter_sheet_rows, sheet_names
from proscribe.text.countries import country_code

SOURCE = "uk_ofsi"

#: Columns every layout has; a file lacking one is refused naming it.
REQUIRED_COLUMNS = (
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Group ID",
)

_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "ship": EntityKind.VESSEL,
}

_SCRIPTS = {
    "cyrillic": "Cyrl",
    "cryillic": "Cyrl",
    "cyrilic": "Cyrl",
    "russian": "Cyrl",
    "arabic": "Arab",
    "persian": "Arab",
    "chinese": "Hani",
    "georgian": "Geor",
    "hebrew": "Hebr",
    "hangul": "Hang",
    "korean": "Hang",
    "greek": "Grek",
    "thai": "Thai",
    "burmese": "Mymr",
}

# "(Key):value" facts in the 2022+ Other Information column; only these keys split the text,
# so a stray "(2022):" inside a sentence stays part of the value before it.
_OI_KEYS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Email address",
    "Type of entity",
    "Website",
    "Parent company",
    "Business Reg No",
    "Subsidiaries",
    "IMO number",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Current owners",
    "Fax",
    "Tel",
)
_OI_SPLIT = re.compile(r"\((" + "|".join(re.escape(k) for k in _OI_KEYS) + r")\):")
_SHIP_PROPS = {
    "Flag of ship": "flag",
    "Previous flags": "previous_flags",
    "Type of ship": "vessel_type",
    "Tonnage of ship": "tonnage",
    "Length of ship": "length",
    "Year built": "build_year",
    "Current owners": "owner",
    "Type of entity": "entity_type",
    "Parent company": "parent_company",
    "Subsidiaries": "subsidiaries",
    "Fax": "fax",
}
_OI_IDENTS = {
    "Phone number": IdentifierType.PHONE,
    "Tel": IdentifierType.PHONE,
    "Email address": IdentifierType.EMAIL,
    "Website": IdentifierType.WEBSITE,
    "Business Reg No": IdentifierType.REGISTRATION,
}

# "UN Ref KPi.001", "UN Ref.KPI.067.", "UN Ref:QDI.282", "(UN Ref):KPe.018", "UN Ref QI.A.86.03.",
# "UN Reference KPi.048", "UN Ref No. YEi.001", "UN Ref.KPI. 076" (not "UN Ref.077": no prefix),
# but not the owner's ref in a ship's "(OFSI ID: 13635, UN Reference Number: UN Ref KPe.064)".
_UN_REF = re.compile(
    r"(?<!Number: )UN Ref(?:erence)?(?:\s*No\.?)?\)?\s*[:.]?\s*"
    r"([A-Za-z]{1,3}\.\s?[A-Za-z0-9.]*[A-Za-z0-9])"
)
_UN_REF_NEW = re.compile(r"^([A-Z]{2})([IiEe])\.(\d+)$")
_IMO = re.compile(r"\bIMO(?:\s*(?:number|no\.?|#))?\)?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
_ASSET_OF = re.compile(
    r"asset of ([^()]+?)\s*\(OFSI ID:\s*(\d+)"
    r"(?:,\s*UN Reference Number:\s*UN Ref\s*([A-Za-z0-9.]+?))?\.?\)"
)
_UK_REF = re.compile(r"[A-Z]{3}\d{4}")
_NUMBERED = re.compile(r"(?:^|\s)\(?\d{1,2}\)\s*")
_ID_TOKEN = re.compile(r"\b(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{4,}\b")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_Y = re.compile(r"^(\d{4})$")


_SCRIPT_PREFIXES = {
    "CYRILLIC": "Cyrl", "ARABIC": "Arab", "CJK": "Hani", "HANGUL": "Hang", "GEORGIAN": "Geor",
    "HEBREW": "Hebr", "GREEK": "Grek", "THAI": "Thai", "MYANMAR": "Mymr", "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
}


def script_of(text: str) -> str | None:
    """ISO 15924 code of the first non-Latin letter in text (the list's own label is often
    missing or misspelt, e.g. 'Cryillic')."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F:
            first = unicodedata.name(ch, "").split(" ", 1)[0]
            return _SCRIPT_PREFIXES.get(first)
    return None


def _split_numbered(value: str | None) -> list[str]:
    """'(1) A (2) B' or '1) A 2) B' -> ['A', 'B']; a plain value -> [value]."""
    if not value:
        return []
    parts = [clean(p) for p in _NUMBERED.split(value)]
    return [p.rstrip(";,").strip() for p in parts if p]


def _dmy_date(value: str | None) -> date | None:
    """'08/11/1969' -> date; anything else -> None."""
    if not value:
        return None
    match = _DMY.match(value)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_dob(value: str) -> FuzzyDate | None:
    """OFSI DOB: '08/11/1969', '00/00/1965' (year only), '00/05/1973', '05/1973', '1954'."""
    match = _DMY.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year == 0:
            return None
        if month == 0:
            return FuzzyDate(f"{year:04d}", DateKind.YEAR)
        if day == 0:
            return FuzzyDate(f"{year:04d}-{month:02d}", DateKind.MONTH) if month <= 12 else None
        try:
            return FuzzyDate(date(year, month, day).isoformat(), DateKind.EXACT)
        except ValueError:
            return None
    match = _MY.match(value)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        if month == 0:
            return FuzzyDate(f"{year:04d}", DateKind.YEAR)
        return FuzzyDate(f"{year:04d}-{month:02d}", DateKind.MONTH) if month <= 12 else None
    if _Y.match(value):
        return FuzzyDate(value, DateKind.YEAR)
    return None


def un_ref(value: str) -> str:
    """Normalise the case of a new-style UN ref: 'KPI.067' -> 'KPi.067'."""
    value = value.rstrip(".").replace(" ", "")
    match = _UN_REF_NEW.match(value)
    if match:
        return f"{match.group(1)}{match.group(2).lower()}.{match.group(3)}"
    return value


def _append(items: list[Any], item: Any) -> None:
    if item not in items:
        items.append(item)


def _prop(entity: Entity, key: str, value: str | None) -> None:
    if value:
        _append(entity.properties.setdefault(key, []), value)


# ---------------------------------------------------------------- reading rows


Row = Sequence[str | None]


def _csv_rows(data: bytes, file: str) -> Iterator[tuple[str, Row]]:
    if b"\x00" in data[:4096]:
        raise ParseError(
            "file is not in an expected encoding",
            source=SOURCE,
            file=file,
            expected="UTF-8 or Windows-1252 text",
            found="NUL bytes (UTF-16 or binary)",
        )
    # The publisher wrote Windows-1252 (2014, 2018); newer exports are UTF-8. UTF-8 is tried
    # first: cp1252 would decode UTF-8 bytes too, into mojibake.
    text = decode_text(data, source=SOURCE, file=file, encodings=("utf-8-sig", "cp1252"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield f"line {reader.line_num}", row
    except csv.Error as exc:
        raise ParseError(
            f"malformed CSV: {exc}", source=SOURCE, file=file, location=f"line {reader.line_num}"
        ) from exc


def _xlsx_rows(data: bytes, file: str) -> Iterator[tuple[str, Row]]:
    names = sheet_names(data, source=SOURCE, file=file)
    sheet = "Data" if "Data" in names else names[0]
    # dates as the CSV form writes them (the real files store them as text anyway)
    for number, values in iter_sheet_rows(
        data, source=SOURCE, file=file, sheet=sheet, date_format="%d/%m/%Y"
    ):
        yield f"sheet {sheet}, row {number}", values


# ---------------------------------------------------------------- merging rows into entities


@dataclass(slots=True)
class _Columns:
    index: dict[str, int]

    def get(self, row: Row, name: str) -> str | None:
        """Cell of a row already passed through `clean_row`."""
        i = self.index.get(name)
        if i is None or i >= len(row):
            return None
        return row[i]


def clean_row(row: Row) -> list[str | None]:
    return [clean(c) if c else None for c in row]


@dataclass(slots=True)
class _State:
    entities: dict[str, Entity] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _find_header(rows: Iterator[tuple[str, Row]], file: str) -> tuple[date | None, _Columns]:
    published: date | None = None
    for _location, row in rows:
        cells = [clean(c) or "" for c in row]
        if cells and cells[0].startswith("Last Updated") and "Group ID" not in cells:
            # CSV: "Last Updated,02/04/2014"; XLSX: "Last Updated" | "05/06/2023"
            text = cells[0].removeprefix("Last Updated").strip(" :") or (
                cells[1] if len(cells) > 1 else ""
            )
            published = _dmy_date(text)
            continue
        if "Group ID" in cells or "Name 6" in cells:
            index = {name: i for i, name in enumerate(cells) if name}
            missing = [c for c in REQUIRED_COLUMNS if c not in index]
            if missing:
                raise ParseError(
                    f"missing required column(s): {', '.join(missing)}",
                    source=SOURCE,
                    file=file,
                    location=_location,
                    expected=", ".join(REQUIRED_COLUMNS),
                    found=", ".join(cells),
                )
            return published, _Columns(index)
        if any(cells):
            break
    raise ParseError(
        "no OFSI ConList header row found",
        source=SOURCE,
        file=file,
        expected="a 'Last Updated' line, then a header row with Name 6 ... Group ID",
    )


def _person_name(cols: _Columns, row: Row, kind: NameKind, person: bool) -> Name | None:
    last = cols.get(row, "Name 6")
    others = [cols.get(row, f"Name {i}") for i in range(1, 6)]
    parts = [p for p in [*others, last] if p]
    if not parts:
        return None
    value = " ".join(parts)
    if not person:
        return Name(value, kind)
    middle = " ".join(p for p in others[1:] if p) or None
    return Name(value, kind, first=others[0], middle=middle, last=last)


def _name_kind(alias_type: str | None, quality: str | None) -> NameKind | None:
    atype = (alias_type or "").lower()
    qual = (quality or "").lower()
    if atype in {"prime alias", "primary name"}:
        return NameKind.PRIMARY
    if atype == "fka":
        return NameKind.FORMER
    if atype in {"aka", "primary name variation", "alias"}:
        return NameKind.WEAK_ALIAS if qual.startswith("low") else NameKind.ALIAS
    return None


def _regime_id(regime: str) -> str | None:
    low = regime.lower()
    if "korea" in low and ("democratic" in low or "north" in low):
        return "dprk"
    return None


def _documents(
    entity: Entity, numbers: str | None, details: str | None, id_type: IdentifierType
) -> None:
    """Passport / national ID: number and details columns (2022+) or details only (old)."""
    nums = _split_numbered(numbers)
    dets = _split_numbered(details)
    if nums:
        notes: list[str | None] = list(dets)
        if len(dets) != len(nums):
            notes = [clean(details)] * len(nums)
        for num, note in zip(nums, notes, strict=True):
            _append(entity.identifiers, Identifier(id_type, num, note=note))
        return
    for part in dets:  # old layout: "Passport No: 592667 (Qatari passport issued ...)"
        token = _ID_TOKEN.search(part.upper())
        if token:
            _append(entity.identifiers, Identifier(id_type, token.group(0), note=part))
        else:
            _prop(entity, f"{id_type.value}_details", part)


def _other_information(entity: Entity, text: str) -> None:
    for match in _UN_REF.finditer(text):
        _append(entity.identifiers, Identifier(IdentifierType.UN_REF, un_ref(match.group(1))))
    for match in _IMO.finditer(text):
        _append(entity.identifiers, Identifier(IdentifierType.IMO, match.group(1)))
    for match in _ASSET_OF.finditer(text):
        relation = "vessel_of" if entity.kind is EntityKind.VESSEL else "linked_to"
        note = f"UN Ref {un_ref(match.group(3))}" if match.group(3) else None
        _append(entity.links, Link(relation, match.group(1).strip(), match.group(2), note))
    pieces = _OI_SPLIT.split(text)
    for key, raw in zip(pieces[1::2], pieces[2::2], strict=True):
        value = (clean(raw) or "").rstrip(".").strip()
        if not value:
            continue
        if key == "UK Sanctions List Ref":
            ref = _UK_REF.match(value)
            if ref:
                _prop(entity, "uk_sanctions_list_ref", ref.group(0))
                ident = Identifier(IdentifierType.OTHER, ref.group(0), note="UK Sanctions List Ref")
                _append(entity.identifiers, ident)
        elif key == "Gender":
            gender = value.split()[0].lower().rstrip(".,")
            if gender in {"male", "female"}:
                entity.gender = gender
        elif key in _OI_IDENTS:
            for part in _split_numbered(value):
                _append(entity.identifiers, Identifier(_OI_IDENTS[key], part))
        elif key in _SHIP_PROPS:
            prop = _SHIP_PROPS[key]
            parts = [value] if key in {"Type of entity", "Flag of ship"} else _split_numbered(value)
            for part in parts:
                _prop(entity, prop, part)
                if key in {"Current owners", "Parent company"}:
                    _append(entity.links, Link("owned_by", part))
            if key == "Flag of ship":
                code = country_code(value)
                if code:
                    _append(entity.countries, code)


def _merge_row(state: _State, cols: _Columns, location: str, row: Row) -> None:
    group_id = cols.get(row, "Group ID")
    group_type = cols.get(row, "Group Type")
    alias_type = cols.get(row, "Alias Type")
    kind = _KINDS.get((group_type or "").lower())
    name_kind = _name_kind(alias_type, cols.get(row, "Alias Quality"))
    latin = _person_name(cols, row, name_kind or NameKind.ALIAS, kind is EntityKind.PERSON)
    script_name = cols.get(row, "Name Non-Latin Script")
    bad = []
    if not group_id:
        bad.append("no Group ID")
    if kind is None:
        bad.append(f"unknown Group Type {group_type!r} (expected Individual, Entity or Ship)")
    if latin is None and script_name is None:
        bad.append("no name (Name 1..6 and Name Non-Latin Script all empty)")
    if name_kind is None:
        bad.append(f"unknown Alias Type {alias_type!r}")
    if bad:
        state.problems.append(f"{location}: {'; '.join(bad)}")
        return
    assert group_id is not None and kind is not None  # for mypy: checked just above

    entity = state.entities.get(group_id)
    if entity is None:
        entity = Entity(source=SOURCE, ref=group_id, kind=kind)
        state.entities[group_id] = entity
    elif entity.kind is not kind:
        state.warnings.append(
            f"{location}: Group ID {group_id} is {group_type} here, {entity.kind.value} earlier"
        )

    if latin is not None:
        _append(entity.names, latin)
    if script_name is not None:
        script_type = cols.get(row, "Non-Latin Script Type")
        lang = cols.get(row, "Non-Latin Script Language")
        script = (
            script_of(script_name)
            or _SCRIPTS.get((script_type or "").lower())
            or _SCRIPTS.get((lang or "").lower())
        )
        _append(entity.names, Name(script_name, NameKind.ORIGINAL_SCRIPT, script=script, lang=lang))

    for title in _split_numbered(cols.get(row, "Title")):
        _append(entity.titles, title)
    dob = cols.get(row, "DOB")
    if dob:
        fuzzy = parse_dob(dob)
        if fuzzy is None:
            state.warnings.append(f"{location}: unreadable DOB {dob!r} kept as a property")
            _prop(entity, "birth_date_text", dob)
        else:
            _append(entity.birth_dates, fuzzy)
    town = cols.get(row, "Town of Birth")
    birth_country = cols.get(row, "Country of Birth")
    if town or birth_country:
        value = ", ".join(p for p in (town, birth_country) if p)
        _append(entity.birth_places, Place(value, country_code(birth_country)))
    for nationality in _split_numbered(cols.get(row, "Nationality")):
        code = country_code(nationality)
        if code:
            _append(entity.nationalities, code)
        else:
            _prop(entity, "nationality", nationality)
    _documents(
        entity,
        cols.get(row, "Passport Number"),
        cols.get(row, "Passport Details"),
        IdentifierType.PASSPORT,
    )
    _documents(
        entity,
        cols.get(row, "National Identification Number"),
        # old layout: free text such as "National ID No: 123 (issued ...)" in "NI Number"
        cols.get(row, "National Identification Details") or cols.get(row, "NI Number"),
        IdentifierType.NATIONAL_ID,
    )
    for position in _split_numbered(cols.get(row, "Position")):
        _append(entity.positions, position)

    lines = [cols.get(row, f"Address {i}") for i in range(1, 7)]
    postcode = cols.get(row, "Post/Zip Code")
    country = cols.get(row, "Country")
    if any(lines) or postcode or country:
        code = country_code(country)
        full = ", ".join(p for p in [*lines, postcode, country] if p)
        street = ", ".join(p for p in lines if p) or None
        address = Address(
            full=full, street=street, postal_code=postcode, country=code, country_name=country
        )
        _append(entity.addresses, address)
        if code:
            _append(entity.countries, code)

    other = cols.get(row, "Other Information")
    if other:  # usually the same text on every row of a group: parsed once
        if entity.remarks is None:
            entity.remarks = other
            _other_information(entity, other)
        elif other not in entity.remarks:
            entity.remarks = f"{entity.remarks}\n{other}"
            _other_information(entity, other)

    regime = cols.get(row, "Regime")
    if regime:
        _append(entity.programmes, regime)
        regime_id = _regime_id(regime)
        if regime_id:
            _append(entity.regimes, regime_id)
    listed = _dmy_date(cols.get(row, "Listed On"))
    if listed and (entity.listed_on is None or listed < entity.listed_on):
        entity.listed_on = listed
    designated = _dmy_date(cols.get(row, "UK Sanctions List Date Designated"))
    if designated:
        _prop(entity, "uk_designated", designated.isoformat())
    updated = _dmy_date(cols.get(row, "Last Updated"))
    if updated:
        _prop(entity, "last_updated", updated.isoformat())


def parse_rows(
    rows: Iterator[tuple[str, Row]], *, file: str, folder_date: date | None
) -> ParsedList:
    """Merge ConList rows (from CSV or XLSX) into one entity per Group ID."""
    published, cols = _find_header(rows, file)
    state = _State()
    for location, row in rows:
        if not any(row):
            continue
        _merge_row(state, cols, location, clean_row(row))
    refuse_if_problems(state.problems, source=SOURCE, file=file)
    if not state.entities:
        raise ParseError("file has a header but no records", source=SOURCE, file=file)
    for entity in state.entities.values():
        for key in ("uk_designated", "last_updated"):
            if key in entity.properties:
                entity.properties[key].sort()
    date_source = "file"
    if published is None:
        published, date_source = folder_date, "folder"
        state.warnings.append("no readable 'Last Updated' date in the file; folder date used")
    return ParsedList(
        source=SOURCE,
        entities=list(state.entities.values()),
        published=published,
        date_source=date_source,
        warnings=state.warnings,
    )


class OfsiConListParser:
    """Parser for the OFSI Consolidated List (CSV or XLSX)."""

    source = SOURCE
    title = "UK OFSI Consolidated List of Financial Sanctions Targets"
    parser_version = "1"

    def parse(self, files: ListFileSet) -> ParsedList:
        path = pick_one_file(files, source=SOURCE, what="ConList",
                             suffixes=(".csv", ".xlsx"))
        data = files.read(path)
        file = str(path)
        if path.suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
            rows = _xlsx_rows(data, file)
        else:
            rows = _csv_rows(data, file)
        return parse_rows(rows, file=file, folder_date=files.folder_date)


PARSER = OfsiConListParser()
