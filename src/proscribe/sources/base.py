"""The one small interface every official list format sits behind.

A parser takes a `ListFileSet` (the files of one publication of one list) and returns a
`ParsedList`, or raises `ParseError` naming the source, file, place and reason. A parser
collects every bad record it finds and then refuses the whole file: a half-imported list
is never served.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from proscribe.errors import ParseError
from proscribe.model import Entity

#: Files larger than this are refused before parsing (setting `max_list_file_mb`).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


@dataclass(slots=True)
class ListFileSet:
    """The files of one publication of one list, as found on disk or downloaded."""

    source: str
    paths: list[Path]
    folder_date: date | None = None  # the date the folder is named for, when it is one
    max_bytes: int = DEFAULT_MAX_BYTES

    def sha256(self) -> str:
        """SHA-256 of the file when there is one (as published checksums are), else a
        hash over the set: name and bytes of each file, in name order."""
        if len(self.paths) == 1:
            return hashlib.sha256(self.read(self.paths[0])).hexdigest()
        digest = hashlib.sha256()
        for path in sorted(self.paths, key=lambda p: p.name):
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(self.read(path))
        return digest.hexdigest()

    def by_name(self, name: str) -> Path | None:
        for path in self.paths:
            if path.name.lower() == name.lower():
                return path
        return None

    def read(self, path: Path) -> bytes:
        size = path.stat().st_size
        if size > self.max_bytes:
            raise ParseError(
                "file is larger than the configured limit",
                source=self.source,
                file=str(path),
                expected=f"at most {self.max_bytes} bytes",
                found=f"{size} bytes",
            )
        if size == 0:
            raise ParseError("file is empty", source=self.source, file=str(path))
        return path.read_bytes()


@dataclass(slots=True)
class ParsedList:
    source: str
    entities: list[Entity]
    published: date | None
    date_source: str = "file"  # "file" | "folder"
    warnings: list[str] = field(default_factory=list)


class SourceParser(Protocol):
    """What every list format module exposes (as a module-level object)."""

    source: str  # store id: "un", "ofac_sdn", "ofac_cons", "uk_ofsi", "uk_fcdo", "eu"
    title: str
    parser_version: str

    def parse(self, files: ListFileSet) -> ParsedList: ...


# ---------------------------------------------------------------- shared helpers


def parse_xml(data: bytes, *, source: str, file: str) -> Element:
    """Parse XML bytes refusing DTDs, entities and external references (XXE, billion laughs)."""
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        return root
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise xml_error(exc, source=source, file=file) from exc


def xml_error(exc: DefusedXmlException | SafeET.ParseError, *, source: str,
              file: str) -> ParseError:
    """The ParseError for a hostile or malformed XML document (defusedxml's errors)."""
    if isinstance(exc, DefusedXmlException):
        return ParseError(
            "hostile XML refused (DTD, entity declaration or external reference)",
            source=source,
            file=file,
            found=type(exc).__name__,
        )
    line, col = getattr(exc, "position", (None, None))
    return ParseError(
        f"malformed or truncated XML: {exc}",
        source=source,
        file=file,
        location=f"line {line}, column {col}" if line else None,
    )


def pick_one_file(files: ListFileSet, *, source: str, what: str,
                  suffixes: Sequence[str]) -> Path:
    """The one file of the set with one of `suffixes`; refused when there are none or more."""
    found = [p for p in files.paths if p.suffix.lower() in suffixes]
    if len(found) != 1:
        kinds = " or ".join(suffixes)
        raise ParseError(
            f"expected exactly one {what} {kinds} file",
            source=source,
            file=", ".join(str(p) for p in files.paths) or None,
            expected=f"one {kinds}",
            found=f"{len(found)} such files",
        )
    return found[0]


def decode_text(data: bytes, *, source: str, file: str, encodings: Iterable[str]) -> str:
    """Decode with the first encoding that fits; strict, so wrong bytes are refused, not guessed."""
    errors = []
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            errors.append(f"{enc}: byte {exc.start} (line {line}): {exc.reason}")
    raise ParseError(
        "file is not in an expected encoding",
        source=source,
        file=file,
        expected=" or ".join(encodings),
        found="; ".join(errors),
    )


def strip_tag(tag: str) -> str:
    """Local name of a namespaced XML tag."""
    return tag.rsplit("}", 1)[-1]


_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str | None:
    """Collapse whitespace; empty and null markers become None."""
    if value is None:
        return None
    value = _SPACES.sub(" ", value).strip()
    if not value or value in {"-0-", "-0- ", "n/a", "N/A"}:
        return None
    return value


def refuse_if_problems(problems: list[str], *, source: str, file: str) -> None:
    """Raise one ParseError listing every bad record found (first 50 shown)."""
    if problems:
        raise ParseError(
            f"{len(problems)} bad record(s); the whole file is refused",
            source=source,
            file=file,
            location=problems[0],
            problems=problems[:50],
        )


Registry = dict[str, Callable[[ListFileSet], ParsedList]]
