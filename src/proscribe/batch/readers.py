"""Input files of a batch run: CSV, Parquet or JSON lines, read as (line, record) pairs.

`open_input` checks what can be checked before any work (the file exists, its encoding
decodes from the first byte to the last, it has a header) and counts the rows for the
progress bar. Rows that cannot be read (wrong number of fields, broken JSON) come back as
`BadRow` with their line number; the run writes them to the rejects file and goes on.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proscribe.errors import ConfigError, QueryError

FORMATS = ("csv", "parquet", "jsonl")


@dataclass(slots=True)
class BadRow:
    line: int
    reason: str
    raw: str


#: (line number, record) for a readable row; BadRow for one that is not.
Row = tuple[int, dict[str, Any]] | BadRow


def file_format(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    fmt = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet", "tsv": "csv", "txt": "csv"}.get(
        fmt, fmt
    )
    if fmt not in FORMATS:
        raise ConfigError("unknown file format", file=str(path), expected=", ".join(FORMATS),
                          found=path.suffix or "no extension")
    return fmt


class InputFile:
    """One input file; `rows(skip)` streams its rows after the first `skip` data rows."""

    def __init__(self, path: Path, fmt: str, headers: list[str], total: int | None,
                 encoding: str, delimiter: str) -> None:
        self.path = path
        self.format = fmt
        self.headers = headers
        self.total = total
        self.encoding = encoding
        self.delimiter = delimiter

    def rows(self, skip: int = 0) -> Iterator[Row]:
        if self.format == "csv":
            return self._csv_rows(skip)
        if self.format == "jsonl":
            return self._jsonl_rows(skip)
        return self._parquet_rows(skip)

    def _csv_rows(self, skip: int) -> Iterator[Row]:
        with self.path.open(encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            next(reader)
            width = len(self.headers)
            index = 0
            last_line = reader.line_num
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    line = last_line + 1
                    last_line = reader.line_num
                    index += 1
                    if index > skip:
                        yield BadRow(line, f"unreadable CSV: {exc}", "")
                    continue
                line = last_line + 1
                last_line = reader.line_num
                if not fields:  # blank line: not a row
                    continue
                index += 1
                if index <= skip:
                    continue
                if len(fields) != width:
                    yield BadRow(line, f"expected {width} fields, found {len(fields)}",
                                 self.delimiter.join(fields))
                    continue
                yield line, dict(zip(self.headers, fields, strict=True))

    def _jsonl_rows(self, skip: int) -> Iterator[Row]:
        with self.path.open(encoding=self.encoding) as fh:
            index = 0
            for line_no, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                index += 1
                if index <= skip:
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield BadRow(line_no, f"invalid JSON: {exc.msg}", text.rstrip("\n"))
                    continue
                if not isinstance(record, dict):
                    yield BadRow(line_no, "a line must be a JSON object", text.rstrip("\n"))
                    continue
                yield line_no, record

    def _parquet_rows(self, skip: int) -> Iterator[Row]:
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path) as pf:
            index = 0
            for batch in pf.iter_batches(batch_size=65536):
                n = batch.num_rows
                if index + n <= skip:
                    index += n
                    continue
                start = max(0, skip - index)
                for offset, record in enumerate(batch.slice(start).to_pylist()):
                    yield index + start + offset + 1, record  # "line" = 1-based row number
                index += n


def open_input(path: Path, *, fmt: str | None = None, encoding: str = "utf-8",
               delimiter: str | None = None) -> InputFile:
    """Check an input file before any work and return a reader over it.

    Raises QueryError naming the problem for a file that is missing, empty, not in
    `encoding` (with the line of the first bad byte) or without a header.
    """
    if not path.is_file():
        raise QueryError("input file not found", file=str(path))
    kind = file_format(path, fmt)
    if kind == "parquet":
        return _open_parquet(path)
    encoding = _check_encoding(path, encoding)
    if kind == "jsonl":
        json_keys: set[str] = set()
        total = 0
        with path.open(encoding=encoding) as fh:
            for text in fh:
                if text.strip():
                    total += 1
                    if len(json_keys) < 200 and total <= 100:
                        try:
                            obj = json.loads(text)
                        except json.JSONDecodeError:
                            continue
                        if isinstance(obj, dict):
                            json_keys.update(obj)
        if total == 0:
            raise QueryError("input file has no rows", file=str(path))
        return InputFile(path, kind, sorted(json_keys), total, encoding, ",")
    with path.open(encoding=encoding, newline="") as fh:
        first = fh.readline()
        if not first.strip():
            raise QueryError("input file is empty or has no header line", file=str(path))
        if delimiter is None:
            delimiter = _sniff_delimiter(first, path)
        header = next(csv.reader([first], delimiter=delimiter))
    headers = [h.strip() for h in header]
    if len(set(headers)) != len(headers):
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        raise QueryError("duplicate column names in the header", file=str(path),
                         found=", ".join(dupes))
    total = _count_lines(path) - 1
    return InputFile(path, kind, headers, max(total, 0), encoding, delimiter)


def _open_parquet(path: Path) -> InputFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as pf:
            headers = list(pf.schema_arrow.names)
            total = pf.metadata.num_rows
    except (pa.ArrowInvalid, OSError) as exc:
        raise QueryError("not a readable Parquet file", file=str(path), found=str(exc)) from None
    return InputFile(path, "parquet", headers, total, "utf-8", ",")


def _check_encoding(path: Path, encoding: str) -> str:
    """Decode the whole file once, streaming; the first bad byte refuses it with its line."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ConfigError("unknown encoding", expected="e.g. utf-8, latin-1, cp1252",
                          found=encoding) from None
    with path.open("rb") as fh:
        head = fh.read(4)
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and head.startswith(
            codecs.BOM_UTF8
        ):
            encoding = "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        line = 1
        while True:
            block = fh.read(1 << 20)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                line += block.count(b"\n", 0, exc.start)
                raise QueryError(
                    f"input is not valid {encoding}: pass --encoding (e.g. latin-1 or cp1252)",
                    file=str(path),
                    location=f"line {line}",
                    expected=encoding,
                    found=f"byte 0x{block[exc.start]:02x}",
                ) from None
            if not block:
                break
            line += block.count(b"\n")
    return encoding


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _sniff_delimiter(header_line: str, path: Path) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


__all__ = ["FORMATS", "BadRow", "InputFile", "Row", "file_format", "open_input"]
