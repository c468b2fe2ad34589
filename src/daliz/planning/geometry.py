"""Line geometry for maps: simplification (Ramer–Douglas–Peucker) and rounding."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TOLERANCE_DEG = 0.002  # ≈ 200 m: finer than any map of a corridor shows
DECIMALS = 5  # ≈ 1 m


def simplify(
    points: Sequence[tuple[float, float]], tolerance_deg: float = TOLERANCE_DEG
) -> list[tuple[float, float]]:
    """The points of a polyline that keep it within `tolerance_deg` of the original.

    Ramer–Douglas–Peucker on (lon, lat) degrees, iterative; ends are always kept.
    """
    n = len(points)
    if n <= 2:
        return [(float(x), float(y)) for x, y in points]
    xy = np.asarray(points, dtype=np.float64)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        start, end = xy[first], xy[last]
        segment = end - start
        inner = xy[first + 1 : last] - start
        length = float(np.hypot(segment[0], segment[1]))
        if length == 0.0:
            distance = np.hypot(inner[:, 0], inner[:, 1])
        else:
            distance = np.abs(segment[0] * inner[:, 1] - segment[1] * inner[:, 0]) / length
        farthest = int(np.argmax(distance))
        if distance[farthest] > tolerance_deg:
            index = first + 1 + farthest
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [(float(x), float(y)) for x, y in xy[keep]]


def rounded(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """Coordinates rounded for GeoJSON output."""
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points]
