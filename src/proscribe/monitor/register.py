"""The customer register: customers with stable ids, upserted from a file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from proscribe.batch.columns import RowError, guess_columns, row_query
from proscribe.batch.readers import BadRow, open_input
from proscribe.errors import ConfigError
from proscribe.store.customers import customers
from proscribe.store.store import Store


@dataclass(slots=True)
class Customer:
    id: str
    query: dict[str, Any]  # ScreeningQuery fields: name, type, dob, country, gender, identifiers
    content_hash: str
    screened_hash: str | None = None


@dataclass(slots=True)
class CustomerImport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": len(self.rejects),
                "rejects": self.rejects}


def query_hash(query: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def import_customers(
    store: Store,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str = "utf-8",
    input_format: str | None = None,
) -> CustomerImport:
    """Upsert every row of a customer file by its id column; bad rows are reported.

    A customer whose screening fields changed is marked for a full re-screen on the next
    monitor run; one whose fields are unchanged keeps its state (and its hits).
    """
    inp = open_input(path, fmt=input_format, encoding=encoding)
    cols = guess_columns(inp.headers, mapping, file=str(path))
    if cols.id is None:
        raise ConfigError("no customer id column: map one with --map id=<column>",
                          file=str(path), expected="a column named id / customer_id",
                          found=", ".join(inp.headers))
    report = CustomerImport()
    seen: dict[str, dict[str, Any]] = {}
    for row in inp.rows():
        if isinstance(row, BadRow):
            report.rejects.append({"line": row.line, "reason": row.reason})
            continue
        line, record = row
        cid = str(record.get(cols.id) or "").strip()
        if not cid:
            report.rejects.append({"line": line, "reason": "empty customer id"})
            continue
        try:
            query = row_query(record, cols)
        except RowError as exc:
            report.rejects.append({"line": line, "reason": str(exc)})
            continue
        seen[cid] = {"query": query, "data": record}  # a later row for an id wins
    now = _now()
    with store.engine.begin() as conn:
        existing: dict[str, str] = {}
        ids = list(seen)
        for i in range(0, len(ids), 500):
            rows = conn.execute(
                sa.select(customers.c.id, customers.c.content_hash)
                .where(customers.c.id.in_(ids[i : i + 500]))
            ).all()
            existing.update({r[0]: r[1] for r in rows})
        inserts = []
        for cid, item in seen.items():
            query = item["query"]
            h = query_hash(query)
            values = {
                "name": query["name"], "kind": query.get("type"), "dob": query.get("dob"),
                "country": query.get("country"),
                "identifiers": {"identifiers": query.get("identifiers", []),
                                "gender": query.get("gender")},
                "data": json.loads(json.dumps(item["data"], default=str)),
                "content_hash": h, "updated_at": now,
            }
            if cid not in existing:
                inserts.append({"id": cid, "screened_hash": None, "created_at": now, **values})
                report.inserted += 1
            elif existing[cid] != h:
                conn.execute(customers.update().where(customers.c.id == cid).values(**values))
                report.updated += 1
            else:
                report.unchanged += 1
        for i in range(0, len(inserts), 1000):
            conn.execute(customers.insert(), inserts[i : i + 1000])
    return report


def _query_of(row: Any) -> dict[str, Any]:
    extra = row.identifiers if isinstance(row.identifiers, dict) else json.loads(row.identifiers)
    query: dict[str, Any] = {"name": row.name}
    if row.kind:
        query["type"] = row.kind
    if row.dob:
        query["dob"] = row.dob
    if row.country:
        query["country"] = row.country
    if extra.get("gender"):
        query["gender"] = extra["gender"]
    if extra.get("identifiers"):
        query["identifiers"] = list(extra["identifiers"])
    return query


def load_customers(store: Store) -> list[Customer]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(customers).order_by(customers.c.id)).all()
    return [Customer(r.id, _query_of(r), r.content_hash, r.screened_hash) for r in rows]


__all__ = ["Customer", "CustomerImport", "import_customers", "load_customers", "query_hash"]
