"""One Settings object (prefix PROSCRIBE_), reached through the cached `get_settings()`.

Every setting has its default and help text here; `docs/settings.md` is generated from this
class and a test fails when the two differ. Tests override settings with
`override_settings(...)`; they never edit globals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_lists_dir() -> Path | None:
    """../shared/data/lists next to the checkout (or the working directory), when it exists."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd().parent / "shared" / "data" / "lists"]
    candidates += [p.parent / "shared" / "data" / "lists" for p in here.parents]
    for cand in candidates:
        if cand.is_dir():
            return cand
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PROSCRIBE_", extra="ignore")

    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "proscribe",
        description="Folder for the embedded SQLite store, saved indexes and downloads.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db. "
        "Default: SQLite file proscribe.db under data_dir.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that encrypts secrets kept in the store (webhook signing secrets): "
        "a Fernet key (`python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`). Default: data_dir/secret.key, created "
        "on first use (mode 0600). Every process sharing one PostgreSQL store needs the "
        "same key.",
    )
    lists_dir: Path | None = Field(
        default_factory=_default_lists_dir,
        description="Folder of official list files to import (layout: <list>/<date>/files). "
        "Default: ../shared/data/lists when it exists.",
    )
    max_list_file_mb: int = Field(
        default=200, description="List files larger than this many MiB are refused unread."
    )
    download_timeout_s: float = Field(
        default=60.0, description="Timeout in seconds for each official list download."
    )
    url_un: str = Field(
        default="https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        description="Official URL of the UN Security Council Consolidated List XML.",
    )
    url_ofac_sdn: str = Field(
        default="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/",
        description="Base URL of the OFAC SDN CSV files (sdn.csv, add.csv, alt.csv, "
        "sdn_comments.csv are appended).",
    )
    url_ofac_cons: str = Field(
        default="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
        "consolidated.xml",
        description="Official URL of the OFAC non-SDN Consolidated List XML.",
    )
    url_uk_ofsi: str = Field(
        default="https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
        description="Official URL of the UK OFSI Consolidated List CSV.",
    )
    url_eu: str = Field(
        default="https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
        "content",
        description="Official URL of the EU Financial Sanctions Files XML (token appended "
        "by the user where required).",
    )
    match_threshold: float = Field(
        default=0.80, description="Screening scores at or above this are in the match band."
    )
    review_threshold: float = Field(
        default=0.60, description="Scores at or above this (below match) are in the review band."
    )
    max_candidates: int = Field(
        default=10, description="Most candidates a screening result lists."
    )

    api_max_body_bytes: int = Field(
        default=1024 * 1024, ge=1, description="Largest request body accepted (413 above)."
    )
    api_rate_limit_per_s: float = Field(
        default=100.0, ge=0,
        description="Sustained requests a second per API key (token bucket); 0: no limit.",
    )
    api_rate_limit_burst: int = Field(
        default=200, ge=1, description="Requests a key may send at once before 429."
    )
    api_batch_max: int = Field(
        default=1000, ge=1, le=100_000, description="Most queries in one /screen/batch call."
    )
    api_as_of_cache: int = Field(
        default=4, ge=0, description="How many as-of screeners (past list versions) to keep."
    )
    api_index_poll_s: float = Field(
        default=5.0, ge=0,
        description="How often each worker checks the store for newer list versions and "
        "loads the shared index built for them; 0: only on /admin/lists/update.",
    )
    api_update_nice: int = Field(
        default=10, ge=0, le=19,
        description="Niceness added to the child process that imports and builds a list "
        "update under `proscribe serve` (POST /admin/lists/update): the serving workers keep "
        "the CPU and the import takes what they leave (slower under full load); 0: the "
        "same priority as the workers.",
    )
    api_accept_grace_ms: float = Field(
        default=50.0, ge=0, le=1000,
        description="Under `proscribe serve --workers N`, how long a worker that holds more "
        "open connections than another leaves a new connection to the others before it "
        "accepts the connection itself (api/balance.py).",
    )
    api_key_cache_s: float = Field(
        default=5.0, ge=0,
        description="Seconds an authenticated key is trusted without a database read "
        "(a revoked key stops working within this time).",
    )
    api_audit_results: bool = Field(
        default=True,
        description="Store the full result in each audit record (False: its digest only).",
    )

    @property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'proscribe.db'}"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index"


_overrides: list[Settings] = []


@lru_cache(maxsize=1)
def _load() -> Settings:
    return Settings()


def get_settings() -> Settings:
    """The settings in force: the innermost override, else the environment's (cached)."""
    return _overrides[-1] if _overrides else _load()


@contextmanager
def override_settings(**values: Any) -> Iterator[Settings]:
    """Use a modified Settings object inside the block (tests, one-off CLI options)."""
    patched = get_settings().model_copy(update=values)
    _overrides.append(patched)
    try:
        yield patched
    finally:
        _overrides.remove(patched)


def reload_settings() -> Settings:
    """Forget the cached environment reading (after the environment changed)."""
    _load.cache_clear()
    return get_settings()


def settings_markdown() -> str:
    """docs/settings.md, generated from the Settings class (a test keeps them equal)."""
    lines = [
        "# Settings",
        "",
        "Every setting is read from the environment with the `PROSCRIBE_` prefix",
        "(e.g. `PROSCRIBE_DATABASE_URL`). Generated by `python -m proscribe.settings`;",
        "a test fails when this file and the code differ.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, info in Settings.model_fields.items():
        default: Any = info.default
        if info.default_factory is not None:
            default = "(computed)"
        if isinstance(default, Path) and str(default).startswith(str(Path.home())):
            default = "~" + str(default)[len(str(Path.home())) :]
        desc = (info.description or "").replace("|", "\\|")
        lines.append(f"| `PROSCRIBE_{name.upper()}` | `{default}` | {desc} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(settings_markdown(), end="")
