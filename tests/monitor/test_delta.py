"""Delta screening on the UN v1 -> v2 fixtures: new, changed and removed hits, decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from proscribe.errors import ConfigError
from proscribe.monitor import decide, import_customers, list_alerts, list_decisions, run_monitor
from proscribe.sources.base import ListFileSet
from proscribe.store import Store

FIX = Path(__file__).parent.parent / "fixtures" / "store"


def _un(folder: str) -> ListFileSet:
    path = next((FIX / folder).rglob("consolidated.xml"))
    return ListFileSet("un", [path], date.fromisoformat(path.parent.name))


CUSTOMERS = """customer_id,name,type,country
c1,Han Jang Su,person,
c2,Kim Yong Chol,person,
c3,Korea Test Trading Corporation,company,
c4,John Smith,person,GB
"""


def _write(tmp_path: Path, text: str, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(alerts: list[dict]) -> set[tuple[str, str, str, str]]:
    return {(a["kind"], a["customer_id"], a["entity_id"], a["reason"]) for a in alerts}


def test_customers_import_upserts_by_id(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    first = import_customers(store, _write(tmp_path, CUSTOMERS))
    assert (first.inserted, first.updated, first.unchanged) == (4, 0, 0)
    again = import_customers(store, _write(tmp_path, CUSTOMERS.replace("GB", "IE")))
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 3)
    bad = import_customers(store, _write(tmp_path, "id,name\nc9,\n,Somebody\nc8,Ok Name\n"))
    assert bad.inserted == 1
    assert [r["reason"] for r in bad.rejects] == ["empty name", "empty customer id"]
    assert [r["line"] for r in bad.rejects] == [2, 3]


def test_customers_import_needs_an_id_column(db_url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="customer id"):
        import_customers(Store(db_url), _write(tmp_path, "name\nHan Jang Su\n"))


def test_delta_screening_v1_to_v2(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v1"))
    import_customers(store, _write(tmp_path, CUSTOMERS))
    first = run_monitor(store)
    assert first.customers_screened_full == 4
    assert _pairs(list_alerts(store, run_id=first.run_id)) == {
        ("new_hit", "c1", "un:KPi.900", "customer_new"),
        ("new_hit", "c2", "un:KPi.901", "customer_new"),
    }
    # Nothing changed: nothing screened, no alert.
    quiet = run_monitor(store)
    assert quiet.customers_screened_full == quiet.customers_screened_delta == 0
    assert list_alerts(store, run_id=quiet.run_id) == []

    store.import_fileset(_un("v2"))
    second = run_monitor(store)
    assert second.customers_screened_full == 0 and second.customers_screened_delta == 4
    assert second.delta_entities == 2  # KPe.999 added, KPi.900 changed
    alerts = list_alerts(store, run_id=second.run_id)
    assert _pairs(alerts) == {
        ("changed_hit", "c1", "un:KPi.900", "entity_changed"),
        ("removed_hit", "c2", "un:KPi.901", "delisted"),
        ("new_hit", "c3", "un:KPe.999", "listed"),
    }
    by_kind = {a["kind"]: a for a in alerts}
    changed = by_kind["changed_hit"]["detail"]["list_diff"]
    assert (changed["from"], changed["to"], changed["change"]) == ("2026-01-10", "2026-02-10",
                                                                  "changed")
    names = next(f for f in changed["fields"] if f["field"] == "names")
    assert [n["value"] for n in names["added"]] == ["Han Jang-su"]
    assert by_kind["removed_hit"]["detail"]["list_diff"]["change"] == "removed"
    assert by_kind["new_hit"]["detail"]["candidate"]["entity_id"] == "un:KPe.999"
    assert by_kind["new_hit"]["detail"]["algorithm"]["id"]
    assert all(a["status"] == "open" for a in alerts)


def test_decision_suppresses_pair_until_entity_changes(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    store.import_fileset(_un("v1"))
    import_customers(store, _write(tmp_path, CUSTOMERS))
    run_monitor(store)
    han = next(a for a in list_alerts(store) if a["customer_id"] == "c1")
    made = decide(store, han["id"], "false_positive", "different person: born 1980", "alice")
    assert made.entity_hash == han["entity_hash"]
    assert list_alerts(store, status="decided")[0]["id"] == han["id"]
    with pytest.raises(ConfigError):
        decide(store, han["id"], "maybe", "x", "alice")

    # The customer's name changes away and back: the pair disappears, then comes back with
    # the same listed content -> the new hit is suppressed by the decision.
    import_customers(store, _write(tmp_path, CUSTOMERS.replace("Han Jang Su", "Jane Doe")))
    gone = run_monitor(store)
    assert _pairs(list_alerts(store, run_id=gone.run_id)) == {
        ("removed_hit", "c1", "un:KPi.900", "customer_changed")}
    import_customers(store, _write(tmp_path, CUSTOMERS))
    back = run_monitor(store)
    again = list_alerts(store, run_id=back.run_id)
    assert [(a["kind"], a["status"]) for a in again] == [("new_hit", "suppressed")]
    assert back.suppressed == 1 and back.alerts["new_hit"] == 0

    # The listed entity changes (v2 adds an alias): the pair alerts again.
    store.import_fileset(_un("v2"))
    changed = run_monitor(store)
    mine = [a for a in list_alerts(store, run_id=changed.run_id) if a["customer_id"] == "c1"]
    assert [(a["kind"], a["status"]) for a in mine] == [("changed_hit", "open")]

    # Every decision is in the decisions table and the hash-chained audit log.
    assert [d.reviewer for d in list_decisions(store, "c1")] == ["alice"]
    from proscribe.store.audit import AuditLog

    log = AuditLog(store.engine)
    records = [r for r in log.records() if r.endpoint == "alerts.decide"]
    assert len(records) == 1
    assert records[0].record["request"]["decision"] == "false_positive"
    assert log.verify().ok
