"""Regimes and measures as YAML data, plus a side-effect-free evaluator."""

from proscribe.rules.activity import Activity, Goods, Party, PartyIdentifier, parse_activity
from proscribe.rules.evaluator import CapUsage, PartyScreener, evaluate
from proscribe.rules.ledger import CapLedger
from proscribe.rules.result import (
    AppliedMeasure,
    CapUse,
    CheckResult,
    Condition,
    LayerVerdict,
    MissingFact,
    PartyHit,
    Screening,
    Unconfirmed,
    Verdict,
)
from proscribe.rules.ruleset import ENGINE_VERSION, RuleSet, load_regime, load_rules, regime_files
from proscribe.rules.schema import Measure, RuleFile

__all__ = [
    "ENGINE_VERSION",
    "Activity",
    "AppliedMeasure",
    "CapLedger",
    "CapUsage",
    "CapUse",
    "CheckResult",
    "Condition",
    "Goods",
    "LayerVerdict",
    "Measure",
    "MissingFact",
    "Party",
    "PartyHit",
    "PartyIdentifier",
    "PartyScreener",
    "RuleFile",
    "RuleSet",
    "Screening",
    "Unconfirmed",
    "Verdict",
    "evaluate",
    "load_regime",
    "load_rules",
    "parse_activity",
    "regime_files",
]
