"""Multi-criteria label-setting search over a compiled network (cost, time, CO2e).

A label is a partial route: its cost (USD), elapsed time (h), emissions (kg CO2e), the node it
has reached, and its *corridor key* — the sequence of border crossings it has passed. Labels
compete (dominate each other) only when they stand at the same node with the same key, so the
search keeps the Pareto-best routes of every corridor, not just of the network as a whole.
Labels leave the queue in order of a positive weighted sum of the criteria, which makes every
label that leaves it final (no later label can dominate it).

Time matters: a label knows its clock, so it waits for the next departure of a scheduled
service, for a border's next opening day, and cannot use a link or border closed that day.
A route may not re-enter a country it has left.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from daliz.costs.pricing import ArcPrices
from daliz.network.compile import (
    ARC_LINK,
    ARC_SERVICE,
    ARC_TRANSFER,
    CompiledNetwork,
    ServiceSegment,
)
from daliz.network.model import BorderCrossing, Closure
from daliz.routing.fast import distances_to

BORDER_OPENS_H = 8.0  # a border closed on the day of arrival clears from 08:00 on its next day
SERVICE_DEPARTS_H = 12.0  # departures on a service's listed days leave at noon


@dataclass(frozen=True)
class Start:
    """Where labels begin: a node, with the cost of reaching it (e.g. an access leg)."""

    node: int
    cost_usd: float = 0.0
    time_h: float = 0.0
    co2e_kg: float = 0.0
    tag: int = -1  # caller's id for the access leg used, -1 for none


@dataclass
class Labels:
    """Every label the search created, as parallel lists (index = label id)."""

    cost: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    co2: list[float] = field(default_factory=list)
    node: list[int] = field(default_factory=list)
    key: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    arc: list[int] = field(default_factory=list)
    wait: list[float] = field(default_factory=list)  # hours waited before this arc
    tag: list[int] = field(default_factory=list)

    def add(
        self,
        cost: float,
        time: float,
        co2: float,
        node: int,
        key: int,
        parent: int,
        arc: int,
        wait: float,
        tag: int,
    ) -> int:
        self.cost.append(cost)
        self.time.append(time)
        self.co2.append(co2)
        self.node.append(node)
        self.key.append(key)
        self.parent.append(parent)
        self.arc.append(arc)
        self.wait.append(wait)
        self.tag.append(tag)
        return len(self.cost) - 1

    def path(self, label: int) -> list[int]:
        """Label ids from the start to `label`."""
        chain = []
        while label >= 0:
            chain.append(label)
            label = self.parent[label]
        return chain[::-1]


@dataclass
class SearchResult:
    """Labels that reached a target, and why arcs were refused (for 'no route' messages)."""

    labels: Labels
    finals: list[int]
    refused: Counter[str]
    keys: list[tuple[int, ...]]  # key id -> border-crossing place indices
    settled: int = 0


def _next_service_departure(segment: ServiceSegment, clock: dt.datetime) -> dt.datetime:
    """First departure of a service from the boarding stop at or after `clock`."""
    service = segment.service
    offset = dt.timedelta(hours=segment.offset_h)
    first_stop_clock = clock - offset
    if service.days:
        day0 = first_stop_clock.date()
        for add in range(0, 8):
            day = day0 + dt.timedelta(days=add)
            if day.weekday() in service.days:
                departure = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                    hours=SERVICE_DEPARTS_H
                )
                if departure >= first_stop_clock:
                    return departure + offset
        raise AssertionError("a weekly service departs within eight days")
    headway_h = 168.0 / service.frequency_per_week
    week_start = dt.datetime.combine(
        first_stop_clock.date() - dt.timedelta(days=first_stop_clock.weekday()), dt.time()
    )
    since_h = (first_stop_clock - week_start).total_seconds() / 3600.0
    k = math.ceil(since_h / headway_h - 1e-9)
    return week_start + dt.timedelta(hours=k * headway_h) + offset


def _next_departure_week_h(segment: ServiceSegment, clock_h: float) -> float:
    """`_next_service_departure` in hours counted from a Monday 00:00 (no datetime objects:
    the search calls this for every service arc it tries)."""
    service = segment.service
    first_stop_h = clock_h - segment.offset_h
    if service.days:
        day = math.floor(first_stop_h / 24.0)
        for add in range(0, 8):
            if (day + add) % 7 in service.days:
                departure_h = (day + add) * 24.0 + SERVICE_DEPARTS_H
                if departure_h >= first_stop_h:
                    return departure_h + segment.offset_h
        raise AssertionError("a weekly service departs within eight days")
    headway_h = 168.0 / service.frequency_per_week
    week_start_h = math.floor(first_stop_h / 168.0) * 168.0
    k = math.ceil((first_stop_h - week_start_h) / headway_h - 1e-9)
    return week_start_h + k * headway_h + segment.offset_h


def _border_wait_h(border: BorderCrossing, clock: dt.datetime) -> float:
    """Hours to wait at a border until it is open (0 if open on the day of arrival)."""
    if len(border.open_days) == 7 or clock.weekday() in border.open_days:
        return 0.0
    for add in range(1, 8):
        day = clock.date() + dt.timedelta(days=add)
        if day.weekday() in border.open_days:
            opens = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=BORDER_OPENS_H)
            return (opens - clock).total_seconds() / 3600.0
    return math.inf


def _closed(closures: Sequence[Closure], day: dt.date) -> Closure | None:
    for closure in closures:
        if closure.closes(day):
            return closure
    return None


@dataclass(frozen=True)
class _StaticTables:
    """The network as the search loop reads it, the same for every search on a compiled
    network (built once): plain lists, because element access in the hot loop is several times
    faster than numpy's."""

    arc_start: list[int]
    arc_head: list[int]
    arc_kind: list[int]
    arc_ref: list[int]
    node_place: list[int]
    place_is_border: list[bool]
    # Arcs whose use depends on the date: closures of their link or of the border they leave
    # (for a service: of every link it rides and border it passes), and the link or service id.
    dated: dict[int, tuple[list[Closure], list[Closure], str]]
    # Border crossing points a service passes between boarding and alighting, per arc.
    passes: dict[int, tuple[int, ...]]
    border_of_arc: dict[int, BorderCrossing]


