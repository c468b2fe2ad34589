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
import itertools
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
    # Per final label (same order as `finals`): its label path from the start, and the arcs
    # taken and hours waited before each (the path without its start). Filled by the search.
    paths: list[list[int]] = field(default_factory=list)
    path_arcs: list[list[int]] = field(default_factory=list)
    path_waits: list[list[float]] = field(default_factory=list)


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


def _border_wait_h(border: BorderCrossing, clock_h: float) -> float:
    """Hours to wait at a border until it is open (0 if open on the day of arrival).

    `clock_h` counts hours from a Monday 00:00; a border closed on the day of arrival clears
    from `BORDER_OPENS_H` on its next open day.
    """
    day = math.floor(clock_h / 24.0)
    if len(border.open_days) == 7 or day % 7 in border.open_days:
        return 0.0
    for add in range(1, 8):
        if (day + add) % 7 in border.open_days:
            return (day + add) * 24.0 + BORDER_OPENS_H - clock_h
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


def pareto_search_reference(
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
                    wait = _border_wait_h(border, week_h + t0)
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
    paths = [labels.path(final) for final in finals]
    return SearchResult(
        labels, finals, refused, keys, settled, paths,
        [[labels.arc[lab] for lab in path[1:]] for path in paths],
        [[labels.wait[lab] for lab in path[1:]] for path in paths],
    )  # fmt: skip


# --------------------------------------------------------------------------- compiled search
@dataclass
class _KernelTables:
    """The network as the compiled search reads it (built once per compiled network and
    border table), and the closure calendar, built per calendar year on first use (≈ 0.2 MB a
    year on the default network; plan requests are dated 2000–2100, so it stays small)."""

    static: _StaticTables
    arc_start: npt.NDArray[np.int64]
    arc_head: npt.NDArray[np.int64]
    arc_kind: npt.NDArray[np.int64]
    node_place: npt.NDArray[np.int64]
    place_is_border: npt.NDArray[np.bool_]
    place_country: npt.NDArray[np.int64]
    pass_start: npt.NDArray[np.int64]
    pass_place: npt.NDArray[np.int64]
    service_offset_h: npt.NDArray[np.float64]
    service_days_mask: npt.NDArray[np.int64]
    service_frequency: npt.NDArray[np.float64]
    border_open_mask: npt.NDArray[np.int64]
    arc_dated: npt.NDArray[np.int64]
    dated_arcs: list[int]
    closures: list[Closure]
    years: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = field(
        default_factory=dict
    )

    def closed_days(
        self, first_day: dt.date, days: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per dated arc (row) and day from `first_day`: the closure that shuts its link (or
        service), and the closure that shuts the border it leaves; -1 when open."""
        last_day = first_day + dt.timedelta(days=days - 1)
        parts = [self._year(year) for year in range(first_day.year, last_day.year + 1)]
        link = np.concatenate([part[0] for part in parts], axis=1)
        border = np.concatenate([part[1] for part in parts], axis=1)
        skip = first_day.timetuple().tm_yday - 1
        return (
            np.ascontiguousarray(link[:, skip : skip + days]),
            np.ascontiguousarray(border[:, skip : skip + days]),
        )

    def _year(self, year: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        found = self.years.get(year)
        if found is not None:
            return found
        jan1 = dt.date(year, 1, 1)
        days = [jan1 + dt.timedelta(days=d) for d in range((dt.date(year + 1, 1, 1) - jan1).days)]
        index = {id(closure): i for i, closure in enumerate(self.closures)}
        closes = {
            i: np.fromiter((closure.closes(day) for day in days), dtype=bool, count=len(days))
            for i, closure in enumerate(self.closures)
        }
        link = np.full((len(self.dated_arcs), len(days)), -1, dtype=np.int64)
        border = np.full((len(self.dated_arcs), len(days)), -1, dtype=np.int64)
        for row, arc in enumerate(self.dated_arcs):
            link_closures, border_closures, _ = self.static.dated[arc]
            # The first closure of the list that closes a day wins (as `_closed` reads them).
            for table, closures in ((link, link_closures), (border, border_closures)):
                for closure in reversed(closures):
                    i = index[id(closure)]
                    table[row, closes[i]] = i
        self.years[year] = (link, border)
        return link, border


def _kernel_tables(cn: CompiledNetwork, static: _StaticTables) -> _KernelTables | None:
    """The compiled search's tables, or None when the network has more than 63 countries
    (a label's visited countries are a 64-bit set)."""
    cached = cn.derived.get("search_kernel")
    if isinstance(cached, _KernelTables) and cached.static is static:
        return cached
    countries = sorted(set(cn.place_country))
    if len(countries) > 63:
        return None
    country_index = {code: i for i, code in enumerate(countries)}
    arcs = cn.arc_count
    pass_start = np.zeros(arcs + 1, dtype=np.int64)
    pass_place: list[int] = []
    offset_h = np.zeros(arcs)
    days_mask = np.zeros(arcs, dtype=np.int64)
    frequency = np.ones(arcs)
    open_mask = np.full(arcs, -1, dtype=np.int64)
    for arc in range(arcs):
        pass_place.extend(static.passes.get(arc, ()))
        pass_start[arc + 1] = len(pass_place)
        if static.arc_kind[arc] == ARC_SERVICE:
            segment = cn.segments[static.arc_ref[arc]]
            offset_h[arc] = segment.offset_h
            days_mask[arc] = sum(1 << d for d in segment.service.days)
            frequency[arc] = segment.service.frequency_per_week
        border = static.border_of_arc.get(arc)
        if border is not None and len(border.open_days) < 7:
            open_mask[arc] = sum(1 << d for d in border.open_days)
    dated_arcs = sorted(static.dated)
    arc_dated = np.full(arcs, -1, dtype=np.int64)
    arc_dated[dated_arcs] = np.arange(len(dated_arcs))
    tables = _KernelTables(
        static=static,
        arc_start=np.asarray(static.arc_start, dtype=np.int64),
        arc_head=np.asarray(static.arc_head, dtype=np.int64),
        arc_kind=np.asarray(static.arc_kind, dtype=np.int64),
        node_place=np.asarray(static.node_place, dtype=np.int64),
        place_is_border=np.asarray(static.place_is_border, dtype=np.bool_),
        place_country=np.asarray([country_index[c] for c in cn.place_country], dtype=np.int64),
        pass_start=pass_start,
        pass_place=np.asarray(pass_place, dtype=np.int64),
        service_offset_h=offset_h,
        service_days_mask=days_mask,
        service_frequency=frequency,
        border_open_mask=open_mask,
        arc_dated=arc_dated,
        dated_arcs=dated_arcs,
        closures=list(cn.network.closures),
    )
    cn.derived["search_kernel"] = tables
    return tables


SEARCH_WINDOW_DAYS = 120  # days of closure calendar a search reads first (longer if needed)


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

    The compiled form (`routing.kernel`) of `pareto_search_reference`, whose docstring gives
    the parameters and rules: it returns the same labels, in the same order, about ten times
    faster. Networks of more than 63 countries use the reference loop.
    """
    start_list = list(starts)
    static = _static_tables(cn, prices.border_of_arc)
    tables = _kernel_tables(cn, static)
    if tables is None:
        return pareto_search_reference(
            cn, prices, start_list, targets, departure=departure, weights=weights,
            max_time_h=max_time_h, arc_allowed=arc_allowed, node_allowed=node_allowed,
            prune_factor=prune_factor, epsilon=epsilon,
        )  # fmt: skip
    from daliz.routing import kernel  # numba: loaded (from its disk cache) on first search

    ok = prices.usable if arc_allowed is None else (prices.usable & arc_allowed)
    h_cost, h_time, h_co2 = (
        distances_to(cn, values, targets, ok)
        for values in (prices.cost_usd, prices.time_h, prices.co2e_kg)
    )
    node_ok = (
        np.ones(cn.node_count, dtype=np.bool_)
        if node_allowed is None
        else np.ascontiguousarray(node_allowed, dtype=np.bool_)
    )
    is_target = np.zeros(cn.node_count, dtype=np.bool_)
    is_target[list(targets)] = True
    start_values = np.asarray(
        [(s.cost_usd, s.time_h, s.co2e_kg) for s in start_list], dtype=np.float64
    ).reshape(len(start_list), 3)
    week_monday = departure.date() - dt.timedelta(days=departure.weekday())
    week_h = (departure - dt.datetime.combine(week_monday, dt.time())).total_seconds() / 3600.0
    n_slots = kernel.refusal_slot(len(tables.closures), 0)
    days = SEARCH_WINDOW_DAYS
    while True:
        link_shut, border_shut = tables.closed_days(week_monday, days)
        fl, il, finals, key_parent, key_place, counts, first, settled, past_table = kernel.search(
            tables.arc_start, tables.arc_head, tables.arc_kind, tables.node_place,
            tables.place_is_border, tables.place_country,
            np.ascontiguousarray(ok, dtype=np.bool_), node_ok,
            np.ascontiguousarray(prices.cost_usd, dtype=np.float64),
            np.ascontiguousarray(prices.time_h, dtype=np.float64),
            np.ascontiguousarray(prices.co2e_kg, dtype=np.float64),
            h_cost, h_time, h_co2, is_target,
            np.asarray([s.node for s in start_list], dtype=np.int64), start_values,
            np.asarray([s.tag for s in start_list], dtype=np.int64),
            tables.pass_start, tables.pass_place,
            tables.service_offset_h, tables.service_days_mask, tables.service_frequency,
            tables.border_open_mask, tables.arc_dated, link_shut, border_shut,
            week_h, np.asarray(weights, dtype=np.float64), float(max_time_h),
            float(prune_factor), 1.0 + epsilon, ARC_LINK, ARC_SERVICE, ARC_TRANSFER, BORDER_OPENS_H,
            n_slots,
        )  # fmt: skip
        if not past_table:
            break
        days *= 4  # a label ran past the closure calendar: search again with a longer one
    labels = Labels(
        cost=fl[:, kernel.F_COST].tolist(),
        time=fl[:, kernel.F_TIME].tolist(),
        co2=fl[:, kernel.F_CO2].tolist(),
        node=il[:, kernel.I_NODE].tolist(),
        key=il[:, kernel.I_KEY].tolist(),
        parent=il[:, kernel.I_PARENT].tolist(),
        arc=il[:, kernel.I_ARC].tolist(),
        wait=fl[:, kernel.F_WAIT].tolist(),
        tag=il[:, kernel.I_TAG].tolist(),
    )
    keys: list[tuple[int, ...]] = [()]
    for parent, place in zip(key_parent[1:].tolist(), key_place[1:].tolist(), strict=True):
        keys.append((*keys[parent], place))
    offsets, flat = kernel.final_paths(il[:, kernel.I_PARENT], finals)
    bounds = list(itertools.pairwise(offsets.tolist()))
    flat_labels = flat.tolist()
    flat_arcs = il[flat, kernel.I_ARC].tolist()
    flat_waits = fl[flat, kernel.F_WAIT].tolist()
    return SearchResult(
        labels, finals.tolist(), _refusals(tables.closures, counts, first), keys, int(settled),
        [flat_labels[a:b] for a, b in bounds],
        [flat_arcs[a + 1 : b] for a, b in bounds],
        [flat_waits[a + 1 : b] for a, b in bounds],
    )  # fmt: skip


def _refusals(
    closures: list[Closure], counts: npt.NDArray[np.int64], first: npt.NDArray[np.int64]
) -> Counter[str]:
    """The kernel's refusal counts as the reference's Counter (same wording, same order)."""
    from daliz.routing import kernel

    refused: Counter[str] = Counter()
    for slot in sorted(np.flatnonzero(counts).tolist(), key=lambda slot: int(first[slot])):
        if slot == kernel.SLOT_PRUNED:
            reason = "worse than a found route on every criterion"
        elif slot == kernel.SLOT_TOO_LONG:
            reason = "longer than the maximum days"
        else:
            closure, wording = divmod(slot - kernel.SLOT_FIRST_CLOSURE, 2)
            shut = closures[closure]
            prefix = "border " if wording == kernel.WORDING_BORDER else ""
            reason = f"{prefix}{shut.target} closed ({shut.kind})"
        refused[reason] = int(counts[slot])
    return refused


def warm_up(cn: CompiledNetwork, prices: ArcPrices) -> None:
    """Load the compiled search now (numba, from its disk cache, or compiled on the very first
    run), so that the first plan does not pay for it."""
    if cn.node_count:
        pareto_search(cn, prices, [Start(0)], {0}, departure=dt.datetime(2027, 1, 4, 8))
