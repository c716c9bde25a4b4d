"""Prometheus metrics, structured JSON logs, and the ASGI middleware that feeds both.

The middleware is plain ASGI (not BaseHTTPMiddleware, which costs a task per request): it
enforces the body size limit, stamps each response with the index and list versions it
was computed on, counts and times requests, and writes one JSON access-log line.
"""

from __future__ import annotations

import json
import logging
import logging.config
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from proscribe.api.app import ApiService

access_log = logging.getLogger("proscribe.api.access")

_STD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and every `extra` field."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STD and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str = "info") -> dict[str, Any]:
    """JSON logs on stderr for proscribe and uvicorn; returns a uvicorn log_config."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "proscribe.api.observe.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "proscribe": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            # Our middleware writes the access log (with key id and route) instead.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
    logging.config.dictConfig(config)
    return config


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class ServiceCollector(Collector):
    """Index and list gauges, computed when Prometheus scrapes."""

    def __init__(self, service: ApiService) -> None:
        self.service = service

    def collect(self) -> Iterable[Metric]:
        served = self.service.index.current
        ready = GaugeMetricFamily("proscribe_ready", "1 when an index is loaded")
        ready.add_metric([], 1.0 if served is not None else 0.0)
        yield ready
        info = GaugeMetricFamily("proscribe_index_info", "The index being served",
                                 labels=["index_version", "algorithm", "lists"])
        loaded = GaugeMetricFamily("proscribe_index_loaded_timestamp_seconds",
                                   "When the served index was loaded")
        swaps = GaugeMetricFamily("proscribe_index_swaps", "Index swaps since start")
        swaps.add_metric([], float(self.service.index.swaps))
        age = GaugeMetricFamily("proscribe_list_age_seconds",
                                "Age of each served list version (from its publication date)",
                                labels=["source", "version"])
        if served is not None:
            from proscribe.api.service import ALGORITHM

            info.add_metric([served.index_version, f"{ALGORITHM['id']}@{ALGORITHM['version']}",
                             served.header], 1.0)
            loaded.add_metric([], served.loaded_at)
            now = time.time()
            for v in served.versions:
                if v.published is not None:
                    start = datetime(v.published.year, v.published.month, v.published.day,
                                     tzinfo=UTC).timestamp()
                elif v.imported_at is not None:
                    start = v.imported_at.timestamp()
                else:
                    continue
                age.add_metric([v.source, v.version], max(0.0, now - start))
        yield info
        yield loaded
        yield swaps
        yield age
        # Requests screened back to back (api/coalesce.py) and audit records committed
        # together (api/auditing.py): screenings / runs and records / commits are the mean
        # group sizes.
        co = self.service.coalescer
        runs = CounterMetricFamily("proscribe_screen_runs",
                                   "Runs of the /screen queue (screenings run back to back)")
        runs.add_metric([], float(co.runs))
        screened = CounterMetricFamily("proscribe_screen_queued",
                                       "/screen screenings run from the queue")
        screened.add_metric([], float(co.screenings))
        commits = CounterMetricFamily("proscribe_audit_commits",
                                      "Audit log transactions (group commits)")
        commits.add_metric([], float(self.service.audit.batches))
        handed = CounterMetricFamily(
            "proscribe_audit_handed_over",
            "Audit batches the event loop left to the writer thread (a lock was taken)")
        handed.add_metric([], float(self.service.audit.handed_over))
        yield runs
        yield screened
        yield commits
        yield handed


class Metrics:
    """One registry per app, so several apps (tests) never clash."""

    def __init__(self, service: ApiService) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("proscribe_http_requests", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "proscribe_http_request_duration_seconds", "HTTP request latency", ["route"],
            buckets=(.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 10),
            registry=self.registry,
        )
        self.audit = Counter("proscribe_audit_records", "Audit records written",
                             ["endpoint"], registry=self.registry)
        self.registry.register(ServiceCollector(service))


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, service: ApiService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        limit = self.service.config.api_max_body_bytes
        service = self.service
        status = 500
        state: dict[str, Any] = scope.setdefault("state", {})
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _send_json(send, 413, {
                        "error": "RequestTooLarge",
                        "message": f"request body larger than {limit} bytes"})
                    self._record(scope, 413, started)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                served = state.get("served") or service.index.current
                if served is not None:
                    headers = list(message.get("headers", []))
                    headers.append((b"x-proscribe-index", served.index_version.encode()))
                    headers.append((b"x-proscribe-lists", served.header.encode()))
                    headers.append((b"x-proscribe-algorithm", service.algorithm_header))
                    message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, stamped_send)
        finally:
            self._record(scope, status, started)

    def _record(self, scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        metrics = self.service.metrics
        metrics.requests.labels(scope["method"], template, str(status)).inc()
        metrics.latency.labels(template).observe(elapsed)
        if access_log.isEnabledFor(logging.INFO):
            state = scope.get("state", {})
            access_log.info("request", extra={
                "method": scope["method"], "path": scope["path"], "route": template,
                "status": status, "ms": round(elapsed * 1000, 3),
                "key_id": state.get("key_id") if isinstance(state, dict) else None,
                "client": (scope.get("client") or ("", 0))[0]})


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})


__all__ = ["JsonFormatter", "Metrics", "ServiceMiddleware", "configure_logging"]


