"""API keys: hashed at rest, scoped, revocable; the `proscribe keys` commands."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from proscribe.errors import ConfigError, NotFoundError
from proscribe.store.keys import KeyStore, api_keys, hash_key


def test_create_authenticate_revoke(db_url: str) -> None:
    keys = KeyStore.open(db_url)
    record, token = keys.create(["screen", "check"], "bank-a")
    assert token.startswith(f"psk_{record.key_id}_")
    assert record.scopes == ("screen", "check") and record.allows("check")
    assert not record.allows("admin")
    with keys.engine.connect() as conn:
        stored = conn.execute(sa.select(api_keys.c.key_hash)).scalar_one()
    assert stored == hash_key(token) and token not in stored
    assert keys.authenticate(token) == keys.get(record.key_id)
    assert keys.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert keys.authenticate("") is None
    assert keys.authenticate("psk_" + record.key_id) is None
    keys.revoke(record.key_id)
    assert keys.authenticate(token) is None
    assert keys.list()[0].revoked_at is not None
    admin, _ = keys.create(["admin"])
    assert admin.allows("screen") and admin.allows("check")


def test_bad_scopes_and_ids(db_url: str) -> None:
    keys = KeyStore.open(db_url)
    with pytest.raises(ConfigError):
        keys.create(["root"])
    with pytest.raises(ConfigError):
        keys.create([])
    with pytest.raises(NotFoundError):
        keys.revoke("nope")


def test_keys_cli(db_url: str) -> None:
    from typer.testing import CliRunner

    from proscribe.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["keys", "create", "--scope", "screen", "--name", "ops"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert token.startswith("psk_")
    assert KeyStore.open(db_url).authenticate(token) is not None
    r = runner.invoke(app, ["keys", "list", "--json"])
    listed = json.loads(r.stdout)
    assert listed[0]["name"] == "ops" and "key" not in listed[0]
    assert token not in r.stdout
    r = runner.invoke(app, ["keys", "revoke", listed[0]["key_id"]])
    assert r.exit_code == 0
    assert KeyStore.open(db_url).authenticate(token) is None
    r = runner.invoke(app, ["keys", "create", "--scope", "nonsense"])
    assert r.exit_code != 0
