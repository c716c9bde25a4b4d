"""The DPRK case table (tests/rules/cases/dprk.yaml), readable by a compliance reviewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from proscribe.rules import Party, PartyHit, evaluate, load_regime

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "dprk.yaml").read_text())["cases"]


def _fake_screener(hits: list[dict[str, str]]) -> Any:
    def screener(party: Party) -> list[PartyHit]:
        return [PartyHit(**h) for h in hits if h["party"] == party.name]

    return screener


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    rules = load_regime("dprk")
    result = evaluate(
        case["activity"], rules, party_screener=_fake_screener(case.get("screen_hits", []))
    )
    explain = "\n".join(f"{m.citation} {m.layer} {m.outcome}: {m.reasons}" for m in result.measures)
    assert result.verdict == case["verdict"], explain
    for citation in case["citations"]:
        assert citation in result.citations, explain
    if not case["citations"]:
        assert [m for m in result.measures if m.layer == "un"] == []
    for layer, verdict in case.get("layers", {}).items():
        assert result.layers[layer].verdict == verdict
    for fact, (yes, no) in case.get("missing", {}).items():
        found = [m for m in result.missing if m.field == fact]
        assert found, result.missing
        assert (found[0].if_yes, found[0].if_no) == (yes, no)
    flagged = {u.citation for u in result.unconfirmed}
    for citation in case.get("unconfirmed", []):
        assert citation in flagged
    for text in case.get("conditions_mention", []):
        assert any(text in c.text for c in result.conditions), result.conditions
    assert result.rules_version == rules.version
    assert result.engine_version == "rules-v1"


def test_case_table_is_broad() -> None:
    assert len(CASES) >= 30
    verdicts = {c["verdict"] for c in CASES}
    assert verdicts == {
        "prohibited",
        "permitted",
        "permitted_with_conditions",
        "requires_committee_exemption",
        "insufficient_information",
    }


def test_verified_citation_is_not_flagged() -> None:
    case = next(c for c in CASES if c["name"].startswith("China buys DPRK coal for livelihood, Oct"))
    result = evaluate(case["activity"], load_regime("dprk"))
    assert "UNSCR 2371 OP8" not in {u.citation for u in result.unconfirmed if u.note is None}
    assert all(m.confidence == "V" for m in result.measures if m.citation == "UNSCR 2371 OP8")


def test_unscreened_parties_are_reported() -> None:
    case = CASES[0]
    result = evaluate(case["activity"], load_regime("dprk"))
    assert result.screening.screened is False
    assert "not screened" in (result.screening.note or "")
