"""API keys: stored as sha256 digests, shown once, compared in constant time.

A key reads `psk_<key id>_<secret>`. The key id is public (it names the key in the audit
log and in `proscribe keys list`); only the sha256 of the whole key is stored, so a copy of
the database does not give anyone a working key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from proscribe.errors import ConfigError, NotFoundError

SCOPES = ("screen", "check", "monitor", "admin")
PREFIX = "psk"
_KEY_RE = re.compile(r"^psk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_DUMMY = hashlib.sha256(b"no such key").hexdigest()

_meta = sa.MetaData()
api_keys = sa.Table(
    "api_keys",
    _meta,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What is known about a key: never the key itself."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        """`admin` may do everything; other scopes only what they name."""
        return scope in self.scopes or "admin" in self.scopes

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _row(row: Any) -> ApiKey:
    m = row._mapping
    scopes = m["scopes"]
    if isinstance(scopes, str):
        import json

        scopes = json.loads(scopes)
    created = _utc(m["created_at"])
    assert created is not None
    return ApiKey(m["key_id"], m["name"], tuple(scopes), created, _utc(m["revoked_at"]))


class KeyStore:
    """API keys in the store's database (table `api_keys`, migration 0002_service)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> KeyStore:
        from proscribe.store.store import Store

        return cls(Store.open(url).engine)

    def create(self, scopes: list[str] | tuple[str, ...], name: str = "") -> tuple[ApiKey, str]:
        """A new key with these scopes: returns its record and the key (shown only now)."""
        wanted = tuple(dict.fromkeys(s.strip().lower() for s in scopes if s.strip()))
        if not wanted:
            raise ConfigError("a key needs at least one scope", expected=", ".join(SCOPES))
        bad = [s for s in wanted if s not in SCOPES]
        if bad:
            raise ConfigError(
                "unknown scope", expected=", ".join(SCOPES), found=", ".join(bad)
            )
        key_id = secrets.token_hex(6)
        token = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id, name or key_id, wanted, datetime.now(UTC))
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key_id,
                    name=record.name[:200],
                    scopes=list(wanted),
                    key_hash=hash_key(token),
                    created_at=record.created_at,
                )
            )
        return record, token

    def list(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at))
            return [_row(r) for r in rows]

    def get(self, key_id: str) -> ApiKey:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
        if row is None:
            raise NotFoundError(f"no API key {key_id!r}", found=key_id)
        return _row(row)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key for good (its audit records keep naming it)."""
        key = self.get(key_id)
        if key.revoked_at is None:
            with self.engine.begin() as conn:
                conn.execute(
                    api_keys.update()
                    .where(api_keys.c.key_id == key_id)
                    .values(revoked_at=datetime.now(UTC))
                )
        return self.get(key_id)

    def authenticate(self, token: str) -> ApiKey | None:
        """The active key this token is, else None. Constant time in the secret part."""
        match = _KEY_RE.match(token.strip())
        key_id = match.group(1) if match else ""
        row = None
        if match:
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.select(api_keys).where(api_keys.c.key_id == key_id)
                ).first()
        stored = row._mapping["key_hash"] if row is not None else _DUMMY
        ok = hmac.compare_digest(stored, hash_key(token.strip()))
        if row is None or not ok:
            return None
        key = _row(row)
        return key if key.active else None


__all__ = ["SCOPES", "ApiKey", "KeyStore", "hash_key"]
