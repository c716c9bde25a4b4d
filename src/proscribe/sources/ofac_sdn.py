"""OFAC Specially Designated Nationals list: the CSV set (sdn.csv, add.csv, alt.csv,
sdn_comments.csv) and the classic XML (sdn.xml).

The non-SDN consolidated list (`ofac_cons`) has the same two forms and the same columns
and schema, so the readers here take the file names as a parameter and `ofac_cons` uses
them too. Both forms are first read into `_Record`s (one per entry, the facts as OFAC
writes them) and one function turns a record into an `Entity`, so the CSV and the XML of
the same publication give the same entities.

CSV layout (no header, CRLF, `-0- ` for null, a 0x1A byte at the end of the file):
    sdn.csv           ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
                      Tonnage, GRT, Vess_flag, Vess_owner, Remarks
    add.csv           ent_num, add_num, address, city/state/zip, country, add_remarks
    alt.csv           ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks
    sdn_comments.csv  ent_num, remarks continued (appended to Remarks as is)
The CSV states no date: the publication date is the folder's (`date_source="folder"`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from proscribe.errors import IncompleteSourceError
from proscribe.model import (
    Address,
    Entity,
    EntityKind,
    Identifier,
    IdentifierType,
    Link,
    Name,
    NameKind,
)
from proscribe.sources.base import (
    ListFileSet,
    ParsedList,
    clean,
    decode_text,
    parse_xml,
    refuse_if_problems,
    strip_tag,
)
from proscribe.sources.ofac_remarks import parse_remarks
from proscribe.text.countries import country_code

__all__ = ["PARSER", "OfacParser", "CsvNames", "DPRK_PROGRAMMES", "mentions_north_korea"]

#: Programme tags that name the North Korea sanctions ("tag" count in PROVENANCE.md).
DPRK_PROGRAMMES = frozenset({"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"})
_NORTH_KOREA = re.compile(
    r"North Korea|Korea, North|Democratic People's Republic of Korea", re.IGNORECASE
)

_KINDS = {
    None: EntityKind.ORGANIZATION,
    "individual": EntityKind.PERSON,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    "entity": EntityKind.ORGANIZATION,
}
_ALT_KINDS = {"aka": NameKind.ALIAS, "nka": NameKind.ALIAS, "fka": NameKind.FORMER}
_XML_ALT_KINDS = {"a.k.a.": NameKind.ALIAS, "n.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER}
_ENCODINGS = ("utf-8",)  # OFAC publishes ASCII; anything else is refused, never guessed


def mentions_north_korea(text: str | None) -> bool:
    """True when the text names North Korea in any of OFAC's spellings."""
    return bool(text and _NORTH_KOREA.search(text))


@dataclass(frozen=True, slots=True)
class CsvNames:
    """File names of one OFAC CSV set."""

    primary: str
    addresses: str
    aliases: str
    comments: str


SDN_CSV = CsvNames("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")


@dataclass(slots=True)
class _Record:
    """One entry with its facts as OFAC writes them, whichever form it came from."""

    ref: str
    name: str
    sdn_type: str | None
    programmes: list[str]
    first: str | None = None
    last: str | None = None
    title: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    grt: str | None = None
    vessel_flag: str | None = None
    vessel_owner: str | None = None
    remarks: str | None = None  # as written (CSV: with its sdn_comments continuation)
    pieces: list[str] = field(default_factory=list)  # facts the XML states in elements
    aliases: list[tuple[NameKind, str, str | None, str | None]] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)


# ---------------------------------------------------------------- CSV


