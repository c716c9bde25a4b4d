"""EU Financial Sanctions Files (FSF), XML format 1.1 (`export` / `sanctionEntity`).

Official file: https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/
content. Everything sits in attributes of children of `sanctionEntity`: `regulation`,
`subjectType`, `nameAlias`, `citizenship`, `birthdate`, `identification`, `address`
(with `contactInfo`), plus free-text `remark` elements.

The EU logicalId is the entity's ref; `unitedNationId` becomes an Identifier(UN_REF), the
key that links an EU entry to its UN listing. Bad records are collected and then the whole
file is refused, as for every list.
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element

from proscribe.errors import ParseError
from proscribe.model import (
    Address,
    DateKind,
    Entity,
    EntityKind,
    FuzzyDate,
    Identifier,
    IdentifierType,
    Name,
    NameKind,
    Place,
)
from proscribe.sources.base import (
    ListFileSet,
    ParsedList,
    clean,
    parse_xml,
    refuse_if_problems,
    strip_tag,
)
from proscribe.sources.un_sc import (
    UN_REF,
    check_encoding,
    detect_script,
    find_imo_numbers,
    find_swift_codes,
    normalize_un_ref,
    pick_xml,
)
from proscribe.text.countries import country_code

__all__ = ["PARSER", "EuFsfParser", "NAMESPACE"]

SOURCE = "eu"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
ROOT = "export"

_SUBJECT_TYPES = {
    "person": EntityKind.PERSON,
    "enterprise": EntityKind.ORGANIZATION,
}

_ID_TYPES = {
    "passport": IdentifierType.PASSPORT,
    "nationalpass": IdentifierType.PASSPORT,
    "travel": IdentifierType.PASSPORT,
    "id": IdentifierType.NATIONAL_ID,
    "ssn": IdentifierType.NATIONAL_ID,
    "regnumber": IdentifierType.REGISTRATION,
    "tradelicence": IdentifierType.REGISTRATION,
    "fiscalcode": IdentifierType.TAX_ID,
    "swiftbic": IdentifierType.SWIFT_BIC,
    "imo": IdentifierType.IMO,
    "mmsi": IdentifierType.MMSI,
}

_CONTACT_TYPES = {
    "phone": IdentifierType.PHONE,
    "fax": IdentifierType.PHONE,
    "email": IdentifierType.EMAIL,
    "web": IdentifierType.WEBSITE,
    "website": IdentifierType.WEBSITE,
}

_GENDERS = {"m": "male", "f": "female"}


def _attr(el: Element, name: str) -> str | None:
    return clean(el.get(name))


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes"}


def _country(el: Element) -> tuple[str | None, str | None]:
    """ISO2 (lower case) and the description as written; '00' means unknown."""
    description = _attr(el, "countryDescription")
    if description and description.upper() == "UNKNOWN":
        description = None
    code = (_attr(el, "countryIso2Code") or "").lower()
    if len(code) != 2 or not code.isalpha():
        code = country_code(description) or ""
    return code or None, description


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if strip_tag(c.tag) == name]


def _remarks(el: Element) -> list[str]:
    return [r for r in (clean(c.text) for c in _children(el, "remark")) if r]


def regime_for(programme: str) -> str:
    """Normalised regime id of an EU programme code: 'PRK' -> 'dprk', others lower-cased."""
    code = programme.strip().upper()
    return "dprk" if code == "PRK" else code.lower()


class _Record:
    def __init__(self, el: Element, location: str) -> None:
        self.el = el
        self.location = location
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, reason: str) -> None:
        self.problems.append(f"{self.location}: {reason}")

    def build(self) -> Entity | None:
        el = self.el
        ref = _attr(el, "logicalId")
        if ref is None:
            self.problem("missing logicalId")
        subject = next(iter(_children(el, "subjectType")), None)
        code = (_attr(subject, "code") or "").lower() if subject is not None else ""
        kind = _SUBJECT_TYPES.get(code)
        if kind is None:
            self.problem(f"subjectType code: expected person or enterprise, found {code!r}")
        entity = Entity(source=SOURCE, ref=ref or "", kind=kind or EntityKind.ORGANIZATION)
        self._names(entity)
        if not entity.names:
            self.problem("no nameAlias with a name")
        if self.problems:
            return None

        un_ids = _attr(el, "unitedNationId")
        if un_ids:
            for m in UN_REF.finditer(un_ids):
                entity.identifiers.append(
                    Identifier(IdentifierType.UN_REF, normalize_un_ref(m.group(0)))
                )
            if not UN_REF.search(un_ids):
                self.warnings.append(f"{self.location}: unitedNationId {un_ids!r} is no UN ref")
        eu_ref = _attr(el, "euReferenceNumber")
        if eu_ref:
            entity.properties["eu_reference_number"] = [eu_ref]
        remarks = _remarks(el)
        entity.remarks = "\n".join(remarks) or None
        self._regulations(entity)
        designated = _attr(el, "designationDate")
        if designated:
            entity.listed_on = self._date(designated, "designationDate")
        elif entity.properties.get("publication_date"):
            first = min(entity.properties["publication_date"])
            entity.listed_on = self._date(first, "publicationDate")
        self._citizenships(entity)
        self._birthdates(entity)
        self._identifications(entity)
        self._addresses(entity)
        self._prose_facts(entity)
        if self.problems:
            return None
        return entity

    def _date(self, value: str, field: str) -> date | None:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.problem(f"{field}: expected YYYY-MM-DD, found {value!r}")
            return None

    def _regulations(self, entity: Entity) -> None:
        for reg in _children(self.el, "regulation"):
            programme = _attr(reg, "programme")
            if programme and programme not in entity.programmes:
                entity.programmes.append(programme)
                regime = regime_for(programme)
                if regime not in entity.regimes:
                    entity.regimes.append(regime)
            for key, prop in (
                ("numberTitle", "regulation"),
                ("publicationDate", "publication_date"),
            ):
                value = _attr(reg, key)
                if value and value not in entity.properties.get(prop, []):
                    entity.properties.setdefault(prop, []).append(value)

    def _names(self, entity: Entity) -> None:
        for number, alias in enumerate(_children(self.el, "nameAlias")):
            first, middle = _attr(alias, "firstName"), _attr(alias, "middleName")
            last = _attr(alias, "lastName")
            whole = _attr(alias, "wholeName") or " ".join(p for p in (first, middle, last) if p)
            if not whole:
                continue
            if not entity.names:
                kind = NameKind.PRIMARY
            elif _is_true(alias.get("strong")) or alias.get("strong") is None:
                kind = NameKind.ALIAS
            else:
                kind = NameKind.WEAK_ALIAS
            script = detect_script(whole)
            lang = (_attr(alias, "nameLanguage") or "").lower() or None
            name = Name(
                whole, kind, script=script, lang=lang, first=first, middle=middle, last=last
            )
            if any(n.value == whole and n.kind is kind for n in entity.names):
                continue
            entity.names.append(name)
            if number == 0 or entity.gender is None:
                gender = _GENDERS.get((_attr(alias, "gender") or "").lower())
                entity.gender = entity.gender or gender
            for attr, target in (("title", entity.titles), ("function", entity.positions)):
                value = _attr(alias, attr)
                if value and value not in target:
                    target.append(value)

    def _citizenships(self, entity: Entity) -> None:
        for cit in _children(self.el, "citizenship"):
            code, description = _country(cit)
            if code and code not in entity.nationalities:
                entity.nationalities.append(code)
            elif code is None and description:
                self.warnings.append(f"{self.location}: unknown citizenship {description!r}")

    def _birthdates(self, entity: Entity) -> None:
        for birth in _children(self.el, "birthdate"):
            full, year = _attr(birth, "birthdate"), _attr(birth, "year")
            month = _attr(birth, "monthOfYear")
            start, end = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
            circa = _is_true(birth.get("circa"))
            fd: FuzzyDate | None = None
            if full:
                if self._date(full, "birthdate") is None:
                    continue
                fd = FuzzyDate(full[:10], DateKind.EXACT)
            elif start and end:
                if not (start.isdigit() and end.isdigit()):
                    self.problem(f"birthdate year range: found {start!r}..{end!r}")
                    continue
                fd = FuzzyDate(start, DateKind.RANGE, end=end)
            elif year:
                if not year.isdigit() or len(year) != 4:
                    self.problem(f"birthdate year: expected YYYY, found {year!r}")
                    continue
                if month and month.isdigit():
                    fd = FuzzyDate(f"{year}-{int(month):02d}", DateKind.MONTH)
                else:
                    fd = FuzzyDate(year, DateKind.YEAR)
            if fd is not None:
                if circa:
                    fd = FuzzyDate(
                        fd.value[:4], DateKind.APPROXIMATE, end=fd.end, note=f"circa {fd.value}"
                    )
                if fd not in entity.birth_dates:
                    entity.birth_dates.append(fd)
            code, description = _country(birth)
            parts = [_attr(birth, k) for k in ("place", "city", "region")] + [description]
            value = ", ".join(p for p in parts if p)
            if value:
                place = Place(value, code)
                if place not in entity.birth_places:
                    entity.birth_places.append(place)

    def _identifications(self, entity: Entity) -> None:
        for ident in _children(self.el, "identification"):
            number = _attr(ident, "number") or _attr(ident, "latinNumber")
            if number is None:
                continue
            type_code = (_attr(ident, "identificationTypeCode") or "").lower()
            id_type = _ID_TYPES.get(type_code, IdentifierType.OTHER)
            code, _ = _country(ident)
            flags = [k for k in ("diplomatic", "knownExpired", "knownFalse", "reportedLost",
                                 "revokedByIssuer") if _is_true(ident.get(k))]
            note_parts = [_attr(ident, "identificationTypeDescription"), *flags, *_remarks(ident)]
            note = "; ".join(p for p in note_parts if p) or None
            identifier = Identifier(id_type, number, code, note)
            if identifier not in entity.identifiers:
                entity.identifiers.append(identifier)

    def _addresses(self, entity: Entity) -> None:
        for adr in _children(self.el, "address"):
            street, city = _attr(adr, "street"), _attr(adr, "city")
            region, postal = _attr(adr, "region"), _attr(adr, "zipCode")
            place, po_box = _attr(adr, "place"), _attr(adr, "poBox")
            code, description = _country(adr)
            if po_box:
                street = ", ".join(p for p in (street, f"PO Box {po_box}") if p)
            parts = (street, place, city, region, postal, description)
            full = ", ".join(p for p in parts if p)
            note = "; ".join(_remarks(adr)) or None
            if full or note:
                entity.addresses.append(
                    Address(
                        full=full or None,
                        street=street,
                        city=city,
                        region=region,
                        postal_code=postal,
                        country=code,
                        country_name=description,
                        note=note,
                    )
                )
            if code and code not in entity.countries:
                entity.countries.append(code)
            for contact in _children(adr, "contactInfo"):
                id_type = _CONTACT_TYPES.get((_attr(contact, "key") or "").lower())
                value = _attr(contact, "value")
                if id_type and value:
                    for part in (clean(v) for v in value.replace(";", ",").split(",")):
                        if part:
                            entity.identifiers.append(Identifier(id_type, part))

    def _prose_facts(self, entity: Entity) -> None:
        text = entity.remarks or ""
        have = {i.key for i in entity.identifiers}
        for id_type, values in (
            (IdentifierType.IMO, find_imo_numbers(text)),
            (IdentifierType.SWIFT_BIC, find_swift_codes(text)),
        ):
            for value in values:
                identifier = Identifier(id_type, value, note="from remark")
                if identifier.key not in have:
                    entity.identifiers.append(identifier)
                    have.add(identifier.key)


class EuFsfParser:
    source = SOURCE
    title = "EU Financial Sanctions Files (consolidated list)"
    parser_version = "eu_fsf-1"

    def parse(self, files: ListFileSet) -> ParsedList:
        path = pick_xml(files, "content.xml")
        file = str(path)
        data = files.read(path)
        check_encoding(data, source=SOURCE, file=file)
        root = parse_xml(data, source=SOURCE, file=file)
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else None
        if strip_tag(root.tag) != ROOT or namespace not in {NAMESPACE, None}:
            raise ParseError(
                "not an EU Financial Sanctions Files export",
                source=SOURCE,
                file=file,
                location="root element",
                expected=f"{{{NAMESPACE}}}{ROOT}",
                found=root.tag,
            )
        problems: list[str] = []
        warnings: list[str] = []
        entities: list[Entity] = []
        seen: dict[str, str] = {}
        for number, el in enumerate(_children(root, "sanctionEntity"), start=1):
            logical = _attr(el, "logicalId")
            location = f"export/sanctionEntity[{number}]" + (
                f" (logicalId {logical})" if logical else ""
            )
            record = _Record(el, location)
            entity = record.build()
            problems += record.problems
            warnings += record.warnings
            if entity is None:
                continue
            if entity.ref in seen:
                where = seen[entity.ref]
                problems.append(f"{location}: logicalId {entity.ref} already used at {where}")
                continue
            seen[entity.ref] = location
            entities.append(entity)
        if not entities and not problems:
            problems.append("export: no sanctionEntity records")
        refuse_if_problems(problems, source=SOURCE, file=file)

        stamp = (root.get("generationDate") or "").strip()
        published, date_source = files.folder_date, "folder"
        if stamp:
            try:
                published, date_source = date.fromisoformat(stamp[:10]), "file"
            except ValueError:
                warnings.append(f"generationDate is not a date: {stamp!r}")
        return ParsedList(SOURCE, entities, published, date_source, warnings)


PARSER = EuFsfParser()
