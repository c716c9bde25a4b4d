"""The streaming XLSX reader: hand-built workbooks, openpyxl-built workbooks, hostile input."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from proscribe.errors import ParseError
from proscribe.sources.xlsx import iter_sheet_rows, sheet_names

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
REAL = Path("/work/shared/data/lists/uk/2025-04-14/ConList.xlsx")


def sheet_xml(rows: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<worksheet xmlns="{NS}"><dimension ref="A1"/><sheetData>{rows}</sheetData></worksheet>'
    )


def workbook(
    sheets: dict[str, str],
    *,
    shared: list[str] | None = None,
    shared_xml: str | None = None,
    styles: str | None = None,
) -> bytes:
    """A minimal XLSX zip: one worksheet part per entry of `sheets` (name -> sheet XML)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="worksheets/s{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None or shared_xml is not None:
            rels += f'<Relationship Id="rS" Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_xml is None:
                items = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
                shared_xml = f'<sst xmlns="{NS}">{items}</sst>'
            z.writestr("xl/sharedStrings.xml", shared_xml)
        if styles is not None:
            rels += f'<Relationship Id="rY" Type="{RNS}/styles" Target="/xl/styles.xml"/>'
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}</Relationships>')
        for i, xml in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/s{i}.xml", xml)
    return buf.getvalue()


def read(data: bytes, sheet: str | None = None, **kw: str) -> list[tuple[int, list[str | None]]]:
    return list(iter_sheet_rows(data, source="test", file="book.xlsx", sheet=sheet, **kw))


# ---------------------------------------------------------------- hand-built workbooks


def test_shared_strings_rich_text_and_phonetic_runs() -> None:
    shared = (
        f'<sst xmlns="{NS}"><si><t>plain</t></si>'
        '<si><r><rPr><b/></rPr><t xml:space="preserve">rich </t></r><r><t>text</t></r>'
        "<rPh><t>PHONETIC</t></rPh></si>"
        "<si><t>a&amp;b _x000D_ c_x005F_x000D_</t></si><si><t/></si></sst>"
    )
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    rows += '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
    data = workbook({"Data": sheet_xml(rows)}, shared_xml=shared)
    assert read(data) == [(1, ["plain", "rich text", "a&b \r c_x000D_", ""])]


def test_inline_strings_booleans_errors_and_formula_text() -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>inline</t></is></c>'
        '<c r="B1" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c>'
        '<c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c>'
        '<c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="str"><f>A1</f><v>calc</v></c></row>'
    )
    data = workbook({"Data": sheet_xml(rows)})
    assert read(data) == [(1, ["inline", "rich", "TRUE", "FALSE", "#N/A", "calc"])]


def test_gaps_in_rows_and_columns_are_filled() -> None:
    rows = (
        '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="E2" t="s"><v>1</v></c></row>'
        '<row r="5"><c r="AB5" t="s"><v>0</v></c></row>'
        '<row><c t="s"><v>1</v></c><c t="s"><v>0</v></c></row>'  # no references: counted on
    )
    data = workbook({"Data": sheet_xml(rows)}, shared=["x", "y"])
    got = read(data)
    assert got[0] == (2, [None, "x", None, None, "y"])
    assert got[1][0] == 5 and len(got[1][1]) == 28 and got[1][1][27] == "x"
    assert got[2] == (6, ["y", "x"])


def test_numbers_as_text() -> None:
    rows = (
        '<row r="1"><c r="A1"><v>42</v></c><c r="B1" t="n"><v>0.1</v></c>'
        '<c r="C1"><v>1.5E+3</v></c><c r="D1"><v>-7.25</v></c><c r="E1"><v></v></c>'
        '<c r="F1" s="1"/></row>'
    )
    data = workbook({"Data": sheet_xml(rows)})
    assert read(data) == [(1, ["42", "0.1", "1500", "-7.25", None, None])]


STYLES = (
    f'<styleSheet xmlns="{NS}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="&quot;Ref&quot; 0.00"/></numFmts>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
    '<xf numFmtId="22"/><xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>'
)


def test_date_cells_become_iso_dates() -> None:
    rows = (
        '<row r="1"><c r="A1" s="1"><v>45082</v></c><c r="B1" s="2"><v>45082</v></c>'
        '<c r="C1" s="3"><v>45082.5</v></c><c r="D1" s="4"><v>45082</v></c>'
        '<c r="E1" s="5"><v>0.75</v></c><c r="F1" s="0"><v>45082</v></c>'
        '<c r="G1" t="d"><v>2023-06-05T00:00:00</v></c><c r="H1" s="2"><v>1</v></c></row>'
    )
    data = workbook({"Data": sheet_xml(rows)}, styles=STYLES)
    assert read(data) == [
        (
            1,
            [
                "2023-06-05",
                "2023-06-05",
                "2023-06-05T12:00:00",
                "45082",  # a custom number format with quoted text is not a date
                "18:00:00",
                "45082",
                "2023-06-05",
                "1900-01-01",
            ],
        )
    ]
    ofsi = read(data, date_format="%d/%m/%Y")
    assert ofsi[0][1][:3] == ["05/06/2023", "05/06/2023", "05/06/2023"]


