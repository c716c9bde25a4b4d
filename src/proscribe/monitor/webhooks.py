"""Webhooks: alerts POSTed as JSON, signed, retried with exponential backoff.

Delivery is at least once through a persistent outbox: a row per (webhook, alert) is written
in the same transaction as the alert and is marked delivered only after a 2xx answer. A
receiver that is down loses nothing; its rows wait, each attempt doubling the delay (up to
`max_delay`), and are sent by the next `deliver_pending` (`proscribe webhooks deliver`).
Receivers deduplicate on the `X-Proscribe-Delivery` header.

The body is signed: `X-Proscribe-Signature: sha256=<hex HMAC-SHA256 of the raw body with
the webhook's secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from proscribe.errors import ConfigError, NotFoundError, StoreError
from proscribe.store.customers import webhook_outbox, webhooks
from proscribe.store.secrets import decrypt, encrypt, is_encrypted
from proscribe.store.store import Store

SIGNATURE_HEADER = "X-Proscribe-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(sign(secret, body), header)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def add_webhook(store: Store, url: str, secret: str | None = None) -> tuple[int, str]:
    """Register a receiver; returns its id and the signing secret (generated if not given)."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError("a webhook URL starts with http:// or https://", found=url)
    secret = secret or secrets.token_hex(32)
    with store.engine.begin() as conn:  # the secret is stored encrypted (store/secrets.py)
        key = conn.execute(webhooks.insert().values(
            url=url, secret=encrypt(secret), active=True, created_at=_now())
        ).inserted_primary_key
        if key is None:
            raise StoreError("webhook insert returned no primary key", found=url)
        wid = int(key[0])
    return wid, secret


def rekey_webhooks(store: Store) -> int:
    """Encrypt the secrets stored in plain text (by versions before encryption); returns
    how many were rewritten."""
    with store.engine.begin() as conn:
        rows = conn.execute(sa.select(webhooks.c.id, webhooks.c.secret)).all()
        plain = [(r.id, r.secret) for r in rows if not is_encrypted(r.secret)]
        for wid, secret in plain:
            conn.execute(webhooks.update().where(webhooks.c.id == wid)
                         .values(secret=encrypt(secret)))
    return len(plain)


def remove_webhook(store: Store, webhook_id: int) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(webhooks.update().where(webhooks.c.id == webhook_id)
                            .values(active=False)).rowcount
    if not done:
        raise NotFoundError(f"no webhook {webhook_id}")


def list_webhooks(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(webhooks).order_by(webhooks.c.id)).all()
        pending: dict[int, int] = dict(conn.execute(
            sa.select(webhook_outbox.c.webhook_id, sa.func.count())
            .where(webhook_outbox.c.delivered_at.is_(None))
            .group_by(webhook_outbox.c.webhook_id)).all())
    return [{"id": r.id, "url": r.url, "active": r.active, "pending": int(pending.get(r.id, 0))}
            for r in rows]


def enqueue(conn: sa.Connection, alert_id: int, alert: dict[str, Any]) -> int:
    """Queue an alert for every active webhook, inside the caller's transaction."""
    body = json.dumps({"type": "alert", "alert": alert}, ensure_ascii=False, default=str,
                      sort_keys=True)
    now = _now()
    ids = conn.execute(sa.select(webhooks.c.id).where(webhooks.c.active.is_(True))).scalars()
    rows = [{"webhook_id": wid, "alert_id": alert_id, "body": body, "attempts": 0,
             "next_attempt_at": now, "delivered_at": None, "last_error": None,
             "created_at": now} for wid in ids]
    if rows:
        conn.execute(webhook_outbox.insert(), rows)
    return len(rows)


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    next_attempt_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"delivered": self.delivered, "failed": self.failed, "pending": self.pending,
                "next_attempt_at": self.next_attempt_at.isoformat()
                if self.next_attempt_at else None, "errors": self.errors[-10:]}


def backoff(attempts: int, base_delay: float, max_delay: float) -> float:
    """Seconds before the next attempt after `attempts` failures: base * 2^(attempts-1)."""
    return float(min(max_delay, base_delay * (2 ** max(0, attempts - 1))))


def deliver_pending(
    store: Store,
    *,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
    base_delay: float = 2.0,
    max_delay: float = 3600.0,
    batch: int = 100,
) -> DeliveryReport:
    """Try every outbox row that is due once; failures are rescheduled with backoff."""
    report = DeliveryReport()
    now = _now()
    with store.engine.connect() as conn:
        due = conn.execute(
            sa.select(webhook_outbox, webhooks.c.url, webhooks.c.secret)
            .join(webhooks, webhooks.c.id == webhook_outbox.c.webhook_id)
            .where(webhook_outbox.c.delivered_at.is_(None),
                   webhook_outbox.c.next_attempt_at <= now)
            .order_by(webhook_outbox.c.id).limit(batch)
        ).all()
    keys = {row.webhook_id: decrypt(row.secret) for row in due}
    own = client is None
    http = client or httpx.Client(timeout=timeout)
    try:
        for row in due:
            body = row.body.encode()
            error: str | None = None
            try:
                resp = http.post(row.url, content=body, headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(keys[row.webhook_id], body),
                    "X-Proscribe-Delivery": str(row.id),
                    "X-Proscribe-Attempt": str(row.attempts + 1),
                })
                if not 200 <= resp.status_code < 300:
                    error = f"HTTP {resp.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            attempts = row.attempts + 1
            with store.engine.begin() as conn:
                if error is None:
                    conn.execute(webhook_outbox.update().where(webhook_outbox.c.id == row.id)
                                 .values(attempts=attempts, delivered_at=_now(),
                                         last_error=None))
                    report.delivered += 1
                else:
                    nxt = _now() + timedelta(seconds=backoff(attempts, base_delay, max_delay))
                    conn.execute(webhook_outbox.update().where(webhook_outbox.c.id == row.id)
                                 .values(attempts=attempts, next_attempt_at=nxt,
                                         last_error=error[:500]))
                    report.failed += 1
                    report.errors.append(f"{row.url}: {error}")
    finally:
        if own:
            http.close()
    with store.engine.connect() as conn:
        report.pending = int(conn.execute(
            sa.select(sa.func.count()).select_from(webhook_outbox)
            .where(webhook_outbox.c.delivered_at.is_(None))).scalar_one())
        next_due: datetime | None = conn.execute(
            sa.select(sa.func.min(webhook_outbox.c.next_attempt_at))
            .where(webhook_outbox.c.delivered_at.is_(None))).scalar()
        report.next_attempt_at = _aware(next_due) if next_due else None
    return report


def deliver_until_idle(store: Store, *, wait: float, **kwargs: Any) -> DeliveryReport:
    """Deliver, sleeping until the next retry is due, for at most `wait` seconds."""
    deadline = time.monotonic() + wait
    total = DeliveryReport()
    while True:
        step = deliver_pending(store, **kwargs)
        total.delivered += step.delivered
        total.failed += step.failed
        total.errors += step.errors
        total.pending, total.next_attempt_at = step.pending, step.next_attempt_at
        if not step.pending or step.next_attempt_at is None:
            return total
        sleep = max(0.0, (step.next_attempt_at - _now()).total_seconds())
        if time.monotonic() + sleep > deadline:
            return total
        time.sleep(sleep)


__all__ = ["SIGNATURE_HEADER", "DeliveryReport", "add_webhook", "backoff", "deliver_pending",
           "deliver_until_idle", "enqueue", "list_webhooks", "remove_webhook", "sign",
           "verify_signature"]
