"""The legal rules of each alternative: regimes, documents, blockers (daliz.rules)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from daliz.costs.pricing import ArcPrices
from daliz.errors import NoRouteError
from daliz.i18n import (
    _,
)
from daliz.network.compile import (
    CompiledNetwork,
)
from daliz.network.model import Network
from daliz.planning.context import PlanningContext, planning_context
from daliz.planning.result import Alternative
from daliz.routing.search import Labels
from daliz.rules import (
    Commodity,
    LegFact,
    RouteFacts,
    evaluate_route,
)

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------- rules
def border_hours(
    cn: CompiledNetwork, prices: ArcPrices, labels: Labels, path: list[int]
) -> dict[str, float]:
    """Hours after departure at which the route reaches each border crossing point."""
    reached: dict[str, float] = {}
    for before, label in itertools.pairwise(path):
        border = prices.border_of_arc.get(labels.arc[label])
        if border is not None:
            reached.setdefault(border.place, labels.time[before])
    return reached


def route_facts(
    network: Network, alt: Alternative, departure: dt.datetime, border_hours: dict[str, float]
) -> RouteFacts:
    facts = []
    for leg in alt.legs:
        a = network.places.get(leg.from_)
        b = network.places.get(leg.to)
        from_country = a.country if a else (b.country if b else "")
        to_country = b.country if b else from_country
        facts.append(
            LegFact(
                mode=leg.mode,
                from_place=leg.from_,
                to_place=leg.to,
                from_country=from_country,
                to_country=to_country,
                link_id=leg.links[0] if leg.links else None,
                gauge_mm=leg.gauge_mm,
            )
        )
    dates = {
        place: (departure + dt.timedelta(hours=hours)).date()
        for place, hours in border_hours.items()
    }
    names = {}
    for leg in alt.legs:
        names[leg.from_] = leg.from_name
        names[leg.to] = leg.to_name
    for event in alt.events:
        names[event.place] = event.place_name
    return RouteFacts.from_legs(facts, corridor=alt.corridor, border_dates=dates, place_names=names)


def apply_rules(
    ctx: PlanningContext,
    commodity: Commodity,
    departure: dt.datetime,
    alt: Alternative,
    border_hours: dict[str, float],
) -> None:
    """Regimes, documents, blockers and warnings of the legal rules, on one alternative."""
    facts = route_facts(ctx.network, alt, departure, border_hours)
    p90 = alt.totals.days_p90 if alt.totals.days_p90 is not None else alt.totals.days
    rules = evaluate_route(ctx.rules, facts, commodity, departure.date(), transit_days_p90=p90)
    alt.rules = rules.to_dict()
    alt.blocked = rules.blocked
    alt.warnings.extend(w.message for w in rules.warnings)


def all_blocked_error(alternatives: list[Alternative]) -> NoRouteError:
    reasons: list[str] = []
    for alt in alternatives:
        for blocker in (alt.rules or {}).get("blockers", [])[:2]:
            reasons.append(f"{alt.corridor}: {blocker['message']}")
    return NoRouteError(
        _("Every route found is blocked by the legal rules for this cargo."),
        hint="\n".join(reasons[:8]) + "\n" + _("Use --include-blocked to see them anyway."),
    )


def route_facts_of(
    origin: str,
    destination: str,
    commodity: Commodity,
    departure: dt.date,
    *,
    dataset: str | Path | None = None,
) -> list[RouteFacts]:
    """The legal facts of every corridor the planner finds (blocked ones included).

    This is what `daliz rules chain` evaluates agreement by agreement.
    """
    from daliz.planning.planner import DEPARTURE_HOUR, plan  # the planner calls this module

    result = plan(
        origin=origin,
        destination=destination,
        commodity=commodity.id,
        tonnes=max(commodity.stowage_t_per_teu or 20.0, 1.0),
        date=departure,
        include_blocked=True,
        max_alternatives=20,
        draws=0,
        dataset=dataset,
    )
    network = planning_context(dataset).network
    start = dt.datetime.combine(departure, dt.time(DEPARTURE_HOUR))
    return [route_facts(network, alt, start, {}) for alt in result.alternatives]
