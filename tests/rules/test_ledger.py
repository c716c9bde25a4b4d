"""Caps ledger: running totals per cap period, and refusal of a shipment that passes the cap."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from proscribe.rules import CapLedger, evaluate, load_regime

SHIPMENT = {
    "date": "2018-03-01",
    "kind": "trade",
    "destination": "kp",
    "goods": [{"hs": "2710", "quantity": 200000, "unit": "bbl"}],
    "purpose": "livelihood",
}


def test_running_totals_and_refusal(tmp_path: Path) -> None:
    ledger = CapLedger(f"sqlite:///{tmp_path / 'ledger.db'}")
    rules = load_regime("dprk")
    first = evaluate(SHIPMENT, rules, cap_usage=ledger.usage)
    assert first.verdict == "permitted_with_conditions"
    use = first.caps[0]
    assert (use.cap, use.limit, use.share_of_cap) == ("refined-petroleum-2397", 500000, 0.4)
    assert ledger.record_result(first, "shipment-1") == 1
    second = evaluate(SHIPMENT, rules, cap_usage=ledger.usage)
    assert second.verdict == "permitted_with_conditions"
    assert second.caps[0].used_before == 200000
    assert second.caps[0].remaining_after == 100000
    ledger.record_result(second, "shipment-2")
    third = evaluate(SHIPMENT, rules, cap_usage=ledger.usage)
    assert third.verdict == "prohibited"
    assert third.caps[0].exceeds
    assert ledger.record_result(third) == 0  # refused shipments are not recorded
    assert ledger.usage("refined-petroleum-2397", date(2018, 1, 1), "barrel") == 400000
    # a new 12-month period starts from zero
    next_year = evaluate({**SHIPMENT, "date": "2019-01-05"}, rules, cap_usage=ledger.usage)
    assert next_year.caps[0].used_before == 0
    assert next_year.caps[0].period_start == date(2019, 1, 1)
    assert ledger.totals()[0]["entries"] == 2


def test_evaluation_without_ledger_says_so() -> None:
    result = evaluate(SHIPMENT, load_regime("dprk"))
    reasons = [r for m in result.measures for r in m.reasons]
    assert any("no ledger" in r for r in reasons)
