"""Webhooks through a real HTTP receiver on 127.0.0.1: signature, retry, receiver down."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import sqlalchemy as sa

from proscribe.monitor import add_webhook, deliver_pending, deliver_until_idle, sign
from proscribe.monitor.webhooks import backoff, enqueue
from proscribe.store import Store
from proscribe.store.customers import alerts, webhook_outbox


class Receiver:
    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.calls: list[dict[str, Any]] = []


@contextmanager
def serve(receiver: Receiver, port: int = 0) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.calls.append({"body": body, "headers": dict(self.headers)})
            status = 500 if len(receiver.calls) <= receiver.fail_first else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alert(store: Store) -> int:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    row = {"run_id": "r1", "created_at": now, "kind": "new_hit", "status": "open",
           "customer_id": "c1", "entity_id": "un:KPi.900", "entity_name": "JANG SU HAN",
           "entity_hash": "h", "source": "un", "version": "2026-01-10",
           "previous_version": None, "score": 0.9, "band": "match", "reason": "listed",
           "detail": {}}
    with store.engine.begin() as conn:
        aid = int(conn.execute(alerts.insert().values(**row)).inserted_primary_key[0])
        enqueue(conn, aid, {**row, "id": aid})
    return aid


def _outbox(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(webhook_outbox).order_by(webhook_outbox.c.id)))


def test_signed_delivery_retried_with_backoff(db_url: str) -> None:
    store = Store(db_url)
    receiver = Receiver(fail_first=2)
    with serve(receiver) as port:
        _, secret = add_webhook(store, f"http://127.0.0.1:{port}/hook", "s3cret")
        aid = _alert(store)
        report = deliver_until_idle(store, wait=10, base_delay=0.05)
    assert report.delivered == 1 and report.failed == 2 and report.pending == 0
    assert len(receiver.calls) == 3
    call = receiver.calls[-1]
    assert call["headers"]["X-Proscribe-Signature"] == sign("s3cret", call["body"])
    assert call["headers"]["X-Proscribe-Signature"].startswith("sha256=")
    assert call["headers"]["X-Proscribe-Attempt"] == "3"
    assert json.loads(call["body"])["alert"]["id"] == aid
    (row,) = _outbox(store)
    assert row.attempts == 3 and row.delivered_at is not None


def test_receiver_down_loses_nothing(db_url: str) -> None:
    store = Store(db_url)
    port = _free_port()
    add_webhook(store, f"http://127.0.0.1:{port}/hook", "k")
    _alert(store)
    _alert(store)
    down = deliver_pending(store, base_delay=0.01, timeout=2)
    assert down.delivered == 0 and down.failed == 2 and down.pending == 2
    assert all(r.last_error and r.delivered_at is None for r in _outbox(store))
    receiver = Receiver()
    with serve(receiver, port):
        up = deliver_until_idle(store, wait=10, base_delay=0.01)
    assert up.delivered == 2 and up.pending == 0
    assert sorted(json.loads(c["body"])["alert"]["id"] for c in receiver.calls) == [1, 2]


def test_backoff_doubles_up_to_a_ceiling() -> None:
    assert [backoff(n, 2.0, 30.0) for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 30, 30]


def test_secrets_are_encrypted_at_rest(db_url: str, data_dir: Any) -> None:
    import pytest
    from cryptography.fernet import Fernet

    from proscribe.errors import ConfigError
    from proscribe.monitor import rekey_webhooks
    from proscribe.settings import override_settings
    from proscribe.store.customers import webhooks

    store = Store(db_url)
    receiver = Receiver()
    with serve(receiver) as port:
        add_webhook(store, f"http://127.0.0.1:{port}/hook", "s3cret")
        # A row written in plain text by an older version is still used, then rekeyed.
        with store.engine.begin() as conn:
            conn.execute(webhooks.insert().values(url=f"http://127.0.0.1:{port}/old",
                                                  secret="legacy", active=True,
                                                  created_at=datetime_now()))
        with store.engine.connect() as conn:
            stored = dict(conn.execute(sa.select(webhooks.c.url, webhooks.c.secret)).all())
        new = stored[f"http://127.0.0.1:{port}/hook"]
        assert new.startswith("fernet:") and "s3cret" not in new
        assert (data_dir / "secret.key").stat().st_mode & 0o777 == 0o600
        _alert(store)
        assert deliver_pending(store).delivered == 2
    by_path = {c["headers"]["Host"] + str(i): c for i, c in enumerate(receiver.calls)}
    assert len(by_path) == 2
    sigs = {c["headers"]["X-Proscribe-Signature"] for c in receiver.calls}
    body = receiver.calls[0]["body"]
    assert sigs == {sign("s3cret", body), sign("legacy", body)}
    assert rekey_webhooks(store) == 1 and rekey_webhooks(store) == 0
    # Another key cannot read them: a clear error, not a forged or empty signature.
    with override_settings(secret_key=Fernet.generate_key().decode()):
        _alert(store)
        with pytest.raises(ConfigError, match="cannot be decrypted"):
            deliver_pending(store)


def datetime_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)
