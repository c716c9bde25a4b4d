"""UN Security Council Consolidated List (XML, `CONSOLIDATED_LIST`).

Official file: https://scsanctions.un.org/resources/xml/en/consolidated.xml, one
`INDIVIDUAL` or `ENTITY` element per listed subject. Everything the XML states is mapped
onto `Entity`; facts the UN only writes in prose (IMO numbers, SWIFT/BIC codes, other
UN references) are read out of COMMENTS1 and aliases with narrow patterns.

Bad records are collected (element path, record number and DATAID) and then the whole
file is refused: a half-imported list is never served.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
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
    parse_xml,
    refuse_if_problems,
)
from proscribe.text.countries import country_code

__all__ = ["PARSER", "UnScParser", "detect_script", "find_imo_numbers", "find_swift_codes"]

SOURCE = "un"
ROOT = "CONSOLIDATED_LIST"

# ------------------------------------------------------------------ shared text helpers
# (eu_fsf imports these: both lists write the same prose conventions.)

_SCRIPTS = (
    ("HANGUL", "Hang"),
    ("CJK", "Hani"),
    ("ARABIC", "Arab"),
    ("CYRILLIC", "Cyrl"),
    ("LATIN", "Latn"),
    ("GREEK", "Grek"),
    ("HEBREW", "Hebr"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Deva"),
    ("HIRAGANA", "Hira"),
    ("KATAKANA", "Kana"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("ETHIOPIC", "Ethi"),
    ("MYANMAR", "Mymr"),
)


def detect_script(text: str) -> str | None:
    """ISO 15924 code of the script most letters of `text` are written in."""
    counts: Counter[str] = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        uname = unicodedata.name(ch, "")
        for prefix, code in _SCRIPTS:
            if uname.startswith(prefix):
                counts[code] += 1
                break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


_IMO = re.compile(
    r"\bIMO\)?(?:\s*(?:number|no\.?|#))?\s*:?\s*(\d{7})\b",
    re.IGNORECASE,
)
_SWIFT = re.compile(
    r"\bSWIFT(?:\s*/\s*BIC)?(?:\s*code)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b",
)


def find_imo_numbers(text: str) -> list[str]:
    """IMO numbers stated in prose: 'IMO Number: 1790183', '(IMO) Number: 1790183'."""
    return _unique(m.group(1) for m in _IMO.finditer(text))


def find_swift_codes(text: str) -> list[str]:
    """SWIFT/BIC codes stated in prose: 'SWIFT: DCBKKPPY', 'SWIFT/BIC: KUDBKPPY'."""
    return _unique(m.group(1) for m in _SWIFT.finditer(text))


#: A UN reference cited in text: KPe.018, QDi.006 (written KPE.018 at times).
UN_REF = re.compile(r"\b([A-Z]{2})([IiEe])\.(\d{3})\b")


def normalize_un_ref(text: str) -> str:
    """'KPE.018' -> 'KPe.018' (the form REFERENCE_NUMBER uses)."""
    m = UN_REF.fullmatch(text.strip())
    if not m:
        return text.strip()
    return f"{m.group(1)}{m.group(2).lower()}.{m.group(3)}"


def cited_refs(text: str | None, own: str) -> list[str]:
    """UN references cited in `text`, other than the record's own."""
    if not text:
        return []
    refs = (normalize_un_ref(m.group(0)) for m in UN_REF.finditer(text))
    return _unique(r for r in refs if r != own)


def check_encoding(data: bytes, *, source: str, file: str) -> None:
    """Refuse bytes that do not match the encoding the XML declaration names.

    Expat would also choke on them, but as 'not well-formed', which hides the real cause.
    """
    head = data[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with BOM: expat decodes and checks it itself
    m = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)[\"']", head.lstrip(b"\xef\xbb\xbf"))
    declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    if declared in {"utf-8", "utf8"}:
        decode_text(data, source=source, file=file, encodings=["utf-8"])


def _unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


def _text(el: Element, tag: str) -> str | None:
    return clean(el.findtext(tag))


