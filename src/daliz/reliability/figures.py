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
import numpy.typing as npt

from daliz.reliability.simulate import Samples


def percentiles(values: npt.NDArray[np.floating[Any]], q: tuple[float, ...]) -> list[float]:
    """Percentiles `q` (0–100) with linear interpolation, as `numpy.percentile` computes them.

    The order statistics are exact (`selection.order_statistics`: bucket selection, compiled,
    several times faster than sorting the draws).
    """
    from daliz.reliability.selection import order_statistics  # numba: loaded on first use

    n = values.size
    positions = [p / 100.0 * (n - 1) for p in q]
    ranks = sorted({r for x in positions for r in (int(x), min(int(x) + 1, n - 1))})
    order = dict(zip(ranks, order_statistics(values, np.asarray(ranks)).tolist(), strict=True))
    out = []
    for x in positions:
        below = int(x)
        lo, hi = order[below], order[min(below + 1, n - 1)]
        out.append(lo + (hi - lo) * (x - below))
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
