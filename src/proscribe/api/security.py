"""API keys on requests, scopes, and a token bucket per key."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from proscribe.store.keys import ApiKey, KeyStore

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer psk_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: psk_...`")


class ApiError(HTTPException):
    """An HTTP answer decided by the API layer itself (auth, limits)."""

    def __init__(self, status: int, error: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers)
        self.error = error


class TokenBucket:
    """Per-key token buckets in memory (per worker process)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0.0 when allowed, else seconds until a token is free."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class Authenticator:
    """Token -> ApiKey, with a short cache so a hot key does not cost a query per request."""

    def __init__(self, keys: KeyStore, ttl: float) -> None:
        self.keys = keys
        self.ttl = ttl
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}

    async def __call__(self, token: str) -> ApiKey | None:
        hit = self._cache.get(token)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return hit[0]
        key = await run_in_threadpool(self.keys.authenticate, token)
        if self.ttl > 0:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[token] = (key, now + self.ttl)
        return key


def _token(request: Request, bearer: HTTPAuthorizationCredentials | None,
           header: str | None) -> str | None:
    if header:
        return header.strip()
    if bearer is not None:
        return bearer.credentials.strip()
    raw = request.headers.get("authorization", "")
    scheme, _, value = raw.partition(" ")
    if scheme.lower() in {"apikey", "token"} and value.strip():
        return value.strip()  # yente clients send `Authorization: ApiKey ...`
    return None


async def authorize(request: Request, token: str | None, scope: str | None) -> ApiKey:
    """A valid key (401), allowed this scope (403), within its rate (429)."""
    service = request.app.state.service
    if not token:
        raise ApiError(401, "Unauthorized",
                       "an API key is required: Authorization: Bearer <key> "
                       "or X-API-Key: <key>", {"WWW-Authenticate": "Bearer"})
    key: ApiKey | None = await service.authenticate(token)
    if key is None:
        raise ApiError(401, "Unauthorized", "API key unknown or revoked",
                       {"WWW-Authenticate": "Bearer"})
    if scope is not None and not key.allows(scope):
        raise ApiError(403, "Forbidden",
                       f"this key lacks the {scope!r} scope "
                       f"(it has: {', '.join(key.scopes)})")
    wait = service.limiter.take(key.key_id)
    if wait > 0:
        raise ApiError(429, "TooManyRequests",
                       f"rate limit of {service.config.api_rate_limit_per_s:g} "
                       f"requests/s exceeded for key {key.key_id}",
                       {"Retry-After": str(max(1, math.ceil(wait)))})
    request.state.key_id = key.key_id
    return key


def require(scope: str | None) -> Callable[..., Awaitable[ApiKey]]:
    """Dependency: a valid key (401), allowed this scope (403), within its rate (429)."""

    async def dependency(
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Security(_bearer),
        header: str | None = Security(_header),
    ) -> ApiKey:
        return await authorize(request, _token(request, bearer, header), scope)

    return dependency


#: What `require()` puts in the OpenAPI schema, for routes that use `require_fast()`.
SECURITY: list[dict[str, list[str]]] = [{"HTTPBearer": []}, {"APIKeyHeader": []}]


def require_fast(scope: str | None) -> Callable[..., Awaitable[ApiKey]]:
    """`require()` for the hot routes: one dependency with no sub-dependencies.

    FastAPI solves `Security(...)` sub-dependencies recursively on every request (a
    quarter of /screen's own CPU); this reads the same two headers directly. Routes that
    use it declare `openapi_extra={"security": SECURITY}` so the schema is unchanged.
    """

    async def dependency(request: Request) -> ApiKey:
        headers = request.headers
        token = headers.get("x-api-key", "").strip()
        if not token:
            scheme, _, value = headers.get("authorization", "").partition(" ")
            if scheme.lower() in {"bearer", "apikey", "token"}:
                token = value.strip()
        return await authorize(request, token or None, scope)

    return dependency


__all__ = ["SECURITY", "ApiError", "Authenticator", "TokenBucket", "authorize", "require",
           "require_fast"]
