"""Load a regime's rule files, validate them, and refuse any that contradict themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from proscribe.errors import RuleError
from proscribe.rules.conditions import REGISTRY
from proscribe.rules.schema import Cap, Condition, Exemption, Measure, RuleFile

ENGINE_VERSION = "rules-v1"
FAR_FUTURE = date(9999, 12, 31)


@dataclass(slots=True)
class LayerMeasure:
    """A measure with the layer it belongs to and its end after supersession."""

    measure: Measure
    layer: str
    file: str
    ends: date | None  # last day in force (inclusive), None when open-ended
    exemption_ends: dict[str, date] = field(default_factory=dict)

    def in_force(self, on: date) -> bool:
        return self.measure.effective <= on and (self.ends is None or on <= self.ends)


@dataclass(slots=True)
class RuleSet:
    regime: str
    target: str
    committee: str | None
    committee_purposes: frozenset[str]
    measures: list[LayerMeasure]
    files: list[str]
    version: str  # sha256 over the rule files' bytes, first 16 hex digits
    engine_version: str = ENGINE_VERSION

    @property
    def by_id(self) -> dict[str, LayerMeasure]:
        return {m.measure.id: m for m in self.measures}

    @property
    def layers(self) -> list[str]:
        seen: list[str] = []
        for m in self.measures:
            if m.layer not in seen:
                seen.append(m.layer)
        return seen


def _read(path: Path, text: str) -> RuleFile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"rules file is not YAML: {exc}", file=str(path)) from None
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        records: list[str] = []
        measures = data.get("measures") if isinstance(data, dict) else None
        for err in exc.errors():
            loc = err["loc"]
            problems.append(f"{'.'.join(str(p) for p in loc)}: {err['msg']}")
            if len(loc) > 1 and loc[0] == "measures" and isinstance(loc[1], int):
                if isinstance(measures, list) and loc[1] < len(measures):
                    rec = measures[loc[1]]
                    if isinstance(rec, dict) and rec.get("id"):
                        records.append(str(rec["id"]))
        raise RuleError(
            f"rules file {path.name} does not validate: {problems[0]}",
            file=str(path),
            records=sorted(set(records)) or None,
            problems=problems,
        ) from None


def load_rules(paths: Iterable[Path | str]) -> RuleSet:
    """Validate rule files of one regime and check them against each other."""
    files = sorted(Path(p) for p in paths)
    if not files:
        raise RuleError("no rules files given")
    digest = hashlib.sha256()
    parsed: list[tuple[Path, RuleFile]] = []
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        parsed.append((path, _read(path, raw.decode("utf-8"))))
    regimes = {(rf.regime, rf.target) for _, rf in parsed}
    if len(regimes) != 1:
        raise RuleError("rules files mix regimes or targets", found=sorted(regimes))
    regime, target = regimes.pop()
    committee = next((rf.committee for _, rf in parsed if rf.committee), None)
    measures = [
        LayerMeasure(m, rf.layer, path.name, m.ends) for path, rf in parsed for m in rf.measures
    ]
    _check_ids(measures)
    _check_references(measures)
    _check_cycles(measures)
    _apply_supersession(measures)
    _check_caps(measures)
    return RuleSet(
        regime=regime,
        target=target,
        committee=committee,
        committee_purposes=frozenset(p for _, rf in parsed for p in rf.committee_purposes),
        measures=measures,
        files=[p.name for p in files],
        version=digest.hexdigest()[:16],
    )


def regime_files(regime: str, directory: Path | str | None = None) -> list[Path]:
    if directory is not None:
        base = Path(directory)
    else:
        base = Path(str(resources.files("proscribe.rules") / "data" / regime))
    found = sorted(base.glob("*.yaml"))
    if not found:
        raise RuleError(f"no rules files for regime {regime!r}", file=str(base))
    return found


@lru_cache(maxsize=8)
def load_regime(regime: str = "dprk") -> RuleSet:
    """The packaged rules of a regime (cached: the files ship with the package)."""
    return load_rules(regime_files(regime))


def _check_ids(measures: list[LayerMeasure]) -> None:
    seen: dict[str, list[str]] = {}
    for lm in measures:
        seen.setdefault(lm.measure.id, []).append(lm.file)
        ex_ids = [e.id for e in lm.measure.exemptions]
        dupes = sorted({i for i in ex_ids if ex_ids.count(i) > 1})
        if dupes:
            raise RuleError(
                f"measure {lm.measure.id} repeats exemption ids {dupes}",
                records=[lm.measure.id, *dupes],
            )
    dup = {k: v for k, v in seen.items() if len(v) > 1}
    if dup:
        raise RuleError(
            f"duplicate measure ids: {sorted(dup)}",
            records=sorted(dup),
            problems=[f"{k} in {', '.join(v)}" for k, v in sorted(dup.items())],
        )
    caps: dict[str, str] = {}
    for lm in measures:
        for ex in lm.measure.exemptions:
            if ex.cap is not None:
                if ex.cap.id in caps:
                    raise RuleError(
                        f"duplicate cap id {ex.cap.id}",
                        records=[caps[ex.cap.id], lm.measure.id],
                    )
                caps[ex.cap.id] = lm.measure.id


def _conditions(m: Measure) -> Iterable[Condition]:
    stack = list(m.applies_when) + [c for e in m.exemptions for c in e.when]
    while stack:
        c = stack.pop()
        yield c
        stack.extend(c.any_of)


def _check_references(measures: list[LayerMeasure]) -> None:
    by_id = {lm.measure.id: lm.measure for lm in measures}
    problems: list[tuple[str, str]] = []
    for lm in measures:
        m = lm.measure
        for s in m.supersedes:
            other = by_id.get(s.measure)
            if other is None:
                problems.append((m.id, f"supersedes unknown measure {s.measure}"))
            elif s.exemption and s.exemption not in {e.id for e in other.exemptions}:
                problems.append((m.id, f"supersedes unknown exemption {s.measure}/{s.exemption}"))
            elif s.measure == m.id:
                problems.append((m.id, "supersedes itself"))
        for c in _conditions(m):
            if c.check != "any_of" and c.check not in REGISTRY:
                problems.append((m.id, f"unknown rule function {c.check!r}"))
    if problems:
        raise RuleError(
            f"rules refer to things that do not exist: {problems[0][1]}",
            records=sorted({r for r, _ in problems}),
            problems=[f"{r}: {p}" for r, p in problems],
        )


def _check_cycles(measures: list[LayerMeasure]) -> None:
    graph = {lm.measure.id: [s.measure for s in lm.measure.supersedes] for lm in measures}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                raise RuleError(
                    "supersession cycle: " + " -> ".join(cycle),
                    records=sorted(set(cycle)),
                )
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _apply_supersession(measures: list[LayerMeasure]) -> None:
    by_id = {lm.measure.id: lm for lm in measures}
    for lm in measures:
        for s in lm.measure.supersedes:
            other = by_id[s.measure]
            last = s.since - timedelta(days=1)
            if s.exemption:
                prev = other.exemption_ends.get(s.exemption, FAR_FUTURE)
                other.exemption_ends[s.exemption] = min(prev, last)
            else:
                other.ends = min(other.ends or FAR_FUTURE, last)


def _cap_windows(lm: LayerMeasure, ex: Exemption, cap: Cap) -> list[tuple[date, date]]:
    start_m = lm.measure.effective
    end_m = min(lm.ends or FAR_FUTURE, lm.exemption_ends.get(ex.id, FAR_FUTURE))
    if ex.valid_until:
        end_m = min(end_m, ex.valid_until)
    out = []
    for p in cap.periods:
        lo = max(p.start, start_m, ex.valid_from or start_m)
        hi = min(p.end or FAR_FUTURE, end_m)
        if lo <= hi:
            out.append((lo, hi))
    return out


def _check_caps(measures: list[LayerMeasure]) -> None:
    caps = [
        (lm, ex, ex.cap) for lm in measures for ex in lm.measure.exemptions if ex.cap is not None
    ]
    problems: list[str] = []
    records: set[str] = set()
    for i, (a, ea, ca) in enumerate(caps):
        for b, eb, cb in caps[i + 1 :]:
            if a.layer != b.layer:
                continue
            da, db = a.measure.direction, b.measure.direction
            if da and db and "both" not in (da, db) and da != db:
                continue
            if not _goods_overlap(a.measure, b.measure):
                continue
            for lo1, hi1 in _cap_windows(a, ea, ca):
                for lo2, hi2 in _cap_windows(b, eb, cb):
                    if lo1 <= hi2 and lo2 <= hi1:
                        problems.append(
                            f"caps {ca.id} ({a.measure.id}) and {cb.id} ({b.measure.id}) "
                            f"cover the same goods from {max(lo1, lo2)} to {min(hi1, hi2)}"
                        )
                        records.update({a.measure.id, b.measure.id, ca.id, cb.id})
    if problems:
        raise RuleError(
            f"overlapping caps: {problems[0]}", records=sorted(records), problems=problems
        )


def _goods_overlap(a: Measure, b: Measure) -> bool:
    for ga in a.goods:
        for gb in b.goods:
            if ga.category is not None and ga.category == gb.category:
                return True
            sa, sb = ga.span(), gb.span()
            if sa and sb and sa[0] <= sb[1] and sb[0] <= sa[1]:
                return True
    return False
