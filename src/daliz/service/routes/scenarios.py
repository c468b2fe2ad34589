"""Scenario routes: list the bundled scenarios, compare a shipment across them."""

from __future__ import annotations

import functools
from typing import Any

import anyio
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from daliz.i18n import gettext_ as _
from daliz.planning import PlanRequest
from daliz.scenarios.compare import compare
from daliz.scenarios.load import bundled_names, load_scenario
from daliz.service.auth import Reader
from daliz.service.context import get_context
from daliz.service.problems import PROBLEM_RESPONSES, ServiceError
from daliz.service.routes.meta import served_network
from daliz.service.routes.planning import check_limits

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["scenarios"])

MAX_SCENARIOS = 6  # each scenario is one more full plan


class ScenarioInfo(BaseModel):
    """A bundled scenario."""

    name: str
    title: str
    changes: int = Field(description="Number of changes it makes to the network or rules.")


class CompareRequest(BaseModel):
    """A shipment and the bundled scenarios to plan it under (besides the base dataset)."""

    model_config = ConfigDict(extra="forbid")

    request: PlanRequest
    scenarios: list[str] = Field(min_length=1, max_length=MAX_SCENARIOS)


@router.get("/scenarios", response_model=list[ScenarioInfo])
async def list_scenarios(_who: Reader) -> list[ScenarioInfo]:
    """The scenarios bundled with daliz (use their names in POST /api/v1/compare)."""
    out = []
    for name in bundled_names():
        scenario = load_scenario(name)
        out.append(ScenarioInfo(name=name, title=scenario.title, changes=len(scenario.changes)))
    return out


@router.post("/compare")
async def compare_scenarios(body: CompareRequest, request: Request, _who: Reader) -> Any:
    """Plan one shipment on the base dataset and under each named bundled scenario.

    Returns one row per variant: best corridor, cost, median and P90 days, CO2e, or the reason
    no route exists under that scenario.
    """
    ctx = get_context(request)
    check_limits(ctx, body.request)
    known = set(bundled_names())
    unknown = [name for name in body.scenarios if name not in known]
    if unknown:
        raise ServiceError(
            422,
            "unknown-scenario",
            _("Unknown scenario {name!r}.").format(name=unknown[0]),
            hint=_("Use one of: {names}.").format(names=", ".join(sorted(known))),
        )
    network = await served_network(request)
    dataset = network.info.directories[-1] if network.info.directories else None
    work = functools.partial(compare, body.request, body.scenarios, dataset=dataset)
    timeout = ctx.settings.plan_timeout_s * (1 + len(body.scenarios))
    try:
        with anyio.fail_after(timeout):
            comparison = await ctx.in_planner(work)
    except TimeoutError:
        raise ServiceError(
            503,
            "plan-timeout",
            _("The comparison did not finish within {seconds:g} s.").format(seconds=timeout),
            headers={"Retry-After": "5"},
        ) from None
    return comparison.to_dict()
