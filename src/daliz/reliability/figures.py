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
from collections.abc import Hashable
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
    return {
        **hours_figures(samples.hours, departure, deadline),
        **cost_figures(samples.cost_usd),
    }


def hours_figures(
    hours: npt.NDArray[np.float32], departure: dt.datetime, deadline: dt.date | None = None
) -> dict[str, Any]:
    """The fields of `summarise` that read the hours: days, on-time probability, stability."""
    p50, p90, p95 = (h / 24.0 for h in percentiles(hours, (50.0, 90.0, 95.0)))
    on_time = None
    if deadline is not None:
        limit = deadline_hours(departure, deadline)
        on_time = round(float(np.count_nonzero(hours <= limit)) / hours.size, 4)
    return {
        "days_p50": round(p50, 2),
        "days_p90": round(p90, 2),
        "days_p95": round(p95, 2),
        "on_time_probability": on_time,
        "stability_index": round(p90 / p50, 3) if p50 > 0 else None,
    }


def cost_figures(cost_usd: npt.NDArray[np.float32]) -> dict[str, Any]:
    """The fields of `summarise` that read the cost: its P10 and P90 (USD)."""
    c10, c90 = percentiles(cost_usd, (10.0, 90.0))
    return {"cost_usd_p10": round(c10, 2), "cost_usd_p90": round(c90, 2)}


class FigureCache:
    """Hour figures of alternatives kept across plans, by `simulate.hours_key` and deadline.

    Most new plans repeat a corridor another plan took for another shipment: its hours (and so
    its days, on-time probability and stability) are the same to the last bit, only the cost
    differs. A hit spares drawing, adding and selecting the hours. Entries are small dicts;
    at most `cap` kept (emptied when full; ≈ 600 distinct on the load-test mix). Thread-safe
    (single dict operations; racing threads can only store equal values).
    """

    def __init__(self, cap: int = 4096) -> None:
        self.cap = cap
        self._figures: dict[Hashable, dict[str, Any]] = {}
        self.hits = 0  # look-ups that found figures (approximate under threads)

    def __len__(self) -> int:
        return len(self._figures)

    def get(self, key: Hashable) -> dict[str, Any] | None:
        """The figures kept under `key` (do not modify), or None."""
        found = self._figures.get(key)
        if found is not None:
            self.hits += 1
        return found

    def put(self, key: Hashable, figures: dict[str, Any]) -> None:
        """Keep `figures` under `key`."""
        if len(self._figures) >= self.cap:
            self._figures.clear()
        self._figures[key] = figures

    def clear(self) -> None:
        """Forget every entry."""
        self._figures.clear()


HOURS_FIGURES = FigureCache()
