"""Compiled loops of the Monte Carlo (numba, cached on disk), each the exact arithmetic of the
NumPy expression it replaces: same operations, same order, same dtypes, so every draw is
identical to the last bit (no fast-math: nothing is reassociated or fused).

They save the temporaries and the per-call overhead of chains of small NumPy operations on
the draws; imported on first use, like `selection`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)  # type: ignore[misc]  # numba is untyped
def triangular_grid(
    grid: Any, low: float, high: float, split: float, left_c: float, right_c: float
) -> Any:  # pragma: no cover - compiled
    """`distributions.triangular_quantile(grid, r).astype(float32)`, with its scalars
    `left_c = width·(mode − low)` and `right_c = width·(high − mode)` computed by the caller."""
    out = np.empty(grid.size, np.float32)
    for i in range(grid.size):
        u = grid[i]
        if u < split:
            out[i] = np.float32(low + math.sqrt(u * left_c))
        else:
            out[i] = np.float32(high - math.sqrt((1.0 - u) * right_c))
    return out


@njit(cache=True, nogil=True)  # type: ignore[misc]
def gather(table: Any, cells: Any, out: Any) -> None:  # pragma: no cover - compiled
    """`table.take(cells, out=out)` (cells are below the table's size by construction)."""
    for i in range(cells.size):
        out[i] = table[cells[i]]


@njit(cache=True, nogil=True)  # type: ignore[misc]
def add_border_wait(
    hours: Any, base_h: float, ahead_days: Any, opens_h: float
) -> None:  # pragma: no cover - compiled
    """`hours += simulate.border_wait(hours + base_h, …)` in place, as NumPy computes it:
    the clock and the wait in double precision, the sum rounded once to single."""
    for i in range(hours.size):
        clock = np.float64(hours[i]) + base_h
        day = math.floor(clock / 24.0)
        hour = clock - day * 24.0
        # np.mod(day, 7) of a whole number, then its index: Python's % of the integer.
        days_ahead = ahead_days[int(day) % 7]
        wait = days_ahead * 24.0 + opens_h - hour if days_ahead > 0 else 0.0
        hours[i] = np.float32(np.float64(hours[i]) + wait)


def warm_up() -> None:
    """Load the compiled loops now for the draws' types (see `selection.warm_up`)."""
    grid = np.full(2, 0.5)
    triangular_grid(grid, 0.0, 2.0, 0.5, 2.0, 2.0)
    gather(np.zeros(2, np.float32), np.zeros(2, np.uint16), np.empty(2, np.float32))
    add_border_wait(np.zeros(2, np.float32), 1.0, np.zeros(7), 8.0)
