"""OFAC consolidated (non-SDN) parser: the CSV set and the XML give the same entities."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proscribe.errors import IncompleteSourceError, ParseError
from proscribe.model import Entity, EntityKind, IdentifierType, NameKind
from proscribe.sources import ofac_sdn
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.ofac_cons import PARSER

FIX = Path(__file__).parent / "fixtures" / "ofac"


def fileset(*paths: Path, day: date | None = date(2025, 12, 19)) -> ListFileSet:
    return ListFileSet("ofac_cons", list(paths), folder_date=day)


def comparable(entity: Entity) -> dict[str, Any]:
    """What both forms must agree on (remarks text and programme order differ by form)."""
    data = entity.to_dict()
    data.pop("remarks")
    data["programmes"] = sorted(data["programmes"])
    data["names"] = sorted(data["names"], key=lambda n: (n["kind"], n["value"]))
    data["identifiers"] = sorted(data["identifiers"], key=lambda i: (i["type"], i["value"]))
    data["properties"] = {k: sorted(v) for k, v in data["properties"].items()}
    return data


@pytest.fixture(scope="module")
def from_csv() -> ParsedList:
    return PARSER.parse(fileset(*sorted((FIX / "cons_csv").iterdir())))


@pytest.fixture(scope="module")
def from_xml() -> ParsedList:
    return PARSER.parse(fileset(FIX / "cons_xml" / "consolidated.xml"))


def test_interface() -> None:
    assert PARSER.source == "ofac_cons"
    assert PARSER.title and PARSER.parser_version


def test_xml_date_comes_from_the_file(from_xml: ParsedList, from_csv: ParsedList) -> None:
    assert from_xml.published == date(2026, 1, 8) and from_xml.date_source == "file"
    assert from_csv.published == date(2025, 12, 19) and from_csv.date_source == "folder"


def test_csv_and_xml_give_the_same_entities(from_csv: ParsedList, from_xml: ParsedList) -> None:
    assert [e.ref for e in from_csv.entities] == ["9647", "15268"]
    assert [comparable(e) for e in from_csv.entities] == [
        comparable(e) for e in from_xml.entities
    ]


def test_xml_facts(from_xml: ParsedList) -> None:
    person, bank = from_xml.entities
    assert person.kind is EntityKind.PERSON
    assert (person.names[0].value, person.names[0].first) == (
        "ZAHHAR, Mahmoud Khaled",
        "Mahmoud Khaled",
    )
    weak = [n.value for n in person.names if n.kind is NameKind.WEAK_ALIAS]
    assert weak == ["ZAHAR, Mahmoud", "AL-ZAHAR, Mahmoud"]
    assert [d.value for d in person.birth_dates] == ["1945"]
    assert person.gender == "male"
    assert [link.target_name for link in person.links] == ["HAMAS"]
    assert bank.kind is EntityKind.ORGANIZATION
    assert [(i.type, i.value) for i in bank.identifiers] == [
        (IdentifierType.SWIFT_BIC, "CKLBCNBJ")
    ]
    assert [n.kind for n in bank.names] == [NameKind.PRIMARY, NameKind.FORMER, NameKind.FORMER]
    assert len(bank.addresses) == 4 and bank.countries == ["cn"]


def test_missing_primary_csv_is_refused() -> None:
    with pytest.raises(IncompleteSourceError, match="cons_prim.csv is missing"):
        PARSER.parse(fileset(FIX / "cons_csv" / "cons_alt.csv"))


def test_no_files_at_all_is_refused() -> None:
    with pytest.raises(IncompleteSourceError):
        PARSER.parse(fileset())


@pytest.mark.parametrize("name", ["xml_xxe.xml", "xml_bomb.xml"])
def test_hostile_xml_is_refused(name: str, tmp_path: Path) -> None:
    target = tmp_path / "consolidated.xml"
    target.write_bytes((FIX / name).read_bytes())
    with pytest.raises(ParseError, match="hostile XML refused") as err:
        PARSER.parse(fileset(target))
    assert err.value.source == "ofac_cons" and err.value.file == "consolidated.xml"


def test_truncated_xml_is_refused_with_its_position(tmp_path: Path) -> None:
    target = tmp_path / "consolidated.xml"
    target.write_bytes((FIX / "xml_truncated.xml").read_bytes())
    with pytest.raises(ParseError, match="malformed or truncated") as err:
        PARSER.parse(fileset(target))
    assert err.value.location is not None and err.value.location.startswith("line ")


def test_bad_xml_entries_are_all_reported(tmp_path: Path) -> None:
    target = tmp_path / "consolidated.xml"
    target.write_bytes((FIX / "xml_bad_entries.xml").read_bytes())
    with pytest.raises(ParseError) as err:
        PARSER.parse(fileset(target))
    assert err.value.problems == [
        "sdnEntry #1: missing or non-numeric uid",
        "sdnEntry #2 (uid 77): unknown or missing sdnType 'Spaceship'",
        "publshInformation/Record_Count says 3 entries, the file holds 2"
        " (truncated or edited file)",
    ]


def test_sdn_xml_goes_through_the_same_code(tmp_path: Path) -> None:
    target = tmp_path / "sdn.xml"
    target.write_bytes((FIX / "cons_xml" / "consolidated.xml").read_bytes())
    parsed = ofac_sdn.PARSER.parse(ListFileSet("ofac_sdn", [target]))
    assert [e.id for e in parsed.entities] == ["ofac_sdn:9647", "ofac_sdn:15268"]
    assert parsed.published == date(2026, 1, 8)


# ---------------------------------------------------------------- real files


def real(lists_dir: Path, day: str) -> ListFileSet:
    folder = lists_dir / "ofac" / "cons" / day
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    return ListFileSet("ofac_cons", sorted(folder.iterdir()), folder_date=date.fromisoformat(day))


def test_real_csv_and_xml_have_the_same_refs(lists_dir: Path) -> None:
    csv_list = PARSER.parse(real(lists_dir, "2025-12-19"))
    xml_list = PARSER.parse(real(lists_dir, "2026-01-08"))
    assert len(csv_list.entities) == 442 and len(xml_list.entities) == 442
    assert {e.ref for e in csv_list.entities} == {e.ref for e in xml_list.entities}
    assert xml_list.published == date(2026, 1, 8)
    assert sum(e.is_dprk for e in csv_list.entities) == 0
    assert sum(e.is_dprk for e in xml_list.entities) == 0
    # Two publications three weeks apart: all but a handful of entries agree fact for fact.
    xml_by_ref = {e.ref: comparable(e) for e in xml_list.entities}
    differ = [e.ref for e in csv_list.entities if comparable(e) != xml_by_ref[e.ref]]
    assert len(differ) <= 5, differ
