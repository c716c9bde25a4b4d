"""List versions: what one import of one list was."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class ListVersion:
    source: str  # "un", "ofac_sdn", ...
    version: str  # stable id: publication date plus a short hash, "2026-02-27-66b392a4"
    published: date | None  # from the file where it states one, else the folder's date
    sha256: str  # over the file set, in file-name order
    parser_version: str
    imported_at: datetime | None = None
    files: list[str] = field(default_factory=list)
    entries: int = 0
    dprk_entries: int = 0
    date_source: str = "file"  # "file" when the file states it, "folder" or "mtime" otherwise
    warnings: list[str] = field(default_factory=list)  # e.g. "aliases and addresses missing"
