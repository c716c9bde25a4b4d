"""OFAC SDN parser: hand-made fixtures in the official CSV form, bad input, real files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from proscribe.errors import IncompleteSourceError, ParseError
from proscribe.model import DateKind, EntityKind, IdentifierType, NameKind
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.ofac_sdn import DPRK_PROGRAMMES, PARSER

FIX = Path(__file__).parent / "fixtures" / "ofac"
DAY = date(2021, 7, 7)


def fileset(folder: Path, *names: str, day: date | None = DAY) -> ListFileSet:
    paths = [folder / n for n in names] if names else sorted(folder.iterdir())
    return ListFileSet("ofac_sdn", paths, folder_date=day)


@pytest.fixture(scope="module")
def small() -> ParsedList:
    return PARSER.parse(fileset(FIX / "sdn_set"))


def test_interface() -> None:
    assert PARSER.source == "ofac_sdn"
    assert PARSER.title and PARSER.parser_version


def test_fixture_set_is_read_whole(small: ParsedList) -> None:
    assert [e.ref for e in small.entities] == ["21749", "23729", "24606", "306"]
    assert small.published == DAY and small.date_source == "folder"
    assert small.warnings == []


def test_individual_name_parts_dob_passport(small: ParsedList) -> None:
    han = small.entities[0]
    assert han.kind is EntityKind.PERSON
    primary = han.names[0]
    assert (primary.value, primary.last, primary.first) == ("HAN, Jang Su", "HAN", "Jang Su")
    assert [(n.kind, n.value, n.last) for n in han.names[1:]] == [
        (NameKind.ALIAS, "HAN, Chang-su", "HAN")
    ]
    assert [(d.value, d.kind) for d in han.birth_dates] == [("1969-11-08", DateKind.EXACT)]
    assert [(i.type, i.value) for i in han.identifiers] == [
        (IdentifierType.PASSPORT, "745420176")
    ]
    assert han.nationalities == ["kp"] and han.gender == "male"
    assert han.titles == ["Foreign Trade Bank chief representative"]
    assert han.addresses[0].country == "kp" and han.addresses[0].city == "Pyongyang"
    # NPWMD only, but the remarks name North Korea: counted by the broad definition.
    assert han.programmes == ["NPWMD"] and han.is_dprk


def test_vessel_columns_go_to_identifiers_and_properties(small: ParsedList) -> None:
    ship = small.entities[1]
    assert ship.kind is EntityKind.VESSEL
    assert {(i.type, i.value) for i in ship.identifiers} == {
        (IdentifierType.CALL_SIGN, "HMZF9"),
        (IdentifierType.IMO, "8660313"),
    }
    assert ship.properties["vessel_flag"] == ["kp"]
    assert ship.properties["vessel_flag_name"] == ["Korea, North"]
    assert ship.properties["vessel_tonnage"] == ["2,500"]
    assert ship.properties["vessel_year_of_build"] == ["1984"]
    assert ship.countries == ["kp"]
    assert [link.target_name for link in ship.links] == ["KOREA ACHIM SHIPPING CO."]
    assert ship.is_dprk


def test_programmes_split_and_comments_joined(small: ParsedList) -> None:
    bank = small.entities[2]
    assert bank.kind is EntityKind.ORGANIZATION
    assert bank.programmes == ["NPWMD", "IFSR"]
    # sdn_comments.csv continues the remark mid-word ("www.agrosoyuz.r" + "u; ...").
    assert bank.remarks is not None and "www.agrosoyuz.ru; Secondary" in bank.remarks
    assert {(i.type, i.value) for i in bank.identifiers} == {
        (IdentifierType.SWIFT_BIC, "AGSZRU31"),
        (IdentifierType.SWIFT_BIC, "AGSZRU33"),
        (IdentifierType.WEBSITE, "www.agrosoyuz.ru"),
    }
    assert [(n.kind, n.value) for n in bank.names[1:]] == [
        (NameKind.WEAK_ALIAS, "AGROSOYUZ BANK")
    ]
    assert bank.is_dprk  # remarks continuation names North Korea


def test_aliases_kinds_and_empty_address_row(small: ParsedList) -> None:
    cuba = small.entities[3]
    assert [(n.kind, n.value) for n in cuba.names] == [
        (NameKind.PRIMARY, "BANCO NACIONAL DE CUBA"),
        (NameKind.ALIAS, "NATIONAL BANK OF CUBA"),
        (NameKind.FORMER, "BANCO NACIONAL"),
    ]
    assert [a.full for a in cuba.addresses] == ["Zweierstrasse 35, Zurich CH-8022, Switzerland"]
    assert cuba.remarks is None and not cuba.is_dprk


def test_entities_round_trip_through_dicts(small: ParsedList) -> None:
    from proscribe.model import Entity

    for entity in small.entities:
        assert Entity.from_dict(entity.to_dict()) == entity


def test_sdn_csv_alone_imports_with_a_warning() -> None:
    parsed = PARSER.parse(fileset(FIX / "sdn_set", "sdn.csv"))
    assert len(parsed.entities) == 4
    assert len(parsed.warnings) == 1
    assert "aliases" in parsed.warnings[0] and "addresses" in parsed.warnings[0]
    assert parsed.entities[3].addresses == []


def test_missing_sdn_csv_is_refused() -> None:
    files = fileset(FIX / "sdn_set", "add.csv", "alt.csv", "sdn_comments.csv")
    with pytest.raises(IncompleteSourceError) as err:
        PARSER.parse(files)
    assert err.value.source == "ofac_sdn" and err.value.file == "sdn.csv"
    assert "sdn.csv is missing" in err.value.message
    assert "will not be joined" in err.value.message


def test_bad_rows_are_all_reported_then_the_file_refused() -> None:
    with pytest.raises(ParseError) as err:
        PARSER.parse(fileset(FIX / "sdn_bad_rows"))
    problems = err.value.problems
    assert err.value.source == "ofac_sdn" and err.value.file == "sdn.csv"
    assert len(problems) == 4
    reasons = {p.split(" (")[0] for p in problems}
    assert reasons == {
        "sdn.csv line 2: unexpected end of data",
        "sdn.csv line 3: ent_num is not a number: 'X7'",
        "sdn.csv line 4: unknown SDN_Type 'rocket'",
        "sdn.csv line 5: expected 12 columns, found 4",
    }


def test_file_cut_off_mid_row_is_refused() -> None:
    with pytest.raises(ParseError) as err:
        PARSER.parse(fileset(FIX / "sdn_cut"))
    assert "line 2" in err.value.problems[0]


def test_wrong_encoding_is_refused() -> None:
    with pytest.raises(ParseError) as err:
        PARSER.parse(fileset(FIX / "sdn_latin1"))
    assert err.value.file == "sdn.csv"
    assert "encoding" in err.value.message
    assert "line 1" in str(err.value.fields["found"])


def test_rows_from_another_publication_are_refused() -> None:
    with pytest.raises(ParseError) as err:
        PARSER.parse(fileset(FIX / "sdn_orphan"))
    assert err.value.problems == [
        "alt.csv line 2: ent_num 56682 is not in sdn.csv (files from different publications?)"
    ]


# ---------------------------------------------------------------- real files


def real_set(lists_dir: Path, day: str) -> ListFileSet:
    folder = lists_dir / "ofac" / "sdn" / day
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    return ListFileSet("ofac_sdn", sorted(folder.iterdir()), folder_date=date.fromisoformat(day))


@pytest.fixture(scope="module")
def sdn_2021(lists_dir: Path) -> ParsedList:
    return PARSER.parse(real_set(lists_dir, "2021-07-07"))


def _dprk_counts(parsed: ParsedList) -> tuple[int, int]:
    tag = sum(1 for e in parsed.entities if set(e.programmes) & DPRK_PROGRAMMES)
    return tag, sum(1 for e in parsed.entities if e.is_dprk)


def test_real_2021_counts(sdn_2021: ParsedList) -> None:
    assert len(sdn_2021.entities) == 8976
    assert sdn_2021.warnings == []
    # PROVENANCE.md: tag 414 / broad 502; regimes carry the broad definition.
    assert _dprk_counts(sdn_2021) == (414, 502)


def test_real_2021_known_entries(sdn_2021: ParsedList) -> None:
    by_ref = {e.ref: e for e in sdn_2021.entities}
    bank = by_ref["24606"]
    assert bank.primary_name == "COMMERCIAL BANK AGROSOYUZ"
    assert "swift_bic:AGSZRU31" in {i.key for i in bank.identifiers}
    han = by_ref["21749"]
    assert han.birth_dates[0].value == "1969-11-08"
    assert "passport:745420176" in {i.key for i in han.identifiers}
    ship = by_ref["23729"]
    assert ship.kind is EntityKind.VESSEL and ship.primary_name == "CHON MA SAN"
    assert "imo:8660313" in {i.key for i in ship.identifiers}
    # A remark continued in sdn_comments.csv, cut mid-alias in sdn.csv.
    assert "snowsjohn" in {n.value for n in by_ref["28263"].names}


def test_real_2024_sdn_csv_alone(lists_dir: Path) -> None:
    parsed = PARSER.parse(real_set(lists_dir, "2024-05-03"))
    assert len(parsed.entities) == 14965
    assert max(int(e.ref) for e in parsed.entities) == 48907
    assert _dprk_counts(parsed) == (484, 594)
    assert any("aliases" in w and "addresses" in w for w in parsed.warnings)


def test_real_2025_without_sdn_csv_is_refused(lists_dir: Path) -> None:
    with pytest.raises(IncompleteSourceError, match="sdn.csv is missing"):
        PARSER.parse(real_set(lists_dir, "2025-12-24"))