def _read_csv(
    files: ListFileSet, path: Path, columns: int, problems: list[str]
) -> list[tuple[int, list[str | None]]]:
    """Rows of one OFAC CSV file, cleaned; a row with a wrong shape becomes a problem."""
    text = decode_text(files.read(path), source=files.source, file=path.name, encodings=_ENCODINGS)
    text = text.rstrip("\x1a\r\n")
    rows: list[tuple[int, list[str | None]]] = []
    # OFAC writes one record per line (no line breaks inside fields), so each line is read
    # on its own: a broken line is reported with its number and the rest still checked.
    for line, raw_line in enumerate(text.split("\n"), start=1):
        raw_line = raw_line.rstrip("\r")
        if not raw_line.strip():
            continue
        try:
            raw = next(csv.reader([raw_line], strict=True))
        except csv.Error as exc:
            problems.append(f"{path.name} line {line}: {exc} (row cut short or malformed)")
            continue
        if len(raw) != columns:
            problems.append(
                f"{path.name} line {line}: expected {columns} columns, found {len(raw)}"
                " (row cut short or malformed)"
            )
            continue
        if not raw[0].strip().isdigit():
            problems.append(f"{path.name} line {line}: ent_num is not a number: {raw[0][:40]!r}")
            continue
        rows.append((line, [clean(v) for v in raw]))
    return rows


def _csv_address(row: list[str | None]) -> Address | None:
    street, cityline, country_name = row[2], row[3], row[4]
    if not (street or cityline or country_name):
        return None
    return Address(
        full=", ".join(p for p in (street, cityline, country_name) if p),
        street=street,
        city=cityline,  # OFAC's combined "City, State Postal" as written
        country=country_code(country_name),
        country_name=country_name,
        note=row[5],
    )


def _split_programmes(value: str | None) -> list[str]:
    if not value:
        return []
    return [p.strip() for p in re.split(r"\]\s*\[", value.strip("[] ")) if p.strip()]


def _name_parts(name: str, kind: EntityKind) -> tuple[str | None, str | None]:
    """(first, last) of an individual's 'LAST, First' name; (None, None) otherwise."""
    if kind is not EntityKind.PERSON or "," not in name:
        return None, None
    last, first = name.split(",", 1)
    return clean(first), clean(last)


def _read_csv_set(files: ListFileSet, names: CsvNames) -> tuple[list[_Record], list[str]]:
    primary = files.by_name(names.primary)
    others = [n for n in (names.addresses, names.aliases, names.comments) if files.by_name(n)]
    if primary is None:
        raise IncompleteSourceError(
            f"{names.primary} is missing from this publication"
            + (f" ({', '.join(others)} present)" if others else "")
            + f"; {', '.join(others) or 'the other files'} cannot stand alone and will not"
            f" be joined to {names.primary} from another version",
            source=files.source,
            file=names.primary,
            expected=f"{names.primary} with {names.addresses}, {names.aliases}, {names.comments}",
            found=", ".join(p.name for p in files.paths) or "no files",
        )
    problems: list[str] = []
    warnings: list[str] = []
    records: dict[str, _Record] = {}
    for line, row in _read_csv(files, primary, 12, problems):
        ref = str(row[0])
        sdn_type = row[2].lower() if row[2] else None
        if sdn_type not in _KINDS:
            problems.append(f"{primary.name} line {line}: unknown SDN_Type {row[2]!r}")
            continue
        if not row[1]:
            problems.append(f"{primary.name} line {line}: entry {ref} has no name")
            continue
        if ref in records:
            problems.append(f"{primary.name} line {line}: ent_num {ref} appears twice")
            continue
        records[ref] = _Record(
            ref=ref,
            name=row[1],
            sdn_type=sdn_type,
            programmes=_split_programmes(row[3]),
            title=row[4],
            call_sign=row[5],
            vessel_type=row[6],
            tonnage=row[7],
            grt=row[8],
            vessel_flag=row[9],
            vessel_owner=row[10],
            remarks=row[11],
        )

    def join(file_name: str, columns: int) -> list[tuple[_Record, list[str | None]]]:
        path = files.by_name(file_name)
        if path is None:
            return []
        joined = []
        for line, row in _read_csv(files, path, columns, problems):
            record = records.get(str(row[0]))
            if record is None:
                problems.append(
                    f"{path.name} line {line}: ent_num {row[0]} is not in {names.primary}"
                    " (files from different publications?)"
                )
                continue
            joined.append((record, row))
        return joined

    for record, row in join(names.comments, 2):
        # sdn_comments.csv continues a remark cut at OFAC's column limit, mid-word.
        record.remarks = (record.remarks or "") + (row[1] or "")
    for record, row in join(names.aliases, 5):
        kind = _ALT_KINDS.get((row[2] or "").lower())
        if kind is None or not row[3]:
            problems.append(f"{names.aliases}: alias {row[1]} of {row[0]}: bad type or name")
            continue
        record.aliases.append((kind, row[3], None, None))
    for record, row in join(names.addresses, 6):
        address = _csv_address(row)
        if address is not None:
            record.addresses.append(address)

    refuse_if_problems(problems, source=files.source, file=primary.name)
    missing = {
        names.aliases: "aliases (a.k.a. names)",
        names.addresses: "addresses",
        names.comments: "remark continuations (long remarks may be cut short)",
    }
    lacking = [f"{what} ({n})" for n, what in missing.items() if files.by_name(n) is None]
    if lacking:
        warnings.append(
            f"{names.primary} imported without {len(lacking)} companion file(s) of the set:"
            f" {'; '.join(lacking)} were missing from this publication"
        )
    return list(records.values()), warnings


