"""Rule files: validation at load, refusal of self-contradicting files with the records named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from proscribe.errors import RuleError
from proscribe.rules import evaluate, load_regime, load_rules, regime_files

FIXTURES = Path(__file__).parent / "fixtures"

BASE = {
    "regime": "toy",
    "layer": "un",
    "target": "kp",
    "authority": "test",
}


def _measure(mid: str, **extra: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": mid,
        "title": mid,
        "resolution": "1",
        "paragraph": "OP1",
        "citation": f"TEST {mid}",
        "adopted": "2017-01-01",
        "effective": "2017-01-01",
        "direction": "to_dprk",
        "activities": ["trade"],
        "goods": [{"hs": "2710"}],
        "source": "test",
        "confidence": {"grade": "V"},
    }
    rec.update(extra)
    return rec


def _cap(cap_id: str, start: str) -> dict[str, object]:
    return {
        "exemptions": [
            {
                "id": "within-cap",
                "description": "within cap",
                "cap": {
                    "id": cap_id,
                    "periods": [
                        {"start": start, "recurrence": "yearly",
                         "limits": [{"amount": 100, "unit": "barrel"}]}
                    ],
                },
            }
        ]
    }


def _write(tmp_path: Path, measures: list[dict[str, object]], name: str = "un.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({**BASE, "measures": measures}))
    return path


def test_packaged_dprk_rules_load() -> None:
    rules = load_regime("dprk")
    assert rules.target == "kp"
    assert set(rules.layers) == {"un", "us_ofac", "eu", "uk"}
    assert len(rules.measures) >= 50
    assert len(rules.version) == 16
    by_id = rules.by_id
    # supersession: 2397 OP5 ends 2375 OP14's cap on 1 Jan 2018
    assert str(by_id["un-2375-op14-refined-petroleum-cap"].ends) == "2017-12-31"
    assert str(by_id["un-1874-op10-arms-to-dprk"].exemption_ends["salw"]) == "2016-03-01"


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [_measure("m-1"), _measure("m-1", citation="TEST again")])
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert err.value.fields["records"] == ["m-1"]


def test_overlapping_caps_are_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [_measure("cap-a", **_cap("cap-a", "2018-01-01")), _measure("cap-b", **_cap("cap-b", "2018-06-01"))],
    )
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert "overlapping caps" in err.value.message
    assert {"cap-a", "cap-b"} <= set(err.value.fields["records"])


def test_caps_ended_by_supersession_do_not_overlap(tmp_path: Path) -> None:
    later = _measure("cap-b", **_cap("cap-b", "2018-06-01"))
    later["supersedes"] = [{"measure": "cap-a", "since": "2018-06-01"}]
    path = _write(tmp_path, [_measure("cap-a", **_cap("cap-a", "2018-01-01")), later])
    rules = load_rules([path])
    assert str(rules.by_id["cap-a"].ends) == "2018-05-31"


def test_supersession_cycle_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            _measure("a", supersedes=[{"measure": "b", "since": "2018-01-01"}]),
            _measure("b", supersedes=[{"measure": "c", "since": "2018-01-01"}]),
            _measure("c", supersedes=[{"measure": "a", "since": "2018-01-01"}]),
        ],
    )
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert "cycle" in err.value.message
    assert err.value.fields["records"] == ["a", "b", "c"]


def test_unknown_references_are_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            _measure("a", supersedes=[{"measure": "nowhere", "since": "2018-01-01"}]),
            _measure("b", applies_when=[{"check": "no_such_rule"}]),
        ],
    )
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert err.value.fields["records"] == ["a", "b"]


def test_invalid_record_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_measure("ok"), _measure("bad", activities=["smuggling"])])
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert err.value.fields["records"] == ["bad"]
    assert "smuggling" in err.value.message


def test_yaml_boolean_trap_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "un.yaml"
    path.write_text("regime: toy\nlayer: un\ntarget: kp\nauthority: x\nmeasures: [{id: 1}]\n")
    with pytest.raises(RuleError):
        load_rules([path])


def test_second_regime_as_data_alone() -> None:
    rules = load_rules(regime_files("iran", FIXTURES / "iran"))
    assert rules.target == "ir"
    tanks = {
        "date": "2012-01-01",
        "kind": "trade",
        "destination": "Iran",
        "goods": [{"hs": "8710", "categories": ["heavy_arms"]}],
    }
    result = evaluate(tanks, rules)
    assert result.verdict == "prohibited"
    assert result.citations == ["UNSCR 1929 OP8"]
    assert result.unconfirmed[0].grade == "U"
    # the DPRK is not this regime's target
    assert evaluate({**tanks, "destination": "kp"}, rules).verdict == "permitted"
    oil = {"date": "2012-01-01", "kind": "trade", "destination": "ir",
           "goods": [{"hs": "2710", "quantity": 1500, "unit": "bbl"}]}
    assert evaluate(oil, rules).verdict == "prohibited"
    assert evaluate(oil, rules, cap_usage=lambda *_: 0.0).caps[0].exceeds is True