def _values(el: Element, tag: str) -> list[str]:
    """Cleaned VALUE children of every `tag` child (NATIONALITY/VALUE, TITLE/VALUE, ...).

    A leading enumeration mark ('a) ', '(b) ') is dropped.
    """
    out: list[str] = []
    for wrapper in el.findall(tag):
        for v in wrapper.findall("VALUE"):
            text = clean(_ENUM_MARK.sub("", (v.text or "").strip()))
            if text and text not in out:
                out.append(text)
    return out


# ---------------------------------------------------------------------------- mapping

_QUALITY = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "": NameKind.ALIAS,
    "low": NameKind.WEAK_ALIAS,
    "f.k.a.": NameKind.FORMER,
}

# 'a) X; Y b) Z' -> X, Y, Z: the UN packs several spellings into one ALIAS_NAME.
_ALIAS_SPLIT = re.compile(r";|(?:^|\s)[a-h]\)\s")
_PAREN_REF = re.compile(r"\s*\(\s*[A-Z]{2}[IiEe]\.\d{3}\s*\)")


_XSD_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")


_LABELLED_NUMBER = re.compile(
    r"^(.*?)\b(?:no\.|number|no(?=\s|:))\s*:?\s*([A-Za-z0-9][A-Za-z0-9./-]*)$", re.IGNORECASE
)
_ENUM_MARK = re.compile(r"^\(?[a-h]\)\s*")


def add_identifier(entity: Entity, ident: Identifier) -> None:
    """Append, merging with a same type/number/country identifier the list repeats."""
    for i, known in enumerate(entity.identifiers):
        if known.key == ident.key and known.country == ident.country:
            notes = [n for n in (known.note, ident.note) if n]
            merged = "; ".join(dict.fromkeys(notes)) or None
            entity.identifiers[i] = replace(known, note=merged)
            return
    entity.identifiers.append(ident)


def _split_alias(value: str) -> list[str]:
    parts = (clean(p) for p in _ALIAS_SPLIT.split(value))
    return [p for p in parts if p]


def _doc_type(*labels: str | None) -> IdentifierType:
    text = " ".join(label.lower() for label in labels if label)
    if "passport" in text or "passeport" in text or "pasaporte" in text:
        return IdentifierType.PASSPORT
    if "social security" in text or "fiscal" in text or "tax" in text:
        return IdentifierType.TAX_ID
    if "identif" in text or "identity" in text or "national number" in text:
        return IdentifierType.NATIONAL_ID
    return IdentifierType.OTHER


def regime_for(list_type: str) -> str:
    """Normalised regime id of a UN_LIST_TYPE: 'DPRK' -> 'dprk', 'Al-Qaida' -> 'al-qaida'."""
    return list_type.strip().lower().replace(" ", "-")


