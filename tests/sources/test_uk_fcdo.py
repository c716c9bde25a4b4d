"""FCDO UK Sanctions List ODS parser: hand-made ODS, hostile and broken files, real file."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from proscribe.errors import ParseError
from proscribe.model import EntityKind, Identifier, IdentifierType, NameKind
from proscribe.settings import get_settings
from proscribe.sources.base import ListFileSet, ParsedList
from proscribe.sources.uk_fcdo import PARSER, file_name_date

FIXTURES = Path(__file__).parent / "fixtures" / "uk"
CONTENT = (FIXTURES / "fcdo_content.xml").read_text(encoding="utf-8")


def write_ods(tmp_path: Path, content: str, name: str = "FCDO_SL_Mon_Aug_11_2025.ods") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def parse(path: Path, folder_date: date | None = None) -> ParsedList:
    return PARSER.parse(ListFileSet("uk_fcdo", [path], folder_date=folder_date))


def test_rows_map_to_entities(tmp_path: Path) -> None:
    parsed = parse(write_ods(tmp_path, CONTENT))
    assert [e.ref for e in parsed.entities] == ["DPR0075", "DPR0001", "RUS0500"]
    ship, person, org = parsed.entities
    assert ship.kind is EntityKind.VESSEL
    assert ship.names[0].value == "Petrel 8"  # <text:s/> is a space
    assert ship.names[0].kind is NameKind.PRIMARY
    assert ship.identifiers == []  # no OFSI Group ID, no IMO in this export
    assert ship.regimes == ["dprk"]
    assert ship.properties["designation_source"] == ["UN"]
    assert ship.properties["sanctions_imposed"] == ["Prohibition of port entry"]
    assert ship.listed_on == date(2017, 10, 3)
    assert person.kind is EntityKind.PERSON
    assert person.identifiers == [Identifier(IdentifierType.OTHER, "11001", note="OFSI Group ID")]
    assert person.properties["ofsi_group_id"] == ["11001"]
    assert person.properties["designation_source"] == ["UK", "UN"]
    assert person.properties["sanctions_imposed"] == ["Asset freeze", "Travel Ban"]
    assert org.kind is EntityKind.ORGANIZATION
    assert org.programmes == ["Russia"]
    assert org.regimes == []


def test_published_from_file_name_then_folder(tmp_path: Path) -> None:
    parsed = parse(write_ods(tmp_path, CONTENT))
    assert (parsed.published, parsed.date_source) == (date(2025, 8, 11), "filename")
    other = parse(write_ods(tmp_path, CONTENT, "export.ods"), folder_date=date(2025, 8, 12))
    assert (other.published, other.date_source) == (date(2025, 8, 12), "folder")


def test_file_name_date() -> None:
    assert file_name_date("FCDO_SL_Mon_Aug 11 2025.ods") == date(2025, 8, 11)
    assert file_name_date("UK_Sanctions_List.ods") is None


def test_xxe_refused(tmp_path: Path) -> None:
    hostile = (FIXTURES / "fcdo_content_xxe.xml").read_text(encoding="utf-8")
    with pytest.raises(ParseError, match="hostile XML") as info:
        parse(write_ods(tmp_path, hostile))
    assert info.value.source == "uk_fcdo"


def test_truncated_zip_refused(tmp_path: Path) -> None:
    good = write_ods(tmp_path, CONTENT, "good.ods")
    bad = tmp_path / "bad.ods"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ParseError, match="zip"):
        parse(bad)


def test_truncated_xml_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="malformed or truncated XML") as info:
        parse(write_ods(tmp_path, CONTENT[: len(CONTENT) // 2]))
    assert "line" in (info.value.location or "")


def test_missing_content_xml_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ParseError, match="no content.xml"):
        parse(path)


def test_missing_column_named(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="missing required column.*Regime Name"):
        content = CONTENT.replace("<text:p>Regime Name</text:p>", "<text:p>Regime</text:p>")
        parse(write_ods(tmp_path, content))


def test_bad_rows_refused_with_row_numbers(tmp_path: Path) -> None:
    content = CONTENT.replace("<text:p>DPR0075</text:p>", "").replace(
        "<text:p>Entity</text:p>", "<text:p>Aircraft</text:p>"
    )
    with pytest.raises(ParseError) as info:
        parse(write_ods(tmp_path, content))
    assert info.value.problems == [
        "sheet UK_Sanction_List, row 2: no Unique ID",
        "sheet UK_Sanction_List, row 4: unknown Type 'Aircraft' "
        "(expected Individual, Entity or Ship)",
    ]


LISTS = get_settings().lists_dir


@pytest.mark.skipif(LISTS is None, reason="no shared lists folder (settings.lists_dir is None)")
def test_real_file_counts() -> None:
    assert LISTS is not None
    path = LISTS / "uk" / "2025-08-11" / "FCDO_SL_Mon_Aug_11_2025.ods"
    if not path.exists():
        pytest.skip(f"{path} not present")
    start = time.perf_counter()
    parsed = parse(path, folder_date=date(2025, 8, 11))
    assert time.perf_counter() - start < 10
    assert parsed.published == date(2025, 8, 11)
    kinds = [e.kind for e in parsed.entities]
    assert len(kinds) == 5302
    assert kinds.count(EntityKind.PERSON) == 3754
    assert kinds.count(EntityKind.ORGANIZATION) == 1087
    assert kinds.count(EntityKind.VESSEL) == 461
    north_korea = [e for e in parsed.entities if e.is_dprk]
    assert len(north_korea) == 261
    assert [e.kind for e in north_korea].count(EntityKind.VESSEL) == 37
    assert sum(1 for e in north_korea if "UN" in e.properties["designation_source"]) == 192
    # two real rows have an empty Name: kept, with a warning, not refused
    assert sum(1 for e in parsed.entities if not e.names) == 2
    assert len(parsed.warnings) == 2
