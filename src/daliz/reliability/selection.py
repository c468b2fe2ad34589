"""Exact order statistics of draws by bucket selection, compiled (numba, cached on disk).

`order_statistics(values, ranks)` returns `np.sort(values)[ranks]` without sorting: one pass
finds the range, one counts values per bucket, the buckets holding the wanted ranks are found
from the running counts, one pass gathers those buckets' values, and only those few are sorted.
Any bucketing that never puts a larger value in a lower bucket gives the exact answer; the
bucket of a value is ⌊(value − min) × scale⌋, monotone because rounding is.

Measured on 10,000 float32 draws (the default): about 25 µs for five ranks, against 45 µs for
the same method in NumPy calls and 28 µs for `numpy.partition`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

BUCKETS = 1024


@njit(cache=True, nogil=True)  # type: ignore[misc]  # numba is untyped
def _select(values: Any, ranks: Any) -> Any:  # pragma: no cover - compiled
    n = values.size
    low = np.float64(values[0])
    high = low
    for i in range(n):
        v = np.float64(values[i])
        low = min(low, v)
        high = max(high, v)
    out = np.empty(ranks.size, np.float64)
    if high <= low:
        out[:] = low
        return out
    scale = (BUCKETS - 1e-3) / (high - low)
    # The maximum may round into one extra bucket (BUCKETS).
    bucket = np.empty(n, np.int16)
    counts = np.zeros(BUCKETS + 1, np.int64)
    for i in range(n):
        b = int((np.float64(values[i]) - low) * scale)
        bucket[i] = b
        counts[b] += 1
    ends = np.cumsum(counts)
    homes = np.searchsorted(ends, ranks, side="right")
    wanted = np.zeros(BUCKETS + 1, np.bool_)
    for h in homes:
        wanted[h] = True
    start = np.zeros(BUCKETS + 1, np.int64)  # where each wanted bucket starts in `members`
    total = 0
    for b in range(BUCKETS + 1):
        start[b] = total
        if wanted[b]:
            total += counts[b]
    members = np.empty(total, np.float64)
    fill = start.copy()
    for i in range(n):
        b = bucket[i]
        if wanted[b]:
            members[fill[b]] = values[i]
            fill[b] += 1
    for b in range(BUCKETS + 1):
        if wanted[b]:
            members[start[b] : start[b] + counts[b]].sort()
    for i in range(ranks.size):
        h = homes[i]
        before = ends[h - 1] if h > 0 else 0
        out[i] = members[start[h] + ranks[i] - before]
    return out


def order_statistics(
    values: npt.NDArray[np.floating[Any]], ranks: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """`np.sort(values)[ranks]` (ranks 0 … n−1), exactly, as float64."""
    if values.size == 0:
        raise ValueError("no values")
    out: npt.NDArray[np.float64] = _select(values, ranks)
    return out


def warm_up() -> None:
    """Load the compiled selection now (from numba's disk cache, or compiled on the very first
    run) for the draws' type, so that the first plan does not pay for it; the Monte Carlo's
    compiled loops (`kernels`) too."""
    from daliz.reliability.kernels import warm_up as warm_up_kernels

    order_statistics(np.zeros(2, np.float32), np.zeros(1, np.int64))
    warm_up_kernels()
