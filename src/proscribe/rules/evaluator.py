"""The side-effect-free evaluator: activity + rules (+ injected screener, cap usage) -> result.

Nothing here reads files, lists or databases: the screener and the ledger's running totals
come in as plain callables, so the CLI, the API and a batch give the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from proscribe.rules.activity import Activity, Goods, Party, parse_activity
from proscribe.rules.conditions import REGISTRY, Context
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
    worst,
)
from proscribe.rules.ruleset import LayerMeasure, RuleSet
from proscribe.rules.schema import Condition as RuleCondition
from proscribe.rules.schema import Exemption, Measure

PartyScreener = Callable[[Party], list[PartyHit]]
CapUsage = Callable[[str, date, str], float]  # (cap id, period start, unit) -> used so far


@dataclass(slots=True)
class _Missing:
    fact: str
    question: str
    explanation: str
    if_yes: str  # this measure's outcome if answered favourably
    if_no: str


@dataclass(slots=True)
class _Outcome:
    outcome: str
    reasons: list[str]
    exemption: str | None = None
    conditions: list[Condition] = field(default_factory=list)
    missing: list[_Missing] = field(default_factory=list)
    caps: list[CapUse] = field(default_factory=list)
    unconfirmed: list[Unconfirmed] = field(default_factory=list)


def evaluate(
    activity: Activity | dict[str, Any],
    rules: RuleSet,
    *,
    party_screener: PartyScreener | None = None,
    cap_usage: CapUsage | None = None,
    screening_note: str | None = None,
    list_versions: list[dict[str, Any]] | None = None,
) -> CheckResult:
    """Check an activity against every measure of a regime in force on its date."""
    act = parse_activity(activity)
    hits, screening = _screen(act, rules, party_screener, screening_note)
    screening.list_versions = list_versions or []
    ctx = Context(target=rules.target, designated_parties=frozenset(h.party for h in hits))
    binding = {"un", act.layer}
    applied: list[tuple[LayerMeasure, _Outcome]] = []
    for lm in rules.measures:
        if not lm.in_force(act.date):
            continue
        out = _evaluate_measure(lm, act, ctx, rules, hits, cap_usage)
        if out is not None:
            applied.append((lm, out))

    layers: dict[str, LayerVerdict] = {}
    for layer in rules.layers:
        mine = [o.outcome for lm, o in applied if lm.layer == layer]
        layers[layer] = LayerVerdict(
            verdict=worst(mine),
            binding=layer in binding,
            measures=[lm.measure.id for lm, _ in applied if lm.layer == layer],
        )
    in_scope = [(lm, o) for lm, o in applied if lm.layer in binding]
    verdict = worst([o.outcome for _, o in in_scope])

    missing: list[MissingFact] = []
    for lm, o in in_scope:
        others = [x.outcome for y, x in in_scope if y is not lm]
        for m in o.missing:
            missing.append(
                MissingFact(
                    field=m.fact,
                    question=m.question,
                    citation=lm.measure.citation,
                    measure=lm.measure.id,
                    if_yes=worst([*others, m.if_yes]),
                    if_no=worst([*others, m.if_no]),
                    explanation=m.explanation,
                )
            )
    conditions: list[Condition] = []
    unconfirmed: list[Unconfirmed] = []
    for lm, o in in_scope:
        if o.outcome in ("permitted_with_conditions", "requires_committee_exemption"):
            conditions.extend(c for c in o.conditions if c not in conditions)
        grade = lm.measure.confidence.grade
        if grade in ("P", "U"):
            unconfirmed.append(
                Unconfirmed(
                    citation=lm.measure.citation,
                    measure=lm.measure.id,
                    grade=grade,
                    note=lm.measure.confidence.note,
                )
            )
        unconfirmed.extend(o.unconfirmed)
    notes: list[str] = []
    if not applied:
        notes.append(f"no {rules.regime} measure in force on {act.date} covers this activity")
    return CheckResult(
        verdict=verdict,
        regime=rules.regime,
        date=act.date,
        kind=act.kind,
        jurisdiction=act.jurisdiction,
        layers=layers,
        measures=[_applied(lm, o) for lm, o in applied],
        conditions=conditions if verdict != "prohibited" else [],
        missing=missing if verdict == "insufficient_information" else [],
        unconfirmed=unconfirmed,
        caps=[c for _, o in in_scope for c in o.caps],
        screening=screening,
        notes=notes,
        rules_version=rules.version,
        engine_version=rules.engine_version,
    )


def _applied(lm: LayerMeasure, o: _Outcome) -> AppliedMeasure:
    m = lm.measure
    return AppliedMeasure(
        id=m.id,
        citation=m.citation,
        title=m.title,
        layer=lm.layer,
        outcome=o.outcome,
        reasons=o.reasons,
        exemption=o.exemption,
        confidence=m.confidence.grade,
        source=m.source,
    )


def _norm_name(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())


def _screen(
    act: Activity, rules: RuleSet, screener: PartyScreener | None, note: str | None
) -> tuple[list[PartyHit], Screening]:
    hits: list[PartyHit] = []
    # designations stated in the rules themselves (national layers, known cases)
    for lm in rules.measures:
        for named in lm.measure.designated:
            keys = {_norm_name(n) for n in [named.name, *named.aliases]}
            for p in act.parties:
                if _norm_name(p.name) in keys and named.listed_on <= act.date:
                    hits.append(PartyHit(p.name, f"rules:{lm.measure.id}", named.name, "rules"))
    if screener is None:
        screening = Screening(
            screened=False,
            note=note or "parties were not screened against the lists (no screener given)",
        )
    else:
        for p in act.parties:
            hits.extend(screener(p))
        screening = Screening(screened=True, note=note)
    screening.hits = [
        {"party": h.party, "entity_id": h.entity_id, "name": h.name, "source": h.source}
        for h in hits
    ]
    return hits, screening


def _direction(act: Activity, target: str) -> str | None:
    if act.direction is not None:
        return act.direction
    if act.destination == target:
        return "to_target"
    if act.origin == target:
        return "from_target"
    return None


def _goods_hits(m: Measure, act: Activity) -> tuple[list[Goods], list[Unconfirmed]]:
    found: list[Goods] = []
    flags: list[Unconfirmed] = []
    for g in act.goods:
        cats = frozenset(g.categories)
        for cov in m.goods:
            if cov.matches(g.hs, cats, g.unit_value_usd):
                found.append(g)
                if cov.grade in ("P", "U"):
                    flags.append(
                        Unconfirmed(
                            citation=m.citation,
                            measure=m.id,
                            grade=cov.grade,
                            note=cov.note or f"HS coverage {cov.hs} is not in the text",
                        )
                    )
                break
    return found, flags


def _nexus(m: Measure, act: Activity, target: str, hits: list[PartyHit]) -> bool | None:
    kinds = m.nexus or (["direction"] if m.direction else ["party"])
    unknown = False
    for k in kinds:
        if k == "direction":
            return True  # direction matched already
        if k == "designated_party" and hits:
            return True
        if k == "location":
            if act.location == target:
                return True
            unknown = unknown or act.location is None
        if k == "party":
            if any(p.country == target for p in act.parties):
                return True
            unknown = unknown or not act.parties or any(p.country is None for p in act.parties)
        if k == "vessel":
            vessels = [p for p in act.parties if p.type == "vessel"]
            if any(p.country == target for p in vessels):
                return True
            unknown = unknown or not vessels or any(p.country is None for p in vessels)
    return None if unknown else False


_NEXUS_FACT = {
    "party": ("parties", "Is a national or entity of the target state a party (country)?"),
    "vessel": ("parties", "Which vessel is involved, under which flag?"),
    "location": ("location", "In which country does the activity take place?"),
}


def _check(c: RuleCondition, act: Activity, ctx: Context) -> bool | None:
    if c.check == "any_of":
        answers = [_check(sub, act, ctx) for sub in c.any_of]
        if any(a is True for a in answers):
            return True
        return None if any(a is None for a in answers) else False
    return REGISTRY[c.check].fn(act, ctx, **c.args)


def _explain(c: RuleCondition) -> str:
    if c.check == "any_of":
        return " or ".join(_explain(s) for s in c.any_of)
    return REGISTRY[c.check].explain(c.args)


def _fact(c: RuleCondition) -> tuple[str, str]:
    if c.check == "any_of":
        return _fact(c.any_of[0])
    rf = REGISTRY[c.check]
    return rf.fact, rf.question


def _evaluate_measure(
    lm: LayerMeasure,
    act: Activity,
    ctx: Context,
    rules: RuleSet,
    hits: list[PartyHit],
    cap_usage: CapUsage | None,
) -> _Outcome | None:
    m = lm.measure
    if m.type == "asset_freeze":
        return _asset_freeze(lm, act, ctx, hits)
    if m.activities and act.kind not in m.activities:
        return None
    reasons = [f"{m.title} ({m.citation}) is in force on {act.date} (from {m.effective})"]
    pre_missing: list[_Missing] = []
    if m.direction == "both":
        d = _direction(act, rules.target)
        if d is None:
            return None
        reasons.append(f"the goods go {d.replace('_', ' ')} ({rules.target})")
    elif m.direction in ("to_target", "from_target"):
        d = _direction(act, rules.target)
        if d is None:
            known_end = act.destination if m.direction == "to_target" else act.origin
            if known_end is not None:
                return None  # the relevant end is stated and is not the target
            if m.goods and not _goods_hits(m, act)[0]:
                return None
            inner = _evaluate_measure(
                lm, act.model_copy(update={"direction": m.direction}), ctx, rules, hits, cap_usage
            )
            if inner is None:
                return None
            return _Outcome(
                "insufficient_information",
                reasons,
                missing=[
                    _Missing(
                        "direction",
                        "Are the goods going to the target state or coming from it?",
                        f"{m.citation} covers goods {m.direction.replace('_', ' ')}",
                        inner.outcome,
                        "permitted",
                    )
                ],
            )
        if d != m.direction:
            return None
        reasons.append(f"the goods go {d.replace('_', ' ')} ({rules.target})")
    unconfirmed: list[Unconfirmed] = []
    goods: list[Goods] = []
    if m.goods:
        goods, unconfirmed = _goods_hits(m, act)
        if not goods:
            if not act.goods and act.kind in ("trade", "aircraft_parts"):
                return _Outcome(
                    "insufficient_information",
                    reasons,
                    missing=[
                        _Missing(
                            "goods",
                            "What are the goods (HS code)?",
                            f"{m.citation} covers some goods only",
                            "prohibited",
                            "permitted",
                        )
                    ],
                )
            return None
        codes = ", ".join(g.hs or "/".join(g.categories) for g in goods)
        reasons.append(f"the goods ({codes}) are covered by {m.citation}")
    nexus = _nexus(m, act, rules.target, hits)
    if nexus is False:
        return None
    if nexus is None and m.direction is None:
        kind = (m.nexus or ["party"])[0]
        fact, question = _NEXUS_FACT.get(kind, ("parties", "Who are the parties?"))
        pre_missing.append(
            _Missing(fact, question, f"{m.citation} reaches activities tied to {rules.target}",
                     "prohibited", "permitted")
        )
    for c in m.applies_when:
        ans = _check(c, act, ctx)
        if ans is False or (ans is None and c.if_unknown == "no"):
            return None
        if ans is None and c.if_unknown == "ask":
            fact, question = _fact(c)
            pre_missing.append(_Missing(fact, question, _explain(c), "prohibited", "permitted"))
        elif ans:
            reasons.append(_explain(c))
    if m.type == "obligation":
        out = _obligation(lm, act, ctx, reasons)
    else:
        out = _prohibition(lm, act, ctx, rules, goods, reasons, cap_usage)
    out.unconfirmed.extend(unconfirmed)
    if pre_missing and out.outcome != "permitted":
        for pm in pre_missing:
            pm.if_yes = out.outcome
        out.missing = pre_missing + out.missing
        out.outcome = "insufficient_information"
    return out


def _asset_freeze(
    lm: LayerMeasure, act: Activity, ctx: Context, hits: list[PartyHit]
) -> _Outcome | None:
    m = lm.measure
    mine = [
        h
        for h in hits
        if h.source in m.lists or (h.source == "rules" and h.entity_id == f"rules:{m.id}")
    ]
    if not mine:
        return None
    reasons = [
        f"{h.party} is designated ({h.name}, {h.entity_id}): {m.title} ({m.citation})"
        for h in mine
    ]
    for ex in m.exemptions:
        if all(_check(c, act, ctx) is True for c in ex.when) and ex.when:
            return _Outcome(
                ex.effect,
                [*reasons, f"exemption: {ex.description}"],
                exemption=ex.id,
                conditions=[Condition(text=t, citation=ex.citation or m.citation) for t in ex.conditions],
            )
    return _Outcome("prohibited", reasons)


def _obligation(
    lm: LayerMeasure, act: Activity, ctx: Context, reasons: list[str]
) -> _Outcome:
    m = lm.measure
    conds = [Condition(text=t, citation=m.citation, deadline=m.deadline) for t in m.conditions]
    for ex in m.exemptions:
        if ex.when and all(_check(c, act, ctx) is True for c in ex.when):
            cite = ex.citation or m.citation
            return _Outcome(
                ex.effect,
                [*reasons, f"exemption applies ({cite}): {ex.description}"],
                ex.id,
                [Condition(text=t, citation=cite) for t in ex.conditions],
            )
    if m.deadline is not None and act.date > m.deadline:
        reasons.append(f"the deadline of {m.deadline} under {m.citation} has passed")
        return _Outcome("prohibited", reasons)
    if m.explanation:
        reasons.append(m.explanation)
    return _Outcome("permitted_with_conditions", reasons, conditions=conds)


def _exemption_valid(lm: LayerMeasure, ex: Exemption, on: date) -> bool:
    if ex.valid_from and on < ex.valid_from:
        return False
    if ex.valid_until and on > ex.valid_until:
        return False
    end = lm.exemption_ends.get(ex.id)
    return end is None or on <= end


def _prohibition(
    lm: LayerMeasure,
    act: Activity,
    ctx: Context,
    rules: RuleSet,
    goods: list[Goods],
    reasons: list[str],
    cap_usage: CapUsage | None,
) -> _Outcome:
    m = lm.measure
    pending: list[_Missing] = []
    for ex in m.exemptions:
        if not _exemption_valid(lm, ex, act.date):
            continue
        answers = [(c, _check(c, act, ctx)) for c in ex.when]
        if any(a is False or (a is None and c.if_unknown == "no") for c, a in answers):
            continue
        cite = ex.citation or m.citation
        conds = [Condition(text=t, citation=cite) for t in ex.conditions]
        conds += [
            Condition(text=f"to be confirmed: {_explain(c)}", citation=cite)
            for c, a in answers
            if a is None and c.if_unknown == "condition"
        ]
        unknown = [c for c, a in answers if a is None and c.if_unknown == "ask"]
        if unknown:
            for c in unknown:
                fact, question = _fact(c)
                pending.append(
                    _Missing(fact, question, f"{ex.description}: {_explain(c)}", ex.effect, "prohibited")
                )
            continue
        why = [*reasons, f"exemption applies ({cite}): {ex.description}"]
        why += [_explain(c) for c, a in answers if a]
        if ex.cap is not None:
            return _capped(lm, ex, act, goods, why, conds, cap_usage)
        return _Outcome(ex.effect, why, exemption=ex.id, conditions=conds)
    wd = m.wind_down
    if wd is not None:
        start = wd.start or m.effective
        end = start + timedelta(days=wd.days)
        if start <= act.date <= end:
            cite = wd.citation or m.citation
            ans = REGISTRY["contract_predates"].fn(act, ctx, before=wd.contracts_before)
            text = f"wind-down: contracts finalised before {wd.contracts_before} may be performed until {end}"
            if ans is True:
                conds = [Condition(text=f"complete by {end}", citation=cite, deadline=end)]
                conds += [Condition(text=t, citation=cite) for t in wd.conditions]
                return _Outcome("permitted_with_conditions", [*reasons, text], "wind_down", conds)
            if ans is None:
                pending.append(
                    _Missing("contract_date", REGISTRY["contract_predates"].question, text,
                             "permitted_with_conditions", "prohibited")
                )
    if m.committee_exemption and act.exemption_refs:
        refs = ", ".join(act.exemption_refs)
        return _Outcome(
            "permitted_with_conditions",
            [*reasons, f"a case-by-case exemption by the {rules.committee or 'Committee'} is cited: {refs}"],
            "committee",
            [Condition(text=f"stay within the terms of exemption {refs}", citation=m.citation)],
        )
    if pending:
        return _Outcome("insufficient_information", reasons, missing=pending)
    if m.committee_exemption and act.purpose in rules.committee_purposes:
        return _Outcome(
            "requires_committee_exemption",
            [*reasons, f"a {act.purpose} activity may be exempted case by case by the "
             f"{rules.committee or 'Committee'}"],
            conditions=[Condition(text=f"obtain an exemption from the {rules.committee or 'Committee'} before acting", citation=m.citation)],
        )
    if m.explanation:
        reasons.append(m.explanation)
    return _Outcome("prohibited", reasons)


def _capped(
    lm: LayerMeasure,
    ex: Exemption,
    act: Activity,
    goods: list[Goods],
    why: list[str],
    conds: list[Condition],
    cap_usage: CapUsage | None,
) -> _Outcome:
    cap = ex.cap
    assert cap is not None
    cite = ex.citation or lm.measure.citation
    if cap.notify:
        conds = [*conds, Condition(text=cap.notify, citation=cite)]
    period = next((p for p in cap.periods if p.window(act.date)), None)
    if period is None:
        return _Outcome("prohibited", [*why, f"no period of cap {cap.id} covers {act.date}"])
    window = period.window(act.date)
    assert window is not None
    if not period.limits:
        text = period.note or "the cap's figure is not stated in the rules"
        return _Outcome(ex.effect, [*why, text], ex.id, [*conds, Condition(text=text, citation=cite)])
    uses: list[CapUse] = []
    for lim in period.limits:
        amounts = [g.amount_in(lim.unit) for g in goods]
        if any(a is None for a in amounts):
            continue
        this = float(sum(a for a in amounts if a is not None))
        before = cap_usage(cap.id, window[0], lim.unit) if cap_usage else 0.0
        after = before + this
        uses.append(
            CapUse(
                cap=cap.id,
                citation=cite,
                period_start=window[0],
                period_end=window[1],
                unit=lim.unit,
                limit=lim.amount,
                used_before=before,
                this_activity=this,
                used_after=after,
                remaining_after=lim.amount - after,
                share_of_cap=this / lim.amount,
                exceeds=after > lim.amount,
            )
        )
    if not uses:
        units = " or ".join(lim.unit for lim in period.limits)
        return _Outcome(
            "insufficient_information",
            why,
            ex.id,
            missing=[
                _Missing(
                    "goods.quantity",
                    f"How much is supplied (in {units})?",
                    f"cap {cap.id}: {', '.join(f'{lim.amount:,.0f} {lim.unit}' for lim in period.limits)}",
                    ex.effect,
                    "prohibited",
                )
            ],
        )
    over = [u for u in uses if u.exceeds]
    if over:
        u = over[0]
        return _Outcome(
            "prohibited",
            [*why, f"would pass the cap: {u.used_before:,.0f} + {u.this_activity:,.0f} > "
             f"{u.limit:,.0f} {u.unit} for {u.period_start} to {u.period_end}"],
            ex.id,
            caps=uses,
        )
    u = uses[0]
    if cap_usage is None:
        why.append("no ledger given: earlier shipments in the period were not counted")
    why.append(
        f"within the cap: uses {u.share_of_cap:.1%} of {u.limit:,.0f} {u.unit}; "
        f"{u.remaining_after:,.0f} left for {u.period_start} to {u.period_end}"
    )
    return _Outcome(ex.effect, why, ex.id, conds, caps=uses)
