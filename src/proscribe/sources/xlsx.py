"""A small streaming XLSX (SpreadsheetML) reader: one worksheet's rows as text.

Reads the zip with `zipfile` and every XML part with defusedxml (DTDs, entity declarations
and external references refused; the C expat parser underneath). The small parts (workbook,
relationships, styles) are parsed whole; the worksheet and the shared strings are streamed
chunk by chunk through expat handlers that keep only the current row, so memory stays flat
however long the sheet is (bar the shared strings table itself). Only what list files need is
read: the workbook's sheet names and their parts, shared strings (plain and rich-text runs),
inline strings, numbers, booleans, error and formula-string cells, and date cells (a number
with a date style, or an ISO `t="d"` cell). Formatting, formulas and everything else is
ignored.

Every failure (bad or truncated zip, missing part, malformed or hostile XML, a cell that
cannot be read) is a `ParseError` naming the source, the file, the part and the reason.
"""

from __future__ import annotations

import io
import math
import pyexpat
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from proscribe.errors import ParseError

__all__ = ["iter_sheet_rows", "sheet_names"]

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # ISO 29500 strict
)
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


def _tags(name: str) -> frozenset[str]:
    """A SpreadsheetML element's tag as ElementTree writes it: {namespace}name."""
    return frozenset(f"{{{ns}}}{name}" for ns in _MAIN_NS)


def _expat_tags(name: str) -> frozenset[str]:
    """The same tag as the streaming expat handlers see it: namespace}name."""
    return frozenset(f"{ns}}}{name}" for ns in _MAIN_NS)


_ROW, _C, _V, _IS, _T, _SI, _RPH = (
    _expat_tags(n) for n in ("row", "c", "v", "is", "t", "si", "rPh")
)
_CHUNK = 1 << 16

#: Built-in number formats that show a date (14-17, 22) or a time of day (18-21, 45-47).
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 22}
_BUILTIN_TIME_FORMATS = {18, 19, 20, 21, 45, 46, 47}

# In a format code: quoted text, backslash-escaped characters, and [...] sections (colours,
# locales, conditions, elapsed [h]) carry no date part.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")

_WINDOWS_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)
_MAX_SERIAL = 2958466  # 9999-12-31 + 1 in the 1900 system


# ---------------------------------------------------------------- errors and parts


def _error(
    message: str,
    *,
    source: str,
    file: str,
    part: str | None = None,
    location: str | None = None,
    expected: str | None = None,
    found: str | None = None,
) -> ParseError:
    where = ", ".join(p for p in (f"part {part}" if part else None, location) if p)
    return ParseError(
        message, source=source, file=file, location=where or None, expected=expected, found=found
    )


