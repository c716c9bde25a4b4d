"""Rule functions: each checks one fact of an activity and answers True, False or None.

None means the activity does not state the fact; the evaluator then reports it as missing
(or, as the rule file says with `if_unknown`, assumes an answer). Names say
the fact they check; docstrings double as the explanations users see, with {placeholders}
filled from the rule file's arguments. No function here knows any regime: the target state
arrives in `ctx`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from proscribe.rules.activity import Activity


@dataclass(frozen=True, slots=True)
class Context:
    """What the evaluator knows beyond the activity (plain class: built once per check)."""

    target: str
    designated_parties: frozenset[str]  # names of parties found designated


RuleFn = Callable[..., bool | None]


@dataclass(frozen=True, slots=True)
class RuleFunction:
    fn: RuleFn
    fact: str  # the activity field a missing answer asks for
    question: str

    @property
    def name(self) -> str:
        return self.fn.__name__

    def explain(self, args: dict[str, Any]) -> str:
        doc = (self.fn.__doc__ or self.name).strip().splitlines()[0]
        try:
            return doc.format(**{k: _show(v) for k, v in args.items()})
        except (KeyError, IndexError):
            return doc


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


REGISTRY: dict[str, RuleFunction] = {}


def rule(fact: str, question: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        REGISTRY[fn.__name__] = RuleFunction(fn, fact, question)
        return fn

    return register


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@rule("contract_date", "When was the written contract finalised (or the venture established)?")
def contract_predates(activity: Activity, ctx: Context, before: Any) -> bool | None:
    """The written contract was finalised before {before}."""
    if activity.contract_date is None:
        return None
    return activity.contract_date < _as_date(before)


@rule("purpose", "What is the declared purpose (e.g. livelihood, humanitarian)?")
def purpose_is(activity: Activity, ctx: Context, values: list[str]) -> bool | None:
    """The activity is declared to be for: {values}."""
    if activity.purpose is None:
        return None
    return activity.purpose in values


@rule("origin", "Where do the goods originate?")
def origin_outside_target(activity: Activity, ctx: Context) -> bool | None:
    """The goods originate outside the target state."""
    if activity.origin is None:
        return None
    return activity.origin != ctx.target


@rule("port", "Through which port are the goods shipped?")
def shipped_via_port(activity: Activity, ctx: Context, ports: list[str]) -> bool | None:
    """The goods are shipped solely for export from the port of {ports}."""
    if activity.port is None:
        return None
    return activity.port.strip().lower() in {p.lower() for p in ports}


@rule("kind", "What kind of activity is it?")
def kind_is(activity: Activity, ctx: Context, values: list[str]) -> bool | None:
    """The activity is of kind: {values}."""
    return activity.kind in values


@rule("project", "Which named project does the activity belong to?")
def project_is(activity: Activity, ctx: Context, values: list[str]) -> bool | None:
    """The activity belongs to the listed project: {values}."""
    if activity.project is None:
        return None
    return activity.project in values


@rule("exemption_refs", "Has the Committee granted an exemption (reference)?")
def committee_exemption_granted(activity: Activity, ctx: Context) -> bool | None:
    """A case-by-case Committee exemption is cited by reference."""
    return bool(activity.exemption_refs)


@rule("parties", "Who are the parties (screened against the lists)?")
def no_designated_party(activity: Activity, ctx: Context) -> bool | None:
    """No designated person or entity, nor one acting for them, is a party."""
    return not ctx.designated_parties


@rule("parties", "Is a national of the target state a party?")
def party_of_target(activity: Activity, ctx: Context, roles: list[str] | None = None) -> bool | None:
    """A party is a national or entity of the target state (roles: {roles})."""
    if not activity.parties:
        return None
    return any(
        p.country == ctx.target and (not roles or p.role in roles) for p in activity.parties
    )


@rule("goods", "What are the goods (HS code)?")
def goods_category(activity: Activity, ctx: Context, values: list[str]) -> bool | None:
    """The goods are of category: {values}."""
    if not activity.goods:
        return None
    return any(set(g.categories) & set(values) for g in activity.goods)


@rule("goods", "What are the goods (HS code)?")
def goods_hs_in(activity: Activity, ctx: Context, prefixes: list[str]) -> bool | None:
    """All goods fall under HS {prefixes}."""
    codes = [g.hs for g in activity.goods]
    if not codes or any(c is None for c in codes):
        return None
    return all(any(str(c).startswith(p) for p in prefixes) for c in codes)


def evaluate_condition(
    name: str, args: dict[str, Any], activity: Activity, ctx: Context
) -> bool | None:
    return REGISTRY[name].fn(activity, ctx, **args)