# ---------------------------------------------------------------- XML


def _child(el: Element, name: str) -> Element | None:
    for sub in el:
        if strip_tag(sub.tag) == name:
            return sub
    return None


def _text(el: Element, name: str) -> str | None:
    sub = _child(el, name)
    return clean(sub.text) if sub is not None else None


def _items(el: Element, list_name: str) -> list[Element]:
    holder = _child(el, list_name)
    return list(holder) if holder is not None else []


def _xml_person_name(last: str | None, first: str | None) -> str | None:
    if last and first:
        return f"{last}, {first}"
    return last or first


def _xml_address(el: Element) -> Address | None:
    street = ", ".join(v for n in ("address1", "address2", "address3") if (v := _text(el, n)))
    city, region, postal = _text(el, "city"), _text(el, "stateOrProvince"), _text(el, "postalCode")
    country_name = _text(el, "country")
    # Written as the CSV writes it: "City, State Postal".
    cityline = ", ".join(v for v in (city, region) if v)
    cityline = " ".join(v for v in (cityline, postal) if v)
    if not (street or cityline or country_name):
        return None
    return Address(
        full=", ".join(p for p in (street, cityline, country_name) if p),
        street=street or None,
        city=cityline or None,
        country=country_code(country_name),
        country_name=country_name,
    )


def _xml_record(entry: Element, index: int, problems: list[str]) -> _Record | None:
    uid = _text(entry, "uid")
    where = f"sdnEntry #{index}" + (f" (uid {uid})" if uid else "")
    if not uid or not uid.isdigit():
        problems.append(f"{where}: missing or non-numeric uid")
        return None
    last, first = _text(entry, "lastName"), _text(entry, "firstName")
    name = _xml_person_name(last, first)
    raw_type = _text(entry, "sdnType")
    sdn_type = raw_type.lower() if raw_type else None
    if sdn_type not in _KINDS or sdn_type is None:
        problems.append(f"{where}: unknown or missing sdnType {raw_type!r}")
        return None
    if not name:
        problems.append(f"{where}: no lastName")
        return None
    record = _Record(
        ref=uid,
        name=name,
        sdn_type=None if sdn_type == "entity" else sdn_type,
        programmes=[p for el in _items(entry, "programList") if (p := clean(el.text))],
        # Parts only when the list splits the name (an individual's first and last names).
        first=first if last and first else None,
        last=last if last and first else None,
        title=_text(entry, "title"),
        remarks=_text(entry, "remarks"),
    )
    vessel = _child(entry, "vesselInfo")
    if vessel is not None:
        record.call_sign = _text(vessel, "callSign")
        record.vessel_type = _text(vessel, "vesselType")
        record.tonnage = _text(vessel, "tonnage")
        record.grt = _text(vessel, "grossRegisteredTonnage")
        record.vessel_flag = _text(vessel, "vesselFlag")
        record.vessel_owner = _text(vessel, "vesselOwner")
    # Facts the CSV writes in Remarks are elements here; rebuild the same remark pieces so
    # both forms go through one remarks parser.
    for el in _items(entry, "idList"):
        id_type, number, id_country = _text(el, "idType"), _text(el, "idNumber"), _text(
            el, "idCountry"
        )
        if id_type and number:
            piece = f"{id_type} {number}" + (f" ({id_country})" if id_country else "")
            for tag, word in (("issueDate", "issued"), ("expirationDate", "expires")):
                if value := _text(el, tag):
                    piece += f" {word} {value}"
            record.pieces.append(piece)
    for list_name, item_name, word in (
        ("dateOfBirthList", "dateOfBirth", "DOB"),
        ("placeOfBirthList", "placeOfBirth", "POB"),
        ("nationalityList", "country", "nationality"),
        ("citizenshipList", "country", "citizen"),
    ):
        for el in _items(entry, list_name):
            if value := _text(el, item_name):
                record.pieces.append(f"{word} {value}")
    for el in _items(entry, "akaList"):
        aka_name = _xml_person_name(_text(el, "lastName"), _text(el, "firstName"))
        aka_type = (_text(el, "type") or "").lower()
        kind = _XML_ALT_KINDS.get(aka_type)
        if not aka_name or kind is None:
            problems.append(f"{where}: aka without a name or with unknown type {aka_type!r}")
            continue
        if (_text(el, "category") or "").lower() == "weak":
            kind = NameKind.WEAK_ALIAS
        aka_first, aka_last = _text(el, "firstName"), _text(el, "lastName")
        if not (aka_first and aka_last):
            aka_first = aka_last = None
        record.aliases.append((kind, aka_name, aka_first, aka_last))
    for el in _items(entry, "addressList"):
        if (address := _xml_address(el)) is not None:
            record.addresses.append(address)
    return record