class _Record:
    """Maps one INDIVIDUAL / ENTITY element; collects its problems instead of raising."""

    def __init__(self, el: Element, kind: EntityKind, location: str) -> None:
        self.el = el
        self.kind = kind
        self.location = location
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, reason: str) -> None:
        self.problems.append(f"{self.location}: {reason}")

    def build(self) -> Entity | None:
        el = self.el
        ref = _text(el, "REFERENCE_NUMBER")
        if ref is None:
            self.problem("missing REFERENCE_NUMBER")
        entity = Entity(source=SOURCE, ref=ref or "", kind=self.kind)
        self._names(entity)
        if not entity.names:
            self.problem("no name (FIRST_NAME..FOURTH_NAME all empty)")
        if self.problems:
            return None
        entity.identifiers.append(Identifier(IdentifierType.UN_REF, entity.ref))

        list_type = _text(el, "UN_LIST_TYPE")
        if list_type:
            entity.programmes.append(list_type)
            entity.regimes.append(regime_for(list_type))
        listed = _text(el, "LISTED_ON")
        if listed:
            entity.listed_on = self._date(listed, "LISTED_ON")
        entity.remarks = _text(el, "COMMENTS1")
        gender = _text(el, "GENDER")
        if gender:
            entity.gender = gender.lower() if gender.lower() in {"male", "female"} else None
        entity.titles = _values(el, "TITLE")
        entity.positions = _values(el, "DESIGNATION")
        for nat in _values(el, "NATIONALITY"):
            code = country_code(nat)
            if code is None:
                self.warnings.append(f"{self.location}: unknown nationality {nat!r}")
            elif code not in entity.nationalities:
                entity.nationalities.append(code)

        self._aliases(entity)
        self._birth_dates(entity)
        self._birth_places(entity)
        self._documents(entity)
        self._addresses(entity)
        self._prose_facts(entity)
        if self.problems:
            return None
        return entity

    # -------------------------------------------------------------- pieces

    def _date(self, value: str, field: str) -> date | None:
        # xsd:date may carry a zone ("2015-04-07-04:00"); the day is what the list means.
        m = _XSD_DATE.fullmatch(value)
        try:
            return date.fromisoformat(m.group(1)) if m else date.fromisoformat(value)
        except ValueError:
            self.problem(f"{field} is not a date: expected YYYY-MM-DD, found {value!r}")
            return None

    def _names(self, entity: Entity) -> None:
        parts = [
            p
            for p in (
                _text(self.el, t)
                for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            )
            if p
        ]
        if not parts:
            return
        whole = " ".join(parts)
        script = detect_script(whole)
        if self.kind is EntityKind.PERSON and len(parts) > 1:
            # The UN does not say which part is the family name (DPRK entries lead with it),
            # so the parts are kept in list order: first, middle(s), last.
            entity.names.append(
                Name(
                    whole,
                    NameKind.PRIMARY,
                    script=script,
                    first=parts[0],
                    middle=" ".join(parts[1:-1]) or None,
                    last=parts[-1],
                )
            )
        else:
            entity.names.append(Name(whole, NameKind.PRIMARY, script=script))
        original = _text(self.el, "NAME_ORIGINAL_SCRIPT")
        if original:
            entity.names.append(
                Name(original, NameKind.ORIGINAL_SCRIPT, script=detect_script(original))
            )

    def _aliases(self, entity: Entity) -> None:
        tag = "INDIVIDUAL_ALIAS" if self.kind is EntityKind.PERSON else "ENTITY_ALIAS"
        for alias in self.el.findall(tag):
            raw = _text(alias, "ALIAS_NAME")
            if raw is None:
                continue
            quality = (_text(alias, "QUALITY") or "").lower()
            kind = _QUALITY.get(quality)
            if kind is None:
                self.warnings.append(f"{self.location}: unknown alias QUALITY {quality!r}")
                kind = NameKind.ALIAS
            for ref in cited_refs(raw, entity.ref):
                entity.links.append(Link("linked_to", ref, target_ref=ref, note=raw))
            for value in _split_alias(_PAREN_REF.sub("", raw)):
                name = Name(value, kind, script=detect_script(value))
                if name not in entity.names:
                    entity.names.append(name)
            dob = _text(alias, "DATE_OF_BIRTH")
            if dob:
                fd = self._fuzzy(dob, note=f"with alias {raw}")
                if fd:
                    entity.birth_dates.append(fd)
            city = _text(alias, "CITY_OF_BIRTH")
            country = _text(alias, "COUNTRY_OF_BIRTH")
            if city or country:
                value = ", ".join(p for p in (city, country) if p)
                entity.birth_places.append(Place(value, country_code(country)))

    def _fuzzy(self, value: str, note: str | None = None) -> FuzzyDate | None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            if self._date(value, "DATE_OF_BIRTH") is None:
                return None
            return FuzzyDate(value, DateKind.EXACT, note=note)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return FuzzyDate(value, DateKind.MONTH, note=note)
        if re.fullmatch(r"\d{4}", value):
            return FuzzyDate(value, DateKind.YEAR, note=note)
        self.problem(f"date of birth: expected YYYY, YYYY-MM or YYYY-MM-DD, found {value!r}")
        return None

    def _birth_dates(self, entity: Entity) -> None:
        for dob in self.el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            kind = (_text(dob, "TYPE_OF_DATE") or "").upper()
            note = _text(dob, "NOTE")
            value = _text(dob, "DATE") or _text(dob, "YEAR")
            if kind == "BETWEEN":
                start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
                if not (start and end and start.isdigit() and end.isdigit()):
                    self.problem(
                        f"INDIVIDUAL_DATE_OF_BIRTH BETWEEN needs FROM_YEAR and TO_YEAR, "
                        f"found {start!r}..{end!r}"
                    )
                    continue
                entity.birth_dates.append(FuzzyDate(start, DateKind.RANGE, end=end, note=note))
            elif kind == "APPROXIMATELY":
                if value is None:
                    continue  # only a NOTE: nothing to compare
                fd = self._fuzzy(value)
                if fd is not None:
                    extra = f"approximately {value}" if fd.kind is not DateKind.YEAR else None
                    joined = "; ".join(p for p in (extra, note) if p) or None
                    entity.birth_dates.append(
                        FuzzyDate(value[:4], DateKind.APPROXIMATE, note=joined)
                    )
            elif kind in {"EXACT", ""}:
                if value is None:
                    continue
                fd = self._fuzzy(value, note)
                if fd is not None:
                    entity.birth_dates.append(fd)
            else:
                self.problem(f"unknown TYPE_OF_DATE {kind!r}")

    def _birth_places(self, entity: Entity) -> None:
        for pob in self.el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
            country = _text(pob, "COUNTRY")
            parts = [_text(pob, t) for t in ("STREET", "CITY", "STATE_PROVINCE")] + [country]
            value = ", ".join(p for p in parts if p)
            if value:
                place = Place(value, country_code(country))
                if place not in entity.birth_places:
                    entity.birth_places.append(place)

    def _documents(self, entity: Entity) -> None:
        for doc in self.el.findall("INDIVIDUAL_DOCUMENT"):
            number = _text(doc, "NUMBER")
            label = _text(doc, "TYPE_OF_DOCUMENT")
            label2 = _text(doc, "TYPE_OF_DOCUMENT2")
            note_parts = [
                label2,
                _text(doc, "NOTE"),
                f"issued {_text(doc, 'DATE_OF_ISSUE')}" if _text(doc, "DATE_OF_ISSUE") else None,
                f"in {_text(doc, 'CITY_OF_ISSUE')}" if _text(doc, "CITY_OF_ISSUE") else None,
            ]
            note = "; ".join(p for p in note_parts if p) or None
            if number is None:
                if note or label:
                    text = ": ".join(p for p in (label, note) if p)
                    entity.properties.setdefault("document_note", []).append(text)
                continue
            labelled = _LABELLED_NUMBER.match(number)
            if labelled:  # 'Provisional passport No.: 28642163'
                note = "; ".join(p for p in (clean(labelled.group(1)), note) if p) or None
                number = labelled.group(2)
            country_name = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
            add_identifier(
                entity,
                Identifier(_doc_type(label, label2), number, country_code(country_name), note),
            )

    def _addresses(self, entity: Entity) -> None:
        tag = "INDIVIDUAL_ADDRESS" if self.kind is EntityKind.PERSON else "ENTITY_ADDRESS"
        for adr in self.el.findall(tag):
            street, city = _text(adr, "STREET"), _text(adr, "CITY")
            region, postal = _text(adr, "STATE_PROVINCE"), _text(adr, "ZIP_CODE")
            country_name, note = _text(adr, "COUNTRY"), _text(adr, "NOTE")
            full = ", ".join(p for p in (street, city, region, postal, country_name) if p)
            if not full and not note:
                continue
            code = country_code(country_name)
            entity.addresses.append(
                Address(
                    full=full or None,
                    street=street,
                    city=city,
                    region=region,
                    postal_code=postal,
                    country=code,
                    country_name=country_name,
                    note=note,
                )
            )
            if code and code not in entity.countries:
                entity.countries.append(code)

    def _prose_facts(self, entity: Entity) -> None:
        text = entity.remarks or ""
        for imo in find_imo_numbers(text):
            add_identifier(entity, Identifier(IdentifierType.IMO, imo, note="from COMMENTS1"))
        for bic in find_swift_codes(text):
            add_identifier(
                entity, Identifier(IdentifierType.SWIFT_BIC, bic, note="from COMMENTS1")
            )
        linked = {link.target_ref for link in entity.links}
        cited = [(ref, "COMMENTS1") for ref in cited_refs(text, entity.ref)]
        for position in entity.positions:
            cited += [(ref, "DESIGNATION") for ref in cited_refs(position, entity.ref)]
        for ref, where in cited:
            if ref not in linked:
                link = Link("linked_to", ref, target_ref=ref, note=f"cited in {where}")
                entity.links.append(link)
                linked.add(ref)


