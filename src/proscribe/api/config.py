"""Settings of the HTTP service, read like the others (prefix PROSCRIBE_), with defaults.

They live here until they move into `proscribe.settings` (one Settings object for all);
the names are already the ones they will have there.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PROSCRIBE_", extra="ignore")

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
    api_key_cache_s: float = Field(
        default=5.0, ge=0,
        description="Seconds an authenticated key is trusted without a database read "
        "(a revoked key stops working within this time).",
    )
    api_audit_results: bool = Field(
        default=True,
        description="Store the full result in each audit record (False: its digest only).",
    )


def get_api_config() -> ApiConfig:
    return ApiConfig()


__all__ = ["ApiConfig", "get_api_config"]
