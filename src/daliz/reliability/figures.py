"""Summary figures of the draws: percentiles of days and cost, on-time probability, stability.

- `days_p50`, `days_p90`, `days_p95`: percentiles of door-to-door days (linear interpolation).
- `on_time_probability`: share of draws arriving by the end of the deadline day (local clock of
  the plan: the deadline date's 24:00), given only when the request names a deadline.
- `cost_usd_p10`, `cost_usd_p90`: percentiles of door-to-door cost.
- `stability_index`: P90 ÷ median days. 1.00 means the route always takes the same time; 1.25
  means one shipment in ten takes at least a quarter longer than the typical one. The "stable
  corridor" of the seed is the one whose index stays close to 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from daliz.reliability.distributions import FloatArray
from daliz.reliability.simulate import Samples


def percentiles(values: FloatArray, q: tuple[float, ...]) -> list[float]:
    """Percentiles `q` (0–100) with linear interpolation, as `numpy.percentile` computes them.

    One partial sort for all of them (cheaper than `numpy.percentile`'s per-call work).
    """
    n = values.size
    positions = [p / 100.0 * (n - 1) for p in q]
    below = [int(np.floor(x)) for x in positions]
    kth = sorted({k for b in below for k in (b, min(b + 1, n - 1))})
    part = np.partition(values, kth)
    out = []
    for x, b in zip(positions, below, strict=True):
        low, high = float(part[b]), float(part[min(b + 1, n - 1)])
        out.append(low + (high - low) * (x - b))
    return out


def deadline_hours(departure: dt.datetime, deadline: dt.date) -> float:
    """Hours from departure to the end of the deadline day."""
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time())
    return (end - departure).total_seconds() / 3600.0


def summarise(
    samples: Samples, departure: dt.datetime, deadline: dt.date | None = None
) -> dict[str, Any]:
    """The reliability fields of `Totals` for one alternative's draws."""
    p50, p90, p95 = (h / 24.0 for h in percentiles(samples.hours, (50.0, 90.0, 95.0)))
    c10, c90 = percentiles(samples.cost_usd, (10.0, 90.0))
    on_time = None
    if deadline is not None:
        limit = deadline_hours(departure, deadline)
        on_time = round(float(np.count_nonzero(samples.hours <= limit)) / samples.hours.size, 4)
    return {
        "days_p50": round(p50, 2),
        "days_p90": round(p90, 2),
        "days_p95": round(p95, 2),
        "on_time_probability": on_time,
        "cost_usd_p10": round(c10, 2),
        "cost_usd_p90": round(c90, 2),
        "stability_index": round(p90 / p50, 3) if p50 > 0 else None,
    }