def test_several_sheets_by_name_default_first() -> None:
    data = workbook(
        {
            "Notes": sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>'),
            "Data": sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row>'),
        }
    )
    assert sheet_names(data, source="test", file="book.xlsx") == ["Notes", "Data"]
    assert read(data) == [(1, ["n"])]
    assert read(data, "Data") == [(1, ["d"])]
    with pytest.raises(ParseError, match="no sheet named 'Other'") as info:
        read(data, "Other")
    assert info.value.fields["found"] == "'Notes', 'Data'"


# ---------------------------------------------------------------- refused input


def test_xxe_in_sheet_xml_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    prolog = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    data = workbook({"Data": sheet_xml(rows, prolog)})
    with pytest.raises(ParseError, match="hostile XML") as info:
        read(data)
    assert info.value.source == "test"
    assert info.value.file == "book.xlsx"
    assert info.value.location == "part xl/worksheets/s1.xml"


def test_entity_bomb_in_shared_strings_refused() -> None:
    shared = (
        '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<sst xmlns="{NS}"><si><t>&b;</t></si></sst>'
    )
    data = workbook({"Data": sheet_xml("")}, shared_xml=shared)
    with pytest.raises(ParseError, match="hostile XML") as info:
        read(data)
    assert info.value.location == "part xl/sharedStrings.xml"


def test_dtd_in_workbook_xml_refused() -> None:
    data = workbook({"Data": sheet_xml("")})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == "xl/workbook.xml":
                body = b'<!DOCTYPE workbook SYSTEM "http://example.invalid/x.dtd">' + body
            dst.writestr(name, body)
    with pytest.raises(ParseError, match="hostile XML") as info:
        sheet_names(buf.getvalue(), source="test", file="book.xlsx")
    assert info.value.location == "part xl/workbook.xml"


@pytest.mark.parametrize("data", [b"this is not a workbook", b"PK\x03\x04" + b"\0" * 40])
def test_bad_zip_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match="bad or truncated zip") as info:
        read(data)
    assert info.value.source == "test"
    assert info.value.file == "book.xlsx"


def test_truncated_zip_refused() -> None:
    data = workbook({"Data": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' * 200)})
    with pytest.raises(ParseError, match="XLSX"):
        read(data[: len(data) // 2])


def test_missing_part_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ParseError, match="missing") as info:
        read(buf.getvalue())
    assert info.value.location == "part xl/workbook.xml"


def test_malformed_sheet_xml_refused() -> None:
    data = workbook({"Data": sheet_xml('<row r="1"><c r="A1"><v>1</v></row>')})
    with pytest.raises(ParseError, match="malformed") as info:
        read(data)
    assert (info.value.location or "").startswith("part xl/worksheets/s1.xml, line 1")


def test_bad_shared_string_index_refused() -> None:
    data = workbook({"Data": sheet_xml('<row r="3"><c r="B3" t="s"><v>7</v></c></row>')}, shared=[])
    with pytest.raises(ParseError, match="bad cell") as info:
        read(data)
    assert info.value.location == "part xl/worksheets/s1.xml, row 3, cell B3"


# ---------------------------------------------------------------- against openpyxl


def openpyxl_rows(data: bytes, sheet: str | None = None) -> dict[int, list[object]]:
    """openpyxl's values, trailing empty cells and empty rows dropped, as text like ours."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = book[sheet or book.sheetnames[0]]
        rows: dict[int, list[object]] = {}
        for number, row in enumerate(ws.iter_rows(values_only=True), 1):
            values = [as_text(v) for v in row]
            while values and values[-1] is None:
                values.pop()
            if values:
                rows[number] = values
        return rows
    finally:
        book.close()


def as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def our_rows(data: bytes, sheet: str | None = None) -> dict[int, list[object]]:
    rows: dict[int, list[object]] = {}
    for number, values in read(data, sheet):
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[number] = list(values)
    return rows


def test_same_rows_as_openpyxl_on_an_openpyxl_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["only notes"])
    sheet = book.create_sheet("Data")
    sheet.append(["Last Updated", "05/06/2023"])
    sheet.append(["Name 6", "Name 1", "DOB", "Count", "Ratio", "Flag", "When"])
    sheet.append(["SMITH", "John", "00/00/1965", 3, 0.25, True, datetime(2023, 6, 5)])
    sheet.append(["ДОЕ", None, None, 12345678901, -1.5, False, datetime(2020, 1, 2, 13, 30)])
    sheet["J7"] = "far away"  # gap rows and columns
    sheet["C9"] = "  spaced\ttext\n"
    path = tmp_path / "book.xlsx"
    book.save(path)
    data = path.read_bytes()
    ours = our_rows(data, "Data")
    assert ours == openpyxl_rows(data, "Data")
    assert ours[3] == ["SMITH", "John", "00/00/1965", "3", "0.25", "TRUE", "2023-06-05"]
    assert our_rows(data) == {1: ["only notes"]}


@pytest.mark.slow
@pytest.mark.skipif(not REAL.exists(), reason=f"{REAL} not present (no shared data)")
def test_same_rows_as_openpyxl_on_a_real_ofsi_file() -> None:
    data = REAL.read_bytes()
    ours = our_rows(data)
    assert len(ours) > 18000
    assert ours == openpyxl_rows(data)
