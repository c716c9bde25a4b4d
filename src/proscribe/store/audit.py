"""The append-only audit log: every screening and check, hash-chained.

Each record is canonical JSON (sorted keys, no spaces) holding its sequence number, the
time, who asked (API key id), the endpoint, the request, the result and its digest, the
list versions and the algorithm. `hash = sha256(canonical JSON of the record)`, and the
record includes `prev_hash`, the previous record's hash: editing, deleting or reordering
any record breaks the chain and `verify()` names where. A one-row `audit_head` table,
written in the same transaction as each append, catches a deleted tail.

Appends are serialized: a lock per process, and in the database the primary key on `seq`
plus a unique `prev_hash` (two writers that read the same head cannot both commit; the
loser retries on the new head). Writers of several processes queue rather than retry: on
PostgreSQL behind an advisory lock, on SQLite behind `BEGIN IMMEDIATE` (the write lock is
taken before the head is read, and the busy timeout waits for it).

Each `append_many` is one transaction however many records (on PostgreSQL one INSERT of
every row, on SQLite one prepared statement stepped once a row), through plain DB-API.
A caller that already holds the canonical JSON of a request or result passes it
(`request_json`, `result_json`) so a large result is serialized once, not once for its
digest and again inside the record; the record text is then assembled from canonical
pieces in sorted-key order, which is byte for byte `canonical_json(record)`.

`append_many(..., wait=False)` (SQLite only) appends only if nothing has to be waited for
long: this process's lock and SQLite's write lock are tried without blocking, the turn
between processes for 2 ms (another worker's append), and `AuditBusy` is raised, with
nothing written, if one stays taken. The service's event loop appends that way itself and
leaves only the waits to a thread (api/auditing.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from proscribe.errors import StoreError

try:
    import fcntl as _flock
except ImportError:  # pragma: no cover - Windows: SQLite's busy wait alone
    _flock = None  # type: ignore[assignment]

GENESIS = "0" * 64
_ADVISORY_KEY = 0x70726F73  # "pros": the PostgreSQL advisory lock id for appends
#: `append_many(wait=False)`: how long it waits for another process's append to finish
#: (an append takes well under a millisecond; one that waits on an import holds the
#: turn for as long as the import's transaction), and how often it looks
_TURN_WAIT_S = 0.002
_TURN_POLL_S = 0.00005

_meta = sa.MetaData()
audit_log = sa.Table(
    "audit_log",
    _meta,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("key_id", sa.String(32), nullable=True),
    sa.Column("endpoint", sa.String(64), nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
audit_head = sa.Table(
    "audit_head",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)


def canonical_json(value: Any) -> str:
    """The one serialization that is hashed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
        default=str,
    )


#: orjson's spelling of floats json.dumps writes otherwise: 1e-05 as 0.00001 (exponents
#: -5), 1e-06 as 1e-6 (a one-digit exponent, -6 to -9); every other float, every string and
#: every structure comes out the same (tests/api/test_audit.py)
_ORJSON_DIFFERS = re.compile(rb"0\.0000|e-[0-9](?![0-9])")


#: dates, times and dataclasses go to `default` (json.dumps writes str() of them)
_ORJSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                   | orjson.OPT_PASSTHROUGH_DATACLASS)