class _Book:
    """An open workbook zip and what is needed to find and read a sheet."""

    def __init__(self, data: bytes, *, source: str, file: str) -> None:
        self.source = source
        self.file = file
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise _error(
                "not a readable XLSX file (bad or truncated zip)",
                source=source,
                file=file,
                found=f"{type(exc).__name__}: {exc}",
            ) from exc
        self.names = set(self.zip.namelist())

    def close(self) -> None:
        self.zip.close()

    def error(self, message: str, part: str | None, **fields: str | None) -> ParseError:
        return _error(message, source=self.source, file=self.file, part=part, **fields)

    def open(self, part: str) -> IO[bytes]:
        if part not in self.names:
            raise self.error("not a readable XLSX workbook: a required part is missing", part)
        try:
            return self.zip.open(part)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
            raise self.error(
                "not a readable XLSX workbook: part cannot be opened",
                part,
                found=f"{type(exc).__name__}: {exc}",
            ) from exc

    def parse(self, part: str) -> Element:
        """A small part (workbook, relationships, styles), whole."""
        with self.open(part) as stream:
            try:
                data = stream.read()
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise self.corrupt(part, exc) from exc
        try:
            root: Element = SafeET.fromstring(
                data, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
        except Exception as exc:  # noqa: BLE001 - sorted by xml_error
            raise self.xml_error(part, exc) from exc
        return root

    def stream(
        self,
        part: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None],
        text: Callable[[str], None],
    ) -> Iterator[None]:
        """Stream a large part (a worksheet, the shared strings) through expat handlers,
        yielding after each chunk so the caller can drain what the handlers produced.

        The parser is defusedxml's (C expat, its DTD/entity/external-reference guards in
        place); only the element and text handlers are ours, so no tree is built: this is
        about twice as fast as `defusedxml.ElementTree.iterparse` on a large sheet."""
        parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        expat = parser.parser
        expat.ordered_attributes = False
        expat.StartElementHandler = start
        expat.EndElementHandler = end
        expat.CharacterDataHandler = text
        with self.open(part) as data:
            try:
                while chunk := data.read(_CHUNK):
                    expat.Parse(chunk, False)
                    yield
                expat.Parse(b"", True)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise self.corrupt(part, exc) from exc
            except DefusedXmlException as exc:
                raise self.xml_error(part, exc) from exc
            except pyexpat.ExpatError as exc:
                raise self.error(
                    f"malformed or truncated XML in XLSX part: {exc}",
                    part,
                    location=f"line {exc.lineno}, column {exc.offset}",
                ) from exc
        yield

    def corrupt(self, part: str, exc: BaseException) -> ParseError:
        return self.error(
            "not a readable XLSX workbook: corrupt or truncated zip member",
            part,
            found=f"{type(exc).__name__}: {exc}",
        )

    def xml_error(self, part: str, exc: BaseException) -> ParseError:
        if isinstance(exc, DefusedXmlException):
            return self.error(
                "hostile XML refused in XLSX part (DTD, entity declaration or external "
                "reference)",
                part,
                found=type(exc).__name__,
            )
        if isinstance(exc, SafeET.ParseError):
            line, col = getattr(exc, "position", (None, None))
            return self.error(
                f"malformed or truncated XML in XLSX part: {exc}",
                part,
                location=f"line {line}, column {col}" if line else None,
            )
        return self.error(
            "not a readable XLSX workbook", part, found=f"{type(exc).__name__}: {exc}"
        )

    # ------------------------------------------------------------ workbook structure

    def relationships(self, rels_part: str, base: str) -> dict[str, tuple[str, str]]:
        """Id -> (type, part path) of the internal relationships in a .rels part."""
        if rels_part not in self.names:
            return {}
        rels: dict[str, tuple[str, str]] = {}
        for rel in self.parse(rels_part):
            if rel.tag != f"{{{_PKG_RELS_NS}}}Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(base, target))
            rels[rel.get("Id") or ""] = (rel.get("Type") or "", path)
        return rels

    def sheets(self) -> tuple[list[tuple[str, str]], dict[str, tuple[str, str]], Element]:
        """[(sheet name, part)] in workbook order, the workbook's relationships, workbook."""
        workbook = self.parse(_WORKBOOK)
        rels = self.relationships(_WORKBOOK_RELS, "xl")
        found: list[tuple[str, str]] = []
        for sheets in workbook:
            if sheets.tag not in _tags("sheets"):
                continue
            for sheet in sheets:
                if sheet.tag not in _tags("sheet"):
                    continue
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                rel = rels.get(rid or "")
                if rel is None:
                    raise self.error(
                        "not a readable XLSX workbook: sheet has no relationship to its part",
                        _WORKBOOK_RELS,
                        found=f"sheet {sheet.get('name')!r}, r:id {rid!r}",
                    )
                found.append((sheet.get("name") or "", rel[1]))
        if not found:
            raise self.error("not a readable XLSX workbook: no sheets", _WORKBOOK)
        return found, rels, workbook

    def shared_strings(self, rels: dict[str, tuple[str, str]]) -> list[str]:
        part = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
        if part is None:
            part = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in self.names else None
        if part is None:
            return []
        strings: list[str] = []
        buf: list[str] = []
        depth = 0  # inside <si>: 1; inside its <t> (not a phonetic <rPh>): collecting
        collecting = False
        phonetic = False

        def start(tag: str, _attrs: dict[str, str]) -> None:
            nonlocal depth, collecting, phonetic
            if tag in _SI:
                depth = 1
                buf.clear()
            elif depth and tag in _T and not phonetic:
                collecting = True
            elif tag in _RPH:
                phonetic = True

        def end(tag: str) -> None:
            nonlocal depth, collecting, phonetic
            if tag in _T:
                collecting = False
            elif tag in _SI:
                depth = 0
                strings.append(_unescape("".join(buf)))
            elif tag in _RPH:
                phonetic = False

        def text(data: str) -> None:
            if collecting:
                buf.append(data)

        for _ in self.stream(part, start, end, text):
            pass
        return strings

    def date_styles(self, rels: dict[str, tuple[str, str]]) -> dict[int, bool]:
        """Style index -> True for a date (or date-time) format, False for a time of day;
        styles that show plain numbers are absent."""
        part = next((p for t, p in rels.values() if t.endswith("/styles")), None)
        if part is None:
            part = "xl/styles.xml" if "xl/styles.xml" in self.names else None
        if part is None:
            return {}
        styles = self.parse(part)
        custom: dict[int, str] = {}
        result: dict[int, bool] = {}
        for child in styles:
            if child.tag in _tags("numFmts"):
                for fmt in child:
                    if fmt.tag in _tags("numFmt"):
                        try:
                            custom[int(fmt.get("numFmtId") or "")] = fmt.get("formatCode") or ""
                        except ValueError:
                            continue
        for child in styles:
            if child.tag not in _tags("cellXfs"):
                continue
            for index, xf in enumerate(x for x in child if x.tag in _tags("xf")):
                try:
                    fmt_id = int(xf.get("numFmtId") or "0")
                except ValueError:
                    continue
                kind = _format_kind(fmt_id, custom.get(fmt_id))
                if kind is not None:
                    result[index] = kind
        return result


