"""Monte Carlo of an alternative's door-to-door hours and cost, vectorised over the draws.

Steps are walked in travel order; every step adds an array of hours and of cost (one value per
draw). Clock-dependent steps — a service's next departure, a border closed on some weekdays —
read the simulated clock of each draw, so a late arrival that misses the weekly feeder waits a
week, exactly as the planner would for that arrival time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from daliz.reliability.distributions import DrawArray, FloatArray, Streams
from daliz.reliability.route import (
    BorderWait,
    Dwell,
    Fixed,
    LinkGroup,
    Ride,
    Risk,
    RouteModel,
    Step,
    Travel,
)
from daliz.reliability.sums import sum_table
from daliz.routing.search import BORDER_OPENS_H, SERVICE_DEPARTS_H

WEEK_H = 168.0
CLOCK_TOLERANCE_H = 1e-6  # arriving this close to a departure still catches it

# Streams per key (see distributions.Streams): which row drives what.
DWELL_TIME, DWELL_COST = 0, 1
LEG_DISTANCE, LEG_SPEED = 0, 1
RIDE_PHASE = 0
RISK_OCCURS, RISK_DELAY = 0, 1


@dataclass(frozen=True)
class Samples:
    """Per-draw door-to-door hours and cost (USD) of one alternative."""

    hours: DrawArray
    cost_usd: DrawArray


def week_hour(moment: dt.datetime) -> float:
    """Hours since Monday 00:00 of the week of `moment`."""
    return moment.weekday() * 24.0 + moment.hour + moment.minute / 60.0 + moment.second / 3600.0


def service_wait(arrival_week_h: FloatArray, offset_h: float, days: frozenset[int]) -> FloatArray:
    """Hours from arrival at the boarding stop to the next departure from it (listed weekdays).

    Departures leave the first stop at `SERVICE_DEPARTS_H` on each listed weekday and reach the
    boarding stop `offset_h` later (the planner's rule).
    """
    departures = sorted(d * 24.0 + SERVICE_DEPARTS_H for d in days)
    table = np.asarray([*departures, departures[0] + WEEK_H])
    first_stop = np.mod(arrival_week_h - offset_h, WEEK_H)
    index = np.searchsorted(table, first_stop - CLOCK_TOLERANCE_H, side="left")
    wait: FloatArray = np.maximum(table[index] - first_stop, 0.0)
    return wait


@functools.lru_cache(maxsize=128)
def days_to_opening(open_days: frozenset[int]) -> FloatArray:
    """Per arrival weekday, days until the border next opens (0 when open that day; read-only).
    At most 128 kept: one per set of opening days."""
    ahead = np.zeros(7)
    for weekday in range(7):
        if weekday not in open_days:
            ahead[weekday] = next(
                (add for add in range(1, 8) if (weekday + add) % 7 in open_days), np.inf
            )
    ahead.setflags(write=False)
    return ahead


def border_wait(arrival_week_h: FloatArray, open_days: frozenset[int]) -> FloatArray:
    """Hours to wait at a border closed on the arrival weekday (it clears from 08:00 next open)."""
    ahead = days_to_opening(open_days)
    day = np.floor(arrival_week_h / 24.0)
    hour = arrival_week_h - day * 24.0
    days_ahead = ahead.take(np.mod(day, 7).astype(np.intp))
    wait: FloatArray = np.where(days_ahead > 0, days_ahead * 24.0 + BORDER_OPENS_H - hour, 0.0)
    return wait


class _Run:
    """Accumulates hours and cost; scalars stay scalars until a draw makes them arrays.

    Arrays are either *owned* (fresh from `Streams.buffer`, free to overwrite and recycle) or
    *shared* (memoised draws of a step other alternatives reuse: read only).
    """

    def __init__(
        self, streams: Streams, departure: dt.datetime, *, hours: bool = True, cost: bool = True
    ) -> None:
        self.s = streams
        self.want_hours = hours  # False: hours are known already (only cost is drawn)
        self.want_cost = cost
        self.hours: DrawArray | None = None
        self.cost: DrawArray | None = None
        self.fixed_h = 0.0
        self.fixed_cost = 0.0
        self.start_week_h = week_hour(departure)

    def _add(self, total: DrawArray | None, value: Any, *, owned: bool) -> DrawArray | None:
        if total is None:
            if owned:
                return cast(DrawArray, value)
            total = cast(DrawArray, self.s.buffer())
            np.copyto(total, value, casting="same_kind")
            return total
        np.add(total, value, out=total, casting="same_kind")
        if owned:
            self.s.recycle(value)
        return total

    def add_hours(self, value: DrawArray | FloatArray | float, *, owned: bool = False) -> None:
        if isinstance(value, float):
            self.fixed_h += value
        else:
            self.hours = self._add(self.hours, value, owned=owned)

    def add_cost(self, value: DrawArray | float, *, owned: bool = False) -> None:
        if isinstance(value, float):
            self.fixed_cost += value
        else:
            self.cost = self._add(self.cost, value, owned=owned)

    def accumulate(self, total: DrawArray | float, term: DrawArray | float) -> DrawArray | float:
        """`total + term` for owned operands, in place (the array left over is recycled)."""
        if isinstance(total, float):
            if isinstance(term, float):
                return total + term
            np.add(term, np.float32(total), out=term)
            return term
        np.add(total, term, out=total)
        self.s.recycle(term)
        return total

    def add_border_wait(self, open_days: frozenset[int]) -> None:
        """`add_hours(border_wait(clock(), open_days))` in one compiled pass, bit for bit."""
        from daliz.reliability.kernels import add_border_wait  # numba: loaded on first use

        if self.hours is None:
            self.hours = cast(DrawArray, self.s.buffer())
            self.hours.fill(0.0)  # clock = 0 + base exactly: the wait alone, rounded once
        base = self.fixed_h + self.start_week_h
        add_border_wait(self.hours, base, days_to_opening(open_days), BORDER_OPENS_H)

    def clock(self) -> FloatArray:
        """Each draw's week-hour on arrival at the current step (double precision)."""
        base = self.fixed_h + self.start_week_h
        if self.hours is None:
            return np.full(self.s.draws, base)
        return self.hours.astype(np.float64) + base

    def distance(self, key: str, group: LinkGroup, *, draw: bool) -> DrawArray | float:
        """A group's length: drawn (read-only draws) or its typical value."""
        if draw and not group.distance_km.constant:
            return self.s.draws_of(
                key, LEG_DISTANCE, 2, group.distance_km, sum_table(group.distance_km)
            )
        return group.distance_km.typ

    def group_hours(self, key: str, group: LinkGroup, *, draw_distance: bool) -> DrawArray | float:
        """Moving hours of a group of links, distance ÷ speed (an owned array or a number)."""
        s = self.s
        distance = self.distance(key, group, draw=draw_distance)
        speed = s.triangular(key, LEG_SPEED, 2, group.speed_kmh)
        if isinstance(speed, float) and isinstance(distance, float):
            return distance / speed
        # Draws are read-only (possibly shared with other plans): results go to work arrays.
        hours: DrawArray = s.buffer()
        if not isinstance(speed, float):
            np.divide(distance, speed, out=hours)
        else:
            np.divide(distance, np.float32(speed), out=hours)
        return hours

    def group_cost(self, key: str, group: LinkGroup, *, draw_distance: bool) -> DrawArray | float:
        """Line-haul cost of a group: rate × units × (length for per-km tariffs), owned/number."""
        s = self.s
        rate = s.triangular(group.tariff_key, 0, 1, group.rate_usd)
        base: DrawArray | float
        if group.per_km:
            distance = self.distance(key, group, draw=draw_distance)
            if isinstance(distance, float):
                base = distance * group.count
            else:
                units_km: DrawArray = s.buffer()
                np.multiply(distance, np.float32(group.count), out=units_km)
                base = units_km
        else:
            base = group.count * group.links
        if not isinstance(base, float):
            np.multiply(base, rate, out=base)
            return base
        if not isinstance(rate, float):
            product: DrawArray = s.buffer()
            np.multiply(rate, np.float32(base), out=product)
            return product
        return rate * base

    def shared(self, key: Hashable) -> DrawArray | None:
        """Draws of a whole step kept across plans (`Streams.shared`), or None."""
        cache = self.s.shared
        return None if cache is None else cast(DrawArray | None, cache.get(key))

    def share(self, key: Hashable, value: DrawArray | float) -> DrawArray | float:
        """Keep a step's owned result across plans: a fresh read-only copy replaces it (the work
        array is recycled; the pool never sees shared arrays)."""
        cache = self.s.shared
        if cache is None or isinstance(value, float):
            return value
        kept = cast(DrawArray, cache.put(key, value.copy()))
        self.s.recycle(value)
        return kept

    def step(self, step: Step) -> None:
        if isinstance(step, Fixed):
            self.fixed_h += step.hours
            self.fixed_cost += step.cost_usd
        elif isinstance(step, Ride):
            self.ride(step)
        elif isinstance(step, BorderWait):
            if step.open_days and self.want_hours:
                self.add_border_wait(step.open_days)
        else:
            # Dwell, Travel and Risk do not depend on the clock: alternatives sharing a leg or
            # a border crossing share its draws, computed once per plan from the first step
            # of the plan under its key (a key names one thing within a plan).
            s = self.s
            key = step.key
            first = cast(Dwell | Travel | Risk, s.steps.setdefault(key, step))
            if self.want_hours:
                hours = s.memo_hours.get(key)
                if hours is None:
                    hours = s.memo_hours[key] = self.draw_hours(first)
                self.add_hours(hours)
            if self.want_cost:
                cost = s.memo_cost.get(key)
                if cost is None:
                    cost = s.memo_cost[key] = self.draw_cost(first)
                self.add_cost(cost)

    def draw_cost(self, step: Dwell | Travel | Risk) -> DrawArray | float:
        """Cost of a clock-independent step (an array then shared by the plan: read only).

        A Dwell's array is the streams' read-only draws themselves; a Travel's is this plan's
        work array, shared by its alternatives through `Streams.memo_cost`.
        """
        if isinstance(step, Dwell):
            return self.s.triangular(step.key, DWELL_COST, 2, step.cost_usd)
        if isinstance(step, Travel):
            return self.travel_cost(step)
        return 0.0

    def draw_hours(self, step: Dwell | Travel | Risk) -> DrawArray | float:
        """Hours of a clock-independent step (an array then shared: read only)."""
        s = self.s
        if isinstance(step, Dwell):
            return s.triangular(step.key, DWELL_TIME, 2, step.time_h)
        if isinstance(step, Travel):
            return self.travel_hours(step)
        risk_key = ("risk", s.seed, s.draws, step)
        held = self.shared(risk_key)
        if held is not None:
            return held
        happens = s.uniform(step.key, RISK_OCCURS, 2) < step.probability
        if not happens.any():
            return 0.0
        delay = s.triangular(step.key, RISK_DELAY, 2, step.delay_h)
        work: DrawArray = s.buffer()
        if isinstance(delay, float):
            work.fill(delay)
            np.multiply(work, happens, out=work)
        else:
            np.multiply(delay, happens, out=work)
        return self.share(risk_key, work)

    def travel_hours(self, step: Travel) -> DrawArray | float:
        """Moving hours of a land leg, kept across plans under everything they read.

        Hours read only the groups' (length sum, speed range) — the same for every shipment —
        while cost reads the whole step (units and tariffs vary with the shipment): hours are
        shared by nearly every plan on the leg.
        """
        s = self.s
        hours_key = ("travel-hours", s.seed, s.draws, step.hours_spec)
        hours: DrawArray | float | None = self.shared(hours_key)
        if hours is None:
            hours = 0.0
            for group in step.groups:
                hours = self.accumulate(
                    hours, self.group_hours(step.key, group, draw_distance=True)
                )
            hours = self.share(hours_key, hours)
        return hours

    def travel_cost(self, step: Travel) -> DrawArray | float:
        """Line-haul cost of a land leg (an owned array or a number)."""
        cost: DrawArray | float = 0.0
        for group in step.groups:
            cost = self.accumulate(cost, self.group_cost(step.key, group, draw_distance=True))
        return cost

    def ride(self, step: Ride) -> None:
        s = self.s
        if self.want_cost:
            self.ride_cost(step)
        if not self.want_hours:
            return
        if step.days:
            self.add_hours(service_wait(self.clock(), step.offset_h, step.days))
        elif step.frequency_per_week > 0:
            wait: DrawArray = s.buffer()
            phase = s.uniform(step.key, RIDE_PHASE, 2)
            np.multiply(phase, np.float32(WEEK_H / step.frequency_per_week), out=wait)
            self.add_hours(wait, owned=True)
        moving_typ = 0.0
        moving: DrawArray | float = 0.0
        for group in step.groups:
            moving_typ += group.distance_km.typ / group.speed_kmh.typ
            hours = self.group_hours(step.key, group, draw_distance=False)
            moving = self.accumulate(moving, hours)
        if moving_typ > 0 and not isinstance(moving, float):
            np.multiply(moving, np.float32(step.ride_h / moving_typ), out=moving)
            self.add_hours(moving, owned=True)
        else:
            self.add_hours(step.ride_h)

    def ride_cost(self, step: Ride) -> None:
        """The ride's line-haul cost at the links' typical lengths (unless kept as planned)."""
        if not step.priced:
            return
        cost: DrawArray | float = 0.0
        for group in step.groups:
            cost = self.accumulate(cost, self.group_cost(step.key, group, draw_distance=False))
        self.add_cost(cost, owned=True)


def simulate(model: RouteModel, streams: Streams, departure: dt.datetime) -> Samples:
    """Draw door-to-door hours and cost of a route model.

    Parameters
    ----------
    model : the alternative's uncertain steps (`route.route_model`)
    streams : seeded streams (shared by the alternatives of one plan)
    departure : date and time the cargo leaves the origin

    Returns
    -------
    Samples with `streams.draws` values each, valid until `streams.release()` (give them back
    earlier with `streams.recycle` once summarised).
    """
    run = _Run(streams, departure)
    for step in model.steps:
        run.step(step)
    return Samples(
        _total(streams, run.hours, run.fixed_h), _total(streams, run.cost, run.fixed_cost)
    )


def simulate_cost(model: RouteModel, streams: Streams, departure: dt.datetime) -> DrawArray:
    """`simulate(model, streams, departure).cost_usd` without drawing the hours (cost never
    reads the clock): for an alternative whose hour figures are known (`hours_key`)."""
    run = _Run(streams, departure, hours=False)
    for step in model.steps:
        run.step(step)
    return _total(streams, run.cost, run.fixed_cost)


def _total(streams: Streams, drawn: DrawArray | None, fixed: float) -> DrawArray:
    """The drawn sum plus the fixed part (an owned array)."""
    if drawn is None:
        total: DrawArray = streams.buffer()
        total.fill(fixed)
        return total
    drawn += np.float32(fixed)
    return drawn


def hours_key(model: RouteModel, streams: Streams, departure: dt.datetime) -> Hashable:
    """Everything the draws of an alternative's hours read, for `simulate` within this plan:
    the streams' seed and draws, the departure's week-hour and each step's hour inputs (for
    Dwell, Travel and Risk those of the plan's first step under its key, as `simulate` reads).

    Equal keys give bit-identical hours in any plan: the figures of hours can be kept across
    plans under it (`figures.HOURS_FIGURES`). Registers the steps with the plan's streams, as
    simulating them does.
    """
    first = streams.steps
    parts: list[object] = []
    for step in model.steps:
        if isinstance(step, Fixed):
            parts.append(step.hours)
        elif isinstance(step, Dwell):
            dwell = cast(Dwell, first.setdefault(step.key, step))
            parts.append((dwell.key, dwell.time_h))
        elif isinstance(step, Travel):
            parts.append(cast(Travel, first.setdefault(step.key, step)).hours_spec)
        elif isinstance(step, Risk):
            parts.append(first.setdefault(step.key, step))
        else:
            parts.append(step)  # Ride, BorderWait: read whole (a ride's tariffs over-specify)
    return (streams.seed, streams.draws, week_hour(departure), tuple(parts))
