"""EU Financial Sanctions Files (FSF 1.1 XML) parser.

No official file is at hand, so `eu/eu_fsf_prk.xml` is hand-written in the published format
(namespace, attribute names, regulationSummary/remark/contactInfo children). Its UN-listed
entries carry the facts of their UN records; the UKR person (logicalId 139012) is fictional.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proscribe.errors import ParseError
from proscribe.model import DateKind, Entity, EntityKind, FuzzyDate, IdentifierType, NameKind, Place
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.eu_fsf import PARSER

FIXTURE = Path(__file__).parent / "fixtures" / "eu" / "eu_fsf_prk.xml"
GOOD = FIXTURE.read_bytes()


def parse_bytes(tmp_path: Path, data: bytes, folder_date: date | None = None) -> ParsedList:
    path = tmp_path / "content.xml"
    path.write_bytes(data)
    return PARSER.parse(ListFileSet("eu", [path], folder_date=folder_date))


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    return PARSER.parse(ListFileSet("eu", [FIXTURE], folder_date=date(2026, 2, 27)))


@pytest.fixture(scope="module")
def by_ref(parsed: ParsedList) -> dict[str, Entity]:
    return {e.ref: e for e in parsed.entities}


def test_parser_interface() -> None:
    assert (PARSER.source, PARSER.parser_version) == ("eu", "eu_fsf-1")
    assert PARSER.title


def test_fixture_counts_and_published(parsed: ParsedList) -> None:
    assert parsed.published == date(2026, 2, 26)
    assert parsed.date_source == "file"
    assert [e.ref for e in parsed.entities] == ["110934", "16201", "15812", "17011", "139012"]
    assert [e.is_dprk for e in parsed.entities] == [True, True, True, True, False]
    assert parsed.warnings == []


def _ids(kind: IdentifierType) -> Callable[[Entity], list[tuple[str, str | None]]]:
    return lambda e: [(i.value, i.country) for i in e.identifiers if i.type is kind]


FIELDS: dict[str, Callable[[Entity], Any]] = {
    "kind": lambda e: e.kind,
    "names": lambda e: [(n.value, n.kind, n.script, n.lang) for n in e.names],
    "name parts": lambda e: [(n.first, n.middle, n.last) for n in e.names],
    "birth dates": lambda e: e.birth_dates,
    "birth places": lambda e: e.birth_places,
    "nationalities": lambda e: e.nationalities,
    "gender": lambda e: e.gender,
    "titles": lambda e: e.titles,
    "positions": lambda e: e.positions,
    "un refs": _ids(IdentifierType.UN_REF),
    "passports": _ids(IdentifierType.PASSPORT),
    "swift": _ids(IdentifierType.SWIFT_BIC),
    "imo": _ids(IdentifierType.IMO),
    "phones": _ids(IdentifierType.PHONE),
    "emails": _ids(IdentifierType.EMAIL),
    "addresses": lambda e: [(a.street, a.city, a.country) for a in e.addresses],
    "programmes": lambda e: e.programmes,
    "regimes": lambda e: e.regimes,
    "listed on": lambda e: e.listed_on,
    "eu reference": lambda e: e.properties.get("eu_reference_number"),
    "regulation": lambda e: e.properties.get("regulation"),
}

P, A, W = NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK_ALIAS

CASES: list[tuple[str, str, Any]] = [
    # logicalId, field, expected
    ("110934", "kind", EntityKind.PERSON),
    ("110934", "names", [("RI Won Ho", P, "Latn", None), ("리원호", A, "Hang", "ko")]),
    ("110934", "name parts", [("Won Ho", None, "Ri"), (None, None, None)]),
    ("110934", "un refs", [("KPi.033", None)]),
    ("110934", "birth dates", [FuzzyDate("1964-07-17", DateKind.EXACT)]),
    ("110934", "birth places", []),  # countryIso2Code 00 / UNKNOWN and no city
    ("110934", "passports", [("381310014", "kp")]),
    ("110934", "nationalities", ["kp"]),
    ("110934", "gender", "male"),
    ("110934", "positions", ["DPRK Ministry of State Security Official"]),
    ("110934", "programmes", ["PRK"]),
    ("110934", "regimes", ["dprk"]),
    ("110934", "listed on", date(2016, 12, 2)),
    ("110934", "eu reference", ["EU.4064.44"]),
    ("110934", "regulation", ["2016/2141 (OJ L332)"]),
    ("16201", "kind", EntityKind.ORGANIZATION),
    ("16201", "names", [
        ("Daedong Credit Bank", P, "Latn", None), ("DCB", W, "Latn", None),
        ("Taedong Credit Bank", A, "Latn", None),
    ]),
    ("16201", "swift", [("DCBK KPPY", "kp")]),
    ("16201", "un refs", [("KPe.023", None)]),
    ("16201", "phones", [("+850 2 381 8100", None)]),
    ("16201", "emails", [("info@daedongcreditbank.com", None)]),
    ("16201", "addresses", [
        ("Suite 401, Potonggang Hotel, Ansan-Dong, Pyongchon District", "Pyongyang", "kp"),
    ]),
    ("15812", "un refs", []),  # EU-autonomous listing
    ("15812", "birth dates", [
        FuzzyDate("1966", DateKind.APPROXIMATE, note="circa 1966"),
        FuzzyDate("1968", DateKind.RANGE, end="1970"),
    ]),
    ("15812", "birth places", [
        Place("Pyongyang, NORTH KOREA (DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA)", "kp"),
    ]),
    ("15812", "names", [("KIM Chol Jin", P, "Latn", None), ("Kim Chul Jin", W, "Latn", None)]),
    ("15812", "titles", ["Mr"]),
    ("15812", "positions", ["Director"]),
    ("15812", "passports", [("PD745106205", "kp")]),
    # IMO from the identification; the same number in the remark is not added twice
    ("17011", "imo", [("1790183", None)]),
    ("17011", "addresses", [("Donghung Dong, Central District, PO Box 120", "Pyongyang", "kp")]),
    ("139012", "names", [
        ("Ivan Petrovich SIDOROV", P, "Latn", None),
        ("Иван Петрович СИДОРОВ", A, "Cyrl", "ru"),
    ]),
    ("139012", "name parts", [("Ivan", "Petrovich", "Sidorov"), ("Иван", "Петрович", "Сидоров")]),
    ("139012", "programmes", ["UKR"]),
    ("139012", "regimes", ["ukr"]),
    ("139012", "nationalities", ["ru"]),
    ("139012", "birth places", [Place("Kursk, RUSSIAN FEDERATION", "ru")]),
]


@pytest.mark.parametrize(("ref", "field", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_mapping(by_ref: dict[str, Entity], ref: str, field: str, expected: Any) -> None:
    assert FIELDS[field](by_ref[ref]) == expected


def test_identification_flags_and_remarks_in_note(by_ref: dict[str, Entity]) -> None:
    passport = next(i for i in by_ref["15812"].identifiers if i.type is IdentifierType.PASSPORT)
    assert passport.note == "National passport; diplomatic; valid until 2026"


def test_entities_round_trip_through_dict(by_ref: dict[str, Entity]) -> None:
    for entity in by_ref.values():
        assert Entity.from_dict(entity.to_dict()) == entity


def test_published_falls_back_to_folder_date(tmp_path: Path) -> None:
    data = GOOD.replace(b' generationDate="2026-02-26T17:03:14.512+01:00"', b"")
    parsed = parse_bytes(tmp_path, data, folder_date=date(2026, 2, 27))
    assert (parsed.published, parsed.date_source) == (date(2026, 2, 27), "folder")


# ------------------------------------------------------------------------ bad input

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE export [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="1">
<nameAlias wholeName="&xxe;"/></sanctionEntity></export>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE export [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="1">
<nameAlias wholeName="&lol2;"/></sanctionEntity></export>"""