def _static_tables(cn: CompiledNetwork, border_of_arc: dict[int, BorderCrossing]) -> _StaticTables:
    cached = cn.derived.get("search_tables")
    if isinstance(cached, _StaticTables) and cached.border_of_arc == border_of_arc:
        return cached
    closures_by_target: dict[str, list[Closure]] = {}
    for closure in cn.network.closures:
        closures_by_target.setdefault(closure.target, []).append(closure)
    arc_kind, arc_ref = cn.arc_kind.tolist(), cn.arc_ref.tolist()
    dated: dict[int, tuple[list[Closure], list[Closure], str]] = {}
    passes: dict[int, tuple[int, ...]] = {}
    for arc in range(cn.arc_count):
        kind = arc_kind[arc]
        border = border_of_arc.get(arc)
        border_closures = list(closures_by_target.get(border.place, [])) if border else []
        if kind == ARC_LINK:
            link_id = cn.links[arc_ref[arc]].id
            link_closures = list(closures_by_target.get(link_id, []))
        elif kind == ARC_SERVICE:
            segment = cn.segments[arc_ref[arc]]
            link_id = segment.service.id
            link_closures = [
                c for link in segment.links for c in closures_by_target.get(link.id, [])
            ]
            for stop in segment.border_stops:
                border_closures.extend(closures_by_target.get(stop, []))
            if segment.border_stops:
                passes[arc] = tuple(cn.place_index[stop] for stop in segment.border_stops)
        else:
            continue
        if link_closures or border_closures:
            dated[arc] = (link_closures, border_closures, link_id)
    tables = _StaticTables(
        cn.arc_start.tolist(), cn.arc_head.tolist(), arc_kind, arc_ref,
        cn.node_place.tolist(), cn.place_is_border.tolist(), dated, passes, dict(border_of_arc),
    )  # fmt: skip
    cn.derived["search_tables"] = tables
    return tables


