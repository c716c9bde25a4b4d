"""Caps ledger: running totals of reported quantities per cap and period (table `cap_ledger`).

The evaluator never writes here: it reads totals through `CapLedger.usage`, passed in as a
plain callable; recording a shipment is a separate, explicit act (`CapLedger.record`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
)
from sqlalchemy.engine import Engine

from proscribe.rules.result import CheckResult

metadata = MetaData()

cap_ledger = Table(
    "cap_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cap", String(100), nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("amount", Float, nullable=False),
    Column("activity_date", Date, nullable=False),
    Column("reference", String(200), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)


class CapLedger:
    """Reported quantities per cap period, in a SQL store of the caller's choosing."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        if engine is None:
            if url is None:
                from proscribe.settings import get_settings

                settings = get_settings()
                url = settings.store_url
                if url.startswith("sqlite:///"):
                    settings.data_dir.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
        self.engine = engine
        metadata.create_all(engine, tables=[cap_ledger])

    def usage(self, cap: str, period_start: date, unit: str) -> float:
        """Total recorded so far for one cap, period and unit."""
        stmt = select(func.coalesce(func.sum(cap_ledger.c.amount), 0.0)).where(
            cap_ledger.c.cap == cap,
            cap_ledger.c.period_start == period_start,
            cap_ledger.c.unit == unit,
        )
        with self.engine.connect() as conn:
            return float(conn.execute(stmt).scalar_one())

    def record(
        self,
        cap: str,
        period_start: date,
        unit: str,
        amount: float,
        activity_date: date,
        reference: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                cap_ledger.insert().values(
                    cap=cap,
                    period_start=period_start,
                    unit=unit,
                    amount=amount,
                    activity_date=activity_date,
                    reference=reference,
                    recorded_at=datetime.now(timezone.utc),
                )
            )

    def record_result(self, result: CheckResult, reference: str | None = None) -> int:
        """Record the cap uses of a permitted check; refuses nothing, records nothing else.

        Returns how many rows were written (0 when the verdict was not a permitted one).
        """
        if result.verdict not in ("permitted", "permitted_with_conditions"):
            return 0
        n = 0
        for use in result.caps:
            self.record(use.cap, use.period_start, use.unit, use.this_activity, result.date, reference)
            n += 1
        return n

    def totals(self) -> list[dict[str, object]]:
        stmt = (
            select(
                cap_ledger.c.cap,
                cap_ledger.c.period_start,
                cap_ledger.c.unit,
                func.sum(cap_ledger.c.amount),
                func.count(),
            )
            .group_by(cap_ledger.c.cap, cap_ledger.c.period_start, cap_ledger.c.unit)
            .order_by(cap_ledger.c.cap, cap_ledger.c.period_start)
        )
        with self.engine.connect() as conn:
            return [
                {"cap": c, "period_start": p, "unit": u, "total": float(t), "entries": int(k)}
                for c, p, u, t, k in conn.execute(stmt)
            ]
