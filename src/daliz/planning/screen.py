"""Screening: the best corridor for very many flows, fast and approximate.

For batches of hundreds of thousands of flow × scenario evaluations, a full plan (every
corridor, schedules, rules, reliability) is too slow. Screening answers only "which corridor is
best by the objective, at what cost, time and CO2e" with a compiled one-criterion search
(`routing.fast`) on static arc values:

- arc prices are computed once per commodity for a reference lot of `REFERENCE_TONNES`, and
  cost and CO2e are scaled to each flow's tonnes (unit rounding is ignored);
- waits for scheduled services count as half the headway; border opening days, closures by
  date, legal rules and reliability draws are not modelled;
- 'balanced' minimises cost/best cost + days/best days + CO2e/best CO2e (three extra queries
  find the bests).

Screening figures are therefore estimates; plan the flows that matter with `plan()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from daliz.costs.pricing import ArcPrices, price_arcs
from daliz.costs.shipment import CargoType, Shipment
from daliz.errors import RequestError
from daliz.network.compile import ARC_SERVICE, CLASSES, CompiledNetwork
from daliz.network.model import Mode
from daliz.network.places import resolve_place
from daliz.planning.context import PlanningContext
from daliz.planning.corridors import corridor_of
from daliz.routing.fast import ShortestPathQuery
from daliz.rules.catalogue import find_commodity

REFERENCE_TONNES = 100.0
LAND = (Mode.ROAD, Mode.RAIL)


@dataclass
class _Priced:
    prices: ArcPrices
    time_h: npt.NDArray[np.float64]  # with expected service waits
    queries: dict[str, ShortestPathQuery] = field(default_factory=dict)


@dataclass
class Screener:
    """Screens flows on one network (and its rule book, for the commodity catalogue)."""

    ctx: PlanningContext
    objective: str = "balanced"
    _priced: dict[str, _Priced] = field(default_factory=dict)
    _nodes: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)

    def _land_nodes(self, text: str) -> npt.NDArray[np.int64]:
        if text not in self._nodes:
            cn = self.ctx.compiled
            place = resolve_place(self.ctx.network, text)
            pi = cn.place_index[place.id]
            found = [
                cn.node_of[(pi, c)]
                for c, (mode, _) in enumerate(CLASSES)
                if mode in LAND and (pi, c) in cn.node_of
            ]
            if not found:
                raise RequestError(f"{place.name} has no road or rail connection in the dataset.")
            self._nodes[text] = np.asarray(found, dtype=np.int64)
        return self._nodes[text]

    def _priced_for(self, commodity_text: str) -> tuple[_Priced, str]:
        commodity = find_commodity(self.ctx.rules, commodity_text)
        if commodity.id not in self._priced:
            cn = self.ctx.compiled
            shipment = Shipment(
                tonnes=REFERENCE_TONNES,
                cargo_type=CargoType(commodity.cargo_type),
                value_usd_per_tonne=commodity.value_usd_per_tonne,
                tonnes_per_teu=commodity.stowage_t_per_teu,
            )
            prices = price_arcs(cn, shipment)
            time_h = prices.time_h.copy()
            for arc in np.flatnonzero(cn.arc_kind == ARC_SERVICE):
                service = cn.segments[int(cn.arc_ref[arc])].service
                time_h[arc] += 0.5 * 168.0 / max(service.frequency_per_week, 1e-6)
            self._priced[commodity.id] = _Priced(prices, time_h)
        return self._priced[commodity.id], commodity.id

    def _query(
        self, priced: _Priced, name: str, weight: npt.NDArray[np.float64]
    ) -> ShortestPathQuery:
        if name not in priced.queries:
            priced.queries[name] = ShortestPathQuery(
                self.ctx.compiled, weight, priced.prices.usable
            )
        return priced.queries[name]

    def screen(
        self, origin: str, destination: str, commodity: str, tonnes: float
    ) -> dict[str, Any]:
        """The best corridor of one flow: corridor, cost_usd, days, co2e_kg, distance_km, borders.

        Raises RequestError for unknown places or commodities; a flow with no route gives a
        dict with `error`.
        """
        if not tonnes > 0:
            raise RequestError(f"tonnes must be positive, got {tonnes:g}")
        priced, commodity_id = self._priced_for(commodity)
        sources, targets = self._land_nodes(origin), self._land_nodes(destination)
        cost, time_h, co2 = priced.prices.cost_usd, priced.time_h, priced.prices.co2e_kg
        objective = self.objective
        if objective in ("cheapest", "fastest", "greenest"):
            weight = {"cheapest": cost, "fastest": time_h, "greenest": co2}[objective]
            best = self._query(priced, objective, weight).run(sources, targets)
        else:
            bests = []
            for name, values in (("cheapest", cost), ("fastest", time_h), ("greenest", co2)):
                found = self._query(priced, name, values).run(sources, targets)
                if found is None:
                    return {"error": "no route"}
                bests.append(max(found.value, 1e-9))
            weight = cost / bests[0] + time_h / bests[1] + co2 / bests[2]
            best = ShortestPathQuery(self.ctx.compiled, weight, priced.prices.usable).run(
                sources, targets
            )
        if best is None:
            return {"error": "no route"}
        arcs = best.arcs
        scale = tonnes / REFERENCE_TONNES
        cn = self.ctx.compiled
        corridor_id, corridor = self._corridor(cn, arcs, int(best_start(cn, arcs, sources)))
        return {
            "corridor": corridor,
            "corridor_id": corridor_id,
            "commodity_id": commodity_id,
            "cost_usd": float(cost[arcs].sum()) * scale,
            "days": float(time_h[arcs].sum()) / 24.0,
            "co2e_kg": float(co2[arcs].sum()) * scale,
            "distance_km": float(cn.arc_distance_km[arcs].sum()),
            "border_crossings": [
                priced.prices.border_of_arc[a].place
                for a in arcs
                if a in priced.prices.border_of_arc
            ],
        }

    def _corridor(self, cn: CompiledNetwork, arcs: list[int], start: int) -> tuple[str | None, str]:
        steps: list[tuple[str, Mode | None]] = [(cn.place_ids[int(cn.node_place[start])], None)]
        for arc in arcs:
            mode = CLASSES[int(cn.node_class[cn.arc_head[arc]])][0]
            if int(cn.arc_kind[arc]) == ARC_SERVICE:
                segment = cn.segments[int(cn.arc_ref[arc])]
                for stop in segment.service.stops[segment.board + 1 : segment.alight]:
                    steps.append((stop, mode))
            steps.append((cn.place_ids[int(cn.node_place[cn.arc_head[arc]])], mode))
        return corridor_of(cn.network, steps)


def best_start(cn: CompiledNetwork, arcs: list[int], sources: npt.NDArray[np.int64]) -> int:
    """The node a path starts from (its first arc's tail, or the source it stayed at)."""
    return int(cn.arc_tail[arcs[0]]) if arcs else int(sources[0])
