"""The daliz web service: `create_app(settings)` builds the FastAPI application.

The app opens (and migrates) its database and registers the configured dataset when it is
created, so a bad URL or an unreachable server fails at once with a clear message.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from daliz.service import problems
from daliz.service.balance import BalanceMiddleware, ConnectionBalancer, WorkerBoard
from daliz.service.context import ServiceContext
from daliz.service.datasets import DatasetManager
from daliz.service.db import make_engine, run_migrations, session_factory
from daliz.service.middleware import (
    BodyLimitMiddleware,
    LanguageMiddleware,
    SecurityHeadersMiddleware,
)
from daliz.service.ratelimit import RateLimitMiddleware
from daliz.service.routes import admin, meta, page, planning, plans, scenarios, trade
from daliz.service.settings import Settings

log = logging.getLogger("daliz.service")

API_DESCRIPTION = """\
Plan, price and explain freight corridors between Central Asia and South Asia.

* **Keys**: send `Authorization: Bearer <key>` or `X-API-Key: <key>`. Roles: viewer (read,
  saved plans), planner (save plans), admin (datasets, users). Without a key a request gets
  what the server allows anonymously (by default: read and compute plans, nothing saved).
* **Errors** are `application/problem+json` (RFC 9457) with `type` `urn:daliz:problem:<slug>`.
* **Languages**: `?lang=en|kk|ru|ur` or `Accept-Language` for names and messages.
"""
UPLOAD_PATH = "/api/v1/admin/datasets"
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def build_context(settings: Settings) -> ServiceContext:
    """Open and migrate the database and register the configured dataset."""
    engine = make_engine(settings.resolved_database_url())
    revision = run_migrations(engine)
    sessions = session_factory(engine)
    datasets = DatasetManager(settings, sessions)
    datasets.startup()
    return ServiceContext(settings, engine, sessions, datasets, schema_revision=revision)


YOUNG_GENERATION_ALLOCATIONS = 20_000  # net container allocations between young collections


def tune_garbage_collector() -> None:
    """Keep garbage-collection pauses out of request latency (called once, after warm-up).

    A plan allocates and frees tens of thousands of objects. With CPython's defaults the
    collector runs a young collection every 700 net allocations and, every so often, a full
    one that walks every object alive: the loaded dataset, its compiled network and caches.
    Measured on the load-test mix (bench/load_service.py), a full collection paused planning for
    60–200 ms, a few times a minute per worker. So: collect once, freeze what is alive (it stays
    in memory and is freed normally; the collector just stops scanning it), and collect young
    objects every 20,000 net allocations (one plan's objects are mostly freed before then).
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_ALLOCATIONS, middle, old)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app for `settings` (default: from the DALIZ_* environment)."""
    settings = settings or Settings.from_env()
    context = build_context(settings)
    closers: list[Callable[[], None]] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            await anyio.to_thread.run_sync(context.datasets.warm_up)
        if settings.gc_freeze:
            tune_garbage_collector()
        yield
        context.close()
        context.engine.dispose()
        for close in closers:
            close()

    app = FastAPI(
        title="daliz",
        version=meta.daliz_version(),
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from CDNs; the service stays offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.daliz = context
    problems.install(app)
    routers = (meta, planning, scenarios, plans, trade, admin)
    for router in (module.router for module in routers):
        app.include_router(router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")

    def body_limit(scope: Scope) -> int:
        if scope.get("path") == UPLOAD_PATH:
            return settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES
        return settings.max_body_bytes

    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        sessions=context.sessions,
    )
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.worker_board and settings.balance_connections:
        try:
            board = WorkerBoard(Path(settings.worker_board))
        except (OSError, ValueError) as exc:
            # Balancing is an optimisation: a stale DALIZ_WORKER_BOARD must not stop the service.
            log.warning("connections are not balanced between workers: %s", exc)
        else:
            closers.append(board.close)
            app.add_middleware(BalanceMiddleware, balancer=ConnectionBalancer(board))
    return app
