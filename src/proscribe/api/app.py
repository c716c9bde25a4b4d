"""The FastAPI application: thin routes over `Screener.screen()`, `check()` and the store.

`create_app(settings)` builds one app; `proscribe serve` runs it under uvicorn (as a
factory, once per worker). Errors raised by the core are mapped to HTTP codes here only.
"""

from __future__ import annotations

import hashlib
import sys
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import Body, Depends, FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Route

from proscribe.api.auditing import AuditWriter
from proscribe.api.config import ApiConfig
from proscribe.api.coalesce import ScreenCoalescer
from proscribe.api.match import dataset_sources, match_example
from proscribe.api.models import (
    NO_NUL,
    AlertsResponse,
    DecisionRequest,
    DecisionResponse,
    CheckRequest,
    CheckResponse,
    DiffResponse,
    EntityResponse,
    ErrorResponse,
    Health,
    ListsResponse,
    MatchRequest,
    MatchResponse,
    ScreenBatchRequest,
    ScreenBatchResponse,
    ScreenRequest,
    ScreenResponse,
    UpdateRequest,
    UpdateResponse,
)
from proscribe.api.observe import Metrics, ServiceMiddleware
from proscribe.api.security import SECURITY, Authenticator, TokenBucket, require, require_fast
from proscribe.api.service import (
    ALGORITHM,
    IndexManager,
    Served,
    UpdateInProgressError,
    version_info,
)
from proscribe.errors import (
    ConfigError,
    DownloadError,
    IndexNotReadyError,
    NotFoundError,
    ProscribeError,
    QueryError,
    RuleError,
    SourceError,
    StoreError,
)
from proscribe import __version__
from proscribe.matching import name_v1
from proscribe.screening import ScreeningQuery
from proscribe.settings import Settings, get_settings
from proscribe.store.audit import AuditEntry, AuditLog, canonical_json, digest
from proscribe.store.keys import ApiKey, KeyStore
from proscribe.text.translit import warm_up

log = logging.getLogger("proscribe.api")

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No API key, or an unknown one"},
    403: {"model": ErrorResponse, "description": "The key lacks the scope"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ErrorResponse, "description": "Invalid request"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded (see Retry-After)"},
    503: {"model": ErrorResponse, "description": "No index loaded yet"},
}


class ApiService:
    """Everything one app instance holds: index, keys, audit, limits, metrics."""

    def __init__(self, settings: Settings, config: ApiConfig, *,
                 isolate_updates: bool = False) -> None:
        self.settings = settings
        self.config = config
        self.index = IndexManager(settings, config, isolate_updates=isolate_updates)
        engine = self.index.store.engine
        self.keys = KeyStore(engine)
        self.audit_log = AuditLog(engine)
        self.audit = AuditWriter(self.audit_log)
        self.coalescer = ScreenCoalescer()
        self.authenticate = Authenticator(self.keys, config.api_key_cache_s)
        self.limiter = TokenBucket(config.api_rate_limit_per_s, config.api_rate_limit_burst)
        self.metrics = Metrics(self)
        self.algorithm_header = f"{ALGORITHM['id']}@{ALGORITHM['version']}".encode()

    async def record(self, endpoint: str, key: ApiKey, request: Any, result: Any,
                     served: Served | None, *, result_json: str | None = None) -> int:
        """Append the audit record and wait for its commit; returns its sequence number.

        `result_json`, when given, is `canonical_json(result)`, already computed by the
        caller (it is also the body of the answer): it is hashed and stored as is.
        """
        if self.config.api_audit_results:
            stored = result
        else:
            stored = {"digest": digest(result) if result_json is None
                      else hashlib.sha256(result_json.encode()).hexdigest()}
            result_json = None
        entry = AuditEntry(
            endpoint=endpoint, request=request, result=stored, key_id=key.key_id,
            list_versions=served.list_versions if served else [],
            algorithm=ALGORITHM, result_json=result_json,
        )
        try:
            rec = await self.audit.write(entry)
        except Exception as exc:
            log.error("audit write failed", extra={"error": repr(exc)})
            raise AuditUnavailableError("the audit log cannot be written; no answer is "
                                        "given without its audit record") from exc
        self.metrics.audit.labels(endpoint).inc()
        return rec.seq


class AuditUnavailableError(ProscribeError):
    """The audit record could not be written, so the answer is withheld."""


