"""Reliability: Monte Carlo over the uncertain parts of a planned route.

Border clearance, port and transshipment dwell, waits for scheduled services, speed variation
and closure risk are drawn from the ranges in the data (distributions documented in
`distributions`, `route` and docs/scenarios.md); the planner calls `add_reliability` to fill
each alternative's `totals` (median, P90, P95 days, on-time probability, cost spread, stability).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from daliz.costs.shipment import Shipment, UnitCount
from daliz.network.compile import CompiledNetwork
from daliz.network.model import Mode
from daliz.planning.request import PlanRequest
from daliz.planning.result import Alternative
from daliz.reliability.distributions import (
    SHARED,
    SharedArrays,
    Streams,
    triangular_quantile,
)
from daliz.reliability.figures import (
    HOURS_FIGURES,
    cost_figures,
    deadline_hours,
    hours_figures,
    summarise,
)
from daliz.reliability.route import (
    CLOSURE_DELAY_H,
    NetworkIndex,
    RouteModel,
    clear_indexes,
    index_of,
    route_model,
)
from daliz.reliability.simulate import Samples, hours_key, simulate, simulate_cost


def add_reliability(
    alternatives: list[Alternative],
    request: PlanRequest,
    cn: CompiledNetwork,
    shipment: Shipment,
    units: dict[Mode, UnitCount],
    departure: dt.datetime,
    shared: SharedArrays | None = SHARED,
) -> list[Alternative]:
    """Alternatives with reliability figures in `totals` (re-ranked by P90 for 'reliable').

    Parameters
    ----------
    alternatives : planned alternatives, ranked
    request : the plan request (`draws`, `seed`, `deadline`, `objective`)
    cn : the compiled network the alternatives were planned on
    shipment, units : the shipment and its units per mode (tariffs and fees)
    departure : when the cargo leaves the origin
    shared : draws kept across plans (`distributions.SHARED`); None draws everything afresh
        (same figures, slower: for benchmarks and tests)

    Returns the alternatives unchanged when `request.draws` is 0.
    """
    if request.draws <= 0 or not alternatives:
        return alternatives
    index = index_of(cn)
    deadline = None if request.deadline is None else deadline_hours(departure, request.deadline)
    out: list[Alternative] = []
    with Streams(request.seed, request.draws, shared) as streams:
        for alternative in alternatives:
            model = route_model(alternative, cn, shipment, units, departure, index)
            # Hour figures depend on the route and departure, not the shipment: kept across
            # plans (bit-identical, see `hours_key`) unless the draws are not kept either.
            key = None if shared is None else (hours_key(model, streams, departure), deadline)
            known = None if key is None else HOURS_FIGURES.get(key)
            if known is None:
                samples = simulate(model, streams, departure)
                figures = summarise(samples, departure, request.deadline)
                streams.recycle(samples.hours, samples.cost_usd)
                if key is not None:
                    HOURS_FIGURES.put(key, hours_figures_of(figures))
            else:
                cost_usd = simulate_cost(model, streams, departure)
                figures = {**known, **cost_figures(cost_usd)}
                streams.recycle(cost_usd)
            totals = alternative.totals.model_copy(update=figures)
            out.append(alternative.model_copy(update={"totals": totals}))
    if request.objective == "reliable":
        out.sort(key=lambda a: (a.totals.days_p90 or a.totals.days, a.totals.cost_usd))
        out = [a.model_copy(update={"rank": rank}) for rank, a in enumerate(out, start=1)]
    return out


def hours_figures_of(figures: dict[str, Any]) -> dict[str, Any]:
    """The fields of `figures` that `hours_figures` gives."""
    return {name: figures[name] for name in HOUR_FIELDS}


HOUR_FIELDS = ("days_p50", "days_p90", "days_p95", "on_time_probability", "stability_index")


def clear_caches() -> None:
    """Forget everything kept across plans: shared draws, modelled legs and hour figures
    (figures are the same either way; for benchmarks and tests of cold plans)."""
    SHARED.clear()
    HOURS_FIGURES.clear()
    clear_indexes()


__all__ = [
    "CLOSURE_DELAY_H",
    "HOURS_FIGURES",
    "SHARED",
    "NetworkIndex",
    "RouteModel",
    "Samples",
    "SharedArrays",
    "Streams",
    "add_reliability",
    "clear_caches",
    "cost_figures",
    "deadline_hours",
    "hours_figures",
    "hours_key",
    "index_of",
    "route_model",
    "simulate",
    "simulate_cost",
    "summarise",
    "triangular_quantile",
]
