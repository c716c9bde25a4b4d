"""The audit chain: intact, edited, deleted, reordered, inserted, concurrent writers."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from proscribe.store.audit import AuditEntry, AuditLog, audit_log, verify_export


def _fill(log: AuditLog, n: int = 5) -> None:
    for i in range(n):
        log.append(AuditEntry("screen", {"name": f"q{i}"}, {"candidates": [i]}, key_id="k1",
                              list_versions=[{"source": "un", "version": "v1"}],
                              algorithm={"id": "name-v1", "version": "1"}))


@pytest.fixture
def log(db_url: str) -> AuditLog:
    log = AuditLog.open(db_url)
    _fill(log)
    return log


def test_intact_chain_verifies(log: AuditLog) -> None:
    report = log.verify()
    assert report.ok and report.records == 5 and not report.problems
    assert log.head() == (5, report.head)
    assert log.verify(expect_head=report.head).ok
    assert not log.verify(expect_head="0" * 64).ok
    records = list(log.records())
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[1].prev_hash == records[0].hash


def test_batch_append_keeps_order(log: AuditLog) -> None:
    recs = log.append_many([AuditEntry("screen", {"i": i}, {}) for i in range(3)])
    assert [r.seq for r in recs] == [6, 7, 8]
    assert log.verify().ok


def _update(log: AuditLog, seq: int, **values: object) -> None:
    with log.engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == seq).values(**values))


def test_edited_record_is_detected(log: AuditLog) -> None:
    rec = next(r for r in log.records() if r.seq == 3)
    record = dict(rec.record)
    record["result"] = {"candidates": []}  # someone hides a hit
    from proscribe.store.audit import canonical_json

    _update(log, 3, record=canonical_json(record))
    report = log.verify()
    assert not report.ok
    assert any(p.startswith("seq 3: hash does not match") for p in report.problems)


def test_edited_column_is_detected(log: AuditLog) -> None:
    _update(log, 2, key_id="someone-else")
    report = log.verify()
    assert not report.ok and any("key_id" in p for p in report.problems)


def test_edited_record_with_recomputed_hash_is_detected(log: AuditLog) -> None:
    """Re-hashing the edited record still breaks the link to the next one."""
    from proscribe.store.audit import canonical_json

    rec = next(r for r in log.records() if r.seq == 2)
    record = {**rec.record, "request": {"name": "innocent"}}
    text = canonical_json(record)
    _update(log, 2, record=text, hash=hashlib.sha256(text.encode()).hexdigest())
    report = log.verify()
    assert not report.ok
    assert any(p.startswith("seq 3: prev_hash") for p in report.problems)


def test_deleted_record_is_detected(log: AuditLog) -> None:
    with log.engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 3))
    report = log.verify()
    assert not report.ok
    assert any("seq 4" in p and "deleted" in p for p in report.problems)


def test_deleted_tail_is_detected(log: AuditLog) -> None:
    with log.engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 5))
    report = log.verify()
    assert not report.ok
    assert any("head" in p for p in report.problems)


def test_reordered_records_are_detected(log: AuditLog) -> None:
    """Swap the places of records 2 and 4 (each keeps its content and hash)."""
    with log.engine.begin() as conn:
        for old, new in ((2, 1000), (4, 2), (1000, 4)):
            conn.execute(audit_log.update().where(audit_log.c.seq == old).values(seq=new))
    report = log.verify()
    assert not report.ok
    assert any(p.startswith("seq 2:") for p in report.problems)
    assert any(p.startswith("seq 4:") for p in report.problems)


def test_renumbered_records_are_detected(log: AuditLog) -> None:
    """Moving a record to another seq number is a reorder too."""
    with log.engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 5).values(seq=50))
    report = log.verify()
    assert not report.ok
    assert any("seq 50" in p for p in report.problems)


def test_inserted_record_is_detected(log: AuditLog) -> None:
    with log.engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 5).values(seq=6))
        conn.execute(audit_log.update().where(audit_log.c.seq == 4).values(seq=5))
        conn.execute(audit_log.insert().values(
            seq=4, at="2026-01-01T00:00:00+00:00", key_id="x", endpoint="screen",
            record="{}", prev_hash="f" * 64, hash="e" * 64))
    assert not log.verify().ok


def test_export_and_verify_file(log: AuditLog) -> None:
    buf = io.StringIO()
    assert log.export(buf) == 5
    lines = buf.getvalue().splitlines()
    assert verify_export(lines).ok
    obj = json.loads(lines[2])
    obj["request"] = {"name": "edited"}
    tampered = lines[:2] + [json.dumps(obj)] + lines[3:]
    assert not verify_export(tampered).ok
    assert not verify_export(lines[:2] + lines[3:]).ok  # deleted
    assert not verify_export([lines[1], lines[0]] + lines[2:]).ok  # reordered


def _writer(url: str, n: int) -> None:
    log = AuditLog.open(url)
    for i in range(n):
        log.append(AuditEntry("screen", {"i": i}, {"ok": True}))


def test_concurrent_processes_keep_the_chain_linear(db_url: str) -> None:
    """Writers in other processes only share the database's guard, not our lock."""
    AuditLog.open(db_url)  # migrate once
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, 15)) for _ in range(3)]
    for p in procs:
        p.start()
    _writer(db_url, 15)
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    log = AuditLog.open(db_url)
    report = log.verify()
    assert report.ok, report.problems
    assert report.records == 60