def lower_bounds(
    cn: CompiledNetwork,
    prices: ArcPrices,
    targets: set[int],
    arc_allowed: npt.NDArray[np.bool_] | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Per node, the least cost (USD), time (h) and CO2e (kg) still needed to reach a target.

    Each is a one-criterion Dijkstra on the reversed graph with static arc values; waits only
    add time, so these are true lower bounds. Unreachable nodes get inf.
    """
    ok = prices.usable if arc_allowed is None else (prices.usable & arc_allowed)
    cost, time, co2 = (
        distances_to(cn, values, targets, ok).tolist()
        for values in (prices.cost_usd, prices.time_h, prices.co2e_kg)
    )
    return cost, time, co2


def pareto_search(
    cn: CompiledNetwork,
    prices: ArcPrices,
    starts: Iterable[Start],
    targets: set[int],
    *,
    departure: dt.datetime,
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
    max_time_h: float = math.inf,
    arc_allowed: npt.NDArray[np.bool_] | None = None,
    node_allowed: npt.NDArray[np.bool_] | None = None,
    prune_factor: float = 2.0,
    epsilon: float = 0.0,
) -> SearchResult:
    """Pareto-optimal labels per corridor key from the starts to any target node.

    Parameters
    ----------
    cn : the compiled network
    prices : per-arc typical cost (USD), time (h) and CO2e (kg) for the shipment
    starts : start nodes with the cost of reaching them
    targets : nodes where a route may end
    departure : date and time the cargo leaves the origin
    weights : positive weights of (cost, time, CO2e) that order the queue; results do not
        depend on them, only the order of work does
    max_time_h : routes longer than this are cut
    arc_allowed, node_allowed : masks for constraints (avoided countries, borders, modes)
    prune_factor : a label that, even on its best possible completion, is worse than an
        already found route by this factor on *every* criterion is dropped (it could never be a
        useful alternative); `math.inf` keeps everything
    epsilon : within one corridor key, a label within (1 + epsilon) of another on every
        criterion counts as dominated (0 = exact Pareto sets)

    Lower bounds of the remaining cost, time and CO2e to the targets (static arc values, so
    never more than the truth) order the queue (as in NAMOA*) and sharpen the pruning.
    """
    labels = Labels()
    refused: Counter[str] = Counter()
    key_ids: dict[tuple[int, int], int] = {}
    keys: list[tuple[int, ...]] = [()]
    buckets: dict[tuple[int, int], list[int]] = {}
    dead: set[int] = set()
    finals: list[int] = []
    # The country each label last stood in (for U-turn and re-entry checks) and visited set.
    country_of: list[str] = []
    visited_of: list[frozenset[str]] = []
    heap: list[tuple[float, int]] = []
    wc, wt, we = weights

    h_cost, h_time, h_co2 = lower_bounds(cn, prices, targets, arc_allowed)
    slack = 1.0 + epsilon
    front: list[tuple[float, float, float]] = []  # non-dominated final vectors

    label_cost, label_time, label_co2 = labels.cost, labels.time, labels.co2
    # The found routes' vectors times prune_factor: a label whose best completion is beyond
    # one of them on every criterion is dropped.
    pruning: list[tuple[float, float, float]] = []

    def push(
        c: float,
        t: float,
        e: float,
        node: int,
        key: int,
        parent: int,
        arc: int,
        wait: float,
        tag: int,
        country: str,
        visited: frozenset[str],
    ) -> None:
        hc = h_cost[node]
        if hc == math.inf:
            return  # no target can be reached from here
        fc, ft, fe = c + hc, t + h_time[node], e + h_co2[node]
        for bc, bt, be in pruning:
            if bc <= fc and bt <= ft and be <= fe:
                refused["worse than a found route on every criterion"] += 1
                return
        bucket = buckets.setdefault((node, key), [])
        cs, ts, es = c * slack, t * slack, e * slack
        for other in bucket:
            if (
                other not in dead
                and label_cost[other] <= cs
                and label_time[other] <= ts
                and label_co2[other] <= es
            ):
                return  # dominated
        for other in bucket:
            if label_cost[other] >= c and label_time[other] >= t and label_co2[other] >= e:
                dead.add(other)
        label = labels.add(c, t, e, node, key, parent, arc, wait, tag)
        country_of.append(country)
        visited_of.append(visited)
        bucket.append(label)
        heapq.heappush(heap, (wc * fc + wt * ft + we * fe, label))

    for start in starts:
        place = int(cn.node_place[start.node])
        country = cn.place_country[place]
        push(
            start.cost_usd,
            start.time_h,
            start.co2e_kg,
            start.node,
            0,
            -1,
            -1,
            0.0,
            start.tag,
            country,
            frozenset({country}),
        )

    static = _static_tables(cn, prices.border_of_arc)
    arc_start, arc_head, arc_kind, arc_ref = (
        static.arc_start, static.arc_head, static.arc_kind, static.arc_ref
    )  # fmt: skip
    node_place, place_is_border = static.node_place, static.place_is_border
    dated, passes = static.dated, static.passes
    place_country = cn.place_country
    ok_arcs = prices.usable if arc_allowed is None else (prices.usable & arc_allowed)
    arc_ok = ok_arcs.tolist()
    node_ok = node_allowed.tolist() if node_allowed is not None else [True] * cn.node_count
    arc_cost = prices.cost_usd.tolist()
    arc_time = prices.time_h.tolist()
    arc_co2 = prices.co2e_kg.tolist()

    def extended(key: int, place: int) -> int:
        """The corridor key with one more border crossing point."""
        pair = (key, place)
        if pair not in key_ids:
            key_ids[pair] = len(keys)
            keys.append((*keys[key], place))
        return key_ids[pair]

    # The clock as hours from the Monday 00:00 of the departure's week; dates looked up per day.
    week_monday = dt.datetime.combine(
        departure.date() - dt.timedelta(days=departure.weekday()), dt.time()
    )
    week_h = (departure - week_monday).total_seconds() / 3600.0
    dates: dict[int, dt.date] = {}

    def date_at(hour: float) -> dt.date:
        day = math.floor(hour / 24.0)
        found = dates.get(day)
        if found is None:
            found = dates[day] = week_monday.date() + dt.timedelta(days=day)
        return found

    settled = 0
    while heap:
        _, label = heapq.heappop(heap)
        if label in dead:
            continue
        settled += 1
        node = labels.node[label]
        if node in targets:
            finals.append(label)
            vc, vt, ve = labels.cost[label], labels.time[label], labels.co2[label]
            beaten = False
            for fc, ft, fe in front:
                if fc <= vc and ft <= vt and fe <= ve:
                    beaten = True
                    break
            if not beaten:
                front[:] = [f for f in front if not (vc <= f[0] and vt <= f[1] and ve <= f[2])]
                front.append((vc, vt, ve))
                pruning[:] = [
                    (fc * prune_factor, ft * prune_factor, fe * prune_factor)
                    for fc, ft, fe in front
                ]
            continue
        c0, t0, e0 = labels.cost[label], labels.time[label], labels.co2[label]
        key = labels.key[label]
        tag = labels.tag[label]
        country = country_of[label]
        visited = visited_of[label]
        tail_place = node_place[node]
        leaving_border = place_is_border[tail_place] and labels.parent[label] >= 0
        # One transfer per stop: a chain of transfers at one place (rail → road → rail) would
        # stand in for an operation the data prices as one row (a gauge change).
        after_transfer = labels.arc[label] >= 0 and arc_kind[labels.arc[label]] == ARC_TRANSFER
        clock: dt.datetime | None = None
        for arc in range(arc_start[node], arc_start[node + 1]):
            if not arc_ok[arc] or (after_transfer and arc_kind[arc] == ARC_TRANSFER):
                continue
            head = arc_head[arc]
            if not node_ok[head]:
                continue
            head_place = node_place[head]
            head_country = place_country[head_place]
            new_key = key
            new_country, new_visited = country, visited
            if head_country != country and not place_is_border[head_place]:
                if head_country in visited:
                    continue  # no re-entry into a country already left
                if leaving_border:
                    # Leaving a border crossing point: record it in the corridor key.
                    new_key = extended(key, tail_place)
                new_country = head_country
                new_visited = visited | {head_country}
            crossed = passes.get(arc)
            if crossed is not None:
                for place in crossed:
                    new_key = extended(new_key, place)
                    new_visited = new_visited | {place_country[place]}
            wait = 0.0
            kind = arc_kind[arc]
            if kind == ARC_SERVICE:
                leaves_h = _next_departure_week_h(cn.segments[arc_ref[arc]], week_h + t0)
                wait = leaves_h - week_h - t0
                if arc in dated:
                    link_closures, border_closures, link_id = dated[arc]
                    day = date_at(leaves_h)
                    shut = _closed(link_closures, day) or _closed(border_closures, day)
                    if shut is not None:
                        refused[f"{shut.target} closed ({shut.kind})"] += 1
                        continue
            elif kind == ARC_LINK:
                if arc in dated:
                    link_closures, border_closures, link_id = dated[arc]
                    shut = _closed(link_closures, date_at(week_h + t0))
                    if shut is not None:
                        refused[f"{link_id} closed ({shut.kind})"] += 1
                        continue
                    shut = _closed(border_closures, date_at(week_h + t0))
                    if shut is not None:
                        refused[f"border {shut.target} closed ({shut.kind})"] += 1
                        continue
                border = prices.border_of_arc.get(arc) if leaving_border else None
                if border is not None and len(border.open_days) < 7:
                    if clock is None:
                        clock = departure + dt.timedelta(hours=t0)
                    wait = _border_wait_h(border, clock)
            t = t0 + wait + arc_time[arc]
            if t > max_time_h:
                refused["longer than the maximum days"] += 1
                continue
            push(
                c0 + arc_cost[arc],
                t,
                e0 + arc_co2[arc],
                head,
                new_key,
                label,
                arc,
                wait,
                tag,
                new_country,
                new_visited,
            )
    return SearchResult(labels, finals, refused, keys, settled)
