"""The library entry point for the rules: `check(activity) -> CheckResult`.

Wires the real list screener in lazily; when no list has been imported yet the result says
parties were not screened instead of failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from proscribe.errors import IndexNotReadyError
from proscribe.rules import (
    Activity,
    CapLedger,
    CheckResult,
    Party,
    PartyHit,
    RuleSet,
    evaluate,
    load_regime,
    parse_activity,
)

if TYPE_CHECKING:
    from proscribe.screening import Screener


def _real_screener(
    party: Party, versions: list[dict[str, Any]], engine: Screener | None
) -> list[PartyHit]:
    from proscribe.screeners import screen
    from proscribe.screening import ScreeningQuery

    query = ScreeningQuery.model_validate(
        {
            "name": party.name,
            "type": party.type,
            "country": party.country,
            "identifiers": [f"{i.type}:{i.value}" for i in party.identifiers],
        }
    )
    result = engine.screen(query) if engine is not None else screen(query)
    for lv in getattr(result, "list_versions", []):
        dumped = lv.model_dump(mode="json") if hasattr(lv, "model_dump") else {"version": str(lv)}
        if dumped not in versions:
            versions.append(dumped)
    hits = []
    for cand in result.candidates:
        if getattr(cand, "band", None) == "match":
            entity_id = str(cand.entity_id)
            hits.append(PartyHit(party.name, entity_id, str(cand.name), entity_id.split(":")[0]))
    return hits


def check(
    activity: Activity | dict[str, Any],
    *,
    regime: str = "dprk",
    rules: RuleSet | None = None,
    ledger: CapLedger | None = None,
    screen_parties: bool = True,
    screener: Screener | None = None,
) -> CheckResult:
    """Check an activity against a regime's measures in force on its date.

    Parties are screened with `screener` when given (the API passes the index a request
    was served with), else with the process-wide default screener.
    """
    act = parse_activity(activity)
    ruleset = rules or load_regime(regime)
    note: str | None = None
    versions: list[dict[str, Any]] = []
    party_screener = None
    if screen_parties and act.parties:
        try:
            import proscribe.screening  # noqa: F401

            # screen here, so the evaluator itself stays pure and never touches an index
            hits = {p.name: _real_screener(p, versions, screener) for p in act.parties}

            def screener_fn(party: Party) -> list[PartyHit]:
                return hits.get(party.name, [])

            party_screener = screener_fn
        except IndexNotReadyError as exc:
            note = f"parties were not screened: {exc.message}"
        except ImportError:
            note = "parties were not screened: the screening module is not installed"
    return evaluate(
        act,
        ruleset,
        party_screener=party_screener,
        cap_usage=ledger.usage if ledger is not None else None,
        screening_note=note,
        list_versions=versions,
    )


__all__ = ["check"]
