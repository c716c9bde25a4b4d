"""Import every real official list file in ../shared/data/lists and check facts from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from proscribe.errors import IncompleteSourceError
from proscribe.model import IdentifierType
from proscribe.store import ImportOutcome, Store, diff_versions, import_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def imported(lists_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
    tuple[Store, list[ImportOutcome]]
]:
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'store.db'}"
    store = Store(url)
    yield store, import_folder(store, lists_dir)


def _outcome(outcomes: list[ImportOutcome], source: str, day: str) -> ImportOutcome:
    return next(
        o for o in outcomes if o.files.source == source and str(o.files.folder_date) == day
    )


def test_every_publication_is_imported_or_refused_with_reason(imported: tuple) -> None:
    store, outcomes = imported
    refused = [o for o in outcomes if o.error]
    assert [(o.files.source, str(o.files.folder_date)) for o in refused] == [
        ("ofac_sdn", "2025-12-24")
    ]
    err = refused[0].error
    assert isinstance(err, IncompleteSourceError)
    assert "sdn.csv" in err.message and err.source == "ofac_sdn"
    assert {v.source for v in store.current_versions()} == {
        "un", "ofac_sdn", "ofac_cons", "uk_ofsi", "uk_fcdo"
    }


def test_un_counts_and_date(imported: tuple) -> None:
    _, outcomes = imported
    v = _outcome(outcomes, "un", "2026-02-27").result.version
    assert (v.entries, v.dprk_entries) == (1003, 155)
    assert v.published == date(2026, 2, 27) and v.date_source == "file"
    assert v.sha256 == "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf"


def test_ofac_2024_imported_with_missing_files_stated(imported: tuple) -> None:
    _, outcomes = imported
    v = _outcome(outcomes, "ofac_sdn", "2024-05-03").result.version
    assert v.entries == 14965
    assert any("alias" in w.lower() and "address" in w.lower() for w in v.warnings)


def test_known_facts(imported: tuple) -> None:
    store, _ = imported
    v2021 = store.resolve_version("ofac_sdn", "2021-07-07")
    sdn = {e.ref: e for e in store.version_entities(v2021)}
    agro = sdn["24606"]
    assert "AGROSOYUZ" in agro.primary_name
    assert any(i.type is IdentifierType.SWIFT_BIC and i.value == "AGSZRU31"
               for i in agro.identifiers)
    han = sdn["21749"]
    assert any(d.value == "1969-11-08" for d in han.birth_dates)
    assert any(i.type is IdentifierType.PASSPORT and i.value == "745420176"
               for i in han.identifiers)
    chon = sdn["23729"]
    assert chon.kind.value == "vessel"
    assert any(i.key == "imo:8660313" for i in chon.identifiers)
    subject = store.subject("un:KPe.020")
    omm = subject.records[0].entity
    assert any(i.key == "imo:1790183" for i in omm.identifiers)


def test_un_designation_linked_across_sources(imported: tuple) -> None:
    store, _ = imported
    subject = store.subject("un:KPe.020")
    sources = {r.entity.source for r in subject.records}
    assert {"un", "uk_ofsi"} <= sources, sources
    uk = next(r for r in subject.records if r.entity.source == "uk_ofsi")
    assert "un_ref:KPE020" in uk.linked_by


def test_as_of_picks_the_version_current_then(imported: tuple) -> None:
    store, _ = imported
    then = {v.source: v.version for v in store.current_versions(date(2018, 9, 10))}
    assert then == {"uk_ofsi": "2018-04-13"}
    later = {v.source: v.version for v in store.current_versions(date(2023, 1, 1))}
    assert later["ofac_sdn"] == "2021-07-07" and later["uk_ofsi"] == "2018-04-13"


def test_uk_versions_diff(imported: tuple) -> None:
    store, _ = imported
    d = diff_versions(store, "uk_ofsi", "2025-04-10", "2025-04-14")
    assert len(d.added) - len(d.removed) == 2  # 4,686 -> 4,688 groups
    full = diff_versions(store, "uk_ofsi", "2014-04-02", "2018-04-13")
    assert full.added and full.removed and full.changed