def _read_xml(files: ListFileSet, path: Path) -> tuple[list[_Record], date | None, list[str]]:
    root = parse_xml(files.read(path), source=files.source, file=path.name)
    if strip_tag(root.tag) != "sdnList":
        refuse_if_problems(
            [f"root element is <{strip_tag(root.tag)}>, expected <sdnList>"],
            source=files.source,
            file=path.name,
        )
    problems: list[str] = []
    warnings: list[str] = []
    published: date | None = None
    stated_count: int | None = None
    info = _child(root, "publshInformation")
    if info is not None:
        if raw := _text(info, "Publish_Date"):
            try:
                published = datetime.strptime(raw, "%m/%d/%Y").date()
            except ValueError:
                problems.append(f"publshInformation/Publish_Date: not MM/DD/YYYY: {raw!r}")
        if (raw := _text(info, "Record_Count")) and raw.isdigit():
            stated_count = int(raw)
    records: dict[str, _Record] = {}
    entries = [el for el in root if strip_tag(el.tag) == "sdnEntry"]
    for index, entry in enumerate(entries, start=1):
        record = _xml_record(entry, index, problems)
        if record is None:
            continue
        if record.ref in records:
            problems.append(f"sdnEntry #{index}: uid {record.ref} appears twice")
            continue
        records[record.ref] = record
    if stated_count is not None and stated_count != len(entries):
        problems.append(
            f"publshInformation/Record_Count says {stated_count} entries, the file holds"
            f" {len(entries)} (truncated or edited file)"
        )
    if published is None:
        warnings.append("the file states no Publish_Date; the folder's date is used")
    refuse_if_problems(problems, source=files.source, file=path.name)
    return list(records.values()), published, warnings


# ---------------------------------------------------------------- entity


