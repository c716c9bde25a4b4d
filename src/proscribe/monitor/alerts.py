"""Alerts and the decisions reviewers take on them.

A decision (true_match or false_positive, with a reason and a reviewer) closes its alert and
suppresses later alerts for the same (customer, listed entity) pair until the entity's
content changes: the decision records the entity's content hash, and a changed entity
raises a `changed_hit` that is not suppressed. Every decision is also appended to the
hash-chained audit log (`proscribe.store.audit`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from proscribe.errors import ConfigError, NotFoundError, StoreError
from proscribe.store.customers import alerts, decisions
from proscribe.store.store import Store

DECISIONS = ("true_match", "false_positive")
STATUSES = ("open", "suppressed", "decided")


@dataclass(slots=True)
class Decision:
    id: int
    alert_id: int
    customer_id: str
    entity_id: str
    entity_hash: str
    decision: str
    reason: str
    reviewer: str
    decided_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "alert_id": self.alert_id, "customer_id": self.customer_id,
                "entity_id": self.entity_id, "entity_hash": self.entity_hash,
                "decision": self.decision, "reason": self.reason, "reviewer": self.reviewer,
                "decided_at": self.decided_at.isoformat()}


def alert_dict(row: Any) -> dict[str, Any]:
    m = dict(row._mapping)
    if isinstance(m.get("detail"), str):
        m["detail"] = json.loads(m["detail"])
    at = m.get("created_at")
    if isinstance(at, datetime):
        m["created_at"] = (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()
    return m


def list_alerts(
    store: Store,
    *,
    status: str | None = None,
    kind: str | None = None,
    customer_id: str | None = None,
    run_id: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    query = sa.select(alerts).order_by(alerts.c.id).limit(limit)
    if status:
        if status not in STATUSES:
            raise ConfigError("unknown alert status", expected=", ".join(STATUSES), found=status)
        query = query.where(alerts.c.status == status)
    if kind:
        query = query.where(alerts.c.kind == kind)
    if customer_id:
        query = query.where(alerts.c.customer_id == customer_id)
    if run_id:
        query = query.where(alerts.c.run_id == run_id)
    with store.engine.connect() as conn:
        return [alert_dict(r) for r in conn.execute(query)]


def get_alert(store: Store, alert_id: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"no alert {alert_id}", found=str(alert_id))
    return alert_dict(row)


def decide(store: Store, alert_id: int, decision: str, reason: str, reviewer: str,
           key_id: str | None = None) -> Decision:
    """Record a reviewer's decision on an alert, close it and write it to the audit log."""
    if decision not in DECISIONS:
        raise ConfigError("unknown decision", expected=", ".join(DECISIONS), found=decision)
    if not reason.strip():
        raise ConfigError("a decision needs a reason")
    if not reviewer.strip():
        raise ConfigError("a decision needs a reviewer")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
        if row is None:
            raise NotFoundError(f"no alert {alert_id}", found=str(alert_id))
        key = conn.execute(decisions.insert().values(
            alert_id=alert_id, customer_id=row.customer_id, entity_id=row.entity_id,
            entity_hash=row.entity_hash, decision=decision, reason=reason.strip(),
            reviewer=reviewer.strip(), decided_at=now,
        )).inserted_primary_key
        if key is None:
            raise StoreError("decision insert returned no primary key", found=str(alert_id))
        decision_id = int(key[0])
        conn.execute(alerts.update().where(alerts.c.id == alert_id).values(status="decided"))
    result = Decision(decision_id, alert_id, row.customer_id, row.entity_id, row.entity_hash,
                      decision, reason.strip(), reviewer.strip(), now)
    _audit(store, result, alert_dict(row), key_id)
    return result


def _audit(store: Store, decision: Decision, alert: dict[str, Any],
           key_id: str | None = None) -> None:
    from proscribe.store.audit import AuditEntry, AuditLog

    AuditLog(store.engine).append(AuditEntry(
        endpoint="alerts.decide",
        key_id=key_id,
        request={"alert_id": decision.alert_id, "decision": decision.decision,
                 "reason": decision.reason, "reviewer": decision.reviewer},
        result={"decision": decision.to_dict(),
                "alert": {k: alert[k] for k in ("id", "kind", "customer_id", "entity_id",
                                                "entity_hash", "source", "version", "score",
                                                "band")}},
        list_versions=[{"source": alert["source"], "version": alert["version"]}],
        algorithm=(alert.get("detail") or {}).get("algorithm") or None,
    ))


def list_decisions(store: Store, customer_id: str | None = None) -> list[Decision]:
    query = sa.select(decisions).order_by(decisions.c.id)
    if customer_id:
        query = query.where(decisions.c.customer_id == customer_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Decision(r.id, r.alert_id, r.customer_id, r.entity_id, r.entity_hash, r.decision,
                     r.reason, r.reviewer, r.decided_at) for r in rows]


__all__ = ["DECISIONS", "Decision", "alert_dict", "decide", "get_alert", "list_alerts",
           "list_decisions"]
