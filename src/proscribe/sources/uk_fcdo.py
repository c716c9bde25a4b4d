"""UK Sanctions List (FCDO), the reduced ODS export.

Sheet `UK_Sanction_List`, 8 columns: Unique ID, OFSI Group ID, Name, Regime Name, Type,
Designation source, Date Designated, Sanctions Imposed. One row is one designation; no
aliases, dates of birth, addresses or IMO numbers. content.xml is read from the zip through
defusedxml (DTDs, entities and external references refused) and streamed row by row:
the export pads the sheet with a row repeated about a million times, which is never expanded.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from proscribe.errors import ParseError
from proscribe.model import Entity, EntityKind, Identifier, IdentifierType, Name, NameKind
from proscribe.sources.base import (
    ListFileSet,
    ParsedList,
    clean,
    pick_one_file,
    refuse_if_problems,
    xml_error,
)

SOURCE = "uk_fcdo"

REQUIRED_COLUMNS = ("Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type")

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ROW = f"{{{_TABLE}}}table-row"
_CELL = f"{{{_TABLE}}}table-cell"
_COVERED = f"{{{_TABLE}}}covered-table-cell"
_TABLE_TAG = f"{{{_TABLE}}}table"
_P = f"{{{_TEXT}}}p"
_S = f"{{{_TEXT}}}s"
_TAB = f"{{{_TEXT}}}tab"
_BREAK = f"{{{_TEXT}}}line-break"
_COLS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_ROWS_REPEATED = f"{{{_TABLE}}}number-rows-repeated"

#: A sheet claiming more filled rows than this is refused rather than expanded.
MAX_ROWS = 1_000_000

_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "ship": EntityKind.VESSEL,
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}
_FILE_DATE = re.compile(
    r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ _-](\d{1,2})[ _-](\d{4})"
)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def file_name_date(name: str) -> date | None:
    """'FCDO_SL_Mon_Aug_11_2025.ods' -> 2025-08-11."""
    match = _FILE_DATE.search(name)
    if not match:
        return None
    try:
        return date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
    except ValueError:
        return None


def _dmy(value: str | None) -> date | None:
    match = _DMY.match(value or "")
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _text(elem: Element) -> str:
    """Text of an ODF paragraph, with <text:s text:c="n"/> spaces, tabs and line breaks."""
    out = [elem.text or ""]
    for child in elem:
        if child.tag == _S:
            out.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
        elif child.tag == _TAB:
            out.append("\t")
        elif child.tag == _BREAK:
            out.append("\n")
        else:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _cell_value(cell: Element) -> str:
    paragraphs = [_text(p) for p in cell.iter(_P)]
    if paragraphs:
        return "\n".join(paragraphs)
    return cell.get(f"{{{_OFFICE}}}value") or cell.get(f"{{{_OFFICE}}}date-value") or ""


def _row_values(row: Element) -> list[str]:
    """Cell texts, expanding repeated columns only where they hold text (no trailing pad)."""
    values: list[str] = []
    pending_empty = 0
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        repeat = int(cell.get(_COLS_REPEATED, "1"))
        value = _cell_value(cell)
        if not value:
            pending_empty += repeat
            continue
        values.extend([""] * pending_empty)
        pending_empty = 0
        values.extend([value] * min(repeat, 1024))
    return values


def ods_rows(data: bytes, *, source: str, file: str) -> Iterator[tuple[str, list[str]]]:
    """(location, cell texts) for each non-empty row of the first sheet of an ODS file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        content = archive.read("content.xml")
    except zipfile.BadZipFile as exc:
        raise ParseError(
            "not a readable ODS file (bad or truncated zip)",
            source=source,
            file=file,
            found=str(exc),
        ) from exc
    except KeyError as exc:
        raise ParseError(
            "ODS file has no content.xml", source=source, file=file, expected="content.xml"
        ) from exc
    except Exception as exc:  # zlib.error, EOFError, OSError on a damaged member
        raise ParseError(
            "corrupt ODS zip member", source=source, file=file, found=f"{type(exc).__name__}: {exc}"
        ) from exc

    events = SafeET.iterparse(
        io.BytesIO(content),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    sheet: str | None = None
    number = 0
    depth = 0  # nesting of tables: only the first sheet is read
    try:
        for event, elem in events:
            if elem.tag == _TABLE_TAG:
                if event == "start":
                    depth += 1
                    if sheet is None:
                        sheet = elem.get(f"{{{_TABLE}}}name", "1")
                elif sheet is not None:
                    return  # first sheet done
                continue
            if event != "end" or elem.tag != _ROW or depth == 0:
                continue
            repeat = int(elem.get(_ROWS_REPEATED, "1"))
            values = _row_values(elem)
            elem.clear()
            if not any(values):
                number += repeat
                continue
            for _ in range(repeat):
                number += 1
                if number > MAX_ROWS:
                    raise ParseError(
                        "sheet has too many rows", source=source, file=file,
                        expected=f"at most {MAX_ROWS}", location=f"sheet {sheet}, row {number}",
                    )
                yield f"sheet {sheet}, row {number}", values
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise xml_error(exc, source=source, file=f"{file}!content.xml") from exc
    if sheet is None:
        raise ParseError("ODS file has no sheet", source=source, file=file)


def _regime_id(regime: str) -> str | None:
    low = regime.lower()
    if "korea" in low and ("democratic" in low or "north" in low):
        return "dprk"
    return None


class FcdoOdsParser:
    """Parser for the FCDO UK Sanctions List ODS export."""

    source = SOURCE
    title = "UK Sanctions List (FCDO), ODS export"
    parser_version = "1"

    def parse(self, files: ListFileSet) -> ParsedList:
        path = pick_one_file(files, source=SOURCE, what="UK Sanctions List", suffixes=(".ods",))
        file = str(path)
        rows = ods_rows(files.read(path), source=SOURCE, file=file)
        header: dict[str, int] | None = None
        entities: dict[str, Entity] = {}
        problems: list[str] = []
        warnings: list[str] = []
        for location, values in rows:
            cells = [clean(v) for v in values]
            if header is None:
                header = {c: i for i, c in enumerate(cells) if c}
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    raise ParseError(
                        f"missing required column(s): {', '.join(missing)}",
                        source=SOURCE,
                        file=file,
                        location=location,
                        expected=", ".join(REQUIRED_COLUMNS),
                        found=", ".join(c or "" for c in cells),
                    )
                continue

            def get(column: str, cells: list[str | None] = cells) -> str | None:
                i = header.get(column) if header else None
                return cells[i] if i is not None and i < len(cells) else None

            ref, name, type_ = get("Unique ID"), get("Name"), get("Type")
            kind = _KINDS.get((type_ or "").lower())
            bad = []
            if not ref:
                bad.append("no Unique ID")
            if kind is None:
                bad.append(f"unknown Type {type_!r} (expected Individual, Entity or Ship)")
            if bad:
                problems.append(f"{location}: {'; '.join(bad)}")
                continue
            assert ref is not None and kind is not None  # checked above
            if not name:
                # The 2025-08-11 export has two such rows (BEL0174, RUS1467): real designations,
                # kept without a name (they still link to OFSI by group id), not refused.
                warnings.append(f"{location}: {ref} has no Name; kept without a name")
            entity = entities.get(ref)
            if entity is None:
                entity = Entity(source=SOURCE, ref=ref, kind=kind)
                entities[ref] = entity
            else:
                warnings.append(f"{location}: Unique ID {ref} repeated; rows merged")
            if name and Name(name, NameKind.PRIMARY) not in entity.names:
                kind_ = NameKind.PRIMARY if not entity.names else NameKind.ALIAS
                entity.names.append(Name(name, kind_))
            group_id = get("OFSI Group ID")
            if group_id:
                ident = Identifier(IdentifierType.OTHER, group_id, note="OFSI Group ID")
                if ident not in entity.identifiers:
                    entity.identifiers.append(ident)
                    entity.properties.setdefault("ofsi_group_id", []).append(group_id)
            regime = get("Regime Name")
            if regime and regime not in entity.programmes:
                entity.programmes.append(regime)
                regime_id = _regime_id(regime)
                if regime_id and regime_id not in entity.regimes:
                    entity.regimes.append(regime_id)
            for src in (get("Designation source") or "").split("|"):
                if src.strip():
                    entity.properties.setdefault("designation_source", []).append(src.strip())
            designated_text = get("Date Designated")
            designated = _dmy(designated_text)
            if designated_text and designated is None:
                warnings.append(f"{location}: unreadable Date Designated {designated_text!r}")
            if designated and (entity.listed_on is None or designated < entity.listed_on):
                entity.listed_on = designated
            for measure in (get("Sanctions Imposed") or "").split(", "):
                if measure.strip():
                    entity.properties.setdefault("sanctions_imposed", []).append(measure.strip())
        if header is None:
            raise ParseError(
                "no header row found",
                source=SOURCE,
                file=file,
                expected=", ".join(REQUIRED_COLUMNS),
            )
        refuse_if_problems(problems, source=SOURCE, file=file)
        if not entities:
            raise ParseError("file has a header but no records", source=SOURCE, file=file)
        published, date_source = file_name_date(path.name), "filename"
        if published is None:
            published, date_source = files.folder_date, "folder"
        return ParsedList(
            source=SOURCE,
            entities=list(entities.values()),
            published=published,
            date_source=date_source,
            warnings=warnings,
        )


PARSER = FcdoOdsParser()
