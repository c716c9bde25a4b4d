"""HTTP API (FastAPI): a thin layer over screening, checks and the list store."""

from proscribe.api.app import ApiService, create_app
from proscribe.api.config import ApiConfig

__all__ = ["ApiConfig", "ApiService", "create_app"]
