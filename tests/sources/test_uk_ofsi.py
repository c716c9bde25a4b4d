"""OFSI Consolidated List parser: hand-made CSV/XLSX excerpts, bad input, real files."""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from proscribe.errors import ParseError
from proscribe.model import DateKind, EntityKind, FuzzyDate, Identifier, IdentifierType, Link
from proscribe.model import Name, NameKind
from proscribe.settings import get_settings
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.uk_ofsi import PARSER, parse_dob, un_ref

FIXTURES = Path(__file__).parent / "fixtures" / "uk"
CSV_2014 = FIXTURES / "conlist_2014_cp1252.csv"
CSV_2022 = FIXTURES / "conlist_2022_utf8.csv"


def parse(path: Path) -> ParsedList:
    return PARSER.parse(ListFileSet("uk_ofsi", [path]))


def by_ref(parsed: ParsedList) -> dict[str, object]:
    return {e.ref: e for e in parsed.entities}


def write_xlsx(tmp_path: Path, rows: list[list[str]], name: str = "ConList.xlsx") -> Path:
    """The XLSX form: sheet 'Data', 'Last Updated' cell row, header row, data rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    for row in rows:
        sheet.append([v if v != "" else None for v in row])
    path = tmp_path / name
    book.save(path)
    return path


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


# ---------------------------------------------------------------- mapping, old CSV layout


def test_2014_csv_cp1252_crlf_groups_and_published() -> None:
    parsed = parse(CSV_2014)
    assert parsed.published == date(2014, 4, 2)
    assert parsed.date_source == "file"
    assert sorted(e.ref for e in parsed.entities) == ["10001", "13150"]


def test_2014_entity_names_refs_and_address() -> None:
    omm = next(e for e in parse(CSV_2014).entities if e.ref == "13150")
    assert omm.kind is EntityKind.ORGANIZATION
    assert omm.primary_name == "OCEAN MARITIME MANAGEMENT COMPANY LIMITED"
    assert Name("OMM", NameKind.ALIAS) in omm.names
    assert Name("OCEAN MARITIME MANAGEMENT", NameKind.FORMER) in omm.names
    assert omm.un_refs == ["KPe.020"]
    assert Identifier(IdentifierType.IMO, "1790183") in omm.identifiers
    assert omm.regimes == ["dprk"]
    assert omm.programmes == ["North Korea (Democratic People's Republic of Korea)"]
    assert omm.listed_on == date(2014, 7, 30)
    assert "DPRK\u2019s operator" in (omm.remarks or "")  # cp1252 0x92 decoded
    assert omm.addresses[0].country == "kp"
    assert omm.addresses[0].full == "Donghung Dong, Central District, PO BOX 120, Pyongyang, DPRK"


def test_2014_person_dob_documents_nationality() -> None:
    zadeh = next(e for e in parse(CSV_2014).entities if e.ref == "10001")
    assert zadeh.kind is EntityKind.PERSON
    primary = zadeh.names[0]
    assert primary == Name(
        "Hosé Ali ZADEH", NameKind.PRIMARY, first="Hosé", middle="Ali", last="ZADEH"
    )
    assert zadeh.birth_dates == [
        FuzzyDate("1965", DateKind.YEAR),
        FuzzyDate("1969-11-08", DateKind.EXACT),
    ]
    assert zadeh.nationalities == ["ir", "iq"]
    assert zadeh.titles == ["Dr"]
    assert zadeh.positions == ["Deputy Minister", "Professor"]
    passports = [i for i in zadeh.identifiers if i.type is IdentifierType.PASSPORT]
    assert [p.value for p in passports] == ["D9004878"]
    national = [i for i in zadeh.identifiers if i.type is IdentifierType.NATIONAL_ID]
    assert [n.value for n in national] == ["1234567890"]
    assert zadeh.birth_places[0].country == "ir"
    assert zadeh.listed_on == date(2008, 6, 24)


# ---------------------------------------------------------------- mapping, 2022+ layout


@pytest.fixture(params=["csv", "xlsx"])
def parsed_2022(request: pytest.FixtureRequest, tmp_path: Path) -> ParsedList:
    if request.param == "csv":
        return parse(CSV_2022)
    return parse(write_xlsx(tmp_path, csv_rows(CSV_2022)))


def test_2022_published_from_last_updated(parsed_2022: ParsedList) -> None:
    assert parsed_2022.published == date(2023, 6, 5)
    assert len(parsed_2022.entities) == 4


def test_2022_person_names_scripts_and_quality(parsed_2022: ParsedList) -> None:
    person = next(e for e in parsed_2022.entities if e.ref == "14241")
    assert person.primary_name == "Khizri Magomedovich ABAKAROV"
    kinds = {n.value: n.kind for n in person.names}
    assert kinds["Hizri ABAKAROFF"] is NameKind.WEAK_ALIAS
    assert kinds["Khizri M. ABAKAROV"] is NameKind.ALIAS
    script = next(n for n in person.names if n.kind is NameKind.ORIGINAL_SCRIPT)
    assert (script.value, script.script, script.lang) == (
        "Хизри Магомедович Абакаров", "Cyrl", "Russian"
    )
    assert person.gender == "male"
    assert [d.value for d in person.birth_dates] == ["1960-06-28", "1960-05", "1960"]
    assert person.properties["uk_sanctions_list_ref"] == ["RUS0001"]
    assert person.properties["uk_designated"] == ["2022-03-11"]
    passports = [(i.value, i.note) for i in person.identifiers if i.type is IdentifierType.PASSPORT]
    assert passports == [("100000001", "Russian passport"), ("200000002", "Diplomatic passport")]
    assert Identifier(IdentifierType.NATIONAL_ID, "770000000001", note="Russian tax number") in (
        person.identifiers
    )
    assert person.addresses[0].postal_code == "103265"
    assert person.nationalities == ["ru"]


def test_2022_korean_script_detected_without_label(parsed_2022: ParsedList) -> None:
    kim = next(e for e in parsed_2022.entities if e.ref == "11001")
    assert Name("김철남", NameKind.ORIGINAL_SCRIPT, script="Hang") in kim.names
    assert kim.un_refs == ["KPi.001"]
    assert kim.birth_dates == [FuzzyDate("1967", DateKind.YEAR)]
    assert kim.is_dprk


def test_2022_ship_facts(parsed_2022: ParsedList) -> None:
    ship = next(e for e in parsed_2022.entities if e.ref == "13651")
    assert ship.kind is EntityKind.VESSEL
    assert ship.primary_name == "SAM JONG 2"
    assert Name("AKTIVA", NameKind.FORMER) in ship.names
    assert Identifier(IdentifierType.IMO, "7408873") in ship.identifiers
    assert ship.un_refs == []  # the owner's UN ref is not the ship's
    assert Link("vessel_of", "Korea Samjong Shipping", "13635", "UN Ref KPe.064") in ship.links
    assert ship.properties["flag"] == ["North Korea"]
    assert ship.properties["vessel_type"] == ["Oil tanker"]
    assert ship.properties["tonnage"] == ["1676"]
    assert ship.properties["length"] == ["80"]
    assert ship.properties["build_year"] == ["1975"]
    assert ship.properties["owner"] == ["Korea Samjong Shipping"]
    assert ship.properties["previous_flags"] == ["Russia"]
    assert "kp" in ship.countries


def test_2022_entity_contacts(parsed_2022: ParsedList) -> None:
    org = next(e for e in parsed_2022.entities if e.ref == "14200")
    assert org.primary_name == "JSC EXAMPLE"  # a lone "Primary name variation" row
    values = {(i.type, i.value) for i in org.identifiers}
    assert (IdentifierType.PHONE, "+7 495 111 1111") in values
    assert (IdentifierType.EMAIL, "info@example.ru") in values
    assert (IdentifierType.WEBSITE, "www.example.ru") in values
    assert (IdentifierType.REGISTRATION, "1027700000000") in values
    assert org.properties["entity_type"] == ["Joint stock company"]
    assert Link("owned_by", "Rostec") in org.links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/11/1969", FuzzyDate("1969-11-08")),
        ("00/00/1965", FuzzyDate("1965", DateKind.YEAR)),
        ("00/05/1973", FuzzyDate("1973-05", DateKind.MONTH)),
        ("05/1973", FuzzyDate("1973-05", DateKind.MONTH)),
        ("1954", FuzzyDate("1954", DateKind.YEAR)),
        ("29/02/1969", None),
        ("circa 1960", None),
    ],
)
def test_parse_dob(text: str, expected: FuzzyDate | None) -> None:
    assert parse_dob(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("KPI.067", "KPi.067"), ("KPi. 076", "KPi.076"), ("QI.A.86.03.", "QI.A.86.03")],
)
def test_un_ref_normalised(raw: str, expected: str) -> None:
    assert un_ref(raw) == expected


# ---------------------------------------------------------------- bad input


def test_wrong_encoding_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(CSV_2014.read_text(encoding="cp1252").encode("utf-16"))
    with pytest.raises(ParseError, match="encoding") as info:
        parse(path)
    assert info.value.source == "uk_ofsi"


def test_undefined_cp1252_byte_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(CSV_2014.read_bytes().replace(b"Senior", b"Sen\x81or"))
    with pytest.raises(ParseError, match="encoding"):
        parse(path)


def test_missing_column_named(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(CSV_2014.read_bytes().replace(b",Group ID\r\n", b",Group\r\n"))
    with pytest.raises(ParseError, match="missing required column.*Group ID"):
        parse(path)


def test_rows_without_group_id_or_name_refused_all_listed(tmp_path: Path) -> None:
    rows = csv_rows(CSV_2022)
    rows[3][35] = ""  # no Group ID (line 4)
    for i in range(6):
        rows[5][i] = ""  # no name at all (line 6)
    rows[6][28] = "Aircraft"  # unknown Group Type (line 7)
    path = tmp_path / "ConList.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        parse(path)
    problems = info.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("line 4: no Group ID")
    assert problems[1].startswith("line 6: no name")
    assert "unknown Group Type 'Aircraft'" in problems[2]
    assert info.value.file == str(path)


def test_xlsx_row_problem_names_sheet_and_row(tmp_path: Path) -> None:
    rows = csv_rows(CSV_2022)
    rows[2][35] = ""
    with pytest.raises(ParseError) as info:
        parse(write_xlsx(tmp_path, rows))
    assert info.value.problems == ["sheet Data, row 3: no Group ID"]


def test_truncated_xlsx_refused(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path, csv_rows(CSV_2022), "good.xlsx")
    bad = tmp_path / "ConList.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ParseError, match="XLSX") as info:
        parse(bad)
    assert info.value.file == str(bad)


def test_not_a_zip_xlsx_refused(tmp_path: Path) -> None:
    bad = tmp_path / "ConList.xlsx"
    bad.write_bytes(b"this is not a workbook")
    with pytest.raises(ParseError, match="zip"):
        parse(bad)


def test_no_header_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no OFSI ConList header"):
        parse(path)


# ---------------------------------------------------------------- real files

LISTS = get_settings().lists_dir
REAL = [
    # folder, file, groups, DPRK groups, DPRK groups with their own UN ref identifier
    ("2014-04-02", "sanctionsconlist.csv", 2297, 63, 0),
    ("2018-04-13", "sanctionsconlist.csv", 2106, 242, 119),
    pytest.param("2023-06-05", "ConList.xlsx", 3993, 236, 156, marks=pytest.mark.slow),
    pytest.param("2025-04-10", "UK_Sanctions_List.xlsx", 4686, 239, 156, marks=pytest.mark.slow),
    pytest.param("2025-04-14", "ConList.xlsx", 4688, 239, 156, marks=pytest.mark.slow),
]


@pytest.mark.skipif(LISTS is None, reason="no shared lists folder (settings.lists_dir is None)")
@pytest.mark.parametrize(("folder", "name", "groups", "dprk", "dprk_un"), REAL)
def test_real_file_counts(folder: str, name: str, groups: int, dprk: int, dprk_un: int) -> None:
    assert LISTS is not None
    path = LISTS / "uk" / folder / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    start = time.perf_counter()
    parsed = PARSER.parse(ListFileSet("uk_ofsi", [path], folder_date=date.fromisoformat(folder)))
    elapsed = time.perf_counter() - start
    assert elapsed < 15, f"{name} took {elapsed:.1f}s"
    assert parsed.published == date.fromisoformat(folder)
    assert parsed.date_source == "file"
    assert len(parsed.entities) == groups
    north_korea = [e for e in parsed.entities if e.is_dprk]
    assert len(north_korea) == dprk
    assert sum(1 for e in north_korea if e.un_refs) == dprk_un
    assert all(e.names for e in parsed.entities)
    if folder >= "2023":
        # PROVENANCE: 170 DPRK groups mention "UN Ref"; 14 of them are ships naming their
        # owner's ref, kept as a link note rather than the ship's own identifier.
        assert sum(1 for e in north_korea if "UN Ref" in (e.remarks or "")) == 170
        ships = [e for e in north_korea if e.kind is EntityKind.VESSEL]
        assert len(ships) == 15
        assert all(any(i.type is IdentifierType.IMO for i in s.identifiers) for s in ships)
