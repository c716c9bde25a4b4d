"""UN Security Council Consolidated List parser.

Fixture `un/un_excerpt.xml` is an excerpt of the 2026-02-27 official file: twelve records,
copied verbatim, chosen so each mapping below has a real case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proscribe.errors import ParseError
from proscribe.model import (
    DateKind,
    Entity,
    EntityKind,
    FuzzyDate,
    IdentifierType,
    Name,
    NameKind,
    Place,
)
from proscribe.settings import get_settings
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.un_sc import (
    PARSER,
    detect_script,
    find_imo_numbers,
    find_swift_codes,
    normalize_un_ref,
)

FIXTURES = Path(__file__).parent / "fixtures" / "un"
EXCERPT = FIXTURES / "un_excerpt.xml"


def parse_bytes(tmp_path: Path, data: bytes, folder_date: date | None = None) -> ParsedList:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    return PARSER.parse(ListFileSet("un", [path], folder_date=folder_date))


@pytest.fixture(scope="module")
def excerpt() -> dict[str, Entity]:
    parsed = PARSER.parse(ListFileSet("un", [EXCERPT], folder_date=date(2026, 2, 28)))
    return {e.ref: e for e in parsed.entities}


def test_parser_interface() -> None:
    assert PARSER.source == "un"
    assert PARSER.parser_version == "un_sc-1"
    assert PARSER.title


def test_excerpt_counts_and_published() -> None:
    parsed = PARSER.parse(ListFileSet("un", [EXCERPT], folder_date=date(2026, 2, 28)))
    assert parsed.published == date(2026, 2, 27)
    assert parsed.date_source == "file"
    assert len(parsed.entities) == 12
    kinds = [e.kind for e in parsed.entities]
    assert kinds.count(EntityKind.PERSON) == 7
    assert kinds.count(EntityKind.ORGANIZATION) == 5
    assert parsed.warnings == []


# ------------------------------------------------------------------ mapping case table


def _ids(kind: IdentifierType) -> Callable[[Entity], list[tuple[str, str | None]]]:
    return lambda e: [(i.value, i.country) for i in e.identifiers if i.type is kind]


def _names(kind: NameKind) -> Callable[[Entity], list[str]]:
    return lambda e: [n.value for n in e.names if n.kind is kind]


def _links(e: Entity) -> list[tuple[str | None, str]]:
    return [(k.target_ref, k.target_name) for k in e.links]


FIELDS: dict[str, Callable[[Entity], Any]] = {
    "primary": lambda e: [n for n in e.names if n.kind is NameKind.PRIMARY],
    "aliases": _names(NameKind.ALIAS),
    "weak aliases": _names(NameKind.WEAK_ALIAS),
    "former names": _names(NameKind.FORMER),
    "original script": lambda e: [
        (n.value, n.script) for n in e.names if n.kind is NameKind.ORIGINAL_SCRIPT
    ],
    "birth dates": lambda e: e.birth_dates,
    "birth places": lambda e: e.birth_places,
    "nationalities": lambda e: e.nationalities,
    "gender": lambda e: e.gender,
    "titles": lambda e: e.titles,
    "positions": lambda e: e.positions,
    "passports": _ids(IdentifierType.PASSPORT),
    "national ids": _ids(IdentifierType.NATIONAL_ID),
    "un refs": _ids(IdentifierType.UN_REF),
    "imo": _ids(IdentifierType.IMO),
    "swift": _ids(IdentifierType.SWIFT_BIC),
    "address": lambda e: [
        (a.street, a.city, a.postal_code, a.country, a.note) for a in e.addresses
    ],
    "listed on": lambda e: e.listed_on,
    "programmes": lambda e: e.programmes,
    "regimes": lambda e: e.regimes,
    "links": _links,
    "kind": lambda e: e.kind,
}

CASES: list[tuple[str, str, Any]] = [
    # ref, field, expected
    ("KPi.033", "primary", [Name("RI WON HO", script="Latn", first="RI", last="WON HO")]),
    ("KPi.033", "birth dates", [FuzzyDate("1964-07-17", DateKind.EXACT)]),
    ("KPi.033", "passports", [("381310014", None)]),
    ("KPi.033", "nationalities", ["kp"]),
    ("KPi.033", "positions", ["DPRK Ministry of State Security Official"]),
    ("KPi.033", "un refs", [("KPi.033", None)]),
    ("KPi.033", "programmes", ["DPRK"]),
    ("KPi.033", "regimes", ["dprk"]),
    ("KPi.033", "listed on", date(2016, 11, 30)),
    ("KPi.033", "aliases", []),  # the record's one ALIAS_NAME is empty
    ("KPi.066", "birth dates", [FuzzyDate("1967", DateKind.RANGE, end="1969")]),
    ("KPi.066", "aliases", ["Kim Cho’ng-sik"]),
    ("KPi.006", "birth places", [Place("Kaesong, Democratic People's Republic of Korea", "kp")]),
    # three documents repeat one passport (French, Spanish, English labels): merged
    ("KPi.006", "passports", [("381420754", None)]),
    ("TAi.005", "primary", [
        Name("MUHAMMAD TAHER ANWARI", script="Latn", first="MUHAMMAD", middle="TAHER",
             last="ANWARI"),
    ]),
    ("TAi.005", "original script", [("محمد طاهر أنوري", "Arab")]),
    ("TAi.005", "birth dates", [FuzzyDate("1961", DateKind.APPROXIMATE)]),
    ("TAi.005", "weak aliases", ["Haji Mudir"]),
    ("TAi.005", "titles", ["Mullah"]),
    ("TAi.005", "positions", [
        "Director of Administrative Affairs under the Taliban regime",
        "Minister of Finance under the Taliban regime",
    ]),
    ("TAi.005", "regimes", ["taliban"]),
    # one ALIAS_NAME holding two names separated by ';'
    ("IRi.003", "aliases", ["Azim Adhajani", "Azim Agha-Jani"]),
    ("IRi.003", "passports", [("6620505", "ir"), ("9003213", "ir")]),
    ("CDi.001", "gender", "male"),
    ("CDi.001", "birth dates", [FuzzyDate("1971", DateKind.YEAR)]),
    ("CDi.001", "address", [(None, None, None, "rw", "as of early 2016")]),
    ("CDi.001", "nationalities", ["cd"]),
    ("CDi.001", "aliases", []),
    ("QDi.080", "nationalities", ["de", "ma"]),
    ("QDi.080", "passports", [("28642163", "de"), ("954242", "ma")]),
    ("QDi.080", "national ids", [("1336597587", "de")]),
    ("QDi.080", "address", [("Bunatwiete 23", "Hamburg", "21073", "de", "formerly resident at")]),
    ("QDi.080", "links", [("QDe.004", "QDe.004")]),  # cited, not in the excerpt
    ("KPe.020", "kind", EntityKind.ORGANIZATION),
    ("KPe.020", "imo", [("1790183", None)]),
    ("KPe.020", "aliases", [
        "East Sea Shipping Company", "Korea Mirae Shipping Co. Ltd",
        "Haeyang Crew Management Company",
    ]),
    ("KPe.023", "un refs", [("KPe.023", None)]),  # REFERENCE_NUMBER has a trailing space
    ("KPe.023", "swift", [("DCBKKPPY", None)]),
    # alias 'SECOND ACADEMY OF NATURAL SCIENCES (KPE.018)': kept, and linked to KPe.018
    ("KPe.021", "aliases", ["SECOND ACADEMY OF NATURAL SCIENCES"]),
    ("KPe.021", "links", [("KPe.018", "SECOND ACADEMY OF NATURAL SCIENCES")]),
    ("KPe.018", "links", []),
    ("CDe.001", "former names", [
        "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda",
        "ADF/NALU", "NALU",
    ]),
    ("CDe.001", "links", [("CDi.015", "CDi.015"), ("CDi.036", "CDi.036")]),
    ("CDe.001", "regimes", ["drc"]),
]


@pytest.mark.parametrize(("ref", "field", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_mapping(excerpt: dict[str, Entity], ref: str, field: str, expected: Any) -> None:
    assert FIELDS[field](excerpt[ref]) == expected


def test_remarks_keep_comments(excerpt: dict[str, Entity]) -> None:
    assert excerpt["KPi.033"].remarks == (
        "Ri Won Ho is a DPRK Ministry of State Security Official stationed in Syria "
        "supporting KOMID."
    )


def test_entities_round_trip_through_dict(excerpt: dict[str, Entity]) -> None:
    for entity in excerpt.values():
        assert Entity.from_dict(entity.to_dict()) == entity


# -------------------------------------------------------------------- text helpers

@pytest.mark.parametrize(
    ("text", "script"),
    [("리원호", "Hang"), ("李元浩", "Hani"), ("محمد طاهر", "Arab"), ("Иван Петров", "Cyrl"),
     ("RI WON HO", "Latn"), ("123 -", None)],
)
def test_detect_script(text: str, script: str | None) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("International Maritime Organization (IMO) Number: 1790183.", ["1790183"]),
        ("IMO Number: 5342883. The Chongchongang", ["5342883"]),
        ("ship-to-ship transfer operation. Company Number IMO 5434358.", ["5434358"]),
        ("IMO number: 5571322.", ["5571322"]),
        ("resolution 1718 (2006), no IMO here", []),
    ],
)
def test_find_imo_numbers(text: str, found: list[str]) -> None:
    assert find_imo_numbers(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("SWIFT: DCBKKPPY. Daedong Credit Bank", ["DCBKKPPY"]),
        ("industry of the DPRK economy. SWIFT/BIC: KUDBKPPY", ["KUDBKPPY"]),
        ("Korea Kwangson Banking Corporation.  SWIFT/BIC: FTBDKPPY.", ["FTBDKPPY"]),
        ("no code at all", []),
    ],
)
def test_find_swift_codes(text: str, found: list[str]) -> None:
    assert find_swift_codes(text) == found


@pytest.mark.parametrize(("raw", "ref"), [("KPE.018", "KPe.018"), ("QDi.004", "QDi.004")])
def test_normalize_un_ref(raw: str, ref: str) -> None:
    assert normalize_un_ref(raw) == ref


def test_published_falls_back_to_folder_date(tmp_path: Path) -> None:
    data = EXCERPT.read_bytes().replace(b' dateGenerated="2026-02-27T00:00:09.554Z"', b"")
    parsed = parse_bytes(tmp_path, data, folder_date=date(2026, 2, 28))
    assert (parsed.published, parsed.date_source) == (date(2026, 2, 28), "folder")


# ------------------------------------------------------------------------ bad input

GOOD = EXCERPT.read_bytes()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>&xxe;</FIRST_NAME><REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol2;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""

# (case, bytes, words the message has, words the location has)
BAD: list[tuple[str, bytes, str, str]] = [
    ("truncated", GOOD[: len(GOOD) // 2], "malformed or truncated", "line "),
    ("malformed", b"<CONSOLIDATED_LIST><INDIVIDUALS></CONSOLIDATED_LIST>", "malformed", "line 1"),
    ("xxe", XXE, "hostile XML", ""),
    ("billion laughs", LAUGHS, "hostile XML", ""),
    ("latin-1 bytes declared utf-8",
     GOOD.replace("Haselünne".encode(), "Haselünne".encode("latin-1")),
     "not in an expected encoding", ""),
    ("wrong root", b'<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>', "not a UN",
     "root element"),
    ("missing reference number",
     GOOD.replace(b"<REFERENCE_NUMBER>KPi.066</REFERENCE_NUMBER>", b""),
     "1 bad record", "INDIVIDUALS/INDIVIDUAL[2] (DATAID 6908643)"),
    ("missing names",
     GOOD.replace(b"<FIRST_NAME>ADF</FIRST_NAME>", b""),
     "1 bad record", "ENTITIES/ENTITY[5] (DATAID 6908402)"),
    ("bad listing date",
     GOOD.replace(b"<LISTED_ON>2016-11-30</LISTED_ON>", b"<LISTED_ON>30/11/2016</LISTED_ON>"),
     "1 bad record", "INDIVIDUAL[1] (DATAID 6908555): LISTED_ON is not a date"),
    ("duplicate reference number",
     GOOD.replace(b"<REFERENCE_NUMBER>KPi.066</REFERENCE_NUMBER>",
                  b"<REFERENCE_NUMBER>KPi.033</REFERENCE_NUMBER>"),
     "1 bad record", "already used"),
    ("no records", b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>",
     "1 bad record", "no INDIVIDUAL or ENTITY"),
]


@pytest.mark.parametrize(("case", "data", "message", "location"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused(
    tmp_path: Path, case: str, data: bytes, message: str, location: str
) -> None:
    with pytest.raises(ParseError) as info:
        parse_bytes(tmp_path, data)
    err = info.value
    assert err.source == "un"
    assert err.file == str(tmp_path / "consolidated.xml")
    assert message in err.message
    if location:
        assert err.location is not None and location in err.location


def test_encoding_error_names_the_line(tmp_path: Path) -> None:
    data = GOOD.replace("Haselünne".encode(), "Haselünne".encode("latin-1"))
    with pytest.raises(ParseError) as info:
        parse_bytes(tmp_path, data)
    line = GOOD[: GOOD.index("Haselünne".encode())].count(b"\n") + 1
    assert f"(line {line})" in info.value.fields["found"]


def test_every_bad_record_is_reported(tmp_path: Path) -> None:
    data = GOOD.replace(b"<REFERENCE_NUMBER>KPi.066</REFERENCE_NUMBER>", b"").replace(
        b"<FIRST_NAME>ADF</FIRST_NAME>", b""
    )
    with pytest.raises(ParseError) as info:
        parse_bytes(tmp_path, data)
    assert len(info.value.problems) == 2
    assert "2 bad record(s)" in info.value.message


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_bytes(tmp_path, b"")


# ----------------------------------------------------------------------- real file

def _real_file() -> Path:
    lists_dir = get_settings().lists_dir
    if lists_dir is None:
        pytest.skip("no shared lists folder (settings.lists_dir is None): real-file test skipped")
    path = lists_dir / "un" / "2026-02-27" / "consolidated.xml"
    if not path.is_file():
        pytest.skip(f"{path} not present: real-file test skipped")
    return path


@pytest.fixture(scope="module")
def real() -> ParsedList:
    path = _real_file()
    return PARSER.parse(ListFileSet("un", [path], folder_date=date(2026, 2, 27)))


def test_real_file_counts(real: ParsedList) -> None:
    assert real.published == date(2026, 2, 27)
    assert real.date_source == "file"
    assert len(real.entities) == 1003
    kinds = [e.kind for e in real.entities]
    assert kinds.count(EntityKind.PERSON) == 730
    assert kinds.count(EntityKind.ORGANIZATION) == 273
    dprk = [e for e in real.entities if e.is_dprk]
    assert len(dprk) == 155
    assert all(e.ref.startswith("KP") and e.programmes == ["DPRK"] for e in dprk)
    assert all(e.un_refs == [e.ref] for e in real.entities)


def test_real_file_facts(real: ParsedList) -> None:
    by_ref = {e.ref: e for e in real.entities}
    omm = by_ref["KPe.020"]
    assert omm.primary_name == "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)"
    assert [i.value for i in omm.identifiers if i.type is IdentifierType.IMO] == ["1790183"]
    ri = by_ref["KPi.033"]
    assert ri.birth_dates == [FuzzyDate("1964-07-17")]
    assert [i.value for i in ri.identifiers if i.type is IdentifierType.PASSPORT] == ["381310014"]
    kim = by_ref["KPi.066"]
    assert kim.birth_dates == [FuzzyDate("1967", DateKind.RANGE, end="1969")]
    assert [(k.target_ref, k.target_name) for k in by_ref["KPe.021"].links] == [
        ("KPe.018", "SECOND ACADEMY OF NATURAL SCIENCES")
    ]
    dcb = by_ref["KPe.023"]
    assert [i.value for i in dcb.identifiers if i.type is IdentifierType.SWIFT_BIC] == ["DCBKKPPY"]
    assert by_ref["QDi.356"].gender == "female"
    # xsd:date with a zone in LISTED_ON ('2015-04-07-04:00') is read as the day
    assert all(e.listed_on is not None for e in real.entities)
