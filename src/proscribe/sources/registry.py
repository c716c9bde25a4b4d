"""Which parser reads which list, and where list files are found on disk.

Layout of a lists folder (the same as ../shared/data/lists and the download cache):

    un/<date>/consolidated.xml            -> un
    ofac/sdn/<date>/{sdn,add,alt,sdn_comments}.csv or sdn.xml -> ofac_sdn
    ofac/cons/<date>/cons_*.csv or consolidated.xml          -> ofac_cons
    uk/<date>/*.csv | *.xlsx               -> uk_ofsi (OFSI Consolidated List)
    uk/<date>/*.ods                        -> uk_fcdo (FCDO UK Sanctions List export)
    eu/<date>/*.xml                        -> eu (EU Financial Sanctions Files)
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import date
from pathlib import Path

from proscribe.errors import ConfigError
from proscribe.sources.base import DEFAULT_MAX_BYTES, ListFileSet, SourceParser

_MODULES = {
    "un": "proscribe.sources.un_sc",
    "ofac_sdn": "proscribe.sources.ofac_sdn",
    "ofac_cons": "proscribe.sources.ofac_cons",
    "uk_ofsi": "proscribe.sources.uk_ofsi",
    "uk_fcdo": "proscribe.sources.uk_fcdo",
    "eu": "proscribe.sources.eu_fsf",
}

SOURCES: tuple[str, ...] = tuple(_MODULES)


def get_parser(source: str) -> SourceParser:
    """The parser object of a source id ("un", "ofac_sdn", ...)."""
    try:
        module = importlib.import_module(_MODULES[source])
    except KeyError:
        raise ConfigError(
            f"unknown list source {source!r}", expected=", ".join(SOURCES), found=source
        ) from None
    parser: SourceParser = module.PARSER
    return parser


def _folder_date(name: str) -> date | None:
    try:
        return date.fromisoformat(name[:10])
    except ValueError:
        return None


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def discover(lists_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ListFileSet]:
    """Every publication found under `lists_dir`, oldest first within each source."""
    if not lists_dir.is_dir():
        raise ConfigError("lists folder does not exist", found=str(lists_dir))
    sets: list[ListFileSet] = []

    def add(source: str, folder: Path, paths: list[Path]) -> None:
        if paths:
            sets.append(ListFileSet(source, paths, _folder_date(folder.name), max_bytes))

    for folder in _dated(lists_dir / "un"):
        add("un", folder, [p for p in _files(folder) if p.suffix.lower() == ".xml"])
    for folder in _dated(lists_dir / "eu"):
        add("eu", folder, [p for p in _files(folder) if p.suffix.lower() == ".xml"])
    for kind in ("sdn", "cons"):
        for folder in _dated(lists_dir / "ofac" / kind):
            add(f"ofac_{kind}", folder, _files(folder))
    for folder in _dated(lists_dir / "uk"):
        by_source: dict[str, list[Path]] = defaultdict(list)
        for path in _files(folder):
            suffix = path.suffix.lower()
            if suffix == ".ods":
                by_source["uk_fcdo"].append(path)
            elif suffix in {".csv", ".xlsx"}:
                by_source["uk_ofsi"].append(path)
        for source, paths in sorted(by_source.items()):
            add(source, folder, paths)
    sets.sort(key=lambda s: (SOURCES.index(s.source), s.folder_date or date.min))
    return sets


def _dated(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and _folder_date(p.name))
