"""The versioned list store, on SQLite and (in CI) on a real PostgreSQL server."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from proscribe.errors import NotFoundError, ParseError
from proscribe.sources.base import ListFileSet
from proscribe.sources.registry import discover
from proscribe.store import Store, diff_versions, import_folder

FIX = Path(__file__).parent.parent / "fixtures" / "store"


def _un(folder: str) -> ListFileSet:
    path = next((FIX / folder).rglob("consolidated.xml"))
    return ListFileSet("un", [path], date.fromisoformat(path.parent.name))


def test_import_is_versioned_and_idempotent(db_url: str) -> None:
    store = Store(db_url)
    first = store.import_fileset(_un("v1"))
    assert first.created
    assert first.version.version == "2026-01-10"
    assert first.version.published == date(2026, 1, 10)
    assert first.version.date_source == "file"
    assert first.version.entries == 3 and first.version.dprk_entries == 3
    again = store.import_fileset(_un("v1"))
    assert not again.created
    assert again.version.sha256 == first.version.sha256
    second = store.import_fileset(_un("v2"))
    assert second.created
    assert [v.version for v in store.versions("un")] == ["2026-01-10", "2026-02-10"]


def test_current_version_as_of_a_date(db_url: str) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v2"))  # imported out of order on purpose
    store.import_fileset(_un("v1"))
    assert [v.version for v in store.current_versions()] == ["2026-02-10"]
    assert [v.version for v in store.current_versions(date(2026, 1, 31))] == ["2026-01-10"]
    assert store.current_versions(date(2025, 12, 31)) == []
    entities, versions = store.current_entities(date(2026, 1, 15))
    assert {e.ref for e in entities} == {"KPi.900", "KPi.901", "KPe.020"}
    assert versions[0].version == "2026-01-10"


def test_diff_field_by_field(db_url: str) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v1"))
    store.import_fileset(_un("v2"))
    diff = diff_versions(store, "un", "2026-01-10", "latest")
    assert [e.ref for e in diff.added] == ["KPe.999"]
    assert [e.ref for e in diff.removed] == ["KPi.901"]
    assert [c.entity_id for c in diff.changed] == ["un:KPi.900"]
    names = next(f for f in diff.changed[0].changes if f.field == "names")
    assert [n["value"] for n in names.added] == ["Han Jang-su"]
    assert names.removed == []
    assert diff.to_dict()["summary"] == {"added": 1, "removed": 1, "changed": 1}


def test_resolve_version_specs(db_url: str) -> None:
    store = Store(db_url)
    v1 = store.import_fileset(_un("v1")).version
    store.import_fileset(_un("v2"))
    assert store.resolve_version("un", "previous").version == "2026-01-10"
    assert store.resolve_version("un", v1.sha256[:10]).version == "2026-01-10"
    assert store.resolve_version("un", "2026-02").version == "2026-02-10"
    with pytest.raises(NotFoundError):
        store.resolve_version("un", "1999-01-01")
    with pytest.raises(NotFoundError):
        store.resolve_version("ofac_sdn", "latest")


def test_refused_file_keeps_previous_version(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v1"))
    broken = tmp_path / "un" / "2026-03-01" / "consolidated.xml"
    broken.parent.mkdir(parents=True)
    data = _un("v2").paths[0].read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # truncated mid-element
    with pytest.raises(ParseError) as info:
        store.import_fileset(ListFileSet("un", [broken], date(2026, 3, 1)))
    assert info.value.file == str(broken)
    assert info.value.location
    assert [v.version for v in store.versions("un")] == ["2026-01-10"]
    assert [v.version for v in store.current_versions()] == ["2026-01-10"]
    failures = store.failures("un")
    assert len(failures) == 1 and "truncated" in failures[0]["error"]["message"]


def test_hostile_xml_refused_and_nothing_stored(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    hostile = tmp_path / "consolidated.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS>&xxe;</INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ParseError):
        store.import_fileset(ListFileSet("un", [hostile]))
    assert store.versions() == []


def test_oversized_file_refused_unread(db_url: str) -> None:
    store = Store(db_url)
    files = _un("v1")
    files.max_bytes = 100
    with pytest.raises(ParseError, match="larger than the configured limit"):
        store.import_fileset(files)
    assert store.versions() == []


def test_subject_links_records_across_sources_by_un_ref(db_url: str) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v1"))
    subject = store.subject("un:KPe.020")
    assert subject.id == "un:KPe.020"
    assert subject.records[0].entity.names[0].value.startswith("OCEAN MARITIME")
    with pytest.raises(NotFoundError):
        store.subject("un:KPe.404")
    with pytest.raises(NotFoundError):
        store.subject("no-colon")


def test_import_folder_reports_each_publication(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "lists"
    shutil.copytree(FIX / "v1", root, dirs_exist_ok=True)
    shutil.copytree(FIX / "v2", root, dirs_exist_ok=True)
    bad = root / "un" / "2026-03-01"
    bad.mkdir(parents=True)
    (bad / "consolidated.xml").write_bytes(b"\xff\xfe not xml")
    assert [s.folder_date for s in discover(root)] == [
        date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 1)
    ]
    outcomes = import_folder(Store(db_url), root)
    assert [o.result is not None for o in outcomes] == [True, True, False]
    assert outcomes[2].error is not None
    assert [v.version for v in Store(db_url).current_versions()] == ["2026-02-10"]
