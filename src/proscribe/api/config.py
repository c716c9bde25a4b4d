"""Settings of the HTTP service: the `api_*` fields of the one `proscribe.settings.Settings`."""

from __future__ import annotations

from proscribe.settings import Settings, get_settings

ApiConfig = Settings


def get_api_config() -> Settings:
    return get_settings()


__all__ = ["ApiConfig", "get_api_config"]