def _format_kind(fmt_id: int, code: str | None) -> bool | None:
    """True: shows a date; False: shows only a time of day; None: not a date format."""
    if code is None:
        if fmt_id in _BUILTIN_DATE_FORMATS:
            return True
        if fmt_id in _BUILTIN_TIME_FORMATS:
            return False
        return None
    if code.lower() == "general":
        return None
    # the first section is the one shown for positive numbers
    plain = _FORMAT_NOISE.sub("", code).split(";", 1)[0].lower()
    if "[" in code.split(";", 1)[0] and re.search(r"\[(h+|m+|s+)\]", code.lower()):
        return None  # elapsed time ([h]:mm): a duration, left as a number
    if "d" in plain or "y" in plain:
        return True
    if "h" in plain or "s" in plain:
        return False
    if "m" in plain:
        return True  # "mmm": a month
    return None


# ---------------------------------------------------------------- cell values


def _unescape(text: str) -> str:
    """SpreadsheetML's _xHHHH_ escapes (control characters; _x005F_ is a literal '_')."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _number_text(value: str) -> str:
    """A number cell's value as canonical decimal text: '12', '0.1', '1500' (for 1.5E+3)."""
    if "." in value or "e" in value or "E" in value:
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return repr(number)
    return str(int(value))


def _serial_to_datetime(serial: float, date1904: bool) -> datetime | None:
    if not math.isfinite(serial) or serial < 0 or serial >= _MAX_SERIAL:
        return None
    day, fraction = divmod(serial, 1)
    if date1904:
        epoch = _MAC_EPOCH
    else:
        epoch = _WINDOWS_EPOCH
        if 0 < serial < 60:  # Excel's 1900-02-29, which did not exist
            day += 1
    return epoch + timedelta(days=day, milliseconds=round(fraction * 86_400_000))


def _date_text(dt: datetime, time_only: bool, date_format: str | None) -> str:
    if time_only:
        return dt.time().isoformat()
    if date_format is not None:
        return dt.strftime(date_format)
    if dt.hour == dt.minute == dt.second == dt.microsecond == 0:
        return dt.date().isoformat()
    return dt.isoformat()


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """0-based column of a cell reference: 'A5' -> 0, 'AJ18798' -> 35."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        if not letters or not letters.isascii() or not letters.isalpha() or len(letters) > 3:
            raise ValueError(f"bad cell reference {ref!r}")
        index = 0
        for ch in letters.upper():
            index = index * 26 + ord(ch) - 64
        index -= 1
        _COLUMNS[letters] = index
    return index


# ---------------------------------------------------------------- public interface


def sheet_names(data: bytes, *, source: str, file: str) -> list[str]:
    """The workbook's sheet names, in workbook order."""
    book = _Book(data, source=source, file=file)
    try:
        return [name for name, _part in book.sheets()[0]]
    finally:
        book.close()


def iter_sheet_rows(
    data: bytes,
    *,
    source: str,
    file: str,
    sheet: str | None = None,
    date_format: str | None = None,
) -> Iterator[tuple[int, list[str | None]]]:
    """Yield (1-based row number, cell values by column position) for each row present in
    the sheet named `sheet` (default: the first). A missing cell is None; rows hold cells up
    to their last present one. Values are text: strings as stored, numbers in canonical
    decimal form ('12', '0.5'), booleans 'TRUE'/'FALSE', error cells as shown ('#N/A'), date
    cells as ISO 8601 ('2023-06-05', '2023-06-05T14:30:00', '14:30:00' for a time of day) or,
    when `date_format` is given, formatted with it (strftime; times of day stay ISO).

    A generator: the workbook is opened, and errors raised, on the first `next()`.
    """
    book = _Book(data, source=source, file=file)
    try:
        sheets, rels, workbook = book.sheets()
        if sheet is None:
            name, part = sheets[0]
        else:
            match = [p for n, p in sheets if n == sheet]
            if not match:
                raise book.error(
                    f"XLSX workbook has no sheet named {sheet!r}",
                    _WORKBOOK,
                    expected=repr(sheet),
                    found=", ".join(repr(n) for n, _ in sheets),
                )
            name, part = sheet, match[0]
        date1904 = any(
            child.tag in _tags("workbookPr") and child.get("date1904") in ("1", "true")
            for child in workbook
        )
        strings = book.shared_strings(rels)
        dates = book.date_styles(rels)
        yield from _rows(book, part, strings, dates, date1904, date_format)
    finally:
        book.close()