def test_unique_prev_hash_refuses_a_fork(log: AuditLog) -> None:
    last = list(log.records())[-1]
    with pytest.raises(sa.exc.IntegrityError), log.engine.begin() as conn:
        conn.execute(audit_log.insert().values(
            seq=99, at="x", key_id=None, endpoint="screen", record="{}",
            prev_hash=last.prev_hash, hash="a" * 64))


def test_audit_cli(db_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from proscribe.cli import app

    log = AuditLog.open(db_url)
    _fill(log, 3)
    runner = CliRunner()
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0, r.output
    assert "3 records" in r.output
    out = tmp_path / "audit.jsonl"
    r = runner.invoke(app, ["audit", "export", "--out", str(out)])
    assert r.exit_code == 0
    assert len(out.read_text().splitlines()) == 3
    r = runner.invoke(app, ["audit", "verify", "--file", str(out), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["ok"] is True
    _update(log, 2, key_id="mallory")
    r = runner.invoke(app, ["audit", "verify", "--json"])
    assert r.exit_code == 1
    assert json.loads(r.stdout)["problems"]


def test_record_text_is_canonical_json_of_the_record(db_url: str) -> None:
    """The record text is assembled from canonical pieces; it must be canonical_json."""
    from proscribe.store.audit import canonical_json

    log = AuditLog.open(db_url)
    result = {"candidates": [{"name": "Чан Су Хан", "score": 1e-05, "big": 1e16,
                              "nested": {"b": [1, 2.5, None], "a": True}}],
              "band": "match", "note": 'quote " and \\ and \n and \u2028'}
    lvs = [{"source": "un", "version": "v1", "published": None, "sha256": "ab"}]
    algorithm = {"id": "name-v1", "version": "1.0.0", "settings": {"z": 0.95, "a": 8.5}}
    entries = [
        AuditEntry("screen", {"name": "Jang"}, result, key_id="k1", list_versions=lvs,
                   algorithm=algorithm, result_json=canonical_json(result)),
        AuditEntry("screen", {"name": "Jang"}, result, key_id=None, list_versions=lvs,
                   algorithm=algorithm),  # serialized by the log itself
        AuditEntry("check", {"x": ["é"]}, {}, key_id="k2", list_versions=[], algorithm=None,
                   request_json=canonical_json({"x": ["é"]})),
    ]
    records = log.append_many(entries)
    stored = {r.seq: r for r in log.records()}
    for rec in records:
        text = canonical_json(stored[rec.seq].record)
        assert canonical_json(rec.record) == text
        assert rec.hash == hashlib.sha256(text.encode()).hexdigest()
    assert records[0].record["result_digest"] == records[1].record["result_digest"]
    assert log.verify().ok


def test_group_commit_orders_and_chains_a_burst(db_url: str) -> None:
    """Many requests waiting at once: few transactions, one linear chain, each its record."""
    import asyncio

    from proscribe.api.auditing import AuditWriter

    log = AuditLog.open(db_url)
    writer = AuditWriter(log)
    writer.start()

    async def burst() -> list[int]:
        recs = await asyncio.gather(*[
            writer.write(AuditEntry("screen", {"i": i}, {"i": i})) for i in range(200)])
        return [r.record["request"]["i"] for r in recs]

    try:
        assert asyncio.run(burst()) == list(range(200))
    finally:
        writer.stop()
    assert writer.records == 200 and writer.batches < 200
    report = log.verify()
    assert report.ok and report.records == 200


@pytest.mark.skipif(not hasattr(__import__("os"), "O_RDWR") or
                    __import__("importlib").util.find_spec("fcntl") is None,
                    reason="no fcntl: SQLite's busy wait alone orders the writers")
def test_sqlite_writers_take_turns_on_a_lock_file(tmp_path: Path) -> None:
    """On SQLite an append holds a lock on `<database>-audit.lock`, which a writer of
    another process waits on (woken when it is released) rather than polling SQLite's
    write lock with sleeps, which let one busy process hold it nearly all the time: an
    append cannot finish while another holder has that lock."""
    import fcntl
    import os
    import threading

    db = tmp_path / "store.db"
    log = AuditLog.open(f"sqlite:///{db}")
    lock_path = f"{db}-audit.lock"
    log.append(AuditEntry("screen", {"i": 0}, {"ok": True}))
    assert Path(lock_path).exists()
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another process's writer would hold it
        done = threading.Event()
        writer = threading.Thread(target=lambda: (
            log.append(AuditEntry("screen", {"i": 1}, {"ok": True})), done.set()))
        writer.start()
        assert not done.wait(0.5)  # waiting for its turn
        assert log.head()[0] == 1
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    writer.join(30)
    assert done.is_set() and log.head()[0] == 2 and log.verify().ok


def _hold_write_lock(db: Path) -> object:
    """Another connection holding SQLite's write lock (as a list import does)."""
    import sqlite3

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_append_without_waiting_refuses_a_taken_write_lock(tmp_path: Path) -> None:
    """`append_many(wait=False)` raises `AuditBusy` at once, writing nothing, while another
    connection holds SQLite's write lock (it would otherwise wait up to the busy timeout,
    30 s); the pooled connection keeps its busy timeout for everyone else."""
    import threading

    from proscribe.store.audit import AuditBusy

    db = tmp_path / "store.db"
    log = AuditLog.open(f"sqlite:///{db}")
    log.append(AuditEntry("screen", {"i": 0}, {"ok": True}))
    holder = _hold_write_lock(db)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            log.append_many([AuditEntry("screen", {"i": 1}, {"ok": True})], wait=False)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - what the thread saw
            outcome.append(exc)

    try:
        thread = threading.Thread(target=attempt)
        thread.start()
        thread.join(20)
        assert not thread.is_alive()  # it did not wait for the lock
    finally:
        holder.rollback()  # type: ignore[attr-defined]
        holder.close()  # type: ignore[attr-defined]
    assert isinstance(outcome[0], AuditBusy)
    assert log.head()[0] == 1
    with log.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    recs = log.append_many([AuditEntry("screen", {"i": 1}, {"ok": True})], wait=False)
    assert recs[0].seq == 2 and log.verify().ok


@pytest.mark.skipif(__import__("importlib").util.find_spec("fcntl") is None,
                    reason="no fcntl: no turn between processes")
def test_append_without_waiting_gives_up_another_process_turn(tmp_path: Path) -> None:
    import fcntl
    import os

    from proscribe.store.audit import AuditBusy

    db = tmp_path / "store.db"
    log = AuditLog.open(f"sqlite:///{db}")
    log.append(AuditEntry("screen", {"i": 0}, {"ok": True}))
    fd = os.open(f"{db}-audit.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process's writer, holding on
        with pytest.raises(AuditBusy):
            log.append_many([AuditEntry("screen", {"i": 1}, {"ok": True})], wait=False)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert log.head()[0] == 1 and log.verify().ok


def test_event_loop_appends_and_leaves_a_busy_batch_to_the_thread(tmp_path: Path) -> None:
    """On SQLite the event loop appends by itself; while another connection holds the write
    lock the batch goes to the writer thread, the loop goes on (it runs the sleep below),
    and the request gets its record once the lock is released."""
    import asyncio

    from proscribe.api.auditing import AuditWriter

    db = tmp_path / "store.db"
    log = AuditLog.open(f"sqlite:///{db}")
    writer = AuditWriter(log)
    assert writer.on_loop
    writer.start()

    async def run() -> tuple[int, int, bool]:
        first = await writer.write(AuditEntry("screen", {"i": 0}, {"ok": True}))
        holder = _hold_write_lock(db)
        try:
            task = asyncio.ensure_future(writer.write(AuditEntry("screen", {"i": 1}, {})))
            await asyncio.sleep(0.3)  # the loop is free while the thread waits
            waiting = not task.done()
        finally:
            holder.rollback()  # type: ignore[attr-defined]
            holder.close()  # type: ignore[attr-defined]
        second = await task
        return first.seq, second.seq, waiting

    try:
        assert asyncio.run(run()) == (1, 2, True)
    finally:
        writer.stop()
    assert writer.handed_over == 1 and writer.records == 2
    assert log.verify().ok


def test_postgresql_appends_stay_on_the_writer_thread(db_url: str) -> None:
    from proscribe.api.auditing import AuditWriter

    writer = AuditWriter(AuditLog.open(db_url))
    assert writer.on_loop == db_url.startswith("sqlite")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30)


@given(_JSON)
def test_canonical_json_data_is_canonical_json(value: object) -> None:
    """orjson's text for plain JSON data is json.dumps's, byte for byte (the audit chain
    hashes it and `verify()` recomputes it with json)."""
    from proscribe.store.audit import canonical_json, canonical_json_data

    assert canonical_json_data(value) == canonical_json(value)


def test_canonical_json_data_on_floats_and_types_orjson_writes_its_own_way() -> None:
    import dataclasses
    import datetime

    import numpy as np

    from proscribe.store.audit import canonical_json, canonical_json_data

    @dataclasses.dataclass
    class Pair:
        a: int

    floats = [m * 10.0 ** e * sign for e in range(-30, 30) for m in (1.0, 1.5, 9.87654321)
              for sign in (1, -1)]
    values: list[object] = [
        floats, {"score": 1e-05, "s": "0.00001 e-5"}, np.float64(0.5), np.float32(0.25),
        datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), datetime.date(2020, 1, 2),
        Pair(1), 2**70, {1: 2}, (1, 2), "\x00\x1f\x7f\u2028김정은\U0001F600\"\\"]
    for value in values:
        assert canonical_json_data(value) == canonical_json(value), value