def resolve_link_names(entities: list[Entity]) -> None:
    """Give each Link the primary name of the listed subject its ref names, when listed."""
    names = {e.ref: e.primary_name for e in entities}
    for entity in entities:
        entity.links = [
            replace(link, target_name=names[link.target_ref])
            if link.target_ref in names
            else link
            for link in entity.links
        ]


def _published(root: Element, files: ListFileSet, warnings: list[str]) -> tuple[date | None, str]:
    stamp = (root.get("dateGenerated") or "").strip()
    if stamp:
        try:
            return date.fromisoformat(stamp[:10]), "file"
        except ValueError:
            warnings.append(f"dateGenerated is not a date: {stamp!r}")
    return files.folder_date, "folder"


def pick_xml(files: ListFileSet, preferred: str) -> Path:
    """The list's XML file: `preferred` by name, else the only .xml file of the set."""
    path = files.by_name(preferred)
    if path is not None:
        return path
    xmls = [p for p in files.paths if p.suffix.lower() == ".xml"]
    if len(xmls) == 1:
        return xmls[0]
    raise ParseError(
        "cannot tell which file is the list",
        source=files.source,
        file=", ".join(str(p) for p in files.paths) or None,
        expected=f"{preferred} or exactly one .xml file",
        found=f"{len(xmls)} .xml file(s)",
    )


