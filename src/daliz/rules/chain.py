"""The chain "agreement → transit right → corridor → trade": for one commodity flow and its route
alternatives, which agreements each corridor depends on, their status, and what putting a pending
agreement into force would unblock (by re-evaluating the route with that agreement in force).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from daliz.rules.evaluate import evaluate_route
from daliz.rules.model import Agreement, Commodity, RouteFacts, RouteRules, RuleBook, StatusEvent

# A planner callback: (origin query, destination query, commodity, departure) → alternatives.
PlanAlternatives = Callable[[str, str, Commodity, dt.date], Sequence[RouteFacts]]


def with_status(
    book: RuleBook, agreement_id: str, status: str, day: dt.date, *, source: str = "scenario"
) -> RuleBook:
    """A copy of ``book`` in which ``agreement_id`` reaches ``status`` on ``day`` (a what-if).

    Per-party records of the agreement are set to the same status from ``day``.
    """
    a = book.agreement(agreement_id)
    event = StatusEvent(status, day, (source,), "what-if")
    history = tuple(sorted((*(e for e in a.history if e.date <= day), event), key=lambda e: e.date))
    parties = tuple(
        dataclasses.replace(ps, status=status, since=min(ps.since or day, day))
        for ps in a.party_status
    )
    changed = dataclasses.replace(a, history=history, party_status=parties)
    agreements = dict(book.agreements)
    agreements[agreement_id] = changed
    return dataclasses.replace(book, agreements=agreements)


@dataclass(frozen=True)
class PendingAgreement:
    """A related agreement not in force, and what its entry into force would change."""

    id: str
    short: str
    status: str
    status_date: dt.date | None
    affects_routing: bool
    would_unblock: tuple[str, ...]  # messages of blockers that disappear
    would_clear: tuple[str, ...]  # messages of warnings that disappear

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short": self.short,
            "status": self.status,
            "status_date": self.status_date.isoformat() if self.status_date else None,
            "affects_routing": self.affects_routing,
            "would_unblock": list(self.would_unblock),
            "would_clear": list(self.would_clear),
        }


@dataclass(frozen=True)
class CorridorChain:
    """One corridor of the flow: its rules and the agreements it depends on or waits for."""

    corridor: str
    rules: RouteRules
    pending: tuple[PendingAgreement, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "corridor": self.corridor,
            "blocked": self.rules.blocked,
            "depends_on": [a.to_dict() for a in self.rules.agreements_relied_on],
            "pending": [p.to_dict() for p in self.pending],
            "blockers": [b.to_dict() for b in self.rules.blockers],
            "warnings": [w.to_dict() for w in self.rules.warnings],
        }


@dataclass(frozen=True)
class ChainReport:
    """The chain for one commodity flow over all its alternatives."""

    commodity: str
    departure: dt.date
    corridors: tuple[CorridorChain, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "commodity": self.commodity,
            "departure": self.departure.isoformat(),
            "note": self.note,
            "corridors": [c.to_dict() for c in self.corridors],
        }


def _related(
    book: RuleBook, route: RouteFacts, rules: RouteRules, commodity: Commodity
) -> list[Agreement]:
    """Agreements the corridor touches: named in a finding, or binding two of its countries in a
    mode it uses (or at one of its places)."""
    ids = {i for f in (*rules.blockers, *rules.warnings) for i in f.agreements}
    countries = set(route.countries)
    modes = {leg.mode for leg in route.legs}
    places = {leg.from_place for leg in route.legs} | {leg.to_place for leg in route.legs}
    out: list[Agreement] = []
    for a in book.agreements.values():
        if a.kind == "sps_arrangement" and not any(
            code.startswith(p) or p.startswith(code)
            for code in commodity.hs_codes
            for p in a.scope.hs_prefixes
        ):
            continue  # a quarantine/veterinary arrangement about other goods
        shared = len(countries & set(a.parties)) >= 2
        mode_hit = not a.scope.modes or bool(modes & set(a.scope.modes))
        place_hit = bool(places & set(a.scope.places))
        if (
            a.id in ids
            or (shared and mode_hit and (a.scope.modes or a.affects_routing))
            or place_hit
        ):
            out.append(a)
    return out


def corridor_chain(
    book: RuleBook,
    route: RouteFacts,
    commodity: Commodity,
    departure: dt.date,
    *,
    transit_days_p90: float | None = None,
) -> CorridorChain:
    """Rules of one corridor plus, for each related agreement not in force, what it would change."""
    rules = evaluate_route(book, route, commodity, departure, transit_days_p90=transit_days_p90)
    pending: list[PendingAgreement] = []
    for a in _related(book, route, rules, commodity):
        if a.in_force_on(departure) and all(
            a.party_on(c, departure) for c in route.countries if c in a.parties
        ):
            continue
        ev = a.status_on(departure)
        after = evaluate_route(
            with_status(book, a.id, "in_force", departure),
            route,
            commodity,
            departure,
            transit_days_p90=transit_days_p90,
        )
        gone_b = tuple(b.message for b in rules.blockers if b not in after.blockers)
        gone_w = tuple(w.message for w in rules.warnings if w not in after.warnings)
        pending.append(
            PendingAgreement(
                a.id,
                a.short,
                ev.status if ev else "not yet proposed",
                ev.date if ev else None,
                a.affects_routing,
                gone_b,
                gone_w,
            )
        )
    pending.sort(key=lambda p: (-len(p.would_unblock), -len(p.would_clear), p.id))
    return CorridorChain(route.corridor, rules, tuple(pending))


def rules_chain(
    book: RuleBook,
    commodity: Commodity,
    alternatives: Sequence[RouteFacts],
    departure: dt.date,
    *,
    transit_days_p90: Sequence[float | None] | None = None,
    note: str = "",
) -> ChainReport:
    """The chain report for one commodity over its route ``alternatives``."""
    p90s = list(transit_days_p90) if transit_days_p90 is not None else [None] * len(alternatives)
    corridors = tuple(
        corridor_chain(book, route, commodity, departure, transit_days_p90=p90)
        for route, p90 in zip(alternatives, p90s, strict=True)
    )
    return ChainReport(commodity.id, departure, corridors, note)
