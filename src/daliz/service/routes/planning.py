"""Planning routes: compute a plan (JSON or GeoJSON) within the server's limits."""

from __future__ import annotations

import functools
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from daliz.i18n import current_language
from daliz.i18n import gettext_ as _
from daliz.network import Network
from daliz.planning import PlanRequest, PlanResult, plan
from daliz.service.auth import Reader
from daliz.service.context import ServiceContext, get_context
from daliz.service.plancache import CachedPlan, plan_key
from daliz.service.problems import PROBLEM_RESPONSES, ServiceError
from daliz.service.routes.meta import served_network

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["planning"])


def check_limits(ctx: ServiceContext, request: PlanRequest) -> None:
    """Refuse requests beyond this server's limits (422 limit-exceeded, naming the limit)."""
    settings = ctx.settings
    if request.max_alternatives > settings.max_alternatives:
        raise ServiceError(
            422,
            "limit-exceeded",
            _("max_alternatives is {value}; this server allows at most {limit}.").format(
                value=request.max_alternatives, limit=settings.max_alternatives
            ),
            extra={"limit": "max_alternatives", "allowed": settings.max_alternatives},
        )
    if request.draws > settings.max_draws:
        raise ServiceError(
            422,
            "limit-exceeded",
            _("draws is {value}; this server allows at most {limit}.").format(
                value=request.draws, limit=settings.max_draws
            ),
            extra={"limit": "draws", "allowed": settings.max_draws},
        )


async def run_plan(ctx: ServiceContext, request: PlanRequest, network: Network) -> PlanResult:
    """Plan off the event loop, in a bounded pool, within the timeout (503 plan-timeout).

    Results are cached per (request, dataset, language): see daliz.service.plancache.
    """
    return (await cached_plan(ctx, request, network, keep_result=True)).result


async def cached_plan(
    ctx: ServiceContext, request: PlanRequest, network: Network, *, keep_result: bool = False
) -> CachedPlan:
    """The plan of `request` from the cache, else computed (and cached).

    keep_result: hand back a newly computed plan with its result object (else only its bytes)
    """
    check_limits(ctx, request)
    key = plan_key(request, network.info.content_hash, current_language())
    return await ctx.plan_cache.get_or_compute(
        key, lambda: _compute(ctx, request, network, keep_result)
    )


def _plan_encoded(request: PlanRequest, network: Network, keep_result: bool) -> CachedPlan:
    encoded = CachedPlan.of(plan(request, network=network))
    # Without the result, its object tree is freed here, on the planning thread, rather than
    # on the event loop (measured: ~0.1 ms of the loop's time per new plan).
    return encoded if keep_result else encoded.bytes_only()


async def _compute(
    ctx: ServiceContext, request: PlanRequest, network: Network, keep_result: bool
) -> CachedPlan:
    work = functools.partial(_plan_encoded, request, network, keep_result)
    timeout = ctx.settings.plan_timeout_s
    try:
        with anyio.fail_after(timeout):
            return await ctx.in_planner(work)
    except TimeoutError:
        raise ServiceError(
            503,
            "plan-timeout",
            _("The plan did not finish within {seconds:g} s.").format(seconds=timeout),
            hint=_("Try fewer draws or alternatives, or try again when the server is less busy."),
            headers={"Retry-After": "5"},
        ) from None


@router.post("/plan", response_model=PlanResult)
async def create_plan(body: PlanRequest, request: Request, _who: Reader) -> Any:
    """Plan a shipment: ranked, explained alternatives (the Python API's PlanResult).

    The request and the result have exactly the fields of `daliz.planning.PlanRequest` and
    `PlanResult.to_dict()`. Nothing is stored; POST /api/v1/plans saves a plan.
    """
    ctx = get_context(request)
    check_limits(ctx, body)
    cached = await cached_plan(ctx, body, await served_network(request))
    if "gzip" in request.headers.get("accept-encoding", ""):
        # Compressed once per cached plan; GZipMiddleware passes an encoded body through.
        return Response(
            cached.gzip_body(),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(cached.json_body(), media_type="application/json")


@router.post(
    "/plan/geojson",
    responses={200: {"content": {"application/geo+json": {}}, "description": "RFC 7946"}},
)
async def create_plan_geojson(body: PlanRequest, request: Request, _who: Reader) -> Any:
    """Plan a shipment and answer the legs of every alternative as a GeoJSON FeatureCollection."""
    ctx = get_context(request)
    result = await run_plan(ctx, body, await served_network(request))
    return JSONResponse(result.to_geojson(), media_type="application/geo+json")