def _add_unique(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _entity(source: str, record: _Record) -> Entity:
    kind = _KINDS[record.sdn_type]
    first, last = (record.first, record.last) if record.last else (None, None)
    if first is None and last is None:
        first, last = _name_parts(record.name, kind)
    entity = Entity(source=source, ref=record.ref, kind=kind, programmes=record.programmes)
    entity.names.append(Name(record.name, NameKind.PRIMARY, first=first, last=last))
    facts = parse_remarks("; ".join([*record.pieces, record.remarks or ""]))
    names_seen = {(NameKind.PRIMARY, record.name)}

    def add_name(kind_: NameKind, value: str, first_: str | None, last_: str | None) -> None:
        if (kind_, value) in names_seen:
            return
        names_seen.add((kind_, value))
        if first_ is None and last_ is None:
            first_, last_ = _name_parts(value, kind)
        entity.names.append(Name(value, kind_, first=first_, last=last_))

    for alias_kind, value, alias_first, alias_last in record.aliases:
        add_name(alias_kind, value, alias_first, alias_last)
    for value in facts.weak_aliases:
        add_name(NameKind.WEAK_ALIAS, value, None, None)

    entity.birth_dates = facts.birth_dates
    entity.birth_places = facts.birth_places
    for code in [*facts.nationalities, *facts.citizenships]:
        _add_unique(entity.nationalities, code)
    entity.gender = facts.gender
    if record.title:
        entity.titles.append(record.title)
    keys: set[tuple[str, str | None]] = set()
    if record.call_sign:
        entity.identifiers.append(Identifier(IdentifierType.CALL_SIGN, record.call_sign))
    for ident in [*entity.identifiers, *facts.identifiers]:
        if (ident.key, ident.country) not in keys:
            keys.add((ident.key, ident.country))
            if ident not in entity.identifiers:
                entity.identifiers.append(ident)
    entity.addresses = record.addresses
    entity.links = facts.links
    if record.vessel_owner:
        entity.links.append(Link(relation="owned_by", target_name=record.vessel_owner))

    props: dict[str, list[str]] = {k: list(v) for k, v in facts.properties.items()}
    flag_code = country_code(record.vessel_flag)
    vessel_facts: tuple[tuple[str, str | None], ...] = (
        ("vessel_flag", flag_code or record.vessel_flag),
        ("vessel_flag_name", record.vessel_flag),
        ("vessel_type", record.vessel_type),
        ("vessel_tonnage", record.tonnage),
        ("vessel_grt", record.grt),
        ("vessel_owner", record.vessel_owner),
    )
    for key, fact in vessel_facts:
        if fact:
            props.setdefault(key, []).append(fact)
    if facts.sanctions_info:
        props["sanctions_info"] = facts.sanctions_info
    if facts.unparsed:
        props["remarks_other"] = facts.unparsed
    entity.properties = props

    for country in [flag_code, *facts.countries, *(a.country for a in record.addresses)]:
        _add_unique(entity.countries, country)
    entity.remarks = record.remarks

    tagged = any(p in DPRK_PROGRAMMES for p in record.programmes)
    broad = mentions_north_korea(record.remarks) or mentions_north_korea(record.vessel_flag)
    broad = broad or any(mentions_north_korea(p) for p in record.pieces)
    if tagged or broad:
        entity.regimes.append("dprk")
    return entity


# ---------------------------------------------------------------- parser


@dataclass(frozen=True, slots=True)
class OfacParser:
    """An OFAC list in either of its forms: the CSV set, or the classic XML."""

    source: str
    title: str
    parser_version: str
    csv_names: CsvNames
    xml_name: str

    def parse(self, files: ListFileSet) -> ParsedList:
        xml = files.by_name(self.xml_name)
        warnings: list[str] = []
        if xml is not None:
            records, published, warnings = _read_xml(files, xml)
            date_source = "file"
            if published is None:
                published, date_source = files.folder_date, "folder"
            csv_present = [
                p.name for p in files.paths if p.name.lower().endswith(".csv")
            ]
            if csv_present:
                warnings.append(
                    f"{self.xml_name} imported; {', '.join(csv_present)} in the same folder"
                    " were not read"
                )
        else:
            records, warnings = _read_csv_set(files, self.csv_names)
            published, date_source = files.folder_date, "folder"
            if published is None:
                warnings.append("the CSV files state no date and the folder is not dated")
        entities = [_entity(self.source, record) for record in records]
        return ParsedList(
            source=self.source,
            entities=entities,
            published=published,
            date_source=date_source,
            warnings=warnings,
        )


PARSER = OfacParser(
    source="ofac_sdn",
    title="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    parser_version="ofac-sdn-v1",
    csv_names=SDN_CSV,
    xml_name="sdn.xml",
)
