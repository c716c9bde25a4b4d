"""Secrets kept in the store (webhook signing secrets), encrypted at rest.

A copy of the database (a backup, a dump handed to support) must not carry secrets that
let someone forge signed alerts. They are stored as `fernet:<token>` (cryptography's Fernet:
AES-128-CBC with HMAC-SHA256), under the key of the `secret_key` setting, or of
data_dir/secret.key, created on first use with mode 0600. Values stored before this
(plain text) are still read; `proscribe webhooks rekey` rewrites them encrypted.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from proscribe.errors import ConfigError
from proscribe.settings import get_settings

__all__ = ["PREFIX", "decrypt", "encrypt", "is_encrypted"]

PREFIX = "fernet:"


def _key_file(data_dir: Path) -> bytes:
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as fh:
            fh.write(key + b"\n")
        return key
    return path.read_bytes().strip()


def _fernet() -> Fernet:
    settings = get_settings()
    secret = settings.secret_key
    if secret is None:
        key = _key_file(settings.data_dir)
    else:
        key = (secret.get_secret_value() if isinstance(secret, SecretStr) else str(secret)
               ).encode()
    try:
        return Fernet(key)
    except ValueError as exc:
        raise ConfigError("the secret key is not a Fernet key (32 url-safe base64 bytes)",
                          field="secret_key") from exc


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(secret: str) -> str:
    return PREFIX + _fernet().encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    """The secret of a stored value (plain text values, from before encryption, as is)."""
    if not is_encrypted(stored):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise ConfigError("a stored secret cannot be decrypted with this secret key: was "
                          "the store written with another PROSCRIBE_SECRET_KEY or "
                          "secret.key?", field="secret_key") from None