def _status(exc: ProscribeError) -> int:
    if isinstance(exc, QueryError):
        return 422
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (IndexNotReadyError, AuditUnavailableError)):
        return 503
    if isinstance(exc, UpdateInProgressError):
        return 409
    if isinstance(exc, DownloadError):
        return 502
    if isinstance(exc, SourceError):
        return 422
    if isinstance(exc, RuleError):
        return 500
    if isinstance(exc, (StoreError, ConfigError)):
        return 400
    return 400


def _problems(exc: RequestValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            out.append(f"malformed JSON: {ctx.get('error', err.get('msg'))}")
        else:
            out.append(f"{loc}: {err.get('msg')}")
    return out


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProscribeError)
    async def _proscribe(request: Request, exc: ProscribeError) -> JSONResponse:
        status = _status(exc)
        if status >= 500:
            log.error("request failed", extra={"error": exc.to_dict(), "path": request.url.path})
        return JSONResponse(jsonable_encoder(exc.to_dict()), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _problems(exc)
        return JSONResponse(
            {"error": "ValidationError", "message": problems[0] if problems else "invalid",
             "problems": problems},
            status_code=422,
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        error = getattr(exc, "error", None) or {
            404: "NotFound", 405: "MethodNotAllowed", 413: "RequestTooLarge"}.get(
                exc.status_code, "HTTPError")
        return JSONResponse({"error": error, "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)


def _query(q: Any) -> ScreeningQuery:
    data = q.model_dump(exclude_none=True, exclude={"as_of"})
    try:
        return ScreeningQuery(**data)
    except ValueError as exc:
        raise QueryError(f"invalid query: {exc}", field="query") from None


def _answer(served: Served, audit_id: int, as_of: date | None, result_json: str) -> Response:
    """The /screen answer: provenance, audit id and as-of, then the result's own fields.

    Spliced from JSON already made: `served.provenance_json` (once per index) and the
    canonical result text that was hashed into the audit record. Nothing is serialized
    again and no response model re-validates it.
    """
    head = served.provenance_json + b'"audit_id":%d,"as_of":%s' % (
        audit_id, b'"%s"' % as_of.isoformat().encode() if as_of else b"null")
    body = result_json.encode()
    body = head + b"}" if body == b"{}" else head + b"," + body[1:]
    return Response(b"{" + body, media_type="application/json")


def _json(payload: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer written by orjson: for the large ones (`/screen/batch` of 1,000
    queries, 2.8 MB: 9 ms against 51 ms for Starlette's json.dumps)."""
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)


def _check(activity: CheckRequest, screener: Any) -> Any:
    """`proscribe.check()` with the parties screened on the served index (not the global one)."""
    from proscribe.checking import check

    return check(activity, screener=screener)


def _fast_switch() -> None:
    """Let the audit writer thread take the GIL sooner once its commit returns.

    The event loop thread screens without pause under load; CPython hands the GIL to a
    waiting thread only every `sys.getswitchinterval()` (5 ms by default), so each group
    commit's answers waited up to 5 ms more. 1 ms costs a few more switches, no CPU.
    """
    if sys.getswitchinterval() > 0.001:
        sys.setswitchinterval(0.001)


def create_app(settings: Settings | None = None, config: ApiConfig | None = None, *,
               isolate_updates: bool = False) -> FastAPI:
    """One app over the store in `settings` (default: the environment's).

    `isolate_updates`: list updates parse and build in a child process, so that they do
    not hold this process's GIL while it serves (`proscribe serve` sets it).
    """
    settings = settings or get_settings()
    config = config or settings
    service = ApiService(settings, config, isolate_updates=isolate_updates)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _fast_switch()
        service.audit.start()
        try:
            await run_in_threadpool(service.index.load)
        except ProscribeError as exc:
            log.warning("no index loaded at start", extra={"error": exc.to_dict()})
        await run_in_threadpool(warm_up)
        service.index.start_watcher()
        try:
            yield
        finally:
            service.index.stop_watcher()
            service.audit.stop()

    app = FastAPI(
        title="proscribe",
        summary="Sanctions screening and regime checks over versioned official lists.",
        version="0.1.0",
        lifespan=lifespan,
        responses={413: ERRORS[413]},
        # The service has its own metrics and logs (observe.py); FastAPI's native
        # OpenTelemetry hook asks three providers whether it is wanted on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.service = service
    app.add_middleware(ServiceMiddleware, service=service)
    _install_handlers(app)

    screen_key = Depends(require("screen"))
    screen_key_fast = Depends(require_fast("screen"))
    check_key = Depends(require("check"))
    admin_key = Depends(require("admin"))
    any_key = Depends(require(None))

    async def _served(request: Request, as_of: date | None) -> Served:
        served = (service.index.require() if as_of is None
                  else await run_in_threadpool(service.index.as_of, as_of))
        request.state.served = served
        return served

    # ------------------------------------------------------------------ screening
    @app.post("/screen", response_model=ScreenResponse, tags=["screening"],
              responses=ERRORS, openapi_extra={"security": SECURITY})
    async def screen(request: Request, body: ScreenRequest,
                     key: ApiKey = screen_key_fast) -> Response:
        """Screen one party; every candidate with its score, band and reasons."""
        # The hot route: the screening runs on the event loop (a thread hop costs more
        # than it frees under the GIL), the result is serialized once (canonical JSON,
        # hashed into the audit record and spliced into the answer), and the key check
        # is one flat dependency.
        served = await _served(request, body.as_of)
        query = _query(body)
        result, result_json = await service.coalescer.screen_data(served.screener, query)
        req = body.model_dump(mode="json", exclude_none=True)
        audit_id = await service.record("screen", key, req, result, served,
                                        result_json=result_json)
        return _answer(served, audit_id, body.as_of, result_json)

    # The same route without FastAPI's request machinery (dependency solving, JSON decoded
    # by `json` then validated, the endpoint wrapper): pydantic validates the raw body in
    # one pass and the endpoint above runs as is. Starlette tries routes in order, so this
    # one answers POST /screen; the declaration above still gives the OpenAPI schema, and
    # errors go through the same exception handlers.
    screen_auth = require_fast("screen")

    async def screen_direct(request: Request) -> Response:
        request.scope["route"] = direct_route  # for the metrics' route label
        key = await screen_auth(request)
        raw = await request.body()
        try:
            body = ScreenRequest.model_validate_json(raw)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)],
                body=raw) from None
        return await screen(request, body, key)

    direct_route = Route("/screen", screen_direct, methods=["POST"], include_in_schema=False)
    app.router.routes.insert(0, direct_route)

    @app.post("/screen/batch", response_model=ScreenBatchResponse, tags=["screening"],
              responses=ERRORS)
    async def screen_batch(request: Request, body: ScreenBatchRequest,
                           key: ApiKey = screen_key) -> Response:
        """Screen up to 1,000 parties in one call (one audit record for the batch)."""
        if len(body.queries) > config.api_batch_max:
            raise QueryError(f"at most {config.api_batch_max} queries in one batch",
                             field="queries", found=str(len(body.queries)))
        served = await _served(request, body.as_of)
        queries = [_query(q) for q in body.queries]
        screener = served.screener
        out = await run_in_threadpool(lambda: [screener.screen_data(q) for q in queries])
        req = body.model_dump(mode="json", exclude_none=True)
        audit_id = await service.record("screen/batch", key, req, out, served)
        return _json({**served.provenance(), "audit_id": audit_id,
                      "as_of": body.as_of.isoformat() if body.as_of else None,
                      "results": out})

    @app.post("/match/{dataset}", response_model=MatchResponse, tags=["screening"],
              responses={**ERRORS, 404: {"model": ErrorResponse}})
    async def match(
        request: Request,
        body: MatchRequest,
        dataset: Annotated[str, Path(max_length=100,
                                     description="default / sanctions / all, or a source id")],
        limit: Annotated[int, Query(ge=1, le=500)] = 5,
        threshold: Annotated[float | None, Query(ge=0, le=1)] = None,
        cutoff: Annotated[float, Query(ge=0, le=1)] = 0.0,
        algorithm: Annotated[str, Query(max_length=50)] = "default",
        include_dataset: Annotated[list[str] | None, Query()] = None,
        exclude_dataset: Annotated[list[str] | None, Query()] = None,
        exclude_schema: Annotated[list[str] | None, Query()] = None,
        exclude_entity_ids: Annotated[list[str] | None, Query(max_length=50)] = None,
        topics: Annotated[list[str] | None, Query()] = None,
        changed_since: Annotated[str | None, Query(max_length=40)] = None,
        key: ApiKey = screen_key,
    ) -> Response:
        """yente-compatible matching of FollowTheMoney-shaped examples (see docs/api.md)."""
        if algorithm not in {"default", "best", ALGORITHM["id"]}:
            raise QueryError(f"unknown algorithm {algorithm!r}", field="algorithm",
                             expected=f"default, best, {ALGORITHM['id']}")
        if body.config:
            raise QueryError("algorithm configuration is not supported", field="config")
        if len(body.queries) > config.api_batch_max:
            raise QueryError(f"at most {config.api_batch_max} queries in one batch",
                             field="queries")
        served = await _served(request, None)
        sources = dataset_sources(dataset, served.screener)
        all_sources = {v.source for v in served.versions}
        if include_dataset:
            sources = (sources if sources is not None else all_sources) & set(include_dataset)
        if exclude_dataset:
            sources = (sources if sources is not None else all_sources) - set(exclude_dataset)
        if topics and not {"sanction", "sanction.linked"} & set(topics):
            sources = set()  # every entity here is a sanctions target
        thr = threshold if threshold is not None else service.settings.match_threshold

        def run() -> dict[str, Any]:
            responses: dict[str, Any] = {}
            for name, example in body.queries.items():
                responses[name] = match_example(
                    served.screener, example, limit=limit, threshold=thr,
                    cutoff=min(cutoff, thr), sources=sources,
                    exclude_schema=set(exclude_schema or []),
                    exclude_ids=set(exclude_entity_ids or []))
            return responses

        responses = await run_in_threadpool(run)
        features = sorted({f for r in responses.values() for c in r["results"]
                           for f in c["features"]})
        matcher = {f: {"description": f, "coefficient": 1.0, "url": None} for f in features}
        req = {"dataset": dataset, "params": dict(request.query_params),
               **body.model_dump(mode="json", by_alias=True)}
        audit_id = await service.record("match", key, req, responses, served)
        return _json({"responses": responses, "matcher": matcher, "limit": limit,
                      **served.provenance(), "audit_id": audit_id},
                     headers={"x-batch-size": str(len(responses))})

    # ------------------------------------------------------------------ rules
    @app.post("/check", response_model=CheckResponse, tags=["rules"], responses=ERRORS)
    async def check_activity(request: Request, body: CheckRequest,
                             key: ApiKey = check_key) -> JSONResponse:
        """Check an activity against the regime rules; parties are screened too."""
        served = await _served(request, None)
        result = await run_in_threadpool(_check, body, served.screener)
        out = (result.model_dump(mode="json") if hasattr(result, "model_dump")
               else jsonable_encoder(result))
        req = body.model_dump(mode="json", exclude_none=True)
        audit_id = await service.record("check", key, req, out, served)
        return JSONResponse({**served.provenance(), "audit_id": audit_id, "result": out})

    # ------------------------------------------------------------------ lists
    def _store_provenance() -> dict[str, Any]:
        served = service.index.current
        if served is not None:
            return served.provenance()
        return {"index_version": None, "list_versions": [], "algorithm": ALGORITHM}

    @app.get("/entities/{entity_id}", response_model=EntityResponse, tags=["lists"],
             responses={**ERRORS, 404: {"model": ErrorResponse}})
    async def entity(
        entity_id: Annotated[str, Path(max_length=200, pattern=NO_NUL,
                                       description="source:ref, e.g. un:KPe.020")],
        as_of: date | None = None,
        key: ApiKey = any_key,
    ) -> JSONResponse:
        """Everything the current lists say about one entity, in every list that names it."""
        subject = await run_in_threadpool(service.index.store.subject, entity_id, as_of)
        records = [{"entity": r.entity.to_dict(), "version": version_info(r.version),
                    "linked_by": r.linked_by} for r in subject.records]
        return JSONResponse(jsonable_encoder(
            {**_store_provenance(), "id": subject.id, "records": records}))

    # ------------------------------------------------------------------ monitoring
    monitor_key = Depends(require("monitor"))

    @app.get("/alerts", response_model=AlertsResponse, tags=["monitoring"], responses=ERRORS)
    async def alerts(
        status: Annotated[Literal["open", "suppressed", "decided"] | None, Query()] = None,
        kind: Annotated[Literal["new_hit", "changed_hit", "removed_hit"] | None,
                        Query()] = None,
        customer_id: Annotated[str | None, Query(max_length=128, pattern=NO_NUL)] = None,
        run_id: Annotated[str | None, Query(max_length=32, pattern=NO_NUL)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        key: ApiKey = monitor_key,
    ) -> JSONResponse:
        """Monitoring alerts raised by delta screening after list or customer changes."""
        from proscribe.monitor.alerts import list_alerts

        rows = await run_in_threadpool(
            lambda: list_alerts(service.index.store, status=status, kind=kind,
                                customer_id=customer_id, run_id=run_id, limit=limit))
        return JSONResponse(jsonable_encoder({"alerts": rows}))

    @app.post("/alerts/{alert_id}/decision", response_model=DecisionResponse,
              tags=["monitoring"], responses={**ERRORS, 404: {"model": ErrorResponse}})
    async def alert_decision(
        alert_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
        body: DecisionRequest,
        key: ApiKey = monitor_key,
    ) -> JSONResponse:
        """Decide an alert (true match / false positive, with reason and reviewer): it is
        closed, the same customer and entity are not alerted again until the listed entity
        changes, and the decision is written to the audit log with the API key."""
        from proscribe.monitor.alerts import decide

        made = await run_in_threadpool(decide, service.index.store, alert_id, body.decision,
                                       body.reason, body.reviewer, key.key_id)
        return JSONResponse(jsonable_encoder({"decision": made.to_dict()}))

    @app.get("/lists", response_model=ListsResponse, tags=["lists"], responses=ERRORS)
    async def lists(
        as_of: date | None = None,
        all_versions: Annotated[bool, Query(alias="all")] = False,
        key: ApiKey = any_key,
    ) -> JSONResponse:
        """The list versions current now (or on `as_of`), or every stored version."""
        store = service.index.store
        versions = await run_in_threadpool(
            store.versions if all_versions else lambda: store.current_versions(as_of))
        rows = [{**version_info(v), "entries": v.entries, "dprk_entries": v.dprk_entries,
                 "date_source": v.date_source, "parser_version": v.parser_version,
                 "imported_at": v.imported_at.isoformat() if v.imported_at else None,
                 "warnings": v.warnings} for v in versions]
        return JSONResponse({**_store_provenance(),
                             "as_of": as_of.isoformat() if as_of else None, "lists": rows})

    @app.get("/lists/{source}/diff", response_model=DiffResponse, tags=["lists"],
             responses={**ERRORS, 404: {"model": ErrorResponse}})
    async def lists_diff(
        source: Annotated[str, Path(max_length=32, pattern=NO_NUL)],
        from_: Annotated[str, Query(alias="from", max_length=80, pattern=NO_NUL,
                                    description="Older version: id, date, sha or 'previous'")]
        = "previous",
        to: Annotated[str, Query(max_length=80, pattern=NO_NUL)] = "latest",
        key: ApiKey = any_key,
    ) -> JSONResponse:
        """Added, removed and changed entities between two versions of one list."""
        from proscribe.store import diff_versions

        diff = await run_in_threadpool(diff_versions, service.index.store, source, from_, to)
        return JSONResponse(jsonable_encoder({**_store_provenance(), "diff": diff.to_dict()}))

    # ------------------------------------------------------------------ admin
    @app.post("/admin/lists/update", response_model=UpdateResponse, tags=["admin"],
              responses={**ERRORS, 409: {"model": ErrorResponse}})
    async def lists_update(
        body: Annotated[UpdateRequest | None, Body()] = None,
        key: ApiKey = admin_key,
    ) -> JSONResponse:
        """Import new list versions, rebuild the index and swap it in; requests in flight
        finish on the old one, and a refused file leaves the old one serving."""
        body = body or UpdateRequest.model_validate({})
        report = await run_in_threadpool(service.index.update, body.download, body.sources)
        log.info("admin update", extra={"key_id": key.key_id, "status": report["status"]})
        return JSONResponse({**_store_provenance(), **report})

    # ------------------------------------------------------------------ operations
    @app.get("/healthz", response_model=Health, tags=["operations"])
    async def healthz() -> dict[str, Any]:
        """The process is up (with its version, algorithm, and whether it runs compiled)."""
        return {"status": "ok", "version": __version__,
                "algorithm": f"{ALGORITHM['id']}@{ALGORITHM['version']}",
                "compiled": name_v1.COMPILED}

    @app.get("/readyz", response_model=Health, tags=["operations"],
             responses={503: {"model": ErrorResponse}})
    async def readyz() -> JSONResponse:
        """Ready when an index is loaded (503 before)."""
        served = service.index.current
        if served is None:
            return JSONResponse({"status": "not ready", "error": "IndexNotReadyError",
                                 "message": "no index loaded"}, status_code=503)
        return JSONResponse({"status": "ready", **served.provenance()})

    @app.get("/metrics", tags=["operations"], response_class=Response,
             responses={200: {"content": {"text/plain": {}}}})
    async def metrics() -> Response:
        """Prometheus metrics: requests, latency, index version, list ages."""
        return Response(generate_latest(service.metrics.registry),
                        media_type=CONTENT_TYPE_LATEST)

    return app


def app_from_env() -> FastAPI:
    """Uvicorn factory for `proscribe serve` (settings from the environment)."""
    import os

    from proscribe.api.observe import configure_logging
    from proscribe.settings import reload_settings

    configure_logging(os.environ.get("PROSCRIBE_LOG_LEVEL", "info"))
    return create_app(reload_settings(), isolate_updates=True)


__all__ = ["ApiService", "create_app"]