BAD: list[tuple[str, bytes, str, str]] = [
    ("truncated", GOOD[: len(GOOD) // 2], "malformed or truncated", "line "),
    ("malformed", b'<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity></export>',
     "malformed", "line 1"),
    ("xxe", XXE, "hostile XML", ""),
    ("billion laughs", LAUGHS, "hostile XML", ""),
    ("latin-1 bytes declared utf-8", GOOD.replace("Иван".encode(), "Ivàn".encode("latin-1")),
     "not in an expected encoding", ""),
    ("wrong root", b"<CONSOLIDATED_LIST/>", "not an EU", "root element"),
    ("wrong namespace", b'<export xmlns="urn:other"/>', "not an EU", "root element"),
    ("missing logicalId", GOOD.replace(b'logicalId="16201" ', b""),
     "1 bad record", "export/sanctionEntity[2]: missing logicalId"),
    ("missing names",
     GOOD.replace(b'wholeName="Ocean Maritime Management Company, Limited (OMM)"', b'wholeName=""'),
     "1 bad record", "export/sanctionEntity[4] (logicalId 17011): no nameAlias"),
    ("unknown subject type", GOOD.replace(b'code="enterprise"', b'code="vessel"'),
     "2 bad record", "sanctionEntity[2] (logicalId 16201): subjectType code"),
    ("bad birth date", GOOD.replace(b'birthdate="1964-07-17"', b'birthdate="17.07.1964"'),
     "1 bad record", "sanctionEntity[1] (logicalId 110934): birthdate"),
    ("duplicate logicalId", GOOD.replace(b'logicalId="139012"', b'logicalId="110934"'),
     "1 bad record", "already used"),
    ("no records", b'<export xmlns="http://eu.europa.ec/fpi/fsd/export"/>', "1 bad record",
     "no sanctionEntity"),
]


@pytest.mark.parametrize(("case", "data", "message", "location"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused(
    tmp_path: Path, case: str, data: bytes, message: str, location: str
) -> None:
    with pytest.raises(ParseError) as info:
        parse_bytes(tmp_path, data)
    err = info.value
    assert err.source == "eu"
    assert err.file == str(tmp_path / "content.xml")
    assert message in err.message
    if location:
        assert err.location is not None and location in err.location
