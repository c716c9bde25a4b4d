"""Delta screening: after a list import, screen only what changed.

* added or changed list entries against every customer (a small Screener over just those
  entries), and
* new or changed customers against every current entry,

then compare with the hits already known (`customer_hits`) and raise alerts: `new_hit`,
`changed_hit` (the listed entity's content changed) and `removed_hit` (delisted, or no
longer matching), each carrying the part of the list diff that caused it. Alerts, hit
state, the monitored versions and the webhook outbox are written in one transaction, so a
run that dies leaves the previous state and the next run repeats it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from proscribe.errors import StoreError
from proscribe.model import Entity, ListVersion
from proscribe.monitor.register import Customer, load_customers
from proscribe.store.customers import alerts, customer_hits, customers, monitor_state
from proscribe.store.diff import entity_changes
from proscribe.store.store import Store, content_hash

ALERT_KINDS = ("new_hit", "changed_hit", "removed_hit")


@dataclass(slots=True)
class SourceDelta:
    source: str
    old: str | None
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "from": self.old, "to": self.new,
                "added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed)}


@dataclass(slots=True)
class MonitorReport:
    run_id: str
    deltas: list[SourceDelta] = field(default_factory=list)
    customers_screened_full: int = 0
    customers_screened_delta: int = 0
    delta_entities: int = 0
    alerts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ALERT_KINDS, 0))
    suppressed: int = 0
    alert_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "lists": [d.to_dict() for d in self.deltas],
                "customers_screened_full": self.customers_screened_full,
                "customers_screened_delta": self.customers_screened_delta,
                "delta_entities": self.delta_entities, "alerts": self.alerts,
                "suppressed": self.suppressed}


@dataclass(slots=True)
class _EntityInfo:
    entity: Entity
    hash: str
    version: ListVersion
    change: str  # added | changed | removed | unchanged
    old_version: str | None
    fields: list[dict[str, Any]] = field(default_factory=list)

    def diff(self) -> dict[str, Any]:
        return {"source": self.entity.source, "from": self.old_version,
                "to": self.version.version, "entity_id": self.entity.id, "change": self.change,
                "fields": self.fields}


def _now() -> datetime:
    return datetime.now(UTC)


def run_monitor(store: Store, *, webhooks: bool = True) -> MonitorReport:
    """One monitoring pass over the current list versions and the customer register."""
    from proscribe.screening import ALL_HITS, NameMemo, Screener, ScreeningQuery

    report = MonitorReport(run_id=uuid.uuid4().hex[:16])
    current = {v.source: v for v in store.current_versions()}
    with store.engine.connect() as conn:
        state = dict(conn.execute(sa.select(monitor_state.c.source, monitor_state.c.version)).all())
    info: dict[str, _EntityInfo] = {}  # entity id -> what happened to it
    delta_entities: list[Entity] = []
    full_entities: list[Entity] | None = None
    for source, version in sorted(current.items()):
        new_ents = store.version_entities(version)
        prev = state.get(source)
        if prev == version.version:
            for e in new_ents:
                info[e.id] = _EntityInfo(e, content_hash(e), version, "unchanged", prev)
            continue
        old_ents = store.version_entities(store.resolve_version(source, prev)) if prev else []
        delta = SourceDelta(source, prev, version.version)
        old_by_id = {e.id: e for e in old_ents}
        for e in new_ents:
            before = old_by_id.pop(e.id, None)
            h = content_hash(e)
            if before is None:
                info[e.id] = _EntityInfo(e, h, version, "added", prev)
                delta.added.append(e.id)
                delta_entities.append(e)
            elif content_hash(before) != h:
                changes = [
                    {"field": c.field, "added": c.added, "removed": c.removed}
                    if (c.added or c.removed) else {"field": c.field, "old": c.old, "new": c.new}
                    for c in entity_changes(before, e)
                ]
                info[e.id] = _EntityInfo(e, h, version, "changed", prev, changes)
                delta.changed.append(e.id)
                delta_entities.append(e)
            else:
                info[e.id] = _EntityInfo(e, h, version, "unchanged", prev)
        for e in old_by_id.values():
            info.setdefault(e.id, _EntityInfo(e, content_hash(e), version, "removed", prev))
            delta.removed.append(e.id)
        report.deltas.append(delta)
    report.delta_entities = len(delta_entities)
    versions = list(current.values())

    people = load_customers(store)
    pending = [c for c in people if c.screened_hash != c.content_hash]
    settled = [c for c in people if c.screened_hash == c.content_hash]
    found: dict[str, dict[str, Any]] = {}  # customer id -> {entity id: candidate dict}
    algorithm: dict[str, Any] = {}

    def screen(screener: Screener, group: list[Customer]) -> None:
        # The hits as screen() lists them in the match and review bands, through the batch
        # path: customers who share a name share its lookup and bounds (NameMemo).
        # Every candidate in the review band or above: with the first ten only, a customer
        # screened again in full kept its ten best namesakes, and the others read as
        # removed hits.
        queries = [ScreeningQuery(**{**c.query, "limit": c.query.get("limit") or ALL_HITS})
                   for c in group]
        if not algorithm:
            algorithm.update(screener.algorithm.model_dump(mode="json"))
        memo = NameMemo()
        for c, query in zip(group, queries, strict=True):
            found[c.id] = {cand.entity_id: cand.model_dump(mode="json")
                           for cand in screener.screen_hits(query, memo)}

    if pending:
        full_entities = [i.entity for i in info.values() if i.change != "removed"]
        screen(Screener.build(full_entities, versions), pending)
        report.customers_screened_full = len(pending)
    if settled and delta_entities:
        screen(Screener.build(delta_entities, versions), settled)
        report.customers_screened_delta = len(settled)
    elif settled:
        for c in settled:
            found[c.id] = {}

    now = _now()
    with store.engine.begin() as conn:
        known: dict[str, dict[str, Any]] = {}
        for row in conn.execute(sa.select(customer_hits).where(customer_hits.c.active.is_(True))):
            known.setdefault(row.customer_id, {})[row.entity_id] = row
        suppress = _decided_pairs(conn)
        new_alerts: list[dict[str, Any]] = []

        def alert(kind: str, reason: str, c: Customer, eid: str, cand: dict[str, Any] | None,
                  ei: _EntityInfo | None, prev_row: Any = None) -> None:
            entity_hash = ei.hash if ei else (prev_row.entity_hash if prev_row else "")
            status = "open"
            if kind != "removed_hit" and suppress.get((c.id, eid)) == entity_hash:
                status = "suppressed"
                report.suppressed += 1
            else:
                report.alerts[kind] += 1
            new_alerts.append({
                "run_id": report.run_id, "created_at": now, "kind": kind, "status": status,
                "customer_id": c.id, "entity_id": eid,
                "entity_name": ei.entity.primary_name if ei else eid,
                "entity_hash": entity_hash,
                "source": ei.entity.source if ei else eid.partition(":")[0],
                "version": ei.version.version if ei else "",
                "previous_version": ei.old_version if ei else None,
                "score": cand["score"] if cand else (prev_row.score if prev_row else None),
                "band": cand["band"] if cand else (prev_row.band if prev_row else None),
                "reason": reason,
                "detail": {"customer": c.query, "candidate": cand, "algorithm": algorithm,
                           "list_diff": ei.diff() if ei else None,
                           "previous_hit": {"score": prev_row.score, "band": prev_row.band,
                                            "entity_hash": prev_row.entity_hash,
                                            "version": prev_row.version} if prev_row else None},
            })

        upserts: list[dict[str, Any]] = []
        deactivate: list[tuple[str, str]] = []
        for c in people:
            hits = found.get(c.id, {})
            mine = known.get(c.id, {})
            is_pending = c.screened_hash != c.content_hash
            for eid, cand in hits.items():
                hit_info = info[eid]
                prev_hit = mine.get(eid)
                if prev_hit is None:
                    if is_pending:
                        reason = "customer_new" if c.screened_hash is None else "customer_changed"
                    else:
                        reason = "listed" if hit_info.change == "added" else "entity_changed"
                    alert("new_hit", reason, c, eid, cand, hit_info)
                elif prev_hit.entity_hash != hit_info.hash:
                    alert("changed_hit", "entity_changed", c, eid, cand, hit_info, prev_hit)
                upserts.append({"customer_id": c.id, "entity_id": eid,
                                "entity_hash": hit_info.hash,
                                "score": cand["score"], "band": cand["band"],
                                "version": hit_info.version.version, "active": True,
                                "first_seen": prev_hit.first_seen if prev_hit is not None else now,
                                "last_seen": now})
            for eid, old_hit in mine.items():
                if eid in hits:
                    continue
                ei = info.get(eid)
                if ei is None or ei.change == "removed":
                    alert("removed_hit", "delisted", c, eid, None, ei, old_hit)
                elif ei.change == "changed" or is_pending:
                    reason = "no_longer_matches" if ei.change == "changed" else "customer_changed"
                    alert("removed_hit", reason, c, eid, None, ei, old_hit)
                else:
                    continue
                deactivate.append((c.id, eid))

        for key in deactivate:
            conn.execute(customer_hits.update().where(
                customer_hits.c.customer_id == key[0], customer_hits.c.entity_id == key[1]
            ).values(active=False, last_seen=now))
        for up in upserts:
            exists = conn.execute(sa.select(customer_hits.c.customer_id).where(
                customer_hits.c.customer_id == up["customer_id"],
                customer_hits.c.entity_id == up["entity_id"])).first()
            if exists:
                conn.execute(customer_hits.update().where(
                    customer_hits.c.customer_id == up["customer_id"],
                    customer_hits.c.entity_id == up["entity_id"],
                ).values(**{k: v for k, v in up.items() if k not in ("customer_id", "entity_id")}))
            else:
                conn.execute(customer_hits.insert().values(**up))
        for a in new_alerts:
            alert_key = conn.execute(alerts.insert().values(**a)).inserted_primary_key
            if alert_key is None:
                raise StoreError("alert insert returned no primary key", found=a["entity_id"])
            alert_id = int(alert_key[0])
            report.alert_ids.append(alert_id)
            if webhooks and a["status"] == "open":
                from proscribe.monitor.webhooks import enqueue

                enqueue(conn, alert_id, {**a, "id": alert_id})
        for c in pending:
            conn.execute(customers.update().where(customers.c.id == c.id)
                         .values(screened_hash=c.content_hash))
        for source, version in current.items():
            if state.get(source) == version.version:
                continue
            if source in state:
                conn.execute(monitor_state.update().where(monitor_state.c.source == source)
                             .values(version=version.version, at=now))
            else:
                conn.execute(monitor_state.insert().values(source=source,
                                                          version=version.version, at=now))
    return report


def _decided_pairs(conn: sa.Connection) -> dict[tuple[str, str], str]:
    """(customer, entity) -> entity hash of the latest decision on the pair."""
    from proscribe.store.customers import decisions

    out: dict[tuple[str, str], str] = {}
    rows = conn.execute(sa.select(decisions.c.customer_id, decisions.c.entity_id,
                                  decisions.c.entity_hash).order_by(decisions.c.id))
    for cid, eid, h in rows:
        out[(cid, eid)] = h
    return out


__all__ = ["ALERT_KINDS", "MonitorReport", "SourceDelta", "run_monitor"]