class UnScParser:
    source = SOURCE
    title = "UN Security Council Consolidated List"
    parser_version = "un_sc-1"

    def parse(self, files: ListFileSet) -> ParsedList:
        path = pick_xml(files, "consolidated.xml")
        file = str(path)
        data = files.read(path)
        check_encoding(data, source=SOURCE, file=file)
        root = parse_xml(data, source=SOURCE, file=file)
        if root.tag != ROOT:
            raise ParseError(
                "not a UN Consolidated List file",
                source=SOURCE,
                file=file,
                location="root element",
                expected=ROOT,
                found=root.tag,
            )
        problems: list[str] = []
        warnings: list[str] = []
        entities: list[Entity] = []
        seen: dict[str, str] = {}
        for group, tag, kind in (
            ("INDIVIDUALS", "INDIVIDUAL", EntityKind.PERSON),
            ("ENTITIES", "ENTITY", EntityKind.ORGANIZATION),
        ):
            for number, el in enumerate(root.iterfind(f"{group}/{tag}"), start=1):
                dataid = _text(el, "DATAID")
                location = f"{ROOT}/{group}/{tag}[{number}]" + (
                    f" (DATAID {dataid})" if dataid else ""
                )
                record = _Record(el, kind, location)
                entity = record.build()
                problems += record.problems
                warnings += record.warnings
                if entity is None:
                    continue
                if entity.ref in seen:
                    where = seen[entity.ref]
                    problems.append(
                        f"{location}: REFERENCE_NUMBER {entity.ref} already used at {where}"
                    )
                    continue
                seen[entity.ref] = location
                entities.append(entity)
        if not entities and not problems:
            problems.append(f"{ROOT}: no INDIVIDUAL or ENTITY records")
        refuse_if_problems(problems, source=SOURCE, file=file)
        resolve_link_names(entities)
        published, date_source = _published(root, files, warnings)
        return ParsedList(SOURCE, entities, published, date_source, warnings)


PARSER = UnScParser()