def _rows(
    book: _Book,
    part: str,
    strings: list[str],
    dates: dict[int, bool],
    date1904: bool,
    date_format: str | None,
) -> Iterator[tuple[int, list[str | None]]]:
    done: list[tuple[int, list[str | None]]] = []  # rows finished in the current chunk
    values: list[str | None] = []
    number = 0
    column = -1
    cell: dict[str, str] = {}
    buf: list[str] = []
    collecting = False  # inside <v>, or an inline string's <t> (not a phonetic <rPh>)
    inline = False
    phonetic = False
    value: str | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal number, column, cell, collecting, inline, phonetic, value
        if tag in _V:
            collecting = True
            buf.clear()
        elif tag in _C:
            cell = attrs
            value = None
        elif tag in _ROW:
            ref = attrs.get("r")
            try:
                number = int(ref) if ref else number + 1
            except ValueError:
                raise book.error(
                    "not a readable XLSX worksheet: bad row number", part, found=repr(ref)
                ) from None
            values.clear()
            column = -1
        elif tag in _IS:
            inline = True
            buf.clear()
        elif inline and tag in _T and not phonetic:
            collecting = True
        elif tag in _RPH:
            phonetic = True

    def end(tag: str) -> None:
        nonlocal column, collecting, inline, phonetic, value
        if tag in _V:
            collecting = False
            value = "".join(buf)
        elif tag in _C:
            ref = cell.get("r")
            try:
                column = _column(ref) if ref else column + 1
                text = _cell_value(cell, value, strings, dates, date1904, date_format)
            except (ValueError, IndexError, OverflowError) as exc:
                raise book.error(
                    "not a readable XLSX worksheet: bad cell",
                    part,
                    location=f"row {number}, cell {ref or column + 1}",
                    found=f"{type(exc).__name__}: {exc}",
                ) from exc
            gap = column - len(values)
            if gap > 0:
                values.extend([None] * gap)
            elif gap < 0:
                if values[column] is None:  # out of order, into a gap
                    values[column] = text
                    return
                raise book.error(
                    "not a readable XLSX worksheet: cell given twice",
                    part,
                    location=f"row {number}, cell {ref or column + 1}",
                )
            values.append(text)
        elif tag in _ROW:
            done.append((number, values.copy()))
        elif tag in _T:
            collecting = False
        elif tag in _IS:
            inline = False
            value = "".join(buf)
        elif tag in _RPH:
            phonetic = False

    def text(data: str) -> None:
        if collecting:
            buf.append(data)

    for _ in book.stream(part, start, end, text):
        yield from done
        done.clear()


def _cell_value(
    cell: dict[str, str],
    text: str | None,
    strings: list[str],
    dates: dict[int, bool],
    date1904: bool,
    date_format: str | None,
) -> str | None:
    """A cell's value as text, from its attributes and its <v> (or inline <is>) text."""
    kind = cell.get("t")
    if kind == "inlineStr":
        return None if text is None else _unescape(text)
    if not text:
        return None
    if kind is None or kind == "n":
        style = cell.get("s")
        is_date = dates.get(int(style)) if style else dates.get(0)
        if is_date is not None:
            serial = float(text)
            dt = _serial_to_datetime(serial, date1904)
            if dt is not None:  # out of range: left as the number
                return _date_text(dt, not is_date or serial < 1, date_format)
        return _number_text(text)
    if kind == "s":
        index = int(text)
        if index < 0:
            raise IndexError(f"shared string index {index}")
        return strings[index]
    if kind == "b":
        return "TRUE" if text.strip() not in ("0", "false") else "FALSE"
    if kind == "d":
        dt = datetime.fromisoformat(text.removesuffix("Z"))
        return _date_text(dt, False, date_format)
    # "str" (a formula's text result), "e" (an error such as #N/A)
    return _unescape(text) if kind == "str" else text