def _not_plain(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def canonical_json_data(value: Any) -> str:
    """`canonical_json` of plain JSON data (dicts with string keys, lists, strings, ints,
    floats, booleans, None), such as a screening result: the same text, written by orjson
    (a 5 KB result: 11 us against 60 us). Anything orjson writes differently (tiny floats)
    or would write in its own way (any type but those, floats' subclasses such as numpy's
    included) goes to `canonical_json`. Unlike it, a NaN becomes null here."""
    try:
        out = orjson.dumps(value, default=_not_plain, option=_ORJSON_OPTIONS)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return canonical_json(value)
    if _ORJSON_DIFFERS.search(out):  # (or a string that looks so: the slow way, the same)
        return canonical_json(value)
    return out.decode()


def digest(value: Any) -> str:
    return hashlib.sha256(canonical_json_data(value).encode()).hexdigest()


_COLUMNS = ("seq", "at", "key_id", "endpoint", "record", "prev_hash", "hash")


class _Texts:
    """canonical_json for the values a batch repeats (the same list versions, algorithm
    and time in every record): serialized once per object, for the one batch."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str:
        hit = self._seen.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = canonical_json(value)
        self._seen[id(value)] = (value, text)  # holding `value` keeps its id unique
        return text


@dataclass(slots=True)
class AuditEntry:
    """What a caller hands in; the log adds seq, time and the hashes."""

    endpoint: str
    request: Any
    result: Any
    key_id: str | None = None
    list_versions: list[dict[str, Any]] = field(default_factory=list)
    algorithm: dict[str, Any] | None = None
    #: `canonical_json(request)` / `canonical_json(result)` when the caller already has it.
    request_json: str | None = None
    result_json: str | None = None


@dataclass(slots=True)
class AuditRecord:
    seq: int
    at: str
    key_id: str | None
    endpoint: str
    record: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.record, "hash": self.hash}


@dataclass(slots=True)
class VerifyReport:
    ok: bool
    records: int
    head: str
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "head": self.head,
                "problems": self.problems}


class _TurnLock:
    """A blocking lock on a file beside a SQLite database, held by whoever appends to its
    audit log, so that the writers of several processes take turns.

    SQLite's own busy wait polls, sleeping 1, 2, 5 ... up to 100 ms between tries, while a
    writer that just committed takes the lock again at once: under `serve --workers 2`
    one worker's audit thread held the database nearly all the time, the other's requests
    waited for their records (a screening is answered once its record is committed), and
    that worker sat at 11% of a core beside the other's 96%. A process blocked on this
    lock is woken when it is released. Released (and no-ops) for other databases, for an
    in-memory SQLite, and where `fcntl` is missing; the lock is held per process by the
    caller's threading lock, this adds the turn between processes only.
    """

    __slots__ = ("_fd", "_path", "_held")

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._fd: int | None = None
        self._held = False

    @classmethod
    def for_sqlite(cls, engine: Engine) -> _TurnLock:
        url = engine.url
        database = url.database
        usable = (engine.dialect.name == "sqlite" and bool(database)
                  and database != ":memory:" and not str(database).startswith("file:")
                  and _flock is not None)
        return cls(f"{database}-audit.lock" if usable else None)

    def acquire(self, timeout: float | None = None) -> bool:
        """Take the turn, waiting for it at most `timeout` seconds (None: for as long as
        it takes); False if another process held it all that time."""
        if self._path is None or _flock is None:
            return True
        if self._fd is None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a read-only folder: SQLite's own busy wait still orders
                self._path = None
                return True
        if timeout is None:
            _flock.flock(self._fd, _flock.LOCK_EX)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    _flock.flock(self._fd, _flock.LOCK_EX | _flock.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(_TURN_POLL_S)
        self._held = True
        return True

    def release(self) -> None:
        if self._held and self._fd is not None and _flock is not None:
            self._held = False
            _flock.flock(self._fd, _flock.LOCK_UN)


class AuditBusy(Exception):
    """`append_many(wait=False)` would have had to wait for a lock: nothing was written."""


class AuditLog:
    """Append-only, hash-chained audit records in the store's database."""

    #: Per database URL, for the process: the lock that serializes its appends and the
    #: turn between processes (one open lock file however many `AuditLog`s there are).
    _locks: dict[str, tuple[threading.Lock, _TurnLock]] = {}
    _locks_guard = threading.Lock()

    def __init__(self, engine: Engine, *, retries: int = 50) -> None:
        self.engine = engine
        self.retries = retries
        with self._locks_guard:
            held = self._locks.get(str(engine.url))
            if held is None:
                held = self._locks[str(engine.url)] = (threading.Lock(),
                                                       _TurnLock.for_sqlite(engine))
        self._lock, self._turns = held

    @classmethod
    def open(cls, url: str | None = None) -> AuditLog:
        from proscribe.store.store import Store

        return cls(Store.open(url).engine)

    # ------------------------------------------------------------------ append

    def append(self, entry: AuditEntry) -> AuditRecord:
        return self.append_many([entry])[0]

    @property
    def appends_without_waiting(self) -> bool:
        """Whether `append_many(wait=False)` is offered (a SQLite database)."""
        return self.engine.dialect.name == "sqlite"

    def append_many(self, entries: Sequence[AuditEntry], *,
                    wait: bool = True) -> list[AuditRecord]:
        """Append in order, in one transaction; the chain stays linear across processes.

        `wait=False` (SQLite): raise `AuditBusy`, having written nothing, rather than wait
        for any lock (see the module's text)."""
        if not entries:
            return []
        if not wait:
            if not self.appends_without_waiting:
                raise AuditBusy("appends without waiting are for SQLite only")
            if not self._lock.acquire(blocking=False):
                raise AuditBusy("another thread of this process is appending")
            try:
                return self._append(entries, wait=False)
            except (IntegrityError, DBAPIError) as exc:
                if isinstance(exc, DBAPIError) and not _retryable(exc):
                    raise
                raise AuditBusy(str(exc)) from exc
            finally:
                self._lock.release()
        with self._lock:
            for attempt in range(self.retries):
                try:
                    return self._append(entries)
                except (IntegrityError, DBAPIError) as exc:
                    if isinstance(exc, DBAPIError) and not _retryable(exc):
                        raise
                    time.sleep(min(0.2, 0.002 * (attempt + 1)) * (0.5 + random.random()))
            raise StoreError("audit log busy: could not append", found=str(self.engine.url))

    def _append(self, entries: Sequence[AuditEntry], wait: bool = True) -> list[AuditRecord]:
        dialect = self.engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            return self._append_core(entries)
        # The hot path of every screening: plain DB-API on a pooled connection. Through
        # SQLAlchemy Core the same transaction cost ~0.5 ms of CPU, and a multi-row
        # `insert().values(rows)` is compiled afresh each time (~100 us a row).
        dbapi = self.engine.dialect.loaded_dbapi
        turns = self._turns
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            try:
                if dialect == "postgresql":
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))
                elif wait:
                    # Writers of this database file take turns (see _TurnLock) ...
                    turns.acquire()
                    # ... and take the write lock before reading the head: another
                    # process's writer then waits (busy timeout) instead of reading a
                    # stale head, failing on the unique seq and retrying.
                    cur.execute("BEGIN IMMEDIATE")
                else:
                    if not turns.acquire(timeout=_TURN_WAIT_S):
                        raise AuditBusy("another process is appending")
                    # SQLite's write lock without its busy wait: "database is locked"
                    # at once if another connection (an import) holds it.
                    timeout = raw.info.get("busy_timeout")
                    if timeout is None:
                        cur.execute("PRAGMA busy_timeout")
                        row = cur.fetchone()
                        timeout = raw.info["busy_timeout"] = int(row[0]) if row else 30_000
                    cur.execute("PRAGMA busy_timeout = 0")
                    try:
                        cur.execute("BEGIN IMMEDIATE")
                    except dbapi.OperationalError as exc:
                        raise AuditBusy(str(exc)) from exc
                    finally:
                        cur.execute(f"PRAGMA busy_timeout = {int(timeout)}")
                cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                last = cur.fetchone()
                out, rows = self._records(entries, last)
                seq, head = out[-1].seq, out[-1].hash
                if dialect == "postgresql":
                    # One INSERT of every row: seven arrays, unnested server-side.
                    cur.execute(
                        "INSERT INTO audit_log (seq, at, key_id, endpoint, record, prev_hash,"
                        " hash) SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[],"
                        " %s::text[], %s::text[], %s::text[], %s::text[])",
                        [list(col) for col in zip(*rows, strict=True)],
                    )
                    mark = "%s"
                else:
                    # One prepared statement stepped once a row, in-process: no round trips.
                    cur.executemany(
                        "INSERT INTO audit_log (seq, at, key_id, endpoint, record, prev_hash,"
                        " hash) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                    mark = "?"
                cur.execute(f"UPDATE audit_head SET seq = {mark}, hash = {mark} WHERE id = 1",
                            (seq, head))
                if cur.rowcount == 0:
                    cur.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, {mark}, "
                                f"{mark})", (seq, head))
                raw.commit()
            except dbapi.Error as exc:
                raw.rollback()
                if isinstance(exc, dbapi.IntegrityError):
                    raise IntegrityError(None, None, exc) from exc
                raise DBAPIError(None, None, exc) from exc
            except BaseException:
                raw.rollback()
                raise
            finally:
                cur.close()
        finally:
            turns.release()
            raw.close()  # back to the pool
        return out

    def _append_core(self, entries: Sequence[AuditEntry]) -> list[AuditRecord]:
        """Any other database SQLAlchemy speaks: the same transaction through Core."""
        with self.engine.begin() as conn:
            last = conn.execute(
                sa.select(audit_log.c.seq, audit_log.c.hash)
                .order_by(audit_log.c.seq.desc())
                .limit(1)
            ).first()
            out, rows = self._records(entries, tuple(last) if last is not None else None)
            seq, head = out[-1].seq, out[-1].hash
            conn.execute(audit_log.insert(), [dict(zip(_COLUMNS, r, strict=True)) for r in rows])
            updated = conn.execute(
                audit_head.update().where(audit_head.c.id == 1).values(seq=seq, hash=head)
            ).rowcount
            if not updated:
                conn.execute(audit_head.insert().values(id=1, seq=seq, hash=head))
        return out

    @staticmethod
    def _records(entries: Sequence[AuditEntry], last: Any
                 ) -> tuple[list[AuditRecord], list[tuple[Any, ...]]]:
        """The chained records after `last` (seq, hash), and their rows (`_COLUMNS`)."""
        seq, prev = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        out: list[AuditRecord] = []
        rows: list[tuple[Any, ...]] = []
        texts = _Texts()
        at_json = canonical_json(now)
        for entry in entries:
            seq += 1
            result_json = (entry.result_json if entry.result_json is not None
                           else canonical_json_data(entry.result))
            request_json = (entry.request_json if entry.request_json is not None
                            else canonical_json_data(entry.request))
            result_digest = hashlib.sha256(result_json.encode()).hexdigest()
            # Exactly canonical_json(record) of the dict below, from canonical pieces in
            # sorted-key order (tests/api/test_audit.py checks the two agree).
            text = (
                '{"algorithm":' + texts(entry.algorithm)
                + ',"at":' + at_json
                + ',"endpoint":' + canonical_json(entry.endpoint)
                + ',"key_id":' + canonical_json(entry.key_id)
                + ',"list_versions":' + texts(entry.list_versions)
                + ',"prev_hash":"' + prev
                + '","request":' + request_json
                + ',"result":' + result_json
                + ',"result_digest":"' + result_digest
                + '","seq":' + str(seq) + "}"
            )
            record = {
                "seq": seq,
                "at": now,
                "key_id": entry.key_id,
                "endpoint": entry.endpoint,
                "request": entry.request,
                "result": entry.result,
                "result_digest": result_digest,
                "list_versions": entry.list_versions,
                "algorithm": entry.algorithm,
                "prev_hash": prev,
            }
            h = hashlib.sha256(text.encode()).hexdigest()
            rows.append((seq, now, entry.key_id, entry.endpoint, text, prev, h))
            out.append(AuditRecord(seq, now, entry.key_id, entry.endpoint, record, prev, h))
            prev = h
        return out, rows

    # ------------------------------------------------------------------ read

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one())

    def records(self, since: int = 0) -> Iterator[AuditRecord]:
        """Every record in seq order (streamed in pages)."""
        after = since
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(audit_log).where(audit_log.c.seq > after)
                    .order_by(audit_log.c.seq).limit(1000)
                ).all()
            if not rows:
                return
            for r in rows:
                m = r._mapping
                try:
                    record = json.loads(m["record"])
                except ValueError:
                    record = {"unparseable": m["record"]}
                yield AuditRecord(int(m["seq"]), m["at"], m["key_id"], m["endpoint"], record,
                                  m["prev_hash"], m["hash"])
                after = int(m["seq"])

    def get(self, seq: int) -> AuditRecord | None:
        for rec in self.records(since=seq - 1):
            return rec if rec.seq == seq else None
        return None

    def head(self) -> tuple[int, str]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS)

    # ------------------------------------------------------------------ verify

    def verify(self, expect_head: str | None = None) -> VerifyReport:
        """Recompute the chain; every edited, deleted or reordered record is a problem."""
        problems: list[str] = []
        expected_seq, expected_prev, count = 1, GENESIS, 0
        with self.engine.connect() as conn:
            raw = conn.execute(sa.select(audit_log).order_by(audit_log.c.seq))
            for r in raw:
                m = r._mapping
                count += 1
                seq = int(m["seq"])
                text = str(m["record"])
                actual = hashlib.sha256(text.encode()).hexdigest()
                if seq != expected_seq:
                    problems.append(
                        f"seq {seq}: expected seq {expected_seq} (records deleted or reordered)"
                    )
                try:
                    record = json.loads(text)
                except ValueError:
                    record = None
                if not isinstance(record, dict):
                    problems.append(f"seq {seq}: record is not a JSON object")
                else:
                    if canonical_json(record) != text:
                        problems.append(f"seq {seq}: record is not in canonical form (edited)")
                    for col in ("seq", "at", "key_id", "endpoint", "prev_hash"):
                        if record.get(col) != (seq if col == "seq" else m[col]):
                            problems.append(
                                f"seq {seq}: column {col} differs from the hashed record"
                                " (edited or reordered)"
                            )
                if actual != m["hash"]:
                    problems.append(f"seq {seq}: hash does not match its record (edited)")
                if m["prev_hash"] != expected_prev:
                    problems.append(
                        f"seq {seq}: prev_hash does not match the record before it "
                        "(deleted, inserted or reordered)"
                    )
                expected_prev = str(m["hash"])
                expected_seq = seq + 1
            head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        head_seq, head_hash = (int(head[0]), str(head[1])) if head is not None else (0, GENESIS)
        if (head_seq, head_hash) != (expected_seq - 1, expected_prev):
            problems.append(
                f"head says seq {head_seq} {head_hash[:12]}, the log ends at seq "
                f"{expected_seq - 1} {expected_prev[:12]} (records deleted at the end)"
            )
        if expect_head is not None and expect_head != expected_prev:
            problems.append(
                f"the log ends at {expected_prev}, not at the expected head {expect_head}"
            )
        return VerifyReport(not problems, count, expected_prev, problems)

    # ------------------------------------------------------------------ export

    def export(self, out: TextIO, since: int = 0) -> int:
        """JSON lines for an examiner: each record with its hash; returns the count."""
        n = 0
        for rec in self.records(since):
            out.write(canonical_json(rec.to_dict()) + "\n")
            n += 1
        return n


def verify_export(lines: Iterator[str] | Sequence[str]) -> VerifyReport:
    """Check an exported JSON-lines file on its own, without the database."""
    problems: list[str] = []
    prev, expected_seq, count = GENESIS, None, 0
    for line in lines:
        if not line.strip():
            continue
        count += 1
        obj = json.loads(line)
        h = obj.pop("hash", None)
        seq = obj.get("seq")
        if expected_seq is not None and seq != expected_seq:
            problems.append(f"seq {seq}: expected {expected_seq}")
        if count == 1 and seq != 1:
            prev = obj.get("prev_hash", GENESIS)  # a partial export starts where it starts
        if obj.get("prev_hash") != prev:
            problems.append(f"seq {seq}: prev_hash does not match the record before it")
        if digest(obj) != h:
            problems.append(f"seq {seq}: hash does not match its record")
        prev = str(h)
        expected_seq = (seq or 0) + 1
    return VerifyReport(not problems, count, prev, problems)


def _retryable(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(s in text for s in ("locked", "busy", "unique", "duplicate", "serializ",
                                    "deadlock"))


__all__ = [
    "AuditBusy",
    "GENESIS",
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "VerifyReport",
    "canonical_json",
    "canonical_json_data",
    "digest",
    "verify_export",
]
